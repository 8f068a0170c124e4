/* The README's C example. scripts/test_install.sh compiles it as the README says and
 * checks its output against the values worked out by hand below.
 *
 * Pairs (positive - negative) / T with T = 0.1: 2.5, -0.5, 7, 4.
 * soft  = (sigmoid(2.5) + sigmoid(-0.5) + sigmoid(7) + sigmoid(4)) / 4
 *       = (0.92414 + 0.37754 + 0.99909 + 0.98201) / 4 = 0.8207
 * d/ds0 = -(sigmoid'(2.5) + sigmoid'(7)) / (4 * 0.1) = -(0.07010 + 0.00091) / 0.4 = -0.1775
 * exact = 3 of 4 pairs ordered = 0.75
 */
#include <diffauroc.h>
#include <stdio.h>

int main(void) {
    double s[] = {0.1, 0.4, 0.35, 0.8}, y[] = {0, 0, 1, 1}, auc, v, g[4], dT;
    int st = auroc_exact(s, y, NULL, 4, &auc);
    if (st < 0) { fprintf(stderr, "%s\n", diffauroc_strerror(st)); return 1; }
    st = auroc_soft_grad(s, y, NULL, 4, 0.1, &v, g, &dT);
    if (st < 0) { fprintf(stderr, "%s\n", diffauroc_strerror(st)); return 1; }
    printf("exact %.4f soft %.4f d/ds0 %.4f\n", auc, v, g[0]);
    return 0;
}
