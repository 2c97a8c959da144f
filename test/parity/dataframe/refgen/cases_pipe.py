"""Pipeline cases: several verbs chained (adapting Dask tests)."""
import pandas as pd

from .common import TC, TD, TG, TM, TR, TS, case
from .frames import *  # noqa: F401,F403


@case("pipe/filter_select_groupby", TG + "test_groupby_with_row_operations")
def _():
    return groups[groups.x > -10][["k", "y"]].groupby("k").agg(y=("y", "mean")).reset_index()


@case("pipe/derive_filter_sort_head", TD + "test_head_tail")
def _():
    d = groups.assign(z=groups.x * groups.g - 3)
    return d[d.z > 0].sort_values(["z", "x"], ascending=[False, True], kind="stable").head(7)


@case("pipe/merge_filter_groupby", TM + "test_merge_tasks_large_to_small")
def _():
    m = pd.merge(L, R, on=["k1", "k2"], how="left")
    return m[m.rv.notna()].groupby("k2").agg(s=("rv", "sum"), n=("lv", "size")).reset_index()


@case("pipe/sort_then_drop_duplicates", TD + "test_drop_duplicates_subset",
      note="the first row of each g after sorting by x descending")
def _():
    return groups.sort_values("x", ascending=False, kind="stable").drop_duplicates(subset=["g"])


@case("pipe/rename_then_groupby", TD + "test_rename_columns")
def _():
    return groups.rename(columns={"k": "key"}).groupby("key").agg(n=("x", "count")).reset_index()


@case("pipe/alias_then_sort", TS + "test_sort_values")
def _():
    d = pd.DataFrame({"i": srt.i, "neg": -srt.a})
    return d.sort_values("neg", kind="stable")


@case("pipe/len_after_filter", TD + "test_len")
def _():
    return int(((groups.x > 0) & (groups.y < 10)).sum())


@case("pipe/describe_after_filter", TD + "test_describe")
def _():
    return groups[groups.g == 2][["x"]].describe().reset_index().rename(columns={"index": "statistic"})


@case("pipe/mean_of_derived", TR + "test_reductions")
def _():
    return (groups.x * 2 + groups.y).mean()


@case("pipe/select_unread_filter_column", TC + "test_select_with_include_path_column",
      note="the filter reads a column that the output drops")
def _():
    return groups[groups.y > 12][["k"]]


@case("pipe/value_counts_after_filter", TD + "test_value_counts", order="sorted")
def _():
    vc = groups[groups.x > 0].k.value_counts()
    return pd.DataFrame({"k": vc.index, "count": vc.values})


@case("pipe/groupby_then_sort", TG + "test_groupby_sort_argument")
def _():
    return groups.groupby("k").agg(s=("x", "sum")).reset_index().sort_values("s", kind="stable")
