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

/// An XLA error carrying `message` (XLA copies it), or nil when the API table is unusable.
private func ffiError(
    _ api: UnsafeRawPointer?, _ code: Int32, _ message: String
) -> UnsafeMutableRawPointer? {
    guard let api, api.load(as: Int.self) >= FFI.apiErrorCreate + 8,
          let create = api.load(fromByteOffset: FFI.apiErrorCreate, as: ErrorCreate?.self)
    else { return nil }
    return message.withCString { text in
        // XLA_FFI_Error_Create_Args: struct_size 0, extension_start 8, message 16, errc 24;
        // its STRUCT_SIZE is 28 (through errc).
        withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { args in
            let base = args.baseAddress!
            base.storeBytes(of: 28, as: Int.self)
            base.storeBytes(of: nil, toByteOffset: 8, as: UnsafeRawPointer?.self)
            base.storeBytes(of: text, toByteOffset: 16, as: UnsafePointer<CChar>.self)
            base.storeBytes(of: code, toByteOffset: 24, as: Int32.self)
            base.storeBytes(of: 0, toByteOffset: 28, as: Int32.self)
            return create(base)
        }
    }
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

/// Up to four buffers (the handlers take at most four arguments and three results), held
/// inline.
private struct FFIBuffers {
    private(set) var count = 0
    private var storage: (FFIBuffer?, FFIBuffer?, FFIBuffer?, FFIBuffer?) = (nil, nil, nil, nil)
    static let capacity = 4

    mutating func append(_ buffer: FFIBuffer) {
        switch count {
        case 0: storage.0 = buffer
        case 1: storage.1 = buffer
        case 2: storage.2 = buffer
        default: storage.3 = buffer
        }
        count += 1
    }

    subscript(_ k: Int) -> FFIBuffer {
        switch k {
        case 0: return storage.0!
        case 1: return storage.1!
        case 2: return storage.2!
        default: return storage.3!
        }
    }
}

/// The call frame's buffers, or a reason it cannot be used. Handles the metadata query.
private enum Frame {
    case metadataAnswered
    case call(api: UnsafeRawPointer, args: FFIBuffers, rets: FFIBuffers)
    case failure(UnsafeMutableRawPointer?)
}

private func readFrame(_ frame: UnsafeMutableRawPointer?) -> Frame {
    guard let frame else { return .failure(nil) }
    let api = frame.load(fromByteOffset: FFI.frameAPI, as: UnsafeRawPointer?.self)
    guard let api else { return .failure(nil) }
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

/// The message for a failed batch: the library's, plus the rows that failed.
private func statusMessage(
    _ status: Int32, _ rowStatus: UnsafeMutablePointer<Int32>?, _ rows: Int
) -> String {
    let text = Status(rawValue: status)?.message.description
        ?? unknownStatusMessage.description
    var message = "diffauroc: \(text) [status \(status)]"
    if rows > 1, let rowStatus {
        var bad: [Int] = []
        for b in 0..<rows where rowStatus[b] < 0 {
            bad.append(b)
            if bad.count == 10 { break }
        }
        if !bad.isEmpty {
            message += " (batch row\(bad.count > 1 ? "s" : "") "
                + bad.map(String.init).joined(separator: ", ") + ")"
        }
    }
    return message
}

/// Shapes of a batched call: `rows` problems of `n` samples, from the scores' shape.
/// nil for a scalar or when the row count overflows (possible when n == 0).
private func rowsAndCount(_ scores: FFIBuffer) -> (rows: Int, n: Int)? {
    guard let n = scores.lastDimension else { return nil }
    return (scores.leadingCount, n)
}

@_cdecl("diffauroc_xla_ffi_soft")
public func diffaurocXLAFFISoft(_ frame: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let api: UnsafeRawPointer, args: FFIBuffers, rets: FFIBuffers
    switch readFrame(frame) {
    case .metadataAnswered: return nil
    case .failure(let error): return error
    case .call(let a, let ar, let re): (api, args, rets) = (a, ar, re)
    }
    // XLA runs custom calls with flush-to-zero and denormals-are-zero set (see
    // `enterIEEEMode`); the conversions below need IEEE subnormals too.
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
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
        return ffiError(api, FFI.errorResourceExhausted, "diffauroc: \(Status.noMemory.message)")
    }
    let status = aurocSoftGradBatch(
        s, y, w, UInt(rows), UInt(n), t, temperatureCount == 1 ? 0 : 1,
        valuesFull, grads, dtsFull, rowStatus)
    if status < 0 {
        return ffiError(api, FFI.errorInvalidArgument, statusMessage(status, rowStatus, rows))
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
    let api: UnsafeRawPointer, args: FFIBuffers, rets: FFIBuffers
    switch readFrame(frame) {
    case .metadataAnswered: return nil
    case .failure(let error): return error
    case .call(let a, let ar, let re): (api, args, rets) = (a, ar, re)
    }
    // XLA runs custom calls with flush-to-zero and denormals-are-zero set (see
    // `enterIEEEMode`); the conversions below need IEEE subnormals too.
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
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
        return ffiError(api, FFI.errorResourceExhausted, "diffauroc: \(Status.noMemory.message)")
    }
    let status = aurocExactBatch(s, y, w, UInt(rows), UInt(n), values, rowStatus)
    if status < 0 {
        return ffiError(api, FFI.errorInvalidArgument, statusMessage(status, rowStatus, rows))
    }
    rets[0].write(from: values!, count: rows)
    return nil
}
