/*
 * xla_ffi_frame.h -- XLA FFI call frames built by hand, for the tests that call the
 * library's XLA FFI handlers directly (test_xla_ffi.c, test_alloc_fail.c). The structs
 * are the parts of xla/ffi/api/c_api.h (API 0.x, LP64) that the handlers read;
 * test_xla_ffi.c checks them against that header when jaxlib is installed.
 */
#ifndef DIFFAUROC_TESTS_XLA_FFI_FRAME_H
#define DIFFAUROC_TESTS_XLA_FFI_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- XLA FFI C API, the parts the handlers read (xla/ffi/api/c_api.h) ---- */

typedef struct {
    size_t struct_size;
    void *extension_start;
    int major_version, minor_version;
} ffi_api_version;

typedef struct {
    size_t struct_size;
    void *extension_start;
    const char *message;
    int errc;
} ffi_error_create_args;

typedef void *(*ffi_error_create)(ffi_error_create_args *args);

typedef struct {
    size_t struct_size;
    void *extension_start;
    ffi_api_version api_version;
    const void *internal_api;
    ffi_error_create error_create;
    void *error_get_message, *error_destroy, *more[16];
} ffi_api;

typedef struct {
    size_t struct_size;
    void *extension_start;
    int dtype;
    void *data;
    int64_t rank;
    int64_t *dims;
} ffi_buffer;

typedef struct {
    size_t struct_size;
    void *extension_start;
    int64_t size;
    int *types;
    void **pointers;
} ffi_list;

typedef struct {
    size_t struct_size;
    void *extension_start;
    int64_t size;
    void *types, *names, *attrs;
} ffi_attrs;

typedef struct {
    size_t struct_size;
    void *extension_start;
    const ffi_api *api;
    void *ctx;
    int stage;
    ffi_list args, rets;
    ffi_attrs attrs;
    void *future;
} ffi_call_frame;

typedef struct {
    size_t struct_size;
    int type;
    void *next;
} ffi_extension_base;

typedef struct {
    size_t struct_size;
    ffi_api_version api_version;
    uint32_t traits;
} ffi_metadata;

typedef struct {
    ffi_extension_base base;
    ffi_metadata *metadata;
} ffi_metadata_extension;

enum { F32 = 11, F64 = 12, STAGE_EXECUTE = 3, BUFFER = 1, INVALID_ARGUMENT = 3,
       RESOURCE_EXHAUSTED = 8, INTERNAL = 13 };
#define CALL_FRAME_STRUCT_SIZE (offsetof(ffi_call_frame, attrs) + sizeof(ffi_attrs))
#define BUFFER_STRUCT_SIZE sizeof(ffi_buffer)

/* ---- frames ---- */

typedef struct {
    ffi_buffer buffers[8];
    int64_t dims[8][2];
    int types[8];
    void *arg_pointers[6], *ret_pointers[4]; /* the HVP handler takes six arguments */
    ffi_call_frame frame;
} call;

static inline void set_buffer(call *c, int k, int dtype, void *data, int rank, int64_t d0, int64_t d1) {
    ffi_buffer *b = &c->buffers[k];
    memset(b, 0, sizeof *b);
    b->struct_size = BUFFER_STRUCT_SIZE;
    b->dtype = dtype;
    b->data = data;
    b->rank = rank;
    c->dims[k][0] = rank == 1 ? d1 : d0;
    c->dims[k][1] = d1;
    b->dims = c->dims[k];
}

/* args are buffers 0..nargs-1, results nargs..nargs+nrets-1 */
static inline ffi_call_frame *make_frame_with(call *c, const ffi_api *api, int nargs, int nrets) {
    int k;
    memset(&c->frame, 0, sizeof c->frame);
    c->frame.struct_size = CALL_FRAME_STRUCT_SIZE;
    c->frame.api = api;
    c->frame.stage = STAGE_EXECUTE;
    for (k = 0; k < 8; k++) c->types[k] = BUFFER;
    for (k = 0; k < nargs; k++) c->arg_pointers[k] = &c->buffers[k];
    for (k = 0; k < nrets; k++) c->ret_pointers[k] = &c->buffers[nargs + k];
    c->frame.args.struct_size = sizeof(ffi_list);
    c->frame.args.size = nargs;
    c->frame.args.types = c->types;
    c->frame.args.pointers = c->arg_pointers;
    c->frame.rets.struct_size = sizeof(ffi_list);
    c->frame.rets.size = nrets;
    c->frame.rets.types = c->types;
    c->frame.rets.pointers = c->ret_pointers;
    return &c->frame;
}

#endif /* DIFFAUROC_TESTS_XLA_FFI_FRAME_H */
