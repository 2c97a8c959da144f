"""Shared helpers of the reference generator: paths, value encoding, the case registry."""
import math
import os

import numpy as np
import pandas as pd


HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # test/parity/dataframe


DATA = os.path.join(HERE, "data")


CASES = {}


def write(name, data):
    path = os.path.join(DATA, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def p(name):
    return os.path.join(DATA, name)


def enc(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        if v.tzinfo is not None:
            v = v.tz_convert("UTC").tz_localize(None)
        return v.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (v.microsecond // 1000)
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if math.isnan(v):
            return None
        if math.isinf(v):
            return {"inf": 1 if v > 0 else -1}
        return v
    if isinstance(v, str):
        return v
    raise TypeError(f"cannot encode {v!r} ({type(v)})")


def case(cid, cite, order="pandas", dtypes=False, note=None):
    """Registers the decorated function's answer as case `cid`, porting Dask's `cite`."""

    def deco(fn):
        assert cid not in CASES, cid
        out = fn()
        entry = {"cite": cite, "order": order}
        if note:
            entry["note"] = note
        if isinstance(out, dict) and "error" in out:
            entry.update(out)
            CASES[cid] = entry
            return fn
        if isinstance(out, pd.Series):
            out = out.to_frame()
        if not isinstance(out, pd.DataFrame):
            out = pd.DataFrame({"value": [out]})
        entry["columns"] = [str(c) for c in out.columns]
        entry["rows"] = [[enc(v) for v in row] for row in out.itertuples(index=False, name=None)]
        if dtypes:
            entry["dtypes"] = {str(c): str(t) for c, t in out.dtypes.items()}
        CASES[cid] = entry
        return fn

    return deco


TC = "dask/dataframe/io/tests/test_csv.py::"


TD = "dask/dataframe/tests/test_dataframe.py::"


TR = "dask/dataframe/tests/test_arithmetics_reduction.py::"


TG = "dask/dataframe/tests/test_groupby.py::"


TM = "dask/dataframe/tests/test_multi.py::"


TS = "dask/dataframe/tests/test_shuffle.py::"


def rd(name, **kw):
    return pd.read_csv(p(name), **kw)
