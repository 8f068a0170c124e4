/*
 * abi_types.h -- the function-pointer type of every libdiffauroc export, exactly as
 * test_dlopen.c (and julia/DiffAUROC.jl through ccall) call them after dlsym.
 *
 * test_link.c and test_link.cpp assign each export declared in include/diffauroc.h to
 * its type here, so any change to a prototype in the header that would make these calls
 * wrong fails to compile (-Werror) instead of silently passing the dlopen test.
 *
 * The Julia signatures these mirror (julia/DiffAUROC.jl):
 *   auroc_soft          Cint (Ptr{Cdouble}, Ptr{Cdouble}, Ptr{Cdouble}, Csize_t, Cdouble,
 *                             Ref{Cdouble})
 *   auroc_soft_grad     Cint (Ptr{Cdouble}, Ptr{Cdouble}, Ptr{Cdouble}, Csize_t, Cdouble,
 *                             Ref{Cdouble}, Ptr{Cdouble}, Ref{Cdouble})
 *   auroc_exact         Cint (Ptr{Cdouble}, Ptr{Cdouble}, Ptr{Cdouble}, Csize_t, Ref{Cdouble})
 *   diffauroc_strerror  Cstring (Cint,)
 *   diffauroc_version   Cstring ()
 *   diffauroc_find_invalid      Cint (Ptr{Cdouble}, Ptr{Cdouble}, Ptr{Cdouble}, Csize_t,
 *                                     Ref{Csize_t})  (not wrapped in Julia yet)
 * The batched, curve and partial AUC entry points are not wrapped in Julia; test_dlopen.c still resolves and
 * calls them, so that every export is reachable through dlsym.
 */
#ifndef DIFFAUROC_TESTS_ABI_TYPES_H
#define DIFFAUROC_TESTS_ABI_TYPES_H

#include <stddef.h>

typedef int (*diffauroc_soft_fn)(const double *scores, const double *labels,
                                 const double *weights, size_t n, double temperature,
                                 double *out_value);
typedef int (*diffauroc_soft_grad_fn)(const double *scores, const double *labels,
                                      const double *weights, size_t n, double temperature,
                                      double *out_value, double *out_grad,
                                      double *out_dtemperature);
typedef int (*diffauroc_exact_fn)(const double *scores, const double *labels,
                                  const double *weights, size_t n, double *out_value);
typedef int (*diffauroc_soft_grad_batch_fn)(const double *scores, const double *labels,
                                            const double *weights, size_t batch, size_t n,
                                            const double *temperatures,
                                            size_t temperature_stride, double *out_values,
                                            double *out_grads, double *out_dtemperatures,
                                            int *out_status);
typedef int (*diffauroc_exact_batch_fn)(const double *scores, const double *labels,
                                        const double *weights, size_t batch, size_t n,
                                        double *out_values, int *out_status);
typedef int (*diffauroc_find_invalid_fn)(const double *scores, const double *labels,
                                         const double *weights, size_t n, size_t *out_index);
typedef int (*diffauroc_find_invalid_f32_fn)(const float *scores, const float *labels,
                                             const float *weights, size_t n,
                                             size_t *out_index);
typedef int (*diffauroc_curve_fn)(const double *scores, const double *labels,
                                  const double *weights, size_t n, int drop_intermediate,
                                  size_t capacity, double *out_fpr, double *out_tpr,
                                  double *out_thresholds, size_t *out_count);
typedef int (*diffauroc_curve_f32_fn)(const float *scores, const float *labels,
                                      const float *weights, size_t n, int drop_intermediate,
                                      size_t capacity, double *out_fpr, double *out_tpr,
                                      double *out_thresholds, size_t *out_count);
typedef int (*diffauroc_partial_fn)(const double *scores, const double *labels,
                                    const double *weights, size_t n, int axis, double lower,
                                    double upper, double *out_area, double *out_standardized);
typedef int (*diffauroc_partial_f32_fn)(const float *scores, const float *labels,
                                        const float *weights, size_t n, int axis,
                                        double lower, double upper, double *out_area,
                                        double *out_standardized);
typedef const char *(*diffauroc_strerror_fn)(int status);
typedef const char *(*diffauroc_version_fn)(void);
typedef const char *(*diffauroc_kernels_fn)(void);

#endif /* DIFFAUROC_TESTS_ABI_TYPES_H */
