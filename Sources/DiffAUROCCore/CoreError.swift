/// Failures the algorithms can report. Input validation is not the core's job (the ABI
/// layer validates every argument before calling in); the only failure left here is
/// running out of memory, which must never trap the host process.
public enum CoreError: Error, Equatable {
    /// A temporary allocation failed (malloc returned NULL or the size overflowed).
    case allocationFailed
}
