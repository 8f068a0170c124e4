"""
    DiffAUROC

Julia bindings of libdiffauroc (include/diffauroc.h): the soft (sigmoid) AUROC with its
gradient, and the exact AUROC (ties count 1/2, as scikit-learn's `roc_auc_score`).

The library is opened at load time from `ENV["DIFFAUROC_LIBRARY"]` if set, else from
`../.build/release/libdiffauroc.so` next to this file (build it with
`swift build -c release` at the repository root). Only the standard library `Libdl` is
needed:

    include("julia/DiffAUROC.jl"); using .DiffAUROC
    auroc_exact([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])                    # 0.75
    auroc_soft([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]; temperature = 0.5)
    value, grad, dT = auroc_soft_grad(scores, labels; temperature = 0.5, weights = w)

Labels must be 0 or 1 (any `Real` or `Bool` vector); scores finite; weights `nothing` or
finite and >= 0 (weight 0 excludes a sample); temperature finite and > 0. Bad input throws
a `DiffAUROCError` carrying the library's status code and message. When there is no
positive or no negative sample, the soft functions return 0 (and a zero gradient) with a
`@warn`, and `auroc_exact` throws, since AUROC is then undefined.

Every call below is mirrored, with the same C types, by Tests/c/test_dlopen.c, which
stands in for this module where Julia is not installed.
"""
module DiffAUROC

using Libdl

export auroc_soft, auroc_soft_grad, auroc_exact, DiffAUROCError, library_version

"""The `DIFFAUROC_VERSION_STRING` of the header these bindings were written against."""
const HEADER_VERSION = "0.1.0"

# Status codes of include/diffauroc.h.
const DIFFAUROC_OK = Cint(0)
const DIFFAUROC_W_ONE_CLASS = Cint(1)
const DIFFAUROC_E_NULL_POINTER = Cint(-1)
const DIFFAUROC_E_NONFINITE_SCORE = Cint(-2)
const DIFFAUROC_E_BAD_LABEL = Cint(-3)
const DIFFAUROC_E_BAD_WEIGHT = Cint(-4)
const DIFFAUROC_E_BAD_TEMPERATURE = Cint(-5)
const DIFFAUROC_E_ONE_CLASS = Cint(-6)
const DIFFAUROC_E_NO_MEMORY = Cint(-7)
const DIFFAUROC_E_TOO_LARGE = Cint(-8)

"""
    DiffAUROCError(status, message)

A negative status of libdiffauroc; `message` is `diffauroc_strerror(status)`.
"""
struct DiffAUROCError <: Exception
    status::Cint
    message::String
end

Base.showerror(io::IO, e::DiffAUROCError) =
    print(io, "DiffAUROCError (status ", e.status, "): ", e.message)

# The library handle and one function pointer per export, filled in by __init__ (at load
# time, so that DIFFAUROC_LIBRARY is read when the module is loaded, not when precompiled).
const _library_path = Ref{String}("")
const _handle = Ref{Ptr{Cvoid}}(C_NULL)
const _auroc_soft = Ref{Ptr{Cvoid}}(C_NULL)
const _auroc_soft_grad = Ref{Ptr{Cvoid}}(C_NULL)
const _auroc_exact = Ref{Ptr{Cvoid}}(C_NULL)
const _diffauroc_strerror = Ref{Ptr{Cvoid}}(C_NULL)
const _diffauroc_version = Ref{Ptr{Cvoid}}(C_NULL)

default_library_path() =
    normpath(joinpath(@__DIR__, "..", ".build", "release", "libdiffauroc." * Libdl.dlext))

function __init__()
    path = get(ENV, "DIFFAUROC_LIBRARY", default_library_path())
    # RTLD_LAZY | RTLD_DEEPBIND are Julia's default dlopen flags; spelled out because
    # Tests/c/test_dlopen.c uses exactly these. Throws if the file cannot be loaded.
    handle = Libdl.dlopen(path, Libdl.RTLD_LAZY | Libdl.RTLD_DEEPBIND)
    _library_path[] = path
    _handle[] = handle
    # dlsym throws if a symbol is missing.
    _auroc_soft[] = Libdl.dlsym(handle, :auroc_soft)
    _auroc_soft_grad[] = Libdl.dlsym(handle, :auroc_soft_grad)
    _auroc_exact[] = Libdl.dlsym(handle, :auroc_exact)
    _diffauroc_strerror[] = Libdl.dlsym(handle, :diffauroc_strerror)
    _diffauroc_version[] = Libdl.dlsym(handle, :diffauroc_version)
    version = library_version()
    if version != HEADER_VERSION
        @warn "libdiffauroc at $path is version $version; these bindings expect $HEADER_VERSION"
    end
    return nothing
end

"""
    library_version() -> String

`diffauroc_version()` of the loaded library, "MAJOR.MINOR.PATCH".
"""
library_version() = unsafe_string(ccall(_diffauroc_version[], Cstring, ()))

"""
    status_message(status) -> String

`diffauroc_strerror(status)`: the library's message for a status code.
"""
status_message(status::Integer) =
    unsafe_string(ccall(_diffauroc_strerror[], Cstring, (Cint,), Cint(status)))

# Negative status: throw. Positive (the one-class warning): @warn and carry on, the
# outputs are defined (all 0).
function _check(status::Cint, name::Symbol)
    if status < 0
        throw(DiffAUROCError(status, status_message(status)))
    elseif status > 0
        @warn "$name: $(status_message(status)); returning 0"
    end
    return status
end

# Contiguous Float64 data, copied only when needed (Bool, Int, Float32, views, ...). The
# library never writes to its inputs, so a caller's Vector{Float64} is passed as is.
_float64(x::Vector{Float64}) = x
_float64(x::AbstractVector{<:Real}) = Vector{Float64}(x)

function _prepare(scores, labels, weights)
    n = length(scores)
    length(labels) == n ||
        throw(DimensionMismatch("scores has length $n, labels has length $(length(labels))"))
    weights === nothing || length(weights) == n ||
        throw(DimensionMismatch("scores has length $n, weights has length $(length(weights))"))
    s = _float64(scores)
    y = _float64(labels)
    w = weights === nothing ? nothing : _float64(weights)
    return s, y, w, Csize_t(n)
end

# NULL for "no weights" (every sample weight 1), else the vector itself: ccall converts a
# Vector{Float64} to Ptr{Cdouble} and keeps it rooted for the duration of the call.
_weights_arg(w::Nothing) = Ptr{Cdouble}(C_NULL)
_weights_arg(w::Vector{Float64}) = w

"""
    auroc_soft(scores, labels; temperature = 1.0, weights = nothing) -> Float64

The soft AUROC: the weighted mean over (positive i, negative j) pairs of
`sigmoid((scores[i] - scores[j]) / temperature)`. 0 with a warning when one class is empty.
"""
function auroc_soft(scores::AbstractVector{<:Real}, labels::AbstractVector{<:Real};
                    temperature::Real = 1.0,
                    weights::Union{Nothing,AbstractVector{<:Real}} = nothing)
    s, y, w, n = _prepare(scores, labels, weights)
    value = Ref{Cdouble}(0.0)
    status = ccall(_auroc_soft[], Cint,
                   (Ptr{Cdouble}, Ptr{Cdouble}, Ptr{Cdouble}, Csize_t, Cdouble, Ref{Cdouble}),
                   s, y, _weights_arg(w), n, Cdouble(temperature), value)
    _check(status, :auroc_soft)
    return value[]
end

"""
    auroc_soft_grad(scores, labels; temperature = 1.0, weights = nothing)
        -> (value::Float64, grad::Vector{Float64}, dtemperature::Float64)

The soft AUROC, its gradient with respect to every score (0 for weight-0 samples) and its
derivative with respect to the temperature. All 0 with a warning when one class is empty.
"""
function auroc_soft_grad(scores::AbstractVector{<:Real}, labels::AbstractVector{<:Real};
                         temperature::Real = 1.0,
                         weights::Union{Nothing,AbstractVector{<:Real}} = nothing)
    s, y, w, n = _prepare(scores, labels, weights)
    value = Ref{Cdouble}(0.0)
    grad = Vector{Float64}(undef, n)
    dtemperature = Ref{Cdouble}(0.0)
    status = ccall(_auroc_soft_grad[], Cint,
                   (Ptr{Cdouble}, Ptr{Cdouble}, Ptr{Cdouble}, Csize_t, Cdouble, Ref{Cdouble},
                    Ptr{Cdouble}, Ref{Cdouble}),
                   s, y, _weights_arg(w), n, Cdouble(temperature), value, grad, dtemperature)
    _check(status, :auroc_soft_grad)
    return value[], grad, dtemperature[]
end

"""
    auroc_exact(scores, labels; weights = nothing) -> Float64

The exact AUROC, tied scores counted 1/2 (scikit-learn's `roc_auc_score`). Throws a
`DiffAUROCError` when there is no positive or no negative sample.
"""
function auroc_exact(scores::AbstractVector{<:Real}, labels::AbstractVector{<:Real};
                     weights::Union{Nothing,AbstractVector{<:Real}} = nothing)
    s, y, w, n = _prepare(scores, labels, weights)
    value = Ref{Cdouble}(0.0)
    status = ccall(_auroc_exact[], Cint,
                   (Ptr{Cdouble}, Ptr{Cdouble}, Ptr{Cdouble}, Csize_t, Ref{Cdouble}),
                   s, y, _weights_arg(w), n, value)
    _check(status, :auroc_exact)
    return value[]
end

end # module DiffAUROC
