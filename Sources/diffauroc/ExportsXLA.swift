#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// XLA FFI handlers (include/diffauroc.h, "batched entry points"): the same computation as
// auroc_soft_grad_batch and auroc_exact_batch, called by XLA itself from a compiled JAX
// program (jax.ffi.ffi_call), so that no Python runs inside the step.
//
// The handler signature is XLA's C ABI, `XLA_FFI_Error *handler(XLA_FFI_CallFrame *)`
// (xla/ffi/api/c_api.h, API version 0.x). The structs are read here by byte offset, not
// through the XLA header, so nothing of XLA leaks into the build; the offsets below are
// those of that header on LP64 targets and are checked against the struct sizes XLA
// reports in each frame. Every check failure is returned as an XLA error, never a trap.

// ---- XLA FFI C ABI layout (LP64) ------------------------------------------------------

private enum FFI {
    // XLA_FFI_CallFrame
    static let frameStructSize = 0, frameExtension = 8, frameAPI = 16, frameStage = 32
    static let frameArgs = 40, frameRets = 80
    static let frameMinimumSize = 168  // XLA_FFI_CallFrame_STRUCT_SIZE (through attrs)
    // XLA_FFI_Args / XLA_FFI_Rets (relative): size, types, pointers
    static let listSize = 16, listTypes = 24, listPointers = 32
    // XLA_FFI_Buffer
    static let bufferDType = 16, bufferData = 24, bufferRank = 32, bufferDims = 40
    static let bufferMinimumSize = 48
    // XLA_FFI_Api: XLA_FFI_Error_Create is the first function pointer
    static let apiErrorCreate = 48
    // XLA_FFI_Extension_Base and XLA_FFI_Metadata_Extension / XLA_FFI_Metadata
    static let extensionType = 8, extensionMetadata = 24, metadataExtensionSize = 32
    static let metadataAPIVersion = 8, metadataTraits = 32, metadataMinimumSize = 36
    static let extensionTypeMetadata: Int32 = 1
    static let stageExecute: Int32 = 3
    static let argTypeBuffer: Int32 = 1
    static let dataTypeF32: Int32 = 11, dataTypeF64 = 12
    static let errorInvalidArgument: Int32 = 3, errorInternal: Int32 = 13
    static let errorResourceExhausted: Int32 = 8
    /// The API version this handler is written against (0.1: call frames, buffers,
    /// metadata extension; nothing newer is used).
    static let apiMajor: Int32 = 0, apiMinor: Int32 = 1
}

private typealias ErrorCreate =
    @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer?

/// What a handler returns when it must fail but cannot create an XLA error: the frame is
/// NULL, its API pointer is NULL, the API table has no XLA_FFI_Error_Create, or that
/// returned NULL. NULL would read as success (c_api.h: "Returning NULL error is
/// equivalent to returning absl::OkStatus()"), and an XLA_FFI_Error can only come from
/// the API, so the handler returns this documented non-NULL address instead
/// (DIFFAUROC_XLA_FFI_NO_API in include/diffauroc.h, (void *)-1 as POSIX's MAP_FAILED):
/// never an object, never dereferenced by the library. XLA itself always passes a frame
/// with its API, so only a direct caller can see it.
private var noAPIError: UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: -1)! }

/// A message being written into a fixed buffer on the stack (no Swift heap allocation,
/// which traps when memory is short): text past the capacity is cut, and the buffer is
/// always NUL-terminated.
private struct MessageWriter {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int  // bytes, the terminating NUL included
    private var length = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        base = buffer.baseAddress!
        capacity = buffer.count
        base[0] = 0
    }

    var text: UnsafePointer<CChar> {
        UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
    }

    mutating func append(byte: UInt8) {
        guard length + 1 < capacity else { return }
        base[length] = byte
        length += 1
        base[length] = 0
    }

    mutating func append(_ text: StaticString) {
        let bytes = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        for b in bytes { append(byte: b) }
    }

    mutating func append(_ value: Int) {
        if value < 0 { append(byte: UInt8(ascii: "-")) }
        var magnitude = value.magnitude, divisor: UInt = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            append(byte: UInt8(ascii: "0") + UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        }
    }

    /// `value` (a Double or a Float) as a decimal that reads back as exactly `value` in
    /// its own type: "nan", "inf", "-inf"; an integer as "2.0"; else the first of
    /// "d / 10^k" (k = 1, 2, ...; d below 2^(significand bits + 1), 10^k exact) whose
    /// correctly rounded quotient in that type is `value` (what a decimal parser returns
    /// for it, so 0.1 is "0.1"); else C's exact hexadecimal form of the value
    /// ("0x1.0000000000001p+0").
    mutating func append<F: BinaryFloatingPoint>(_ value: F) {
        if value.isNaN { return append("nan") }
        if value.sign == .minus { append(byte: UInt8(ascii: "-")) }
        let x = value.magnitude
        if x.isInfinite { return append("inf") }
        let exact = F(sign: .plus, exponent: F.Exponent(F.significandBitCount + 1),
                      significand: 1)
        if x < exact && x == x.rounded(.towardZero) {
            append(Int(x))
            return append(".0")
        }
        // 10^k must be exact (5^k < 2^(significand bits + 1): k <= 22 for Double, 10 for
        // Float) and fit in Int (k <= 18)
        let largestK = F.significandBitCount >= 52 ? 18 : 10
        var power: F = 1
        for k in 1...largestK {
            power *= 10
            let d = (x * power).rounded()
            guard d < exact else { break }
            if d / power == x {
                let digits = Int(d)
                var unit = 1
                for _ in 0..<k { unit *= 10 }
                append(digits / unit)
                append(byte: UInt8(ascii: "."))
                var rest = digits % unit
                for _ in 0..<k {
                    unit /= 10
                    append(byte: UInt8(ascii: "0") + UInt8(rest / unit))
                    rest %= unit
                }
                return
            }
        }
        appendHexadecimal(Double(x))
    }

    /// A finite, non-negative `x` in C's "%a" form.
    private mutating func appendHexadecimal(_ x: Double) {
        // hexadecimal: 0x<lead>.<13 hex digits, trailing zeros cut>p<exponent>
        let subnormal = x.exponentBitPattern == 0
        append(subnormal ? "0x0" : "0x1")
        var fraction = x.significandBitPattern
        if fraction != 0 {
            append(byte: UInt8(ascii: "."))
            var digits = 13
            while fraction & 0xF == 0 { fraction >>= 4; digits -= 1 }
            for i in stride(from: digits - 1, through: 0, by: -1) {
                let nibble = UInt8((fraction >> (4 * UInt64(i))) & 0xF)
                append(byte: nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10)
            }
        }
        append(byte: UInt8(ascii: "p"))
        let exponent = subnormal ? -1022 : Int(x.exponentBitPattern) - 1023
        if exponent >= 0 { append(byte: UInt8(ascii: "+")) }
        append(exponent)
    }
}

/// An XLA error whose message `write` composes (XLA copies it); `noAPIError` when the API
/// table cannot create one. The message lives on the stack: no heap allocation here.
private func ffiError(
    _ api: UnsafeRawPointer?, _ code: Int32, _ write: (inout MessageWriter) -> Void
) -> UnsafeMutableRawPointer {
    guard let api, api.load(as: Int.self) >= FFI.apiErrorCreate + 8,
          let create = api.load(fromByteOffset: FFI.apiErrorCreate, as: ErrorCreate?.self)
    else { return noAPIError }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 512) { buffer in
        var message = MessageWriter(buffer)
        write(&message)
        // XLA_FFI_Error_Create_Args: struct_size 0, extension_start 8, message 16, errc 24;
        // its STRUCT_SIZE is 28 (through errc).
        return withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { args in
            let base = args.baseAddress!
            base.storeBytes(of: 28, as: Int.self)
            base.storeBytes(of: nil, toByteOffset: 8, as: UnsafeRawPointer?.self)
            base.storeBytes(of: message.text, toByteOffset: 16, as: UnsafePointer<CChar>.self)
            base.storeBytes(of: code, toByteOffset: 24, as: Int32.self)
            base.storeBytes(of: 0, toByteOffset: 28, as: Int32.self)
            return create(base) ?? noAPIError
        }
    }
}

/// `ffiError` with a fixed message.
private func ffiError(
    _ api: UnsafeRawPointer?, _ code: Int32, _ text: StaticString
) -> UnsafeMutableRawPointer {
    ffiError(api, code) { $0.append(text) }
}

/// One buffer argument or result: element type, data, and of its shape what the handlers
/// use (no arrays: a handler call makes no Swift heap allocation, which could trap when
/// memory is short).
private struct FFIBuffer {
    let isDouble: Bool
    let data: UnsafeMutableRawPointer?
    /// The element count (init checked that it does not overflow).
    let count: Int
    /// The last dimension (nil for a scalar) and the product of the others.
    let lastDimension: Int?
    let leadingCount: Int

    /// Reads the XLA_FFI_Buffer at `pointer`; nil if it is malformed or not f32/f64.
    init?(_ pointer: UnsafeMutableRawPointer?) {
        guard let pointer,
              pointer.load(as: Int.self) >= FFI.bufferMinimumSize
        else { return nil }
        let dtype = pointer.load(fromByteOffset: FFI.bufferDType, as: Int32.self)
        guard dtype == FFI.dataTypeF32 || dtype == FFI.dataTypeF64 else { return nil }
        isDouble = dtype == FFI.dataTypeF64
        data = pointer.load(fromByteOffset: FFI.bufferData, as: UnsafeMutableRawPointer?.self)
        let rank = pointer.load(fromByteOffset: FFI.bufferRank, as: Int64.self)
        guard rank >= 0, rank <= 64 else { return nil }
        let dimsPointer = pointer.load(
            fromByteOffset: FFI.bufferDims, as: UnsafePointer<Int64>?.self)
        var total = 1, leading = 1
        for k in 0..<Int(rank) {
            guard let dimsPointer, dimsPointer[k] >= 0 else { return nil }
            let d = Int(dimsPointer[k])
            let (product, overflow) = total.multipliedReportingOverflow(by: d)
            guard !overflow else { return nil }
            total = product
            if k < Int(rank) - 1 {
                let (leadingProduct, leadingOverflow) = leading.multipliedReportingOverflow(by: d)
                guard !leadingOverflow else { return nil }
                leading = leadingProduct
            }
        }
        guard data != nil || total == 0 else { return nil }
        count = total
        if rank > 0, let dimsPointer {
            lastDimension = Int(dimsPointer[Int(rank) - 1])
        } else {
            lastDimension = nil
        }
        leadingCount = leading
    }

    /// Stores `count` values (rounded to nearest when the buffer is f32) from element 0.
    func write(from values: UnsafePointer<Double>, count: Int) {
        guard count > 0, let data else { return }
        if isDouble {
            data.assumingMemoryBound(to: Double.self).update(from: values, count: count)
        } else {
            let floats = data.assumingMemoryBound(to: Float.self)
            for i in 0..<count { floats[i] = Float(values[i]) }
        }
    }
}

/// Up to six buffers (the handlers take at most six arguments and three results), held
/// inline.
private struct FFIBuffers {
    private(set) var count = 0
    private var storage: (FFIBuffer?, FFIBuffer?, FFIBuffer?, FFIBuffer?, FFIBuffer?, FFIBuffer?) =
        (nil, nil, nil, nil, nil, nil)
    static let capacity = 6

    mutating func append(_ buffer: FFIBuffer) {
        switch count {
        case 0: storage.0 = buffer
        case 1: storage.1 = buffer
        case 2: storage.2 = buffer
        case 3: storage.3 = buffer
        case 4: storage.4 = buffer
        default: storage.5 = buffer
        }
        count += 1
    }

    subscript(_ k: Int) -> FFIBuffer {
        switch k {
        case 0: return storage.0!
        case 1: return storage.1!
        case 2: return storage.2!
        case 3: return storage.3!
        case 4: return storage.4!
        default: return storage.5!
        }
    }
}

/// The call frame's buffers, or a reason it cannot be used. Handles the metadata query.
private enum Frame {
    case metadataAnswered
    case call(api: UnsafeRawPointer, args: FFIBuffers, rets: FFIBuffers)
    case failure(UnsafeMutableRawPointer)
}

private func readFrame(_ frame: UnsafeMutableRawPointer?) -> Frame {
    guard let frame else { return .failure(noAPIError) }
    guard frame.load(as: Int.self) >= FFI.frameAPI + 8,
          let api = frame.load(fromByteOffset: FFI.frameAPI, as: UnsafeRawPointer?.self)
    else { return .failure(noAPIError) }
    guard frame.load(as: Int.self) >= FFI.frameMinimumSize else {
        return .failure(
            ffiError(api, FFI.errorInternal, "diffauroc: XLA FFI call frame too small"))
    }
    if let ext = frame.load(
        fromByteOffset: FFI.frameExtension, as: UnsafeMutableRawPointer?.self),
       ext.load(fromByteOffset: FFI.extensionType, as: Int32.self) == FFI.extensionTypeMetadata
    {
        // XLA asks which API version the handler was written for.
        guard ext.load(as: Int.self) >= FFI.metadataExtensionSize,
              let metadata = ext.load(
                fromByteOffset: FFI.extensionMetadata, as: UnsafeMutableRawPointer?.self),
              metadata.load(as: Int.self) >= FFI.metadataMinimumSize
        else {
            return .failure(
                ffiError(api, FFI.errorInternal, "diffauroc: bad XLA FFI metadata query"))
        }
        let version = metadata + FFI.metadataAPIVersion
        version.storeBytes(of: 28, as: Int.self)  // XLA_FFI_Api_Version_STRUCT_SIZE
        version.storeBytes(of: nil, toByteOffset: 8, as: UnsafeRawPointer?.self)
        version.storeBytes(of: FFI.apiMajor, toByteOffset: 16, as: Int32.self)
        version.storeBytes(of: FFI.apiMinor, toByteOffset: 20, as: Int32.self)
        metadata.storeBytes(of: UInt32(0), toByteOffset: FFI.metadataTraits, as: UInt32.self)
        return .metadataAnswered
    }
    guard frame.load(fromByteOffset: FFI.frameStage, as: Int32.self) == FFI.stageExecute else {
        return .failure(
            ffiError(api, FFI.errorInternal, "diffauroc: unexpected XLA FFI stage"))
    }
    func buffers(_ offset: Int) -> FFIBuffers? {
        let size = frame.load(fromByteOffset: offset + FFI.listSize, as: Int64.self)
        guard size >= 0, size <= FFIBuffers.capacity else { return nil }
        let types = frame.load(
            fromByteOffset: offset + FFI.listTypes, as: UnsafePointer<Int32>?.self)
        let pointers = frame.load(
            fromByteOffset: offset + FFI.listPointers,
            as: UnsafePointer<UnsafeMutableRawPointer?>?.self)
        var result = FFIBuffers()
        for k in 0..<Int(size) {
            guard let types, let pointers, types[k] == FFI.argTypeBuffer,
                  let buffer = FFIBuffer(pointers[k]) else { return nil }
            result.append(buffer)
        }
        return result
    }
    guard let args = buffers(FFI.frameArgs),
          let rets = buffers(FFI.frameRets)
    else {
        return .failure(ffiError(
            api, FFI.errorInvalidArgument,
            "diffauroc: XLA FFI arguments and results must be float32 or float64 arrays"))
    }
    return .call(api: api, args: args, rets: rets)
}

/// A malloc'ed array of `count` (at least 1) values, or nil on failure. Free with free().
private func scratch<T>(_ count: Int, of: T.Type) -> UnsafeMutablePointer<T>? {
    let capacity = Swift.max(count, 1)
    let (bytes, overflow) = capacity.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
    guard !overflow, let raw = malloc(bytes) else { return nil }
    return raw.bindMemory(to: T.self, capacity: capacity)
}

/// Converts a buffer of `count` elements to a malloc'ed Double array (nil on failure):
/// a copy, or one loop of conversions per element type (not a type test per element).
private func doubles(_ buffer: FFIBuffer, _ count: Int) -> UnsafeMutablePointer<Double>? {
    guard let p = scratch(count, of: Double.self) else { return nil }
    guard count > 0, let data = buffer.data else { return p }
    if buffer.isDouble {
        p.update(from: data.assumingMemoryBound(to: Double.self), count: count)
    } else {
        let floats = data.assumingMemoryBound(to: Float.self)
        for i in 0..<count { p[i] = Double(floats[i]) }
    }
    return p
}

/// "diffauroc: " and the library's out-of-memory message, as one static string.
private let noMemoryMessage: StaticString =
    "diffauroc: out of memory: a temporary allocation failed [status -7]"

/// The XLA error code for a status of the batched functions.
private func errorCode(_ status: Int32) -> Int32 {
    status == Status.noMemory.rawValue ? FFI.errorResourceExhausted : FFI.errorInvalidArgument
}

/// The converted inputs of a failed batched call, to name the offending element.
private struct CallInputs {
    let scores: UnsafePointer<Double>, labels: UnsafePointer<Double>
    let weights: UnsafePointer<Double>?
    let scoresAreDouble: Bool, labelsAreDouble: Bool, weightsAreDouble: Bool
    /// Soft only: the temperatures (one per row, or one for all).
    let temperatures: UnsafePointer<Double>?
    let temperatureCount: Int
    let temperaturesAreDouble: Bool
    let rows: Int, n: Int
}

/// ": labels[7] = 2.0": the first invalid sample of the row whose samples start at
/// `sampleStart`, as the caller wrote it, when it is what `status` reports; or
/// ": temperature = 0.0" for a bad temperature. Returns whether it wrote anything.
@discardableResult
private func appendOffendingInput(
    _ message: inout MessageWriter, status: Int32, sampleStart: Int, temperatureIndex: Int,
    _ inputs: CallInputs
) -> Bool {
    let n = inputs.n
    func row(_ p: UnsafePointer<Double>) -> UnsafeBufferPointer<Double> {
        UnsafeBufferPointer(start: p + sampleStart, count: n)
    }
    if let bad = firstInvalidSample(
        row(inputs.scores), row(inputs.labels), inputs.weights.map(row)),
       bad.status.rawValue == status
    {
        let (name, value, isDouble): (StaticString, Double, Bool)
        switch bad.status {
        case .nonfiniteScore:
            (name, value, isDouble) = ("predictions", inputs.scores[sampleStart + bad.index],
                                       inputs.scoresAreDouble)
        case .badLabel:
            (name, value, isDouble) = ("labels", inputs.labels[sampleStart + bad.index],
                                       inputs.labelsAreDouble)
        default:
            (name, value, isDouble) = ("weights", inputs.weights![sampleStart + bad.index],
                                       inputs.weightsAreDouble)
        }
        message.append(": ")
        message.append(name)
        message.append("[")
        message.append(bad.index)
        message.append("] = ")
        if isDouble { message.append(value) } else { message.append(Float(value)) }
        return true
    }
    if status == Status.badTemperature.rawValue, let temperatures = inputs.temperatures {
        message.append(": temperature = ")
        if inputs.temperaturesAreDouble {
            message.append(temperatures[temperatureIndex])
        } else {
            message.append(Float(temperatures[temperatureIndex]))
        }
        return true
    }
    return false
}

/// The message for a failed batch: "diffauroc: <the library's message> [status S]", then
/// for a bad sample or temperature the element of the lowest failing row as the caller
/// wrote it ("labels[7] = 2.0", the index within the row), then the row (" in batch row
/// 3") and, if several rows fail, which (" (batch rows 3, 5)", at most 10 listed).
private func writeStatusMessage(
    _ message: inout MessageWriter, _ status: Int32,
    _ rowStatus: UnsafeMutablePointer<Int32>, _ inputs: CallInputs
) {
    message.append("diffauroc: ")
    message.append(Status(rawValue: status)?.message ?? unknownStatusMessage)
    message.append(" [status ")
    message.append(Int(status))
    message.append("]")
    guard let first = (0..<inputs.rows).first(where: { rowStatus[$0] < 0 }) else { return }
    appendOffendingInput(
        &message, status: rowStatus[first], sampleStart: first * inputs.n,
        temperatureIndex: inputs.temperatureCount == 1 ? 0 : first, inputs)
    guard inputs.rows > 1 else { return }
    message.append(" in batch row ")
    message.append(first)
    var failing = 0
    for b in first..<inputs.rows where rowStatus[b] < 0 {
        failing += 1
        if failing > 10 { break }
    }
    guard failing > 1 else { return }
    message.append(" (batch rows ")
    var listed = 0
    for b in first..<inputs.rows where rowStatus[b] < 0 {
        if listed == 10 {
            message.append(", ...")
            break
        }
        if listed > 0 { message.append(", ") }
        message.append(b)
        listed += 1
    }
    message.append(")")
}

/// Shapes of a batched call: `rows` problems of `n` samples, from the scores' shape.
/// nil for a scalar or when the row count overflows (possible when n == 0).
private func rowsAndCount(_ scores: FFIBuffer) -> (rows: Int, n: Int)? {
    guard let n = scores.lastDimension else { return nil }
    return (scores.leadingCount, n)
}

/// Runs a handler's `body` on the frame's API and buffers, in IEEE mode: XLA runs custom
/// calls with flush-to-zero and denormals-are-zero set (see `enterIEEEMode`), and the
/// conversions and the library need IEEE subnormals. Answers the metadata query and
/// reports an unusable frame itself.
private func handleCall(
    _ frame: UnsafeMutableRawPointer?,
    _ body: (UnsafeRawPointer, FFIBuffers, FFIBuffers) -> UnsafeMutableRawPointer?
) -> UnsafeMutableRawPointer? {
    switch readFrame(frame) {
    case .metadataAnswered: return nil
    case .failure(let error): return error
    case .call(let api, let args, let rets):
        let mode = enterIEEEMode()
        defer { leaveIEEEMode(mode) }
        return body(api, args, rets)
    }
}

@_cdecl("diffauroc_xla_ffi_soft")
public func diffaurocXLAFFISoft(_ frame: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    handleCall(frame, softCall)
}

private func softCall(
    _ api: UnsafeRawPointer, _ args: FFIBuffers, _ rets: FFIBuffers
) -> UnsafeMutableRawPointer? {
    // args: scores (..., n), labels (..., n), temperature (...) or (), [weights (..., n)]
    // rets: value (...)  or  value (...), gradient (..., n), d/dT (...)
    guard args.count == 3 || args.count == 4, rets.count == 1 || rets.count == 3,
          let (rows, n) = rowsAndCount(args[0])
    else {
        return ffiError(api, FFI.errorInvalidArgument, "diffauroc: bad XLA FFI call signature")
    }
    let total = rows &* n
    let temperatureCount = args[2].count
    let withGrad = rets.count == 3
    guard args[1].count == total, args.count == 3 || args[3].count == total,
          temperatureCount == rows || temperatureCount == 1,
          rets[0].count == rows, !withGrad || (rets[1].count == total && rets[2].count == rows)
    else {
        return ffiError(api, FFI.errorInvalidArgument, "diffauroc: XLA FFI shapes do not match")
    }
    let s = doubles(args[0], total), y = doubles(args[1], total)
    let t = doubles(args[2], temperatureCount)
    let w = args.count == 4 ? doubles(args[3], total) : nil
    let grads = withGrad ? scratch(total, of: Double.self) : nil
    let rowStatus = scratch(rows, of: Int32.self)
    let valuesFull = scratch(rows, of: Double.self)
    let dtsFull = withGrad ? scratch(rows, of: Double.self) : nil
    defer {
        free(s); free(y); free(t); free(w); free(grads); free(valuesFull); free(dtsFull)
        free(rowStatus)
    }
    guard s != nil, y != nil, t != nil, args.count == 3 || w != nil,
          rowStatus != nil, valuesFull != nil, !withGrad || (grads != nil && dtsFull != nil)
    else {
        return ffiError(api, FFI.errorResourceExhausted, noMemoryMessage)
    }
    let status = aurocSoftGradBatch(
        s, y, w, UInt(rows), UInt(n), t, temperatureCount == 1 ? 0 : 1,
        valuesFull, grads, dtsFull, rowStatus)
    if status < 0, let s, let y, let t, let rowStatus {
        let inputs = CallInputs(
            scores: s, labels: y, weights: w.map { UnsafePointer($0) },
            scoresAreDouble: args[0].isDouble, labelsAreDouble: args[1].isDouble,
            weightsAreDouble: args.count == 4 && args[3].isDouble,
            temperatures: t, temperatureCount: temperatureCount,
            temperaturesAreDouble: args[2].isDouble, rows: rows, n: n)
        return ffiError(api, errorCode(status)) {
            writeStatusMessage(&$0, status, rowStatus, inputs)
        }
    }
    rets[0].write(from: valuesFull!, count: rows)
    if withGrad, let grads, let dtsFull {
        rets[1].write(from: grads, count: total)
        rets[2].write(from: dtsFull, count: rows)
    }
    return nil
}

@_cdecl("diffauroc_xla_ffi_exact")
public func diffaurocXLAFFIExact(_ frame: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    handleCall(frame, exactCall)
}

private func exactCall(
    _ api: UnsafeRawPointer, _ args: FFIBuffers, _ rets: FFIBuffers
) -> UnsafeMutableRawPointer? {
    // args: scores (..., n), labels (..., n), [weights (..., n)]; rets: value (...)
    guard args.count == 2 || args.count == 3, rets.count == 1,
          let (rows, n) = rowsAndCount(args[0])
    else {
        return ffiError(api, FFI.errorInvalidArgument, "diffauroc: bad XLA FFI call signature")
    }
    let total = rows &* n
    guard args[1].count == total, args.count == 2 || args[2].count == total,
          rets[0].count == rows
    else {
        return ffiError(api, FFI.errorInvalidArgument, "diffauroc: XLA FFI shapes do not match")
    }
    let s = doubles(args[0], total), y = doubles(args[1], total)
    let w = args.count == 3 ? doubles(args[2], total) : nil
    let rowStatus = scratch(rows, of: Int32.self)
    let values = scratch(rows, of: Double.self)
    defer {
        free(s); free(y); free(w); free(values)
        free(rowStatus)
    }
    guard s != nil, y != nil, args.count == 2 || w != nil, rowStatus != nil, values != nil else {
        return ffiError(api, FFI.errorResourceExhausted, noMemoryMessage)
    }
    let status = aurocExactBatch(s, y, w, UInt(rows), UInt(n), values, rowStatus)
    if status < 0, let s, let y, let rowStatus {
        let inputs = CallInputs(
            scores: s, labels: y, weights: w.map { UnsafePointer($0) },
            scoresAreDouble: args[0].isDouble, labelsAreDouble: args[1].isDouble,
            weightsAreDouble: args.count == 3 && args[2].isDouble,
            temperatures: nil, temperatureCount: 0, temperaturesAreDouble: true,
            rows: rows, n: n)
        return ffiError(api, errorCode(status)) {
            writeStatusMessage(&$0, status, rowStatus, inputs)
        }
    }
    rets[0].write(from: values!, count: rows)
    return nil
}

@_cdecl("diffauroc_xla_ffi_soft_hvp")
public func diffaurocXLAFFISoftHVP(_ frame: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    handleCall(frame, softHVPCall)
}

private func softHVPCall(
    _ api: UnsafeRawPointer, _ args: FFIBuffers, _ rets: FFIBuffers
) -> UnsafeMutableRawPointer? {
    // args: scores (..., n), labels (..., n), temperature (...) or (), v (..., n),
    //       v_temperature (...) or (), [weights (..., n)]
    // rets: hv (..., n), hv_temperature (...)
    // The rows are those of v; scores, labels and weights may also be one row (n) shared
    // by every row (a Hessian's columns: one problem, many directions).
    guard args.count == 5 || args.count == 6, rets.count == 2,
          let (rows, n) = rowsAndCount(args[3])
    else {
        return ffiError(api, FFI.errorInvalidArgument, "diffauroc: bad XLA FFI call signature")
    }
    let total = rows &* n
    let sampleCount = args[0].count
    let sampleStride = sampleCount == total ? n : 0
    let temperatureCount = args[2].count, tangentTemperatureCount = args[4].count
    guard sampleCount == total || sampleCount == n,
          args[1].count == sampleCount, args.count == 5 || args[5].count == sampleCount,
          temperatureCount == rows || temperatureCount == 1,
          tangentTemperatureCount == rows || tangentTemperatureCount == 1,
          rets[0].count == total, rets[1].count == rows
    else {
        return ffiError(api, FFI.errorInvalidArgument, "diffauroc: XLA FFI shapes do not match")
    }
    let s = doubles(args[0], sampleCount), y = doubles(args[1], sampleCount)
    let t = doubles(args[2], temperatureCount), v = doubles(args[3], total)
    let vt = doubles(args[4], tangentTemperatureCount)
    let w = args.count == 6 ? doubles(args[5], sampleCount) : nil
    let hv = scratch(total, of: Double.self), hvt = scratch(rows, of: Double.self)
    defer { free(s); free(y); free(t); free(v); free(vt); free(w); free(hv); free(hvt) }
    guard let s, let y, let t, let v, let vt, let hv, let hvt, args.count == 5 || w != nil else {
        return ffiError(api, FFI.errorResourceExhausted, noMemoryMessage)
    }
    for b in 0..<rows {
        let temperature = t[temperatureCount == 1 ? 0 : b]
        let vT = vt[tangentTemperatureCount == 1 ? 0 : b]
        let at = b * sampleStride
        let status = aurocSoftHVP(
            s + at, y + at, w.map { UnsafePointer($0 + at) }, UInt(n), temperature,
            v + b * n, vT, hv + b * n, hvt + b)
        guard status < 0 else { continue }
        return ffiError(api, errorCode(status)) { message in
            message.append("diffauroc: ")
            if status == badTangentStatus {
                message.append("the direction of a Hessian-vector product must be finite")
            } else {
                message.append(Status(rawValue: status)?.message ?? unknownStatusMessage)
            }
            message.append(" [status ")
            message.append(Int(status))
            message.append("]")
            let inputs = CallInputs(
                scores: s, labels: y, weights: w.map { UnsafePointer($0) },
                scoresAreDouble: args[0].isDouble, labelsAreDouble: args[1].isDouble,
                weightsAreDouble: args.count == 6 && args[5].isDouble,
                temperatures: t, temperatureCount: temperatureCount,
                temperaturesAreDouble: args[2].isDouble, rows: rows, n: n)
            let named = appendOffendingInput(
                &message, status: status, sampleStart: at,
                temperatureIndex: temperatureCount == 1 ? 0 : b, inputs)
            if !named, status == badTangentStatus {
                if let i = firstNonfinite(UnsafeBufferPointer(start: v + b * n, count: n)) {
                    message.append(": v[")
                    message.append(i)
                    message.append("] = ")
                    if args[3].isDouble { message.append(v[b * n + i]) } else { message.append(Float(v[b * n + i])) }
                } else {
                    message.append(": v_temperature = ")
                    if args[4].isDouble { message.append(vT) } else { message.append(Float(vT)) }
                }
            }
            if rows > 1 {
                message.append(" in batch row ")
                message.append(b)
            }
        }
    }
    rets[0].write(from: hv, count: total)
    rets[1].write(from: hvt, count: rows)
    return nil
}
