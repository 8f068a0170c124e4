/*
 * test_xla_ffi.c -- the XLA FFI handlers of libdiffauroc (diffauroc_xla_ffi_soft,
 * diffauroc_xla_ffi_exact) called directly from C with hand-built call frames, as XLA
 * calls them: the answer for a NULL frame or API (DIFFAUROC_XLA_FFI_NO_API, never NULL,
 * which XLA reads as success), error messages that name the offending element, the
 * metadata query, and values equal to the plain C functions.
 *
 *   gcc -std=c99 -Wall -Wextra -Werror -pedantic -I include -I Tests/c \
 *       Tests/c/test_xla_ffi.c -o test_xla_ffi -L.build/release -ldiffauroc \
 *       -Wl,-rpath,$PWD/.build/release -lm
 *   ./test_xla_ffi          (last line: "N passed, N failed")
 *
 * The frame structs are written out here for LP64 from xla/ffi/api/c_api.h (API 0.x), so
 * the test needs no XLA. With -DDIFFAUROC_TEST_XLA_HEADER and jaxlib's include directory
 * (jax.ffi.include_dir()) on the include path, it also checks them against that header.
 */
#include "diffauroc.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "xla_ffi_frame.h"

#ifdef DIFFAUROC_TEST_XLA_HEADER
#include "xla/ffi/api/c_api.h"
#define SAME(a, b) _Static_assert((long)(a) == (long)(b), #a " == " #b)
SAME(offsetof(ffi_call_frame, api), offsetof(XLA_FFI_CallFrame, api));
SAME(offsetof(ffi_call_frame, stage), offsetof(XLA_FFI_CallFrame, stage));
SAME(offsetof(ffi_call_frame, args), offsetof(XLA_FFI_CallFrame, args));
SAME(offsetof(ffi_call_frame, rets), offsetof(XLA_FFI_CallFrame, rets));
SAME(CALL_FRAME_STRUCT_SIZE, XLA_FFI_CallFrame_STRUCT_SIZE);
SAME(offsetof(ffi_list, size), offsetof(XLA_FFI_Args, size));
SAME(offsetof(ffi_list, types), offsetof(XLA_FFI_Args, types));
SAME(offsetof(ffi_list, pointers), offsetof(XLA_FFI_Args, args));
SAME(sizeof(ffi_buffer), XLA_FFI_Buffer_STRUCT_SIZE);
SAME(offsetof(ffi_buffer, dtype), offsetof(XLA_FFI_Buffer, dtype));
SAME(offsetof(ffi_buffer, data), offsetof(XLA_FFI_Buffer, data));
SAME(offsetof(ffi_buffer, rank), offsetof(XLA_FFI_Buffer, rank));
SAME(offsetof(ffi_buffer, dims), offsetof(XLA_FFI_Buffer, dims));
SAME(offsetof(ffi_api, error_create), offsetof(XLA_FFI_Api, XLA_FFI_Error_Create));
SAME(offsetof(ffi_error_create_args, message), offsetof(XLA_FFI_Error_Create_Args, message));
SAME(offsetof(ffi_error_create_args, errc), offsetof(XLA_FFI_Error_Create_Args, errc));
SAME(offsetof(ffi_metadata_extension, metadata), offsetof(XLA_FFI_Metadata_Extension, metadata));
SAME(offsetof(ffi_metadata, api_version), offsetof(XLA_FFI_Metadata, api_version));
SAME(offsetof(ffi_metadata, traits), offsetof(XLA_FFI_Metadata, traits));
SAME(F32, XLA_FFI_DataType_F32);
SAME(F64, XLA_FFI_DataType_F64);
SAME(STAGE_EXECUTE, XLA_FFI_ExecutionStage_EXECUTE);
#endif

/* ---- checks ---- */

#include "check.h"

/* ---- a fake XLA: records the error it is asked to create ---- */

static char last_message[1024];
static int last_code = -1, creates = 0, create_returns_null = 0;
static int error_token; /* the "XLA_FFI_Error" the fake API hands out */

static void *fake_error_create(ffi_error_create_args *args) {
    creates++;
    last_code = args->errc;
    snprintf(last_message, sizeof last_message, "%s", args->message ? args->message : "(null)");
    return create_returns_null ? NULL : &error_token;
}

static ffi_api api;

static ffi_call_frame *make_frame(call *c, int nargs, int nrets) {
    return make_frame_with(c, &api, nargs, nrets);
}

static void init_api(void) {
    memset(&api, 0, sizeof api);
    api.struct_size = sizeof api;
    api.error_create = fake_error_create;
}

/* ---- tests ---- */

static void test_no_api(void) {
    static const double s[4] = {0.1, 0.4, 0.35, 0.8}, y[4] = {0, 0, 1, 1};
    double t = 1.0, v = -7;
    call c;
    ffi_api small;
    ffi_call_frame *f;
    void *r;
    CHECK(diffauroc_xla_ffi_soft(NULL) == DIFFAUROC_XLA_FFI_NO_API,
          "soft: NULL call frame -> DIFFAUROC_XLA_FFI_NO_API (not NULL, XLA's success)");
    CHECK(diffauroc_xla_ffi_exact(NULL) == DIFFAUROC_XLA_FFI_NO_API,
          "exact: NULL call frame -> DIFFAUROC_XLA_FFI_NO_API");
    CHECK(DIFFAUROC_XLA_FFI_NO_API != NULL, "DIFFAUROC_XLA_FFI_NO_API is not NULL");

    /* a well-formed soft call, but no API table */
    set_buffer(&c, 0, F64, (void *)s, 1, 0, 4);
    set_buffer(&c, 1, F64, (void *)y, 1, 0, 4);
    set_buffer(&c, 2, F64, &t, 0, 0, 0);
    set_buffer(&c, 3, F64, &v, 0, 0, 0);
    f = make_frame(&c, 3, 1);
    f->api = NULL;
    creates = 0;
    CHECK(diffauroc_xla_ffi_soft(f) == DIFFAUROC_XLA_FFI_NO_API,
          "soft: frame with NULL api -> DIFFAUROC_XLA_FFI_NO_API");
    CHECK(diffauroc_xla_ffi_exact(f) == DIFFAUROC_XLA_FFI_NO_API,
          "exact: frame with NULL api -> DIFFAUROC_XLA_FFI_NO_API");
    CHECK(v == -7, "NULL api: result not written");

    /* an API table too small to hold XLA_FFI_Error_Create, on a failing call */
    memset(&small, 0, sizeof small);
    small.struct_size = offsetof(ffi_api, error_create); /* ends before it */
    small.error_create = fake_error_create;
    f->api = &small;
    f->stage = 0; /* not the execute stage: an error */
    r = diffauroc_xla_ffi_soft(f);
    CHECK(r == DIFFAUROC_XLA_FFI_NO_API && creates == 0,
          "API table without XLA_FFI_Error_Create: DIFFAUROC_XLA_FFI_NO_API, nothing called");

    /* XLA_FFI_Error_Create returning NULL must not turn a failure into success */
    f->api = &api;
    create_returns_null = 1;
    r = diffauroc_xla_ffi_soft(f);
    create_returns_null = 0;
    CHECK(r == DIFFAUROC_XLA_FFI_NO_API && creates == 1,
          "XLA_FFI_Error_Create returns NULL: DIFFAUROC_XLA_FFI_NO_API");

    /* a frame too small: a real error through the API */
    f->stage = STAGE_EXECUTE;
    f->struct_size = CALL_FRAME_STRUCT_SIZE - 8;
    r = diffauroc_xla_ffi_exact(f);
    CHECK(r == &error_token && last_code == INTERNAL && strstr(last_message, "too small"),
          "call frame too small: an XLA INTERNAL error");
}

static void test_values_and_metadata(void) {
    static const double s[4] = {0.1, 0.4, 0.35, 0.8}, y[4] = {0, 0, 1, 1};
    double t = 0.5, v = -7, want = 0, g[4], dT = -7, gw[4], dTw = 0;
    call c;
    ffi_call_frame *f;
    ffi_metadata md;
    ffi_metadata_extension ext;
    set_buffer(&c, 0, F64, (void *)s, 1, 0, 4);
    set_buffer(&c, 1, F64, (void *)y, 1, 0, 4);
    set_buffer(&c, 2, F64, &t, 0, 0, 0);
    set_buffer(&c, 3, F64, &v, 0, 0, 0);
    set_buffer(&c, 4, F64, g, 1, 0, 4);
    set_buffer(&c, 5, F64, &dT, 0, 0, 0);
    f = make_frame(&c, 3, 3);
    CHECK(diffauroc_xla_ffi_soft(f) == NULL, "soft with gradient: success (NULL)");
    auroc_soft_grad(s, y, NULL, 4, 0.5, &want, gw, &dTw);
    CHECK(v == want && memcmp(g, gw, sizeof g) == 0 && dT == dTw,
          "soft: value, gradient and d/dT == auroc_soft_grad");
    set_buffer(&c, 2, F64, &v, 0, 0, 0);
    f = make_frame(&c, 2, 1);
    c.ret_pointers[0] = &c.buffers[2];
    CHECK(diffauroc_xla_ffi_exact(f) == NULL && v == 0.75, "exact: 0.75");

    memset(&md, 0, sizeof md);
    md.struct_size = sizeof md;
    ext.base.struct_size = sizeof ext;
    ext.base.type = 1; /* XLA_FFI_Extension_Metadata */
    ext.base.next = NULL;
    ext.metadata = &md;
    f->extension_start = &ext;
    CHECK(diffauroc_xla_ffi_soft(f) == NULL && md.api_version.major_version == 0 &&
              md.api_version.minor_version == 1,
          "metadata query answered: API version 0.1");
}

/* A failing batched call: returns the message of the error (or "" if none). */
static const char *soft_error(int dtype, void *s, void *y, void *w, int64_t rows, int64_t n,
                              void *t, int64_t temperatures) {
    static double values[16];
    call c;
    ffi_call_frame *f;
    void *r;
    int k, nargs = w ? 4 : 3;
    set_buffer(&c, 0, dtype, s, rows > 1 ? 2 : 1, rows, n);
    set_buffer(&c, 1, dtype, y, rows > 1 ? 2 : 1, rows, n);
    set_buffer(&c, 2, dtype, t, temperatures > 1 ? 1 : 0, 0, temperatures);
    if (w) set_buffer(&c, 3, dtype, w, rows > 1 ? 2 : 1, rows, n);
    for (k = 0; k < 16; k++) values[k] = -7;
    set_buffer(&c, nargs, F64, values, rows > 1 ? 1 : 0, 0, rows);
    f = make_frame(&c, nargs, 1);
    last_message[0] = 0;
    r = diffauroc_xla_ffi_soft(f);
    if (r != &error_token) return "";
    for (k = 0; k < 16; k++)
        if (values[k] != -7) return "(a value was written)";
    return last_message;
}

static void expect_message(const char *got, const char *part, int line) {
    char what[1400];
    snprintf(what, sizeof what, "message contains \"%s\": \"%s\"", part, got);
    check(strstr(got, part) != NULL, line, what);
}
#define EXPECT_MESSAGE(got, part) expect_message((got), (part), __LINE__)

static void test_messages(void) {
    double s[40], y[40], w[40], t[4] = {1, 1, 1, 1}, t1 = 1.0;
    float s32[40], y32[40], t32 = 1.0f;
    const char *m;
    int i;
    for (i = 0; i < 40; i++) {
        s[i] = 0.01 * i;
        y[i] = i % 2;
        w[i] = 1;
        s32[i] = (float)s[i];
        y32[i] = (float)y[i];
    }
    /* 4 rows of 10: a bad label at element 7 of row 3 */
    y[37] = 2.0;
    m = soft_error(F64, s, y, NULL, 4, 10, t, 4);
    EXPECT_MESSAGE(m, diffauroc_strerror(DIFFAUROC_E_BAD_LABEL));
    EXPECT_MESSAGE(m, "[status -3]: labels[7] = 2.0 in batch row 3");
    CHECK(strstr(m, "batch rows") == NULL, "one failing row: no list of rows");
    CHECK(last_code == INVALID_ARGUMENT, "bad label: INVALID_ARGUMENT");
    /* and a NaN score at element 0 of row 1: the lowest failing row is named */
    s[10] = NAN;
    m = soft_error(F64, s, y, NULL, 4, 10, t, 4);
    EXPECT_MESSAGE(m, "[status -2]: predictions[0] = nan in batch row 1 (batch rows 1, 3)");
    s[10] = 0.1;
    y[37] = 1;
    /* one row: no row named */
    y[3] = 0.1;
    m = soft_error(F64, s, y, NULL, 1, 10, &t1, 1);
    EXPECT_MESSAGE(m, ": labels[3] = 0.1");
    CHECK(strstr(m, "row") == NULL, "one row: no row in the message");
    y[3] = 1.0000000000000002;
    m = soft_error(F64, s, y, NULL, 1, 10, &t1, 1);
    EXPECT_MESSAGE(m, ": labels[3] = 0x1.0000000000001p+0");
    y[3] = -0.375;
    m = soft_error(F64, s, y, NULL, 1, 10, &t1, 1);
    EXPECT_MESSAGE(m, ": labels[3] = -0.375");
    y[3] = 4.9406564584124654e-324;
    m = soft_error(F64, s, y, NULL, 1, 10, &t1, 1);
    EXPECT_MESSAGE(m, ": labels[3] = 0x0.0000000000001p-1022");
    y[3] = 1e300;
    m = soft_error(F64, s, y, NULL, 1, 10, &t1, 1);
    EXPECT_MESSAGE(m, ": labels[3] = 0x1.7e43c8800759cp+996");
    y[3] = 1;
    /* weights, with the score checked first at the same index */
    w[4] = -1.5;
    m = soft_error(F64, s, y, w, 1, 10, &t1, 1);
    EXPECT_MESSAGE(m, "[status -4]: weights[4] = -1.5");
    s[4] = -INFINITY;
    m = soft_error(F64, s, y, w, 1, 10, &t1, 1);
    EXPECT_MESSAGE(m, "[status -2]: predictions[4] = -inf");
    s[4] = 0.04;
    w[4] = 1;
    /* temperature: per row and shared */
    t[2] = -1;
    m = soft_error(F64, s, y, NULL, 4, 10, t, 4);
    EXPECT_MESSAGE(m, "[status -5]: temperature = -1.0 in batch row 2");
    t[2] = 1;
    t1 = 0;
    m = soft_error(F64, s, y, NULL, 4, 10, &t1, 1);
    EXPECT_MESSAGE(m, "[status -5]: temperature = 0.0 in batch row 0 (batch rows 0, 1, 2, 3)");
    t1 = 1;
    /* float32 inputs: the value as float32 ("0.1", not 0.10000000149011612) */
    y32[12] = 0.1f;
    m = soft_error(F32, s32, y32, NULL, 2, 20, &t32, 1);
    EXPECT_MESSAGE(m, "[status -3]: labels[12] = 0.1 in batch row 0");
    y32[12] = 1e-45f;
    m = soft_error(F32, s32, y32, NULL, 2, 20, &t32, 1);
    EXPECT_MESSAGE(m, "[status -3]: labels[12] = 0x1p-149");
    y32[12] = 0;
    /* more than ten failing rows: ten listed, then "..." */
    {
        double sb[24], yb[24], tb = 1;
        for (i = 0; i < 24; i++) {
            sb[i] = i;
            yb[i] = 3; /* every row bad */
        }
        m = soft_error(F64, sb, yb, NULL, 12, 2, &tb, 1);
        EXPECT_MESSAGE(m, "labels[0] = 3.0 in batch row 0 (batch rows 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, ...)");
    }
    /* exact: one class names no element */
    {
        call c;
        ffi_call_frame *f;
        double v = -7, ones[4] = {1, 1, 1, 1};
        set_buffer(&c, 0, F64, s, 1, 0, 4);
        set_buffer(&c, 1, F64, ones, 1, 0, 4);
        set_buffer(&c, 2, F64, &v, 0, 0, 0);
        f = make_frame(&c, 2, 1);
        CHECK(diffauroc_xla_ffi_exact(f) == &error_token && v == -7, "exact, one class: error");
        EXPECT_MESSAGE(last_message, "[status -6]");
    }
}

/* ---- the Hessian-vector product handler ---- */

/* diffauroc_xla_ffi_soft_hvp on `rows` directions v (rows x n); samples are one row
 * shared by all (shared = 1) or one per direction; temperature and v_temperature one for
 * all or one per row. Returns the error message, "" on success, or "(an output was
 * written)" when a failed call wrote hv or hv_temperature. */
static double hvp_out[64], hvp_out_t[8];
static const char *hvp_call(int dtype, void *s, void *y, void *w, int shared, int64_t rows,
                            int64_t n, void *t, int64_t tcount, void *v, void *vt,
                            int64_t vtcount) {
    call c;
    ffi_call_frame *f;
    void *r;
    int k, nargs = w ? 6 : 5, srank = shared || rows == 1 ? 1 : 2;
    set_buffer(&c, 0, dtype, s, srank, rows, n);
    set_buffer(&c, 1, dtype, y, srank, rows, n);
    set_buffer(&c, 2, dtype, t, tcount > 1 ? 1 : 0, 0, tcount);
    set_buffer(&c, 3, dtype, v, rows > 1 ? 2 : 1, rows, n);
    set_buffer(&c, 4, dtype, vt, vtcount > 1 ? 1 : 0, 0, vtcount);
    if (w) set_buffer(&c, 5, dtype, w, srank, rows, n);
    for (k = 0; k < 64; k++) hvp_out[k] = -7;
    for (k = 0; k < 8; k++) hvp_out_t[k] = -7;
    set_buffer(&c, nargs, F64, hvp_out, rows > 1 ? 2 : 1, rows, n);
    set_buffer(&c, nargs + 1, F64, hvp_out_t, rows > 1 ? 1 : 0, 0, rows);
    f = make_frame(&c, nargs, 2);
    last_message[0] = 0;
    last_code = -1;
    r = diffauroc_xla_ffi_soft_hvp(f);
    if (r == NULL) return "";
    if (r != &error_token) return "(not an error of the fake API)";
    for (k = 0; k < 64; k++)
        if (hvp_out[k] != -7) return "(an output was written)";
    for (k = 0; k < 8; k++)
        if (hvp_out_t[k] != -7) return "(an output was written)";
    return last_message;
}

static void test_hvp(void) {
    /* shared samples: 8 of them; 3 directions */
    double s[24], y[24], w[24], v[24], t[3] = {0.7, 0.7, 0.7}, t1 = 0.7, vt[3] = {0.5, 0.5, 0.5},
           vt1 = 0.25, hv[8], hvt;
    float s32[8], y32[8], v32[8], t32 = 0.7f, vt32 = 0.25f;
    const char *m;
    int i, b, same = 1;
    for (i = 0; i < 24; i++) {
        s[i] = 0.1 * (i % 8) + 0.01 * (i / 8);
        y[i] = (i % 3 == 0);
        w[i] = 1 + (i % 2);
        v[i] = 0.5 - 0.05 * i;
    }
    for (i = 0; i < 8; i++) {
        s32[i] = (float)s[i];
        y32[i] = (float)y[i];
        v32[i] = (float)v[i];
    }
    /* success: each row equals auroc_soft_hvp on it, bit for bit */
    m = hvp_call(F64, s, y, w, 1, 3, 8, t, 3, v, vt, 3);
    CHECK(strcmp(m, "") == 0, "hvp, shared samples, 3 directions: success");
    for (b = 0; b < 3; b++) {
        CHECK(auroc_soft_hvp(s, y, w, 8, 0.7, v + 8 * b, 0.5, hv, &hvt) == DIFFAUROC_OK,
              "auroc_soft_hvp direct");
        same &= memcmp(hv, hvp_out + 8 * b, sizeof hv) == 0 && hvt == hvp_out_t[b];
    }
    CHECK(same, "hvp handler rows: the bits of auroc_soft_hvp on each direction");
    m = hvp_call(F64, s, y, NULL, 0, 3, 8, &t1, 1, v, &vt1, 1);
    same = strcmp(m, "") == 0;
    for (b = 0; b < 3; b++) {
        CHECK(auroc_soft_hvp(s + 8 * b, y + 8 * b, NULL, 8, 0.7, v + 8 * b, 0.25, hv, &hvt) ==
                  DIFFAUROC_OK, "auroc_soft_hvp direct, per-row samples");
        same &= memcmp(hv, hvp_out + 8 * b, sizeof hv) == 0 && hvt == hvp_out_t[b];
    }
    CHECK(same, "hvp handler, samples per row: the bits of auroc_soft_hvp on each row");

    /* a NaN in direction row 2, element 4 */
    v[20] = NAN;
    m = hvp_call(F64, s, y, w, 1, 3, 8, t, 3, v, vt, 3);
    EXPECT_MESSAGE(m, "diffauroc: the direction of a Hessian-vector product must be finite "
                      "[status -13]: v[4] = nan in batch row 2");
    CHECK(last_code == INVALID_ARGUMENT, "hvp, bad direction: INVALID_ARGUMENT");
    v[20] = 0;
    /* v_temperature per row: row 1 infinite */
    vt[1] = -INFINITY;
    m = hvp_call(F64, s, y, w, 1, 3, 8, t, 3, v, vt, 3);
    EXPECT_MESSAGE(m, "[status -13]: v_temperature = -inf in batch row 1");
    vt[1] = 0.5;
    /* shared samples with a bad label: every row fails, the first is named */
    y[3] = 2.0;
    m = hvp_call(F64, s, y, w, 1, 3, 8, t, 3, v, vt, 3);
    EXPECT_MESSAGE(m, diffauroc_strerror(DIFFAUROC_E_BAD_LABEL));
    EXPECT_MESSAGE(m, "[status -3]: labels[3] = 2.0 in batch row 0");
    y[3] = 1;
    /* samples per row: a negative weight at element 2 of row 1 */
    w[10] = -1.0;
    m = hvp_call(F64, s, y, w, 0, 3, 8, t, 3, v, vt, 3);
    EXPECT_MESSAGE(m, "[status -4]: weights[2] = -1.0 in batch row 1");
    w[10] = 2;
    /* and an infinite score at element 5 of row 2 */
    s[21] = INFINITY;
    m = hvp_call(F64, s, y, NULL, 0, 3, 8, t, 3, v, vt, 3);
    EXPECT_MESSAGE(m, "[status -2]: predictions[5] = inf in batch row 2");
    s[21] = 0.52;
    /* a bad temperature in row 2 */
    t[2] = -1;
    m = hvp_call(F64, s, y, NULL, 1, 3, 8, t, 3, v, vt, 3);
    EXPECT_MESSAGE(m, "[status -5]: temperature = -1.0 in batch row 2");
    t[2] = 0.7;
    /* one row, float32: the value as float32, no row named */
    y32[1] = 0.1f;
    m = hvp_call(F32, s32, y32, NULL, 1, 1, 8, &t32, 1, v32, &vt32, 1);
    EXPECT_MESSAGE(m, "[status -3]: labels[1] = 0.1");
    CHECK(strstr(m, "row") == NULL, "hvp, one row: no row in the message");
    y32[1] = 0;
    v32[6] = NAN;
    m = hvp_call(F32, s32, y32, NULL, 1, 1, 8, &t32, 1, v32, &vt32, 1);
    EXPECT_MESSAGE(m, "[status -13]: v[6] = nan");
    v32[6] = 0.25f;
    vt32 = INFINITY;
    m = hvp_call(F32, s32, y32, NULL, 1, 1, 8, &t32, 1, v32, &vt32, 1);
    EXPECT_MESSAGE(m, "[status -13]: v_temperature = inf");
    vt32 = 0.25f;
    /* shapes and signature */
    {
        call c;
        ffi_call_frame *f;
        set_buffer(&c, 0, F64, s, 1, 0, 8);
        set_buffer(&c, 1, F64, y, 1, 0, 7); /* labels one short */
        set_buffer(&c, 2, F64, &t1, 0, 0, 0);
        set_buffer(&c, 3, F64, v, 1, 0, 8);
        set_buffer(&c, 4, F64, &vt1, 0, 0, 0);
        set_buffer(&c, 5, F64, hvp_out, 1, 0, 8);
        set_buffer(&c, 6, F64, hvp_out_t, 0, 0, 0);
        f = make_frame(&c, 5, 2);
        CHECK(diffauroc_xla_ffi_soft_hvp(f) == &error_token && last_code == INVALID_ARGUMENT,
              "hvp, labels of another length: an error");
        EXPECT_MESSAGE(last_message, "diffauroc: XLA FFI shapes do not match");
        set_buffer(&c, 1, F64, y, 1, 0, 8);
        f = make_frame(&c, 4, 2); /* four arguments */
        CHECK(diffauroc_xla_ffi_soft_hvp(f) == &error_token, "hvp, four arguments: an error");
        EXPECT_MESSAGE(last_message, "diffauroc: bad XLA FFI call signature");
    }
}

int main(void) {
    init_api();
    test_no_api();
    test_values_and_metadata();
    test_messages();
    test_hvp();
    return check_summary();
}
