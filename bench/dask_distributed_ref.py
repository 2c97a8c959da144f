"""Dask's distributed scheduler on the graphs of bench/distributed.mjs: the reference its ratios use.

A 2-worker cluster (1 thread each, worker processes under nannies, as LocalCluster(n_workers=2,
threads_per_worker=1, processes=True)), Dask's default configuration, no dashboard:
  (a) map: 20k trivial independent tasks, client.map(inc, range(N)) then gather:
      us per task end to end, and scheduler CPU us per task (the scheduler process's CPU time,
      time.process_time() run on the scheduler, before and after);
  (b) chain: 1000 tasks inc(inc(...)) built with dask.delayed, computed: us per hop;
  (c) groupby: flights-3m.parquet (vega-datasets), dd.read_parquet(split_row_groups=True: one
      partition per row group, as tsdask's readParquet) then groupby('origin').delay.mean(): seconds.
Medians of --runs runs after one warm-up; prints one JSON object on stdout, logs on stderr.

--cluster processes (default): the scheduler runs in its own process (`dask-scheduler`) and the
  two workers under `dask-worker --nworkers 2`, so the scheduler's CPU is its own. This is how
  tsdask's LocalCluster runs too.
--cluster local: distributed.LocalCluster(processes=True) itself; its scheduler shares this
  process with the client, so scheduler CPU is not reported (null).

Setup (Debian): apt-get install -y python3-distributed; for (c) a parquet engine, which Debian
does not package: python3 -m venv --system-site-packages bench/.data/dask-venv &&
bench/.data/dask-venv/bin/pip install pyarrow (bench/distributed.mjs uses that python when it exists).

    python3 bench/dask_distributed_ref.py [--runs 3] [--tasks 20000] [--chain 1000] [--only map,chain,groupby]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import dask
from dask import delayed
from distributed import Client, LocalCluster

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLIGHTS = os.path.join(ROOT, "node_modules", "vega-datasets", "data", "flights-3m.parquet")


def inc(x):
    return x + 1


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def scheduler_cpu(client):
    """CPU seconds the scheduler process has used so far."""
    return client.run_on_scheduler(time.process_time)


def bench_map(client, n, run, measure_cpu):
    """client.map(inc, range(n)) then gather; returns (us per task, scheduler CPU us per task or None)."""
    keys = [f"inc-{run}-{i}" for i in range(n)]
    cpu0 = scheduler_cpu(client) if measure_cpu else None
    t0 = time.perf_counter()
    futures = client.map(inc, range(n), key=keys)
    out = client.gather(futures)
    t = time.perf_counter() - t0
    cpu = scheduler_cpu(client) - cpu0 if measure_cpu else None
    if sum(out) != n * (n + 1) // 2:
        raise RuntimeError(f"map: wrong sum {sum(out)}")
    del futures
    return t / n * 1e6, (cpu / n * 1e6 if cpu is not None else None)


def bench_chain(client, hops, run):
    """inc applied `hops` times along a chain of delayed tasks; returns us per hop."""
    x = 0
    for i in range(hops):
        x = delayed(inc)(x, dask_key_name=f"chain-{run}-{i}")
    t0 = time.perf_counter()
    out = client.compute(x).result()
    t = time.perf_counter() - t0
    if out != hops:
        raise RuntimeError(f"chain: wrong end value {out}")
    return t / hops * 1e6


def bench_groupby(client, path):
    """Mean delay by origin from the parquet file; returns (seconds, number of origins)."""
    import dask.dataframe as dd

    t0 = time.perf_counter()
    df = dd.read_parquet(path, columns=["origin", "delay"], split_row_groups=True)
    out = df.groupby("origin").delay.mean().compute()
    return time.perf_counter() - t0, len(out)


def parquet_engine():
    for name in ("pyarrow", "fastparquet"):
        try:
            __import__(name)
            return name
        except ImportError:
            pass
    return None


class ProcessCluster:
    """A scheduler process and `dask-worker --nworkers N` (nannies), started from the command line."""

    def __init__(self, n_workers, threads):
        self.dir = tempfile.mkdtemp(prefix="dask-ref-")
        self.file = os.path.join(self.dir, "scheduler.json")
        py = sys.executable
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        self.procs = [
            subprocess.Popen(
                [py, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", self.file],
                **quiet,
            )
        ]
        deadline = time.time() + 60
        while not os.path.exists(self.file):
            if time.time() > deadline or self.procs[0].poll() is not None:
                self.close()
                raise RuntimeError("dask-scheduler did not start (run it by hand to see why)")
            time.sleep(0.1)
        self.procs.append(
            subprocess.Popen(
                [
                    py, "-m", "distributed.cli.dask_worker", "--scheduler-file", self.file, "--nworkers", str(n_workers),
                    "--nthreads", str(threads), "--no-dashboard", "--host", "127.0.0.1",
                ],
                **quiet,
            )
        )

    def close(self):
        for p in reversed(self.procs):
            p.terminate()
        for p in reversed(self.procs):
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tasks", type=int, default=20000)
    ap.add_argument("--chain", type=int, default=1000)
    ap.add_argument("--only", default="map,chain,groupby")
    ap.add_argument("--cluster", choices=["processes", "local"], default="processes")
    ap.add_argument("--parquet", default=FLIGHTS)
    a = ap.parse_args()
    only = a.only.split(",")

    cluster = None
    if a.cluster == "local":
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        cluster = ProcessCluster(2, 1)
        client = Client(scheduler_file=cluster.file)
    try:
        client.wait_for_workers(2, timeout=60)
        measure_cpu = a.cluster == "processes"
        result = {
            "dask": dask.__version__,
            "distributed": __import__("distributed").__version__,
            "python": sys.version.split()[0],
            "cluster": a.cluster,
            "workers": 2,
            "threadsPerWorker": 1,
            "workerSaturation": dask.config.get("distributed.scheduler.worker-saturation", None),
            "runs": a.runs,
        }
        if "map" in only:
            bench_map(client, 1000, "warm", measure_cpu)
            rs = [bench_map(client, a.tasks, r, measure_cpu) for r in range(a.runs)]
            log("map us/task, scheduler CPU us/task:", rs)
            result["map"] = {
                "tasks": a.tasks,
                "usPerTask": statistics.median(r[0] for r in rs),
                "schedulerCpuUsPerTask": statistics.median(r[1] for r in rs) if measure_cpu else None,
                "all": [r[0] for r in rs],
            }
        if "chain" in only:
            bench_chain(client, 100, "warm")
            rs = [bench_chain(client, a.chain, r) for r in range(a.runs)]
            log("chain us/hop:", rs)
            result["chain"] = {"hops": a.chain, "usPerHop": statistics.median(rs), "all": rs}
        if "groupby" in only:
            engine = parquet_engine()
            if engine is None:
                result["groupby"] = {"skipped": f"no parquet engine for {sys.executable}: install pyarrow (see this file's header)"}
            elif not os.path.exists(a.parquet):
                result["groupby"] = {"skipped": f"{a.parquet} is missing (npm install brings vega-datasets)"}
            else:
                bench_groupby(client, a.parquet)
                rs = [bench_groupby(client, a.parquet) for _ in range(a.runs)]
                log("groupby s, origins:", rs)
                result["groupby"] = {"engine": engine, "origins": rs[0][1], "seconds": statistics.median(r[0] for r in rs), "all": [r[0] for r in rs]}
        print(json.dumps(result), flush=True)
    finally:
        client.close()
        cluster.close()


if __name__ == "__main__":
    main()
