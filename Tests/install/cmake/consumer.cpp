// A C++17 consumer of an installed libdiffauroc (found with find_package(diffauroc)).
// Prints the library's version and the exact and soft AUROC of the README's example; the
// expected values are worked out by hand in examples/example.c:
//   exact = 3 of 4 (positive, negative) pairs ordered = 0.75
//   soft (T = 0.1) = (sigmoid(2.5) + sigmoid(-0.5) + sigmoid(7) + sigmoid(4)) / 4 = 0.8207
// and a bad label must come back as DIFFAUROC_E_BAD_LABEL with the library's message.
#include <diffauroc.h>

#include <array>
#include <cstdio>
#include <cstring>

int main() {
    const std::array<double, 4> scores{0.1, 0.4, 0.35, 0.8};
    const std::array<double, 4> labels{0, 0, 1, 1};
    double exact = -1, soft = -1;
    if (int st = auroc_exact(scores.data(), labels.data(), nullptr, scores.size(), &exact); st != 0) {
        std::fprintf(stderr, "auroc_exact: %s\n", diffauroc_strerror(st));
        return 1;
    }
    if (int st = auroc_soft(scores.data(), labels.data(), nullptr, scores.size(), 0.1, &soft); st != 0) {
        std::fprintf(stderr, "auroc_soft: %s\n", diffauroc_strerror(st));
        return 1;
    }
    const std::array<double, 4> bad_labels{0, 2, 1, 1};
    double untouched = 42;
    const int bad = auroc_exact(scores.data(), bad_labels.data(), nullptr, 4, &untouched);
    if (bad != DIFFAUROC_E_BAD_LABEL || untouched != 42) {
        std::fprintf(stderr, "bad label: status %d, output %g\n", bad, untouched);
        return 1;
    }
    if (std::strcmp(diffauroc_version(), DIFFAUROC_VERSION_STRING) != 0) {
        std::fprintf(stderr, "header %s, library %s\n", DIFFAUROC_VERSION_STRING, diffauroc_version());
        return 1;
    }
    std::printf("diffauroc %s exact %.4f soft %.4f bad label: %s\n", diffauroc_version(), exact,
                soft, diffauroc_strerror(bad));
    return 0;
}
