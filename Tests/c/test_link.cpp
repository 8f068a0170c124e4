// test_link.cpp -- the C contract of libdiffauroc, used from C++17.
//
//   g++ -std=c++17 -Wall -Wextra -Werror -pedantic -I include -I Tests/c
//       Tests/c/test_link.cpp -o test_link_cpp -L.build/release -ldiffauroc
//       -Wl,-rpath,$PWD/.build/release -pthread
//   ./test_link_cpp        (last line: "N passed, N failed"; exit status 1 on failure)
//
// Smaller than test_link.c: proves the header is valid C++ (extern "C", no C-only
// constructs), that the prototypes have the expected types, and that calls with
// std::vector data link and give the right values and a few error codes.
#include "diffauroc.h"
#include "abi_types.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

// The prototypes, checked at compile time.
static_assert(std::is_same<decltype(&auroc_soft), diffauroc_soft_fn>::value, "auroc_soft");
static_assert(std::is_same<decltype(&auroc_soft_grad), diffauroc_soft_grad_fn>::value,
              "auroc_soft_grad");
static_assert(std::is_same<decltype(&auroc_exact), diffauroc_exact_fn>::value, "auroc_exact");
static_assert(std::is_same<decltype(&auroc_soft_grad_batch), diffauroc_soft_grad_batch_fn>::value,
              "auroc_soft_grad_batch");
static_assert(std::is_same<decltype(&auroc_exact_batch), diffauroc_exact_batch_fn>::value,
              "auroc_exact_batch");
static_assert(std::is_same<decltype(&diffauroc_strerror), diffauroc_strerror_fn>::value,
              "diffauroc_strerror");
static_assert(std::is_same<decltype(&diffauroc_version), diffauroc_version_fn>::value,
              "diffauroc_version");
static_assert(std::is_same<decltype(&diffauroc_kernels), diffauroc_kernels_fn>::value,
              "diffauroc_kernels");
static_assert(std::is_same<decltype(&diffauroc_find_invalid), diffauroc_find_invalid_fn>::value,
              "diffauroc_find_invalid");
static_assert(
    std::is_same<decltype(&diffauroc_find_invalid_f32), diffauroc_find_invalid_f32_fn>::value,
    "diffauroc_find_invalid_f32");
static_assert(DIFFAUROC_VERSION_NUMBER ==
                  DIFFAUROC_VERSION_MAJOR * 10000 + DIFFAUROC_VERSION_MINOR * 100 +
                      DIFFAUROC_VERSION_PATCH,
              "version number");
static_assert(std::is_same<decltype(&auroc_curve), diffauroc_curve_fn>::value, "auroc_curve");
static_assert(std::is_same<decltype(&auroc_curve_f32), diffauroc_curve_f32_fn>::value,
              "auroc_curve_f32");
static_assert(std::is_same<decltype(&auroc_partial), diffauroc_partial_fn>::value,
              "auroc_partial");
static_assert(std::is_same<decltype(&auroc_partial_f32), diffauroc_partial_f32_fn>::value,
              "auroc_partial_f32");
static_assert(DIFFAUROC_W_BELOW_DIAGONAL == 2 && DIFFAUROC_E_CAPACITY == -9 &&
                  DIFFAUROC_E_BAD_RANGE == -10 && DIFFAUROC_E_WEIGHT_SUM == -11 &&
                  DIFFAUROC_AXIS_FPR == 0 && DIFFAUROC_AXIS_TPR == 1,
              "curve status codes and axes");
// The column functions (issue 12): prototypes and the class status.
static_assert(std::is_same<decltype(&auroc_exact_columns),
                           int (*)(const double *, std::size_t, std::size_t, std::size_t,
                                   std::size_t, const double *, std::size_t, std::size_t,
                                   const double *, double *, int *)>::value,
              "auroc_exact_columns");
static_assert(std::is_same<decltype(&auroc_exact_columns_f32),
                           int (*)(const float *, std::size_t, std::size_t, std::size_t,
                                   std::size_t, const float *, std::size_t, std::size_t,
                                   const float *, double *, int *)>::value,
              "auroc_exact_columns_f32");
static_assert(std::is_same<decltype(&auroc_exact_ovr),
                           int (*)(const double *, std::size_t, std::size_t, std::size_t,
                                   std::size_t, const double *, const double *, double *,
                                   int *)>::value,
              "auroc_exact_ovr");
static_assert(std::is_same<decltype(&auroc_exact_ovr_f32),
                           int (*)(const float *, std::size_t, std::size_t, std::size_t,
                                   std::size_t, const float *, const float *, double *,
                                   int *)>::value,
              "auroc_exact_ovr_f32");
static_assert(std::is_same<decltype(&auroc_exact_ovo),
                           int (*)(const double *, std::size_t, std::size_t, std::size_t,
                                   std::size_t, const double *, double *, int *)>::value,
              "auroc_exact_ovo");
static_assert(std::is_same<decltype(&auroc_exact_ovo_f32),
                           int (*)(const float *, std::size_t, std::size_t, std::size_t,
                                   std::size_t, const float *, double *, int *)>::value,
              "auroc_exact_ovo_f32");
static_assert(std::is_same<decltype(&auroc_partial_columns),
                           int (*)(const double *, std::size_t, std::size_t, std::size_t,
                                   std::size_t, const double *, std::size_t, std::size_t,
                                   const double *, int, double, double, double *, double *,
                                   int *)>::value,
              "auroc_partial_columns");
static_assert(std::is_same<decltype(&auroc_partial_columns_f32),
                           int (*)(const float *, std::size_t, std::size_t, std::size_t,
                                   std::size_t, const float *, std::size_t, std::size_t,
                                   const float *, int, double, double, double *, double *,
                                   int *)>::value,
              "auroc_partial_columns_f32");
static_assert(std::is_same<decltype(&auroc_exact_ovr_rowsums),
                           int (*)(const double *, std::size_t, std::size_t, std::size_t,
                                   std::size_t, const double *, const double *, double *,
                                   int *, double *)>::value,
              "auroc_exact_ovr_rowsums");
static_assert(std::is_same<decltype(&auroc_exact_ovr_rowsums_f32),
                           int (*)(const float *, std::size_t, std::size_t, std::size_t,
                                   std::size_t, const float *, const float *, double *,
                                   int *, double *)>::value,
              "auroc_exact_ovr_rowsums_f32");
static_assert(DIFFAUROC_E_BAD_CLASS == -12, "class status code");
// Status codes are usable as integer constant expressions.
static_assert(DIFFAUROC_OK == 0 && DIFFAUROC_W_ONE_CLASS == 1 && DIFFAUROC_E_TOO_LARGE == -8,
              "status codes");

namespace {

int passed = 0;
int failed = 0;

void check(bool ok, int line, const std::string &what) {
    if (ok) {
        ++passed;
    } else {
        ++failed;
        std::printf("FAIL line %d: %s\n", line, what.c_str());
    }
}

void check_close(double got, double want, double tol, int line, const std::string &what) {
    bool ok = got == want || std::fabs(got - want) <= tol;
    char detail[128];
    std::snprintf(detail, sizeof detail, " (got %.17g, expected %.17g)", got, want);
    check(ok, line, what + (ok ? "" : detail));
}

#define CHECK(cond, what) check((cond), __LINE__, (what))
#define CHECK_CLOSE(got, want, tol, what) check_close((got), (want), (tol), __LINE__, (what))

constexpr double kSentinel = -12345.6789;

}  // namespace

int main() {
    const std::vector<double> scores{0.1, 0.4, 0.35, 0.8};
    const std::vector<double> labels{0, 0, 1, 1};
    const std::vector<double> weights{1, 2, 3, 4};
    const std::size_t n = scores.size();

    // version, strerror
    CHECK(std::string(diffauroc_version()) == DIFFAUROC_VERSION_STRING,
          "diffauroc_version() == DIFFAUROC_VERSION_STRING");
    CHECK(std::string(diffauroc_strerror(-1000)) == "unknown diffauroc status code",
          "strerror of an unknown code");
    CHECK(std::string(diffauroc_strerror(DIFFAUROC_E_BAD_LABEL)) !=
              std::string(diffauroc_strerror(DIFFAUROC_E_BAD_WEIGHT)),
          "distinct messages");

    // exact
    double v = kSentinel;
    CHECK(auroc_exact(scores.data(), labels.data(), nullptr, n, &v) == DIFFAUROC_OK,
          "auroc_exact OK");
    CHECK_CLOSE(v, 0.75, 0.0, "exact AUROC 0.75");
    CHECK(auroc_exact(scores.data(), labels.data(), weights.data(), n, &v) == DIFFAUROC_OK,
          "weighted auroc_exact OK");
    CHECK_CLOSE(v, 15.0 / 21.0, 1e-15, "weighted exact AUROC 5/7");
    {
        const std::vector<double> tied(6, 1.5);
        const std::vector<double> y{1, 0, 0, 1, 0, 1};
        CHECK(auroc_exact(tied.data(), y.data(), nullptr, tied.size(), &v) == DIFFAUROC_OK,
              "all tied OK");
        CHECK_CLOSE(v, 0.5, 0.0, "all tied: 0.5");
    }

    // ROC curve: count, then std::vector of that size (scikit-learn's example)
    {
        std::size_t count = 0;
        CHECK(auroc_curve(scores.data(), labels.data(), nullptr, n, 1, 0, nullptr, nullptr,
                          nullptr, &count) == DIFFAUROC_OK && count == 5,
              "auroc_curve count only: 5");
        std::vector<double> fpr(count, kSentinel), tpr(count, kSentinel), thr(count, kSentinel);
        std::size_t got = 0;
        CHECK(auroc_curve(scores.data(), labels.data(), nullptr, n, 1, count, fpr.data(),
                          tpr.data(), thr.data(), &got) == DIFFAUROC_OK && got == count,
              "auroc_curve OK");
        CHECK((fpr == std::vector<double>{0, 0, 0.5, 0.5, 1}) &&
                  (tpr == std::vector<double>{0, 0.5, 0.5, 1, 1}) &&
                  (thr == std::vector<double>{std::numeric_limits<double>::infinity(), 0.8, 0.4,
                                              0.35, 0.1}),
              "auroc_curve: scikit-learn's example");
        std::vector<double> small(count - 1, kSentinel);
        got = 77;
        CHECK(auroc_curve(scores.data(), labels.data(), nullptr, n, 1, small.size(), small.data(),
                          nullptr, nullptr, &got) == DIFFAUROC_E_CAPACITY &&
                  got == 77 && small[0] == kSentinel,
              "auroc_curve capacity count - 1: E_CAPACITY, nothing written");
        const std::vector<float> s32(scores.begin(), scores.end()), y32(labels.begin(), labels.end());
        CHECK(auroc_curve_f32(s32.data(), y32.data(), nullptr, n, 0, 0, nullptr, nullptr, nullptr,
                              &got) == DIFFAUROC_OK && got == 5,
              "auroc_curve_f32 count only");
        double area = kSentinel, st = kSentinel;
        CHECK(auroc_partial(scores.data(), labels.data(), nullptr, n, DIFFAUROC_AXIS_FPR, 0, 0.25,
                            &area, &st) == DIFFAUROC_OK,
              "auroc_partial OK");
        CHECK_CLOSE(area, 0.125, 1e-15, "partial area FPR [0, 0.25]");
        CHECK_CLOSE(st, 5.0 / 7.0, 1e-15, "McClish 5/7 (sklearn max_fpr=0.25)");
        CHECK(auroc_partial_f32(s32.data(), y32.data(), nullptr, n, DIFFAUROC_AXIS_TPR, 0.5, 1.0,
                                &area, nullptr) == DIFFAUROC_OK,
              "auroc_partial_f32 OK");
        CHECK_CLOSE(area, 0.25, 1e-15, "partial area TPR [0.5, 1]");
        CHECK(auroc_partial(scores.data(), labels.data(), nullptr, n, DIFFAUROC_AXIS_FPR, 0.5, 0.5,
                            &area, &st) == DIFFAUROC_E_BAD_RANGE,
              "auroc_partial empty range: E_BAD_RANGE");
        const std::vector<double> flipped{1, 1, 0, 0};
        CHECK(auroc_partial(scores.data(), flipped.data(), nullptr, n, DIFFAUROC_AXIS_FPR, 0, 0.5,
                            nullptr, &st) == DIFFAUROC_W_BELOW_DIAGONAL && st < 0.5,
              "auroc_partial below the diagonal: W_BELOW_DIAGONAL, value < 0.5");
    }

    // soft, one pair: 1 / (1 + exp(-d / T))
    {
        const std::vector<double> s{0.9, 0.2}, y{1, 0};
        const double T = 0.3, d = 0.9 - 0.2;
        double value = kSentinel, dT = kSentinel;
        std::vector<double> grad(2, kSentinel);
        CHECK(auroc_soft(s.data(), y.data(), nullptr, 2, T, &value) == DIFFAUROC_OK, "auroc_soft OK");
        CHECK_CLOSE(value, 1.0 / (1.0 + std::exp(-d / T)), 1e-15, "soft pair value");
        CHECK(auroc_soft_grad(s.data(), y.data(), nullptr, 2, T, &value, grad.data(), &dT) ==
                  DIFFAUROC_OK,
              "auroc_soft_grad OK");
        const double e = std::exp(-d / T), slope = e / ((1 + e) * (1 + e));
        CHECK_CLOSE(grad[0], slope / T, 1e-14, "d/ds_pos");
        CHECK_CLOSE(grad[1], -slope / T, 1e-14, "d/ds_neg");
        CHECK_CLOSE(dT, -slope * d / (T * T), 1e-14, "d/dT");
    }

    // soft with weights: gradient vs central finite differences
    {
        const double T = 0.5;
        double value = kSentinel, dT = kSentinel;
        std::vector<double> grad(n, kSentinel);
        CHECK(auroc_soft_grad(scores.data(), labels.data(), weights.data(), n, T, &value,
                              grad.data(), &dT) == DIFFAUROC_OK,
              "weighted auroc_soft_grad OK");
        for (std::size_t k = 0; k < n; ++k) {
            std::vector<double> plus = scores, minus = scores;
            const double h = 1e-6;
            plus[k] += h;
            minus[k] -= h;
            double fp = 0, fm = 0;
            auroc_soft(plus.data(), labels.data(), weights.data(), n, T, &fp);
            auroc_soft(minus.data(), labels.data(), weights.data(), n, T, &fm);
            CHECK_CLOSE(grad[k], (fp - fm) / (plus[k] - minus[k]), 1e-7,
                        "gradient vs finite difference, sample " + std::to_string(k));
        }
    }

    // errors: code and untouched outputs
    {
        std::vector<double> bad_labels = labels;
        bad_labels[2] = 0.5;
        double value = kSentinel;
        CHECK(auroc_exact(scores.data(), bad_labels.data(), nullptr, n, &value) ==
                  DIFFAUROC_E_BAD_LABEL,
              "label 0.5 -> DIFFAUROC_E_BAD_LABEL");
        CHECK(value == kSentinel, "out_value untouched on error");

        std::vector<double> bad_scores = scores;
        bad_scores[1] = std::numeric_limits<double>::quiet_NaN();
        std::vector<double> grad(n, kSentinel);
        CHECK(auroc_soft_grad(bad_scores.data(), labels.data(), nullptr, n, 1.0, &value,
                              grad.data(), nullptr) == DIFFAUROC_E_NONFINITE_SCORE,
              "NaN score -> DIFFAUROC_E_NONFINITE_SCORE");
        CHECK(value == kSentinel && grad == std::vector<double>(n, kSentinel),
              "outputs untouched on error");

        CHECK(auroc_soft(scores.data(), labels.data(), nullptr, n, 0.0, &value) ==
                  DIFFAUROC_E_BAD_TEMPERATURE,
              "T = 0 -> DIFFAUROC_E_BAD_TEMPERATURE");
        CHECK(auroc_soft(nullptr, labels.data(), nullptr, n, 1.0, &value) ==
                  DIFFAUROC_E_NULL_POINTER,
              "scores nullptr -> DIFFAUROC_E_NULL_POINTER");

        const std::vector<double> ones(n, 1.0);
        CHECK(auroc_soft(scores.data(), ones.data(), nullptr, n, 1.0, &value) ==
                  DIFFAUROC_W_ONE_CLASS,
              "one class -> DIFFAUROC_W_ONE_CLASS");
        CHECK(value == 0.0, "one class: soft value 0");
        value = kSentinel;
        CHECK(auroc_exact(scores.data(), ones.data(), nullptr, n, &value) ==
                  DIFFAUROC_E_ONE_CLASS,
              "one class -> DIFFAUROC_E_ONE_CLASS");
        CHECK(value == kSentinel, "exact: out_value untouched");

        const std::vector<double> empty;
        CHECK(auroc_soft(empty.data(), empty.data(), nullptr, 0, 1.0, &value) ==
                  DIFFAUROC_W_ONE_CLASS,
              "empty std::vector -> DIFFAUROC_W_ONE_CLASS");
    }

    // diffauroc_find_invalid: the index of the first bad sample, for a message
    {
        std::vector<double> y = labels, w = weights;
        std::size_t index = 99;
        CHECK(diffauroc_find_invalid(scores.data(), y.data(), w.data(), n, &index) ==
                  DIFFAUROC_OK && index == 99,
              "diffauroc_find_invalid: valid -> OK, index untouched");
        y[3] = 2.0;
        w[1] = -1.0;
        CHECK(diffauroc_find_invalid(scores.data(), y.data(), w.data(), n, &index) ==
                  DIFFAUROC_E_BAD_WEIGHT && index == 1,
              "diffauroc_find_invalid: weights[1] = -1 before labels[3] = 2");
        CHECK(diffauroc_find_invalid(scores.data(), y.data(), nullptr, n, &index) ==
                  DIFFAUROC_E_BAD_LABEL && index == 3,
              "diffauroc_find_invalid: unweighted: labels[3] = 2");
        std::string message = "labels[" + std::to_string(index) + "] = " +
                              std::to_string(static_cast<int>(y[index]));
        CHECK(message == "labels[3] = 2", "a message naming the element: " + message);
        const std::vector<float> s32{0.5f, std::numeric_limits<float>::infinity(), 0.25f};
        const std::vector<float> y32{1.0f, 0.0f, 3.0f};
        CHECK(diffauroc_find_invalid_f32(s32.data(), y32.data(), nullptr, 3, &index) ==
                  DIFFAUROC_E_NONFINITE_SCORE && index == 1,
              "diffauroc_find_invalid_f32: scores[1] = inf before labels[2] = 3");
        CHECK(diffauroc_find_invalid(nullptr, nullptr, nullptr, 0, nullptr) ==
                  DIFFAUROC_E_NULL_POINTER,
              "diffauroc_find_invalid: out_index nullptr -> DIFFAUROC_E_NULL_POINTER");
        CHECK(diffauroc_find_invalid(nullptr, nullptr, nullptr, SIZE_MAX, nullptr) ==
                  DIFFAUROC_E_TOO_LARGE,
              "diffauroc_find_invalid: n = SIZE_MAX -> DIFFAUROC_E_TOO_LARGE first");
    }

    // batched: a std::vector<std::vector<double>> flattened row-major
    {
        const std::vector<std::vector<double>> rows{{0.1, 0.4, 0.35, 0.8}, {0.3, 0.3, 0.9, 0.1}};
        const std::vector<std::vector<double>> row_labels{{0, 0, 1, 1}, {1, 0, 0, 1}};
        std::vector<double> flat_s, flat_y;
        for (std::size_t r = 0; r < rows.size(); ++r) {
            flat_s.insert(flat_s.end(), rows[r].begin(), rows[r].end());
            flat_y.insert(flat_y.end(), row_labels[r].begin(), row_labels[r].end());
        }
        std::vector<double> values(2, kSentinel), grads(8, kSentinel), dts(2, kSentinel);
        std::vector<int> status(2, -99);
        const std::vector<double> temps{0.5, 2.0};
        CHECK(auroc_exact_batch(flat_s.data(), flat_y.data(), nullptr, 2, 4, values.data(),
                                status.data()) == DIFFAUROC_OK,
              "auroc_exact_batch OK");
        // row 1: pos {0.3, 0.1} vs neg {0.3, 0.9}: 0.3 ties 0.3 (1/2) -> 0.5 / 4
        CHECK_CLOSE(values[0], 0.75, 0.0, "auroc_exact_batch row 0");
        CHECK_CLOSE(values[1], 0.125, 0.0, "auroc_exact_batch row 1");
        CHECK(auroc_soft_grad_batch(flat_s.data(), flat_y.data(), nullptr, 2, 4, temps.data(), 1,
                                    values.data(), grads.data(), dts.data(),
                                    status.data()) == DIFFAUROC_OK,
              "auroc_soft_grad_batch OK");
        for (std::size_t r = 0; r < 2; ++r) {
            double v1 = 0, dt1 = 0;
            std::vector<double> g1(4);
            auroc_soft_grad(rows[r].data(), row_labels[r].data(), nullptr, 4, temps[r], &v1,
                            g1.data(), &dt1);
            CHECK(values[r] == v1 && dts[r] == dt1 &&
                      std::equal(g1.begin(), g1.end(), grads.begin() + 4 * r),
                  "auroc_soft_grad_batch row " + std::to_string(r) + " == auroc_soft_grad");
        }
        CHECK(auroc_soft_grad_batch(flat_s.data(), flat_y.data(), nullptr, 2, 4, nullptr, 1,
                                    values.data(), nullptr, nullptr, nullptr) ==
                  DIFFAUROC_E_NULL_POINTER,
              "auroc_soft_grad_batch: temperatures nullptr -> DIFFAUROC_E_NULL_POINTER");
    }

    // std::thread: concurrent calls agree with a single-thread result
    {
        std::vector<double> s(400), y(400);
        for (std::size_t i = 0; i < s.size(); ++i) {
            s[i] = std::sin(0.37 * static_cast<double>(i));
            y[i] = (i % 3 == 0) ? 1.0 : 0.0;
        }
        double expected = 0;
        auroc_soft(s.data(), y.data(), nullptr, s.size(), 0.2, &expected);
        std::vector<int> mismatches(3, 0);
        std::vector<std::thread> threads;
        for (int t = 0; t < 3; ++t) {
            threads.emplace_back([&, t] {
                for (int it = 0; it < 10; ++it) {
                    double got = 0;
                    if (auroc_soft(s.data(), y.data(), nullptr, s.size(), 0.2, &got) !=
                            DIFFAUROC_OK ||
                        got != expected)
                        ++mismatches[t];
                }
            });
        }
        for (auto &th : threads) th.join();
        CHECK(mismatches == std::vector<int>(3, 0), "std::thread results agree");
    }

    // The column functions with std::vector data: a Fortran-ordered n x k array (each
    // column contiguous) and classes, large enough (n * k >= 65536) for the library's own
    // second thread; each column equals auroc_exact of it, also from std::threads at once.
    {
        const std::size_t rows = 30000, k = 3;
        std::vector<double> s(rows * k), classes(rows), y(rows);
        for (std::size_t i = 0; i < rows; ++i) {
            classes[i] = static_cast<double>((i * 7) % k);
            for (std::size_t j = 0; j < k; ++j)
                s[j * rows + i] = std::floor(50 * std::sin(0.01 * static_cast<double>(i * (j + 2)))) / 8;
        }
        std::vector<double> values(k, kSentinel);
        std::vector<int> status(k, -999);
        CHECK(auroc_exact_ovr(s.data(), rows, k, 1, rows, classes.data(), nullptr, values.data(),
                              status.data()) == DIFFAUROC_OK,
              "auroc_exact_ovr (Fortran order, two threads)");
        bool same = true;
        for (std::size_t j = 0; j < k; ++j) {
            for (std::size_t i = 0; i < rows; ++i) y[i] = classes[i] == static_cast<double>(j);
            double single = kSentinel;
            same = same && auroc_exact(s.data() + j * rows, y.data(), nullptr, rows, &single) ==
                               DIFFAUROC_OK &&
                   single == values[j] && status[j] == DIFFAUROC_OK;
        }
        CHECK(same, "each ovr column == auroc_exact of the column (consistency)");
        std::vector<double> bad = classes;
        bad[17] = 0.5;
        CHECK(auroc_exact_ovr(s.data(), rows, k, 1, rows, bad.data(), nullptr, values.data(),
                              nullptr) == DIFFAUROC_E_BAD_CLASS,
              "class 0.5: E_BAD_CLASS");
        CHECK(std::string(diffauroc_strerror(DIFFAUROC_E_BAD_CLASS)).find("classes") !=
                  std::string::npos,
              "E_BAD_CLASS message names the classes");
        std::vector<int> mismatches(3, 0);
        std::vector<std::thread> threads;
        for (int t = 0; t < 3; ++t) {
            threads.emplace_back([&, t] {
                for (int it = 0; it < 3; ++it) {
                    std::vector<double> got(k, kSentinel);
                    if (auroc_exact_ovr(s.data(), rows, k, 1, rows, classes.data(), nullptr,
                                        got.data(), nullptr) != DIFFAUROC_OK ||
                        got != values)
                        ++mismatches[t];
                }
            });
        }
        for (auto &th : threads) th.join();
        CHECK(mismatches == std::vector<int>(3, 0), "auroc_exact_ovr from 3 std::threads agrees");
        std::vector<double> pairs(k * k, kSentinel);
        CHECK(auroc_exact_ovo(s.data(), rows, k, 1, rows, classes.data(), pairs.data(), nullptr) ==
                      DIFFAUROC_OK &&
                  pairs[0] == kSentinel && pairs[1] >= 0 && pairs[1] <= 1,
              "auroc_exact_ovo");
        CHECK(auroc_exact_columns(nullptr, 5, 0, 1, 1, nullptr, 1, 0, nullptr, nullptr, nullptr) ==
                  DIFFAUROC_OK,
              "auroc_exact_columns k == 0");
    }
    {
        // auroc_exact_ovr_rowsums from C++: the values of auroc_exact_ovr and the bound
        // (dyadic rows summing to 1 exactly: 2 k u = 3 * 2^-52), every status path
        const double sc[12] = {0.25, 0.25, 0.5, 0.5, 0.25, 0.25, 0.125, 0.375, 0.5, 0.75,
                               0.125, 0.125};
        const double cls[4] = {0, 1, 2, 0}, bad[4] = {0, 1, 3, 0};
        const float sc32[12] = {0.25f, 0.25f, 0.5f, 0.5f, 0.25f, 0.25f, 0.125f, 0.375f,
                                0.5f, 0.75f, 0.125f, 0.125f};
        const float cls32[4] = {0, 1, 2, 0};
        std::vector<double> got(3, kSentinel), plain(3, kSentinel);
        double d = kSentinel;
        CHECK(auroc_exact_ovr_rowsums(sc, 4, 3, 3, 1, cls, nullptr, got.data(), nullptr, &d) ==
                      DIFFAUROC_OK &&
                  auroc_exact_ovr(sc, 4, 3, 3, 1, cls, nullptr, plain.data(), nullptr) ==
                      DIFFAUROC_OK &&
                  got == plain && d == 3 * std::ldexp(1.0, -52),
              "auroc_exact_ovr_rowsums: auroc_exact_ovr's values, bound 3 * 2^-52");
        d = kSentinel;
        CHECK(auroc_exact_ovr_rowsums_f32(sc32, 4, 3, 3, 1, cls32, nullptr, got.data(), nullptr,
                                          &d) == DIFFAUROC_OK &&
                  d == 3 * std::ldexp(1.0, -23),
              "auroc_exact_ovr_rowsums_f32: bound 3 * 2^-23");
        d = kSentinel;
        CHECK(auroc_exact_ovr_rowsums(sc, 4, 3, 3, 1, nullptr, nullptr, got.data(), nullptr,
                                      &d) == DIFFAUROC_E_NULL_POINTER &&
                  auroc_exact_ovr_rowsums(sc, 4, 3, 3, 1, cls, nullptr, got.data(), nullptr,
                                          nullptr) == DIFFAUROC_E_NULL_POINTER &&
                  auroc_exact_ovr_rowsums(sc, 4, 3, 3, 1, bad, nullptr, got.data(), nullptr,
                                          &d) == DIFFAUROC_E_BAD_CLASS &&
                  auroc_exact_ovr_rowsums(nullptr, 5, 0, 1, 1, nullptr, nullptr, nullptr,
                                          nullptr, nullptr) == DIFFAUROC_OK &&
                  d == kSentinel,
              "auroc_exact_ovr_rowsums: NULL classes, NULL bound, bad class, k == 0");
    }

    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
