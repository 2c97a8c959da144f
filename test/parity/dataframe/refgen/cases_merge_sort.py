"""merge and sort cases (Dask's test_multi.py, test_shuffle.py)."""
import pandas as pd

from .common import TD, TM, TS, case, rd
from .frames import *  # noqa: F401,F403


@case("merge/negative_zero_key", TM + "test_merge", order="sorted", note="-0.0 matches 0.0")
def _():
    return pd.merge(nz, nzr, on="v")


@case("sort/dates_desc_with_missing", TS + "test_sort_values_timestamp")
def _():
    return dg.sort_values("d", ascending=False, kind="stable")


for how in ["inner", "left", "right", "outer"]:

    @case(f"merge/test_merge/on_y/{how}", TM + "test_merge", order="sorted")
    def _(how=how):
        return pd.merge(A, B, on="y", how=how)

    @case(f"merge/test_merge/left_on_right_on/{how}", TM + "test_merge", order="sorted")
    def _(how=how):
        return pd.merge(A, B, left_on="x", right_on="z", how=how)

    @case(f"merge/test_merge/suffixes/{how}", TM + "test_merge", order="sorted")
    def _(how=how):
        return pd.merge(A.assign(z=A.x * 10), B, on="y", how=how, suffixes=("1", "2"))

    @case(f"merge/test_merge_by_multiple_columns/{how}", TM + "test_merge_by_multiple_columns", order="sorted")
    def _(how=how):
        return pd.merge(L, R, on=["k1", "k2"], how=how)


@case("merge/test_cheap_single_partition_merge", TM + "test_cheap_single_partition_merge", order="sorted")
def _():
    return pd.merge(L, R, on=["k1", "k2"])


@case("merge/test_nullable_types_merge", TM + "test_nullable_types_merge", order="sorted",
      note="pandas' merge matches missing keys with each other (our default nullsEqual: true)")
def _():
    return pd.merge(NL, NR, on="a", how="inner")


@case("merge/test_nullable_types_merge/sql_nulls", TM + "test_nullable_types_merge", order="sorted",
      note="nullsEqual: false, SQL's rule: missing keys match nothing (pandas has no such option)")
def _():
    return pd.merge(NL[NL.a.notna()], NR[NR.a.notna()], on="a", how="inner")


@case("merge/test_merge_outer_empty", TM + "test_merge_outer_empty", order="sorted")
def _():
    return pd.merge(A[A.x > 100], B, on="y", how="outer")


@case("merge/test_merge_empty_left_df", TM + "test_merge_empty_left_df", order="sorted")
def _():
    return pd.merge(A[A.x > 100], B, on="y", how="inner")


@case("merge/test_sequential_joins", TM + "test_sequential_joins", order="sorted")
def _():
    C = pd.DataFrame({"z": [1, 2, 3, 4, 5, 6], "w": list("uvwxyz")})
    return pd.merge(pd.merge(A, B, on="y"), C, on="z")


@case("merge/test_merge_maintains_columns", TM + "test_merge_maintains_columns", order="sorted")
def _():
    return pd.merge(L[["lv", "k1"]], R[["k1", "rv"]], on="k1")


@case("merge/test_merge_then_groupby", TM + "test_merge_tasks_large_to_small")
def _():
    return pd.merge(L, R, on="k1").groupby("k2_x").agg(s=("rv", "sum")).reset_index()


for how in ["inner", "left", "right", "outer"]:

    @case(f"merge/test_cheap_single_partition_merge_left_right/{how}", TM + "test_cheap_single_partition_merge_left_right",
          order="sorted", note="broadcast: true")
    def _(how=how):
        return pd.merge(L, R, on=["k1", "k2"], how=how)

    @case(f"merge/test_merge_tasks_passes_through/{how}", TM + "test_merge_tasks_passes_through", order="sorted",
          note="a shuffle join into 7 buckets")
    def _(how=how):
        return pd.merge(L, R, on="k2", how=how)


def sv(by, ascending=True, frame=None):
    return (srt if frame is None else frame).sort_values(by, ascending=ascending, kind="stable", na_position="last")


@case("sort/test_sort_values/a", TS + "test_sort_values")
def _():
    return sv("a")


@case("sort/test_sort_values/a_desc", TS + "test_sort_values")
def _():
    return sv("a", ascending=False)


@case("sort/test_sort_values/s", TS + "test_sort_values")
def _():
    return sv("s")


@case("sort/test_sort_values_single_partition", TS + "test_sort_values_single_partition")
def _():
    return sv(["a", "s"])


@case("sort/test_sort_values_with_nulls/asc", TS + "test_sort_values_with_nulls")
def _():
    return sv("b")


@case("sort/test_sort_values_with_nulls/desc", TS + "test_sort_values_with_nulls")
def _():
    return sv("b", ascending=False)


@case("sort/test_shuffle_by_as_list", TS + "test_shuffle_by_as_list")
def _():
    return sv(["a"])


@case("sort/test_sort_values_bool_ascending", TS + "test_sort_values_bool_ascending")
def _():
    return sv(["a", "b"], ascending=[True, False])


@case("sort/test_sort_values_custom_function", TS + "test_sort_values_custom_function")
def _():
    return sv(["s", "a"], ascending=[False, True])


@case("sort/test_sort_values_timestamp", TS + "test_sort_values_timestamp")
def _():
    return sv("t")


@case("sort/test_set_index", TS + "test_set_index")
def _():
    return sv("a")


@case("sort/test_set_index_string", TS + "test_set_index_string")
def _():
    return sv("s")


@case("sort/test_sort_values_tasks_backend", TS + "test_sort_values_tasks_backend")
def _():
    return sv("b", frame=srt[srt.a > 5])


@case("sort/test_set_index_empty_partition", TS + "test_set_index_empty_partition", note="most partitions empty after the filter")
def _():
    return sv("b", frame=srt[srt.i >= 140])


@case("sort/test_set_index_sorted_min_max_same", TS + "test_set_index_sorted_min_max_same", note="every key equal")
def _():
    return sv("c", frame=srt.assign(c=1))


@case("sort/test_set_index_npartitions", TS + "test_set_index_npartitions", note="150 rows into 1 and into 9 partitions")
def _():
    return sv("s")


@case("sort/test_sort_values_partitions_meta_dtype_with_divisions", TS + "test_sort_values", note="sort by a float key with missing values, descending, then by i")
def _():
    return sv(["b", "i"], ascending=[False, True])


for variant in ["shuffle", "broadcast"]:

    @case(f"merge/test_merge/string_keys_with_nulls/{variant}", TM + "test_merge", order="sorted",
          note="outer; missing string keys match each other, as pandas")
    def _():
        return pd.merge(skl, skr, on="k", how="outer")


@case("sort/test_sort_values_with_nulls/two_keys", TS + "test_sort_values_with_nulls")
def _():
    return s2.sort_values(["a", "b"], kind="stable")


@case("sort/test_sort_values_with_nulls/two_keys_desc", TS + "test_sort_values_with_nulls")
def _():
    return s2.sort_values(["a", "b"], ascending=[False, False], kind="stable")
