"""Scale run of diffauroc.dask (issue 16 item 5; not part of CI).

    .venv/bin/python bench/scale_dask.py [--n 100000000] [--workers 2]
        [--memory-limit 350MB] [--spark-python /tmp/spark-venv/bin/python]

1. Writes n samples as Parquet files of --chunk rows (float32 scores, float32 labels 0/1;
   scores normal around 0 for negatives and 0.8 for positives, rounded to float32 so there
   are many ties) under --data-dir, one chunk in memory at a time.
2. The single-process reference, in chunks: diffauroc.incremental.AUROCAccumulator over the
   files one at a time (memory bounded by the distinct scores, not by n).
3. diffauroc.dask.auroc_exact on dask.dataframe.read_parquet of the same files, on a
   distributed.LocalCluster of --workers single-threaded worker processes whose memory
   limits sum to less than the data (the range shuffle spills to disk): wall time, peak
   resident memory of each worker process (VmHWM), the spill directory's peak size
   (sampled every 0.5 s), and whether the value
   equals the reference bit for bit. (Run before the reference, in a fresh cluster.)
4. Spark MLlib's BinaryClassificationMetrics(scoreAndLabels).areaUnderROC in local mode
   (local[workers]) on the same Parquet files, in the Python given by --spark-python (a
   venv with pyspark; Java 17): wall time, value, and the time ratio Spark / Dask.

Prints one JSON object at the end (also written to --out).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path


def _load() -> list:
    return [round(x, 2) for x in os.getloadavg()]


def write_data(directory: Path, n: int, chunk: int, seed: int) -> int:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    directory.mkdir(parents=True, exist_ok=True)
    marker = directory / f"complete-{n}-{chunk}-{seed}-npy"
    if marker.exists():
        return len(list(directory.glob("part-*.parquet")))
    for old in directory.glob("*"):
        old.unlink()
    files = 0
    for start in range(0, n, chunk):
        rng = np.random.default_rng([seed, start])
        size = min(chunk, n - start)
        labels = (rng.random(size) < 0.3).astype(np.float32)
        scores = (rng.standard_normal(size) + 0.8 * labels).astype(np.float32)
        table = pa.table({"score": scores, "label": labels})
        pq.write_table(table, directory / f"part-{files:05d}.parquet", compression="none")
        np.save(directory / f"score-{files:05d}.npy", scores)   # the same data for
        np.save(directory / f"label-{files:05d}.npy", labels)   # --input npy
        files += 1
    marker.touch()
    return files


def reference(directory: Path) -> dict:
    import pyarrow.parquet as pq
    from diffauroc.incremental import AUROCAccumulator

    start = time.perf_counter()
    acc = AUROCAccumulator()
    for path in sorted(directory.glob("part-*.parquet")):
        table = pq.read_table(path)
        acc.update(table.column("score").to_numpy(), table.column("label").to_numpy())
    value = acc.compute()
    return {"value": value, "seconds": time.perf_counter() - start,
            "distinct_scores": acc.n_distinct,
            "peak_rss_mb": _peak_rss_mb()}


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: of its own address space, unlike
    getrusage's ru_maxrss, which Linux carries over from the parent across fork and exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _worker_stats(dask_worker=None):
    return {"peak_rss_mb": _peak_rss_mb()}


class _DiskSampler:
    """The largest size of the workers' spill directory, sampled every 0.5 s."""

    def __init__(self, directory: Path) -> None:
        import threading
        self.directory, self.peak, self._stop = directory, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            size = 0
            for root, _, files in os.walk(self.directory):
                for name in files:
                    try:
                        size += os.path.getsize(os.path.join(root, name))
                    except OSError:
                        pass
            self.peak = max(self.peak, size)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def _npy_column(directory: Path, name: str):
    """The .npy files of one column as a dask array, one chunk per file, loaded by the
    worker that needs it (no pandas or pyarrow in the workers)."""
    import dask.array as da
    import numpy as np
    from dask import delayed

    parts = []
    for path in sorted(directory.glob(f"{name}-*.npy")):
        header = np.load(path, mmap_mode="r")
        parts.append(da.from_delayed(delayed(np.load, pure=True)(str(path)),
                                     shape=header.shape, dtype=header.dtype))
    return da.concatenate(parts)


def run_dask(directory: Path, workers: int, memory_limit: str, n_ranges, source: str) -> dict:
    import dask
    import dask.dataframe as dd
    import distributed
    from diffauroc import dask as dauroc

    # Worker processes give freed memory back to the system (glibc trims at once; Arrow
    # allocates with malloc, not its own retaining pool), so that a worker's unmanaged
    # memory does not pin it at the pause threshold.
    environ = {"MALLOC_TRIM_THRESHOLD_": "0", "ARROW_DEFAULT_MEMORY_POOL": "system",
               "OMP_NUM_THREADS": "1"}
    os.environ.update(environ)

    local = directory.parent / "dask-worker-space"
    with dask.config.set({"distributed.worker.memory.target": 0.4,
                          "distributed.worker.memory.spill": 0.5,
                          "distributed.worker.memory.pause": 0.95,
                          "distributed.worker.memory.terminate": False,
                          "distributed.nanny.pre-spawn-environ": environ,
                          "temporary-directory": str(local)}):
        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                      memory_limit=memory_limit, dashboard_address=None,
                                      local_directory=str(local)) as cluster, \
                distributed.Client(cluster) as client:
            if source == "parquet":
                frame = dd.read_parquet(str(directory / "part-*.parquet"),
                                        columns=["score", "label"])
                scores, labels, blocks = frame.score, frame.label, frame.npartitions
            else:
                scores, labels = _npy_column(directory, "score"), _npy_column(directory, "label")
                blocks = scores.numblocks[0]
            sampler = _DiskSampler(local)
            start = time.perf_counter()
            value = dauroc.auroc_exact(scores, labels, n_ranges=n_ranges)
            seconds = time.perf_counter() - start
            spilled_peak = sampler.stop()
            stats = client.run(_worker_stats)
            limits = {w: info.get("memory_limit")
                      for w, info in client.scheduler_info()["workers"].items()}
    return {"value": value, "seconds": seconds, "workers": stats,
            "spill_directory_peak_mb": spilled_peak / 2**20,
            "memory_limit_per_worker": memory_limit, "blocks": blocks, "input": source,
            "limits": {str(k): v for k, v in limits.items()}}


SPARK = r"""
import json, sys, time
from pyspark.sql import SparkSession
directory, threads, memory = sys.argv[1], sys.argv[2], sys.argv[3]
spark = (SparkSession.builder.master(f"local[{threads}]").appName("auroc")
         .config("spark.driver.memory", memory).config("spark.ui.enabled", "false")
         .config("spark.sql.shuffle.partitions", "200").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
start = time.perf_counter()
frame = spark.read.parquet(directory).selectExpr("cast(score as double) as score",
                                                 "cast(label as double) as label")
jvm = spark.sparkContext._jvm
metrics = jvm.org.apache.spark.mllib.evaluation.BinaryClassificationMetrics(frame._jdf)
value = metrics.areaUnderROC()
seconds = time.perf_counter() - start
print(json.dumps({"value": value, "seconds": seconds, "spark": spark.version}))
spark.stop()
"""


def run_spark(python: str, directory: Path, threads: int, memory: str) -> dict:
    start = time.perf_counter()
    # the Parquet files only (the directory also holds the .npy copies)
    done = subprocess.run([python, "-c", SPARK, str(directory / "part-*.parquet"), str(threads),
                           memory], capture_output=True, text=True, timeout=7200)
    if done.returncode != 0:
        return {"error": done.stderr[-2000:]}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["seconds_with_start_up"] = time.perf_counter() - start
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10**8)
    parser.add_argument("--chunk", type=int, default=1 << 20)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="390MB")
    parser.add_argument("--n-ranges", type=int, default=None)
    parser.add_argument("--input", choices=["parquet", "npy"], default="parquet",
                        help="dask input: dataframe columns of the Parquet files, or dask "
                             "arrays of the .npy copies of the same data")
    parser.add_argument("--data-dir", default="/tmp/diffauroc-scale/data")
    parser.add_argument("--spark-python", default=None)
    parser.add_argument("--spark-memory", default="4g")
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument("--skip-dask", action="store_true",
                        help="only the reference and Spark (e.g. to time Spark alone)")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()

    directory = Path(args.data_dir)
    report = {"n": args.n, "data_bytes_in_memory": 8 * args.n, "load_start": _load()}
    start = time.perf_counter()
    report["files"] = write_data(directory, args.n, args.chunk, args.seed)
    report["write_seconds"] = time.perf_counter() - start
    print("data written", report["files"], "files", flush=True)
    if not args.skip_dask:
        report["dask"] = run_dask(directory, args.workers, args.memory_limit, args.n_ranges,
                                  args.input)
        print("dask", report["dask"], flush=True)
    if not args.skip_reference:
        report["reference"] = reference(directory)
        print("reference", report["reference"], flush=True)
    if "reference" in report and "dask" in report:
        report["dask_equals_reference_bits"] = \
            report["dask"]["value"] == report["reference"]["value"]
    if args.spark_python:
        report["spark"] = run_spark(args.spark_python, directory, args.workers,
                                    args.spark_memory)
        print("spark", report["spark"], flush=True)
        if "seconds" in report["spark"] and "dask" in report:
            report["spark_over_dask_time"] = report["spark"]["seconds"] / report["dask"]["seconds"]
            report["spark_minus_exact"] = report["spark"]["value"] - report["dask"]["value"]
    report["load_end"] = _load()
    text = json.dumps(report, indent=2, default=str)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
