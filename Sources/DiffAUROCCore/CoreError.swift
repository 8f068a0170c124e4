/// Failures the algorithms can report. Input validation is not the core's job: the ABI
/// layer validates every argument and names the bad one. (The `...CheckingInputs` entry
/// points only tell whether some score, label or weight is bad, found in a pass they make
/// anyway, so that the ABI layer's own pass runs only then; they report it in their
/// result, not as an error.) The only failure left here is running out of memory, which
/// must never trap the host process.
public enum CoreError: Error, Equatable {
    /// A temporary allocation failed (malloc returned NULL or the size overflowed).
    case allocationFailed
}
