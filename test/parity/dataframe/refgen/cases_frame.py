"""Frame, reduction and expression cases (Dask's test_dataframe.py, test_arithmetics_reduction.py, test_accessors.py)."""
import numpy as np
import pandas as pd

from .common import TD, TR, case, rd
from .frames import *  # noqa: F401,F403


@case("frame/test_head_tail/head2", TD + "test_head_tail")
def _():
    return ab.head(2)


@case("frame/test_head_tail/head5", TD + "test_head_tail")
def _():
    return ab.head(5)


@case("frame/test_head_npartitions", TD + "test_head_npartitions")
def _():
    return ab.head(8)


@case("frame/test_column_names", TD + "test_column_names")
def _():
    return ab[["b", "a"]]


@case("frame/test_rename_columns", TD + "test_rename_columns")
def _():
    return ab.rename(columns={"a": "A", "b": "B"})


@case("frame/test_rename_dict", TD + "test_rename_dict")
def _():
    return ab.rename(columns={"b": "bb"})


@case("frame/test_drop_columns", TD + "test_drop_columns")
def _():
    return ab.drop(columns=["b"])


@case("frame/test_assign", TD + "test_assign")
def _():
    return ab.assign(c=ab.a + 1, e=ab.a + ab.b)


@case("frame/test_setitem", TD + "test_setitem")
def _():
    d = ab.copy()
    d["c"] = d.a * d.b
    d["a"] = d.a - 10
    return d


@case("frame/test_query", TD + "test_query")
def _():
    return ab.query("a ** 2 > b")


@case("frame/test_mod_eq", TD + "test_mod_eq")
def _():
    return ab[ab.a % 2 == 1]


@case("frame/test_isin", TD + "test_isin")
def _():
    return ab[ab.a.isin([1, 5, 9, 100])]


@case("frame/test_len", TD + "test_len")
def _():
    return len(ab)


@case("frame/test_len/filtered", TD + "test_len")
def _():
    return len(ab[ab.a > 4])


@case("frame/test_abs", TD + "test_abs")
def _():
    d = ab.assign(c=ab.b - ab.a)
    return d.assign(c=d.c.abs())


@case("frame/test_repartition_npartitions", TD + "test_repartition_npartitions")
def _():
    return ab


@case("frame/test_get_partition", TD + "test_get_partition", note="all partitions, one by one, in order")
def _():
    return ab


@case("frame/test_dropna", TD + "test_dropna", note="dropna(subset=['y']) is filter(col('y').isNotNull())")
def _():
    return nulls.dropna(subset=["y"])


@case("frame/test_dropna/all", TD + "test_dropna", note="dropna() is a filter on every column being not null")
def _():
    return nulls.dropna()


@case("frame/test_fillna", TD + "test_fillna")
def _():
    return nulls.assign(x=nulls.x.fillna(100), s=nulls.s.fillna("?"))


@case("frame/test_isna", TD + "test_isna")
def _():
    return pd.DataFrame({"x": nulls.x.isna(), "s": nulls.s.isna(), "z": nulls.z.notna()})


@case("frame/test_where_mask", TD + "test_where_mask")
def _():
    return pd.DataFrame({"a": ab.a.where(ab.a > 4, 0), "b": ab.b.mask(ab.b > 2, -1)})


@case("frame/test_embarrassingly_parallel_operations", TD + "test_embarrassingly_parallel_operations")
def _():
    return pd.DataFrame({"x": nulls.x.astype("f8"), "f": nulls.x.fillna(100)})


@case("frame/test_astype/int_to_float", TD + "test_astype", dtypes=True)
def _():
    return ab.astype("f8")


@case("frame/test_astype/float_to_str", TD + "test_astype",
      note="astype(str) of floats: pandas writes 2.0, 0.5")
def _():
    return pd.DataFrame({"x": (nulls.z / 2).astype(str).where(nulls.z.notna(), None)})


@case("frame/test_astype/int_to_str", TD + "test_astype")
def _():
    return pd.DataFrame({"a": ab.a.astype(str)})


@case("frame/test_round", TD + "test_round", note="half to even, as NumPy")
def _():
    return rd("round.csv").round()


@case("frame/test_drop_duplicates", TD + "test_drop_duplicates")
def _():
    return groups[["k", "g"]].drop_duplicates()


@case("frame/test_drop_duplicates_subset", TD + "test_drop_duplicates_subset")
def _():
    return groups[["k", "g", "x"]].drop_duplicates(subset=["g"])


@case("frame/test_value_counts", TD + "test_value_counts", order="sorted")
def _():
    vc = groups.g.value_counts()
    return pd.DataFrame({"g": vc.index, "count": vc.values})


@case("frame/test_value_counts_with_dropna", TD + "test_value_counts_with_dropna", order="sorted")
def _():
    vc = groups.k.value_counts(dropna=True)
    return pd.DataFrame({"k": vc.index, "count": vc.values})


@case("frame/test_nunique", TD + "test_nunique")
def _():
    return pd.DataFrame([groups.nunique().to_dict()])


@case("frame/test_nunique/series", TD + "test_nunique")
def _():
    return groups.k.nunique()


@case("frame/test_describe_numeric", TD + "test_describe_numeric")
def _():
    d = groups[["x", "y"]].describe()
    return d.reset_index().rename(columns={"index": "statistic"})


@case("frame/test_sort_values_then_head", TD + "test_head_tail", note="nlargest(3, 'x') as sortValues desc + head")
def _():
    return groups.sort_values("x", ascending=False, kind="stable").head(3)


@case("frame/test_arithmetics", TR + "test_frame_series_arithmetic_methods")
def _():
    a, b = ab.a, ab.b
    return pd.DataFrame({"add": a + b, "sub": a - b, "mul": a * b, "div": a / b, "pow": a ** 2})


@case("frame/test_arithmetics/mod", TR + "test_divmod", note="modulo takes the divisor's sign")
def _():
    d = rd("mod.csv")
    x, y = d.x, d.y
    return pd.DataFrame({"m": x % y, "fm": x.astype(float) % 2.5})


@case("frame/test_arithmetics/mod_by_zero", TR + "test_divmod",
      note="int modulo by zero: pandas gives NaN")
def _():
    return pd.DataFrame({"m": ab.a % ab.b})


@case("frame/test_series_comparison_nan", TR + "test_series_comparison_nan",
      note="SQL null semantics in filters: a != 3 is null (row dropped) for a missing x; pandas keeps it")
def _():
    return nulls[(nulls.x != 3) & nulls.x.notna()]


@case("frame/test_series_comparison_nan/lt", TR + "test_series_comparison_nan")
def _():
    return nulls[nulls.x < 4]


for col in ["x", "y", "z"]:
    for fn in ["sum", "mean", "min", "max", "count", "std", "var"]:

        @case(f"frame/test_reductions/{col}.{fn}", TR + "test_reductions")
        def _(col=col, fn=fn):
            return getattr(nulls[col], fn)()


@case("frame/test_reductions/groups.x.std", TR + "test_reductions")
def _():
    return groups.x.std()


@case("frame/test_reductions/groups.y.mean", TR + "test_reductions")
def _():
    return groups.y.mean()


@case("frame/test_reductions/string.min_max", TR + "test_reductions_non_numeric_dtypes")
def _():
    return pd.DataFrame({"min": [nulls.s.dropna().min()], "max": [nulls.s.dropna().max()]})


@case("frame/test_sum_intna", TR + "test_sum_intna")
def _():
    return groups.assign(k2=groups.g.where(groups.g > 0)).k2.sum()


@case("frame/test_empty_df_reductions/sum", TR + "test_empty_df_reductions", note="sum of no values is 0")
def _():
    return ab[ab.a > 100].a.sum()


@case("frame/test_empty_df_reductions/count", TR + "test_empty_df_reductions")
def _():
    return ab[ab.a > 100].a.count()


@case("frame/test_empty_df_reductions/mean", TR + "test_empty_df_reductions")
def _():
    return ab[ab.a > 100].a.mean()


@case("frame/test_series_agg_with_min_count/all_missing_sum", TR + "test_series_agg_with_min_count",
      note="min_count 0: the sum of only missing values is 0")
def _():
    return allnull[allnull.k == "b"].v.sum()


@case("frame/test_drop_duplicates/with_nulls", TD + "test_drop_duplicates")
def _():
    return nulls[["s"]].drop_duplicates()


@case("frame/test_nunique/with_nulls", TD + "test_nunique")
def _():
    return nulls.s.nunique()


@case("frame/test_describe", TD + "test_describe")
def _():
    return nulls[["x", "y", "z"]].describe().reset_index().rename(columns={"index": "statistic"})


for name, fn in [("lower", lambda s: s.str.lower()), ("upper", lambda s: s.str.upper()), ("strip", lambda s: s.str.strip()),
                 ("len", lambda s: s.str.len()), ("contains", lambda s: s.str.contains("an", regex=False)),
                 ("startswith", lambda s: s.str.startswith("Gr")), ("endswith", lambda s: s.str.endswith("e"))]:

    @case(f"expr/test_str_accessor/{name}", "dask/dataframe/tests/test_accessors.py::test_str_accessor")
    def _(fn=fn):
        d = rd("strings.csv", keep_default_na=False, na_values=[""])
        return pd.DataFrame({"id": d.id, "out": fn(d.s)})


for name in ["year", "month", "day", "hour", "minute", "weekday"]:

    @case(f"expr/test_dt_accessor/{name}", "dask/dataframe/tests/test_accessors.py::test_dt_accessor")
    def _(name=name):
        d = rd("timestamps.csv", parse_dates=["t"])
        return pd.DataFrame({"id": d.id, "out": getattr(d.t.dt, name)})


@case("expr/test_between", TD + "test_query", note="between is inclusive at both ends")
def _():
    return ab[ab.a.between(3, 6)]


@case("expr/test_isin/strings", TD + "test_isin")
def _():
    d = rd("strings.csv", keep_default_na=False, na_values=[""])
    return d[d.s.isin(["Grüße", "banana", "nope"])]


@case("expr/test_where_mask/multiple", TD + "test_where_mask")
def _():
    return pd.DataFrame({"c": np.select([ab.a < 3, ab.a < 6], ["low", "mid"], "high")})


@case("expr/test_clip_by_where", TD + "test_clip", note="clip(lower=2, upper=5) as a when/then")
def _():
    return pd.DataFrame({"a": ab.a.clip(2, 5)})


@case("frame/negative_zero_nunique", TD + "test_nunique", note="-0.0 equals 0.0")
def _():
    return nz.v.nunique()


@case("frame/negative_zero_drop_duplicates", TD + "test_drop_duplicates", note="-0.0 equals 0.0; missing values are one")
def _():
    return nz[["v"]].drop_duplicates()


@case("frame/test_repartition_npartitions_numeric_edge_case", TD + "test_repartition_npartitions_numeric_edge_case", note="more partitions than rows")
def _():
    return ab


@case("frame/test_map_partitions", TD + "test_map_partitions", note="a sync closure over each partition's Arrow Table")
def _():
    return ab[["b"]]


@case("frame/test_dtype_cast", TD + "test_dtype_cast")
def _():
    return pd.DataFrame({"i32": ab.a.astype("int32"), "f": ab.b.astype("float64"), "s": ab.a.astype(str).astype(float)})


@case("frame/test_reductions_frame_dtypes/timestamp_min_max", TR + "test_reductions_frame_dtypes")
def _():
    return pd.DataFrame({"min": [srt.t.min()], "max": [srt.t.max()]})


@case("frame/test_drop_duplicates/two_columns_with_nulls", TD + "test_drop_duplicates")
def _():
    return tk[["a", "b"]].drop_duplicates()


@case("frame/test_head_npartitions/after_filter", TD + "test_head_npartitions", note="the first partitions are empty after the filter")
def _():
    return seq[seq.a > 50].head(3)


@case("frame/test_head_npartitions/more_than_rows", TD + "test_head_npartitions")
def _():
    return seq[seq.a > 57].head(5)


@case("frame/test_value_counts/float_with_missing", TD + "test_value_counts", order="sorted")
def _():
    vc = rd("float_counts.csv").f.value_counts()
    return pd.DataFrame({"f": vc.index, "count": vc.values})
