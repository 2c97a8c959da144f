"""Dask's threaded scheduler on bench/task-overhead.mjs's graph: the reference of bench/cold-start.mjs.

N trivial leaves inc(i) summed by a binary tree of add tasks (about 2N tasks), built with
dask.delayed and computed with scheduler='threads', in this (fresh) process, after one tiny
warm-up compute (so the thread pool is up, as tsdask's pool is in its run). Prints one JSON line:
{"ntasks", "seconds", "us_per_task"} for the first (timed) compute, build included.

    /usr/bin/python3 bench/dask_threaded_ref.py [--leaves 100000]
"""

import argparse
import json
import time

import dask
from dask import delayed

def inc(x):
    return x + 1

def add(a, b):
    return a + b

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--leaves", type=int, default=100_000)
    n = p.parse_args().leaves
    dinc, dadd = delayed(inc), delayed(add)
    dask.compute(dadd(dinc(1), 2), scheduler="threads")  # warm-up: the pool
    t0 = time.perf_counter()
    leaves = [dinc(i) for i in range(n)]
    level = leaves
    while len(level) > 1:
        level = [dadd(level[i], level[i + 1]) if i + 1 < len(level) else level[i] for i in range(0, len(level), 2)]
    (result,) = dask.compute(level[0], scheduler="threads")
    t = time.perf_counter() - t0
    assert result == n * (n + 1) // 2, result
    ntasks = 2 * n - 1
    print(json.dumps({"ntasks": ntasks, "seconds": t, "us_per_task": t * 1e6 / ntasks}))

if __name__ == "__main__":
    main()
