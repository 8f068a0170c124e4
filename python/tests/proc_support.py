"""What the pROC parity tests (test_proc_parity.py, test_stats_proc.py) share: finding
Rscript (a missing R is a failure, not a skip), pROC's aSAH data as their R scripts write
it, and R's numeric output with NA."""
from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import numpy as np

ASAH_MARKERS = ("s100b", "wfns", "ndka")


def rscript() -> str:
    path = shutil.which("Rscript")
    assert path is not None, ("Rscript is not on PATH: install R and pROC "
                              "(bash scripts/setup.sh does: apt-get install r-base-core r-cran-proc)")
    return path


def read_asah(path: Path) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(outcome "Poor" as 0/1, {marker: scores}) from the CSV the R scripts write with
    columns s100b, wfns (as.numeric of the ordered factor), ndka and y."""
    with open(path) as handle:
        rows = list(csv.DictReader(handle))
    outcome = np.array([float(row["y"]) for row in rows])
    return outcome, {m: np.array([float(row[m]) for row in rows]) for m in ASAH_MARKERS}


def parse_numbers(text: str) -> list[list[float]]:
    """R's sprintf("%.17g") lines, NA as nan."""
    return [[math.nan if value == "NA" else float(value) for value in line.split()]
            for line in text.splitlines()]
