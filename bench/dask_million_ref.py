"""Dask's distributed scheduler taking in a big graph: the reference bench/million-tasks.mjs prints beside tsdask's.

The same graph as bench/million-tasks.mjs, at --tasks tasks (default 100k): 7/8 of them leaves
inc(i) = i + 1, then a tree of sums, 8 inputs per sum, down to one key; built as a plain dict
graph of tuples (operator.add / sum), so nothing needs pyarrow. A LocalCluster of 2 worker
processes (1 thread each, nannies, no dashboard), as LocalCluster(n_workers=2,
threads_per_worker=1, processes=True). Measured on the scheduler, in the same run:
  ingest_ms      from the client's submit to the end of the scheduler's update_graph (a
                 SchedulerPlugin's update_graph hook; wall clock, one machine)
  bytes_per_task the scheduler process's RSS after the graph is in, less before, per task (gc'd
                 first; Python has no heap figure to match V8's heapUsed, so RSS it is)
  max_block_ms   the longest late wake-up of a 10 ms ticker on the scheduler's event loop while
                 the graph went in and ran (Dask's own tick monitor measures the same way)
  total_s        submit to result, and the result checked against a plain loop.
Prints one JSON object on stdout, logs on stderr.

    /usr/bin/python3 bench/dask_million_ref.py [--tasks 100000]
"""

import argparse
import asyncio
import gc
import json
import operator
import sys
import time

from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import SchedulerPlugin


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def build(n):
    """The graph and its output key: leaves ('inc', i) = i + 1, then sums of 8 down to one key."""
    leaves = n * 7 // 8
    dsk = {("inc", i): (operator.add, i, 1) for i in range(leaves)}
    level = [("inc", i) for i in range(leaves)]
    depth = 0
    while len(level) > 1:
        nxt = []
        for j in range(0, len(level), 8):
            k = (f"sum-{depth}", j // 8)
            dsk[k] = (sum, level[j : j + 8])
            nxt.append(k)
        level = nxt
        depth += 1
    return dsk, level[0], leaves


class UpdateGraphTime(SchedulerPlugin):
    name = "update-graph-time"

    def __init__(self):
        self.times = []

    def update_graph(self, scheduler, *args, **kwargs):
        self.times.append(time.time())


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


async def start_ticker(dask_scheduler=None):
    """A 10 ms ticker on the scheduler's loop that keeps its latest wake-up delay's maximum."""
    dask_scheduler._bench_max_block = 0.0

    async def tick():
        while True:
            t = time.perf_counter()
            await asyncio.sleep(0.01)
            late = time.perf_counter() - t - 0.01
            if late > dask_scheduler._bench_max_block:
                dask_scheduler._bench_max_block = late

    dask_scheduler._bench_ticker = asyncio.ensure_future(tick())


def read_ticker(dask_scheduler=None):
    return dask_scheduler._bench_max_block


def scheduler_rss(dask_scheduler=None):
    gc.collect()
    return rss()


def plugin_times(dask_scheduler=None):
    return dask_scheduler.plugins["update-graph-time"].times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=100_000)
    a = ap.parse_args()
    dsk, out, leaves = build(a.tasks)
    n = len(dsk)
    log(f"dask {n} tasks")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        client.register_scheduler_plugin(UpdateGraphTime())
        client.run_on_scheduler(start_ticker)
        rss0 = client.run_on_scheduler(scheduler_rss)
        t0w = time.time()
        t0 = time.perf_counter()
        fut = client.get(dsk, out, sync=False)
        while not client.run_on_scheduler(plugin_times):
            time.sleep(0.05)
        ingest_ms = (client.run_on_scheduler(plugin_times)[0] - t0w) * 1000
        rss1 = client.run_on_scheduler(scheduler_rss)
        value = fut.result()
        total_s = time.perf_counter() - t0
        max_block_ms = client.run_on_scheduler(read_ticker) * 1000
    expected = 0
    for i in range(leaves):
        expected += i + 1
    if value != expected:
        raise RuntimeError(f"dask: wrong result {value}, expected {expected}")
    print(json.dumps({"tasks": n, "ingest_ms": ingest_ms, "bytes_per_task": (rss1 - rss0) / n, "max_block_ms": max_block_ms, "total_s": total_s, "ok": True}))


if __name__ == "__main__":
    main()
