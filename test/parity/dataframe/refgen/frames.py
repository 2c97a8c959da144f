"""The input files as pandas reads them back: every answer is computed from these bytes."""
import pandas as pd

from .common import rd

# Every answer below is computed from the bytes just written, read back by pandas.
ab, nulls, groups = rd("ab.csv"), rd("nulls.csv"), rd("groups.csv")
A, B, L, R = rd("merge_a.csv"), rd("merge_b.csv"), rd("left.csv"), rd("right.csv")
NL, NR = rd("null_keys_left.csv"), rd("null_keys_right.csv")
srt = rd("sort.csv", parse_dates=["t"])
allnull = rd("allnull.csv")
nz, nzr, dg = rd("neg_zero.csv"), rd("neg_zero_right.csv"), rd("date_groups.csv", parse_dates=["d"])
tk, skl, skr, s2 = rd("two_keys.csv"), rd("str_keys_left.csv"), rd("str_keys_right.csv"), rd("sort_two_keys.csv")
seq = rd("seq.csv")
