"""Train a linear scorer by gradient ascent on the soft AUROC, evaluate with the exact one.

Data: scikit-learn's breast cancer set (569 tumours, 30 features, shipped with
scikit-learn), standardized on the training split, 70/30 stratified split.
Model: score = X @ w + b. The soft AUROC does not depend on b (shifting every score changes
nothing), so only w is trained. d value / d w = X^T (d value / d scores).

Run: .venv/bin/python examples/demo.py
"""
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import diffauroc


def main() -> None:
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    X_train, X_test = (X_train - mean) / std, (X_test - mean) / std

    rng = np.random.default_rng(0)
    w = rng.normal(scale=0.1, size=X.shape[1])
    temperature, learning_rate, steps = 0.5, 2.0, 200

    def report(tag: str) -> None:
        soft = diffauroc.auroc_soft(X_train @ w, y_train, temperature)
        train = diffauroc.auroc_exact(X_train @ w, y_train)
        test = diffauroc.auroc_exact(X_test @ w, y_test)
        print(f"{tag:>7}: exact AUROC train {train:.4f}  test {test:.4f}"
              f"   (soft AUROC train {soft:.4f}, T = {temperature})")

    print(f"diffauroc {diffauroc.__version__}: breast cancer, "
          f"{len(y_train)} train / {len(y_test)} test, linear scorer, "
          f"{steps} steps of gradient ascent on the soft AUROC")
    report("before")
    for step in range(steps):
        value, grad_scores, _ = diffauroc.auroc_soft_grad(X_train @ w, y_train, temperature)
        w += learning_rate * (X_train.T @ grad_scores)
        w /= np.linalg.norm(w)  # the scale of w only rescales T; keep it fixed
    report("after")


if __name__ == "__main__":
    main()
