"""Reference answers for test/faults/array.test.ts, from NumPy (run with Debian's python3:
/usr/bin/python3 test/faults/array-ref.py > test/faults/array-ref.json). NumPy 1.24 here; only
cases where NumPy 1.24 and NumPy 2 (NEP 50) agree are taken from it: round, integer prod/sum/
cumprod with int64 accumulators, int32 power and multiply wrap-around."""
import json
import numpy as np

out = {"numpy": np.__version__}

ROUND_X = [2.675, 1.005, 0.125, 0.375, -0.125, 2.5, 3.5, -2.5, 1234.5678, -1234.5678, 15.0, 25.0, 35.0, 1e-8, 0.0]
out["round_f64"] = {str(d): [float(v) for v in np.round(np.array(ROUND_X, dtype=np.float64), d)] for d in [-2, -1, 0, 1, 2, 3]}
out["round_f32"] = {str(d): [float(v) for v in np.round(np.array(ROUND_X, dtype=np.float32), d)] for d in [-1, 1, 2]}
ROUND_I = [15, 25, -15, -25, 35, 149, 150, 250, 32767, -32768]
out["round_i16"] = {"x": ROUND_I, **{str(d): [int(v) for v in np.round(np.array(ROUND_I, dtype=np.int16), d)] for d in [-1, -2, 1]}}

P = [100000, 100000, 3, 7, 11, -13, 30011]  # product between 2^53 and 2^63: a float64 accumulator rounds it
out["prod_i32"] = {"x": P, "prod": str(np.prod(np.array(P, dtype=np.int32))), "dtype": str(np.prod(np.array(P, dtype=np.int32)).dtype)}
W = [2**31 - 1] * 5
out["prod_i32_wrap"] = {"x": W, "prod": str(np.prod(np.array(W, dtype=np.int32)))}
out["cumprod_i32"] = {"x": P, "cumprod": [str(v) for v in np.cumprod(np.array(P, dtype=np.int32))]}
U = [4294967295, 4294967295, 123456789]
out["prod_u32"] = {"x": U, "prod": str(np.prod(np.array(U, dtype=np.uint32)))}
out["sum_i32"] = {"x": [2**31 - 1] * 3, "sum": str(np.sum(np.array([2**31 - 1] * 3, dtype=np.int32)))}
with np.errstate(all="ignore"):
    out["mul_u32"] = {"x": [4294967295, 123456789], "y": [4294967295, 987654321], "mul": [int(v) for v in np.array([4294967295, 123456789], dtype=np.uint32) * np.array([4294967295, 987654321], dtype=np.uint32)]}
    out["pow_i32"] = {"x": [3, 7, -5], "e": 40, "pow": [int(v) for v in np.power(np.array([3, 7, -5], dtype=np.int32), np.int32(40))]}

with np.errstate(all="ignore"):
    out["pow_i64"] = {"x": [3, 2, -7, 1], "e": 10**9 + 7, "pow": [str(v) for v in np.power(np.array([3, 2, -7, 1], dtype=np.int64), np.int64(10**9 + 7))]}

out["linspace_int"] = [
    {"start": a, "stop": b, "num": n, "dtype": d, "values": [int(v) for v in np.linspace(a, b, n, dtype=d)]}
    for (a, b, n, d) in [(-1, 1, 5, "int64"), (-3, 2, 7, "int16"), (0, 1, 3, "int32"), (-7.5, 7.5, 11, "int64")]
]

FA = [1.0, -1.0, 7.5, -7.5, 0.0, -0.0, 1e300, 5.0, 0.3, 3.0, float("inf"), 1.0]
FB = [0.1, 0.1, 2.0, 2.0, 3.0, 3.0, 1e-300, -2.5, 0.1, 0.0, 2.0, float("inf")]
with np.errstate(all="ignore"):
    out["floordiv_f64"] = {"a": [repr(v) for v in FA], "b": [repr(v) for v in FB], "q": [repr(float(v)) for v in np.floor_divide(np.array(FA), np.array(FB))]}
    IA, IB = [7, -7, 7, -7, 0, 5, -128], [2, 2, -2, -2, 3, 0, -1]
    out["floordiv_i8"] = {"a": IA, "b": IB, "q": [int(v) for v in np.floor_divide(np.array(IA, dtype=np.int8), np.array(IB, dtype=np.int8))]}
    LA, LB = [2**62 + 1, -(2**62) - 1, -(2**63), 9, -9], [3, 3, -1, 0, 4]
    out["floordiv_i64"] = {"a": [str(v) for v in LA], "b": [str(v) for v in LB], "q": [str(v) for v in np.floor_divide(np.array(LA, dtype=np.int64), np.array(LB, dtype=np.int64))]}
    out["floordiv_i16_scalar"] = {"a": [7, -7, 100], "b": 3, "q": [int(v) for v in np.floor_divide(np.array([7, -7, 100], dtype=np.int16), 3)], "rq": [int(v) for v in np.floor_divide(100, np.array([7, -7, 100], dtype=np.int16))]}

print(json.dumps(out, indent=1, allow_nan=False))  # inf and nan travel as repr strings
