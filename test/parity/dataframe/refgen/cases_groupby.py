"""groupby cases (Dask's test_groupby.py)."""
import pandas as pd

from .common import TG, TD, TM, TS, case, rd
from .frames import *  # noqa: F401,F403


for fn in ["sum", "mean", "min", "max", "count", "std", "var"]:

    @case(f"groupby/test_full_groupby/{fn}", TG + "test_full_groupby")
    def _(fn=fn):
        return getattr(groups[["k", "x", "y"]].groupby("k"), fn)().reset_index()


@case("groupby/test_full_groupby/size", TG + "test_full_groupby")
def _():
    return groups.groupby("k").size().reset_index(name="size")


@case("groupby/test_with_min_count", TG + "test_with_min_count", note="a group of only missing values sums to 0")
def _():
    return allnull.groupby("k").agg(s=("v", "sum"), m=("v", "mean"), c=("v", "count"), n=("v", "size")).reset_index()


@case("groupby/test_groupby_on_float_key", TG + "test_groupby_dropna_pandas", note="float keys; missing keys dropped")
def _():
    return nulls.groupby("x").agg(z=("z", "sum")).reset_index()


@case("groupby/test_groupby_on_bool_key", TG + "test_groupby_numeric_column")
def _():
    d = rd("bools.csv")
    return d.groupby("b").agg(k=("k", "sum")).reset_index()


@case("groupby/negative_zero_key", TG + "test_groupby_dropna_pandas", note="-0.0 and 0.0 are one group; missing keys kept")
def _():
    return nz.groupby("v", dropna=False).agg(n=("n", "sum")).reset_index()


@case("groupby/date_key", TG + "test_timeseries")
def _():
    return dg.groupby("d").agg(s=("x", "sum")).reset_index()


@case("groupby/min_max_of_dates", TG + "test_timeseries")
def _():
    return dg.assign(g=dg.x % 2).groupby("g").agg(lo=("d", "min"), hi=("d", "max")).reset_index()


@case("groupby/test_groupby_multilevel_agg", TG + "test_groupby_multilevel_agg")
def _():
    return groups.groupby(["k", "g"]).agg(xs=("x", "sum"), ym=("y", "mean")).reset_index()


@case("groupby/test_dataframe_groupby_nunique", TG + "test_dataframe_groupby_nunique")
def _():
    return groups.groupby("k").agg(n=("g", "nunique")).reset_index()


@case("groupby/test_series_groupby", TG + "test_series_groupby")
def _():
    return groups.groupby("g").x.sum().reset_index()


@case("groupby/test_groupby_dropna_pandas", TG + "test_groupby_dropna_pandas")
def _():
    return groups.groupby("k", dropna=False).agg(x=("x", "sum")).reset_index()


@case("groupby/test_aggregate_single_element_groups", TG + "test_aggregate_single_element_groups")
def _():
    return groups.groupby("k").agg(s=("y", "std"), v=("x", "var"), m=("x", "mean")).reset_index()


@case("groupby/test_shuffle_aggregate", TG + "test_shuffle_aggregate", order="sorted")
def _():
    return groups.groupby(["k", "g"]).agg(xs=("x", "sum"), ymax=("y", "max"), n=("x", "size")).reset_index()


@case("groupby/test_groupby_split_out_num", TG + "test_groupby_split_out_num", order="sorted")
def _():
    return groups.groupby("x").agg(n=("g", "size"), ys=("y", "sum")).reset_index()


@case("groupby/test_split_out_multi_column_groupby", TG + "test_split_out_multi_column_groupby", order="sorted")
def _():
    return groups.groupby(["g", "x"]).agg(ym=("y", "mean")).reset_index()


@case("groupby/test_hash_groupby_aggregate", TG + "test_hash_groupby_aggregate", order="sorted")
def _():
    return groups.groupby("g").agg(xs=("x", "sum"), yc=("y", "count")).reset_index()


@case("groupby/test_std_columns_int", TG + "test_std_columns_int")
def _():
    return groups.groupby("g").agg(s=("x", "std")).reset_index()


@case("groupby/test_rounding_negative_var", TG + "test_rounding_negative_var")
def _():
    return groups.groupby("g").agg(v=("c", "var"), s=("c", "std")).reset_index()


@case("groupby/test_dataframe_named_agg", TG + "test_dataframe_named_agg")
def _():
    return groups.groupby("k").agg(a=("x", "sum"), b=("y", "max"), c=("y", "first"), d=("y", "last")).reset_index()


@case("groupby/test_groupby_with_row_operations", TG + "test_groupby_with_row_operations")
def _():
    d = groups[groups.x > 0]
    return d.assign(z=d.x * 2).groupby("k").agg(z=("z", "sum")).reset_index()


@case("groupby/test_groupby_empty_partitions_with_rows_operation", TG + "test_groupby_empty_partitions_with_rows_operation")
def _():
    d = groups[groups.x > 45]
    return d.groupby("k").agg(n=("x", "size")).reset_index()


@case("groupby/test_groupby_value_counts", TG + "test_groupby_value_counts")
def _():
    return groups.groupby(["k", "g"]).size().reset_index(name="size")


@case("groupby/test_groupby_numeric_only_true", TG + "test_groupby_numeric_only_true")
def _():
    return groups[["g", "x", "y"]].groupby("g").mean(numeric_only=True).reset_index()


@case("groupby/test_groupby_var_dropna_observed", TG + "test_groupby_var_dropna_observed")
def _():
    return groups.groupby("g").agg(v=("y", "var")).reset_index()


@case("groupby/test_groupby_large_ints_exception", TG + "test_groupby_large_ints_exception",
      note="keys up to 3 * 2^51: int64 past 2^53 is an error in ours (documented), exact in pandas")
def _():
    d = groups.assign(big=groups.g * 2**51)
    return d.groupby("big").agg(n=("x", "size"), xs=("x", "sum")).reset_index()


@case("groupby/test_groupby_string_label", TG + "test_groupby_string_label")
def _():
    return groups.groupby("k").agg(m=("g", "max")).reset_index()


@case("groupby/test_groupby_sort_argument", TG + "test_groupby_sort_argument")
def _():
    return groups.groupby(["g", "k"]).agg(mn=("x", "min")).reset_index()


@case("groupby/test_series_aggregations_multilevel", TG + "test_series_aggregations_multilevel")
def _():
    return groups.groupby(["g"]).agg(c=("k", "count")).reset_index()


@case("groupby/test_groupby_agg_on_string", TG + "test_groupby_agg_grouper_single", note="min/max of a string column")
def _():
    # pandas 1.5 cannot take min of an object column holding NaN: the NaN rows are dropped
    # first (each g keeps some k, so the groups are the same as skipping missing values).
    return groups.dropna(subset=["k"]).groupby("g").agg(lo=("k", "min"), hi=("k", "max")).reset_index()


AGG_FNS = ["sum", "mean", "min", "max", "count", "size", "std", "var", "first", "last", "nunique"]


for fn in AGG_FNS:
    for variant in ["split_every_2", "split_out_3"]:

        @case(f"groupby/test_dataframe_aggregations_multilevel/{fn}/{variant}", TG + "test_dataframe_aggregations_multilevel",
              order="sorted" if variant == "split_out_3" else "pandas")
        def _(fn=fn):
            return groups.groupby("k").agg(out=("y", fn)).reset_index()


@case("groupby/test_groupby_reduction_split/string_first", TG + "test_groupby_reduction_split")
def _():
    return groups.groupby("g").agg(f=("k", "first"), l=("k", "last")).reset_index()


@case("groupby/test_groupby_dropna_pandas/two_keys", TG + "test_groupby_dropna_pandas", note="a row with any key missing is dropped")
def _():
    return tk.groupby(["a", "b"]).agg(s=("v", "sum")).reset_index()


@case("groupby/test_groupby_dropna_pandas/two_keys_kept", TG + "test_groupby_dropna_pandas", note="dropna=False: missing keys are groups")
def _():
    return tk.groupby(["a", "b"], dropna=False).agg(s=("v", "sum")).reset_index()
