/// The status codes of include/diffauroc.h, one case each, with their messages.
/// Keep this table and the header's in the same order; Tests/c checks they agree.
enum Status: Int32 {
    case ok = 0
    case warnOneClass = 1
    case warnBelowDiagonal = 2
    case warnNoVariance = 3
    case nullPointer = -1
    case nonfiniteScore = -2
    case badLabel = -3
    case badWeight = -4
    case badTemperature = -5
    case oneClass = -6
    case noMemory = -7
    case tooLarge = -8
    case capacity = -9
    case badRange = -10
    case weightSum = -11
    case badClass = -12
    case badTangent = -13

    /// A static, NUL-terminated message (string literals live for the whole process).
    var message: StaticString {
        switch self {
        case .ok: "success"
        case .warnOneClass:
            "no positive or no negative sample with positive weight: soft AUROC and its gradients are 0, the ROC curve's rate of the absent class is NaN"
        case .warnBelowDiagonal:
            "the partial area is below the diagonal's: McClish's standardized value is below 0.5 (pROC says NA)"
        case .warnNoVariance:
            "DeLong's variance is undefined with fewer than 2 positives or 2 negatives: AUCs written, covariances NaN (pROC says NA)"
        case .nullPointer: "a required pointer argument is NULL"
        case .nonfiniteScore: "scores must be finite (a score is NaN or infinite)"
        case .badLabel:
            "labels must be exactly 0 or 1 (a label is another value or NaN; pad with weight 0 instead)"
        case .badWeight: "weights must be finite and >= 0 (a weight is negative, NaN or infinite)"
        case .badTemperature: "temperature must be finite and > 0"
        case .oneClass:
            "AUROC is undefined: no positive or no negative sample with positive weight"
        case .noMemory: "out of memory: a temporary allocation failed"
        case .tooLarge:
            "n is too large (or, in a column function, n x k or an element's index): the workspace size overflows size_t"
        case .capacity:
            "capacity is too small for the ROC curve's points (a call with every output array NULL gives their count)"
        case .badRange:
            "the partial AUC range must be 0 <= lower < upper <= 1 on axis DIFFAUROC_AXIS_FPR or DIFFAUROC_AXIS_TPR"
        case .weightSum:
            "the weights of one class sum to more than 2^1022: the ROC curve's cumulative sums could overflow"
        case .badClass:
            "classes must be integers in [0, k) (a class is another value, a fraction or NaN)"
        case .badTangent:
            "the direction of a Hessian-vector product must be finite (an entry of v or v_temperature is NaN or infinite)"
        }
    }
}

let unknownStatusMessage: StaticString = "unknown diffauroc status code"

/// "MAJOR.MINOR.PATCH"; must equal DIFFAUROC_VERSION_STRING in include/diffauroc.h.
let libraryVersion: StaticString = "0.1.0"

@_cdecl("diffauroc_strerror")
public func diffaurocStrerror(_ status: Int32) -> UnsafePointer<CChar> {
    let message = Status(rawValue: status)?.message ?? unknownStatusMessage
    return UnsafeRawPointer(message.utf8Start).assumingMemoryBound(to: CChar.self)
}

@_cdecl("diffauroc_version")
public func diffaurocVersion() -> UnsafePointer<CChar> {
    UnsafeRawPointer(libraryVersion.utf8Start).assumingMemoryBound(to: CChar.self)
}
