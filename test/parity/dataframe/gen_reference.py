"""Reference answers for the dataframe + CSV parity suite (test/parity/dataframe/*.test.ts).

Regenerate (Debian's pandas 1.5.3 / NumPy 1.24, not the python3 on PATH):

    /usr/bin/python3 test/parity/dataframe/gen_reference.py

It writes the input files under test/parity/dataframe/data/ (small, deterministic) and, for
each case, pandas' answer on those same bytes to test/parity/dataframe/reference.json:
{ id: { cite, columns, rows, dtypes, order, error?, note? } }. Values: numbers, strings, bools,
null for a missing value (NaN, None, NaT alike), timestamps as ISO strings in UTC, infinities as
{"inf": 1} or {"inf": -1}. `order` is 'pandas' where pandas defines the row order, 'sorted'
where it does not (the test sorts both sides). Case ids are `area/dask_test[/variant]`; the
TypeScript side has one `it` per id.
"""
import json
import math
import os
import sys

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
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

# ---------------------------------------------------------------- input files (Dask's texts)
csv_text = """name,amount
Alice,100
Bob,-200
Charlie,300
Dennis,400
Edith,-500
Frank,600
Alice,200
Frank,-200
Bob,600
Alice,400
Frank,200
Alice,300
Edith,600"""
timeseries = """Date,Open,High,Low,Close,Volume,Adj Close
2015-08-28,198.50,199.839996,197.919998,199.240005,143298900,199.240005
2015-08-27,197.020004,199.419998,195.210007,199.160004,266244700,199.160004
2015-08-26,192.080002,194.789993,188.369995,194.679993,328058100,194.679993
2015-08-25,195.429993,195.449997,186.919998,187.229996,353966700,187.229996
2015-08-24,197.630005,197.630005,182.399994,189.550003,478672400,189.550003
2015-08-21,201.729996,203.940002,197.520004,197.630005,328271500,197.630005
2015-08-20,206.509995,208.289993,203.899994,204.009995,185865600,204.009995
2015-08-19,209.089996,210.009995,207.350006,208.279999,167316300,208.279999
2015-08-18,210.259995,210.679993,209.699997,209.929993,70043800,209.929993"""
csv_files = {
    "2014-01-01.csv": "name,amount,id\nAlice,100,1\nBob,200,2\nCharlie,300,3\n",
    "2014-01-02.csv": "name,amount,id\n",
    "2014-01-03.csv": "name,amount,id\nDennis,400,4\nEdith,500,5\nFrank,600,6\n",
}

write("names.csv", csv_text)
write("names.tsv", csv_text.replace(",", "\t"))
write("timeseries.csv", timeseries)
for k, v in csv_files.items():
    write("files/" + k, v)
write("crlf.csv", "a,b\r\n1,2\r\n2,3\r\n3,4\r\n4,5\r\n5,6\r\n6,7")
write("consistent.csv", "name,amount\nAlice,100.5\nBob,-200.5\nCharlie,300\nDennis,400\nEdith,-500\nFrank,600")
write("consistent2/foo.1.csv", "name,amount\nAlice,100\nBob,-200\nCharlie,300")
write("consistent2/foo.2.csv", "name,amount\n1,400\n2,-500\nFrank,600")
write("empty_header.csv", "a,b")
write("header_none/tmp.1.csv", "1,2")
write("header_none/tmp.2.csv", "")
write("header_none/tmp.3.csv", "3,4")
write("integer_names.csv", "alice,1\nbob,2")
write("overflow2.csv", "a,b\n111111,-11111\n222222,-22222\n333333,-33333\n")
write("late.csv", "numbers,names,more_numbers,integers\n" + "1,foo,2,3\n" * 1000 + "1.5,bar,2.5,3\n")
write("sep_hash.csv", "name###amount\nalice###100\nbob###200\ncharlie###300")
write("issue823.tsv", "a\tb\tc-d\n1\t2\t3\n4\t5\t6")
write("slash_r.csv", b"0,my\n1,data\n" * 1000 + b"2,foo\rbar")
write("singleton.csv", "a,b\n1,2\n3,4\n5,6")
write("skipinitialspace.csv", "name, amount\nAlice,100\nBob,-200\nCharlie,300\nDennis,400\nEdith,-500\nFrank,600")
write("getitem_order.csv", "A,B,C\n" + "".join(f"{i},{i * 2},{i * 3}\n" for i in range(40)))
write(
    "quoting.csv",
    'id,text,score\n'
    + "".join(
        f'{i},"{w}, then ""{w}""\nand a second line",{i * 0.5}\n' if i % 3 == 0 else f"{i},{w},{i * 0.5}\n"
        for i, w in enumerate(["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta", "iota", "kappa"] * 3)
    ),
)
# pandas 1.5's default NA strings, one per row, and some that are not NA.
PD15_NA = ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
           "<NA>", "N/A", "NA", "NULL", "NaN", "n/a", "nan", "null"]
NOT_NA = ["x", "none", "na ", "Nan", "NAN", "-", "0"]
write("na_values.csv", "id,v\n" + "".join(f"{i},{s}\n" for i, s in enumerate(PD15_NA + NOT_NA)))
write("na_none.csv", "id,v\n0,None\n1,x\n")
write("dates.csv", "id,d\n1,2021-03-04\n2,2020-02-29\n3,1999-12-31\n4,\n5,2024-01-01\n")
write("timestamps.csv", "id,t\n1,2021-03-04 05:06:07\n2,2020-02-29T23:59:59\n3,1970-01-01 00:00:00\n4,\n")
write("bools.csv", "k,b\n1,True\n2,False\n3,\n4,True\n5,False\n")
write("round.csv", "v\n0.5\n1.5\n2.5\n-0.5\n-1.5\n2.4\n2.6\n-2.6\n")
write("mod.csv", "x,y\n7,3\n-7,3\n7,-3\n-7,-3\n0,3\n5,5\n")
write("allnull.csv", "k,v\na,1.5\nb,\na,2\nb,\nc,3\n")
write("strings.csv", "id,s\n1,banana\n2, Grüße \n3,\n4,Grüße\n5,😀 smile\n6,ĲSSEL\n7,orange\n8,\tcafé\n")
write("utf8.csv", "id,city\n1,Zürich\n2,東京\n3,\"São, Paulo\"\n4,naïve café\n")

# test_dataframe.py's `d`: a = 1..9, b = 4,5,6,3,2,1,0,0,0 (three partitions in Dask)
ab = pd.DataFrame({"a": [1, 2, 3, 4, 5, 6, 7, 8, 9], "b": [4, 5, 6, 3, 2, 1, 0, 0, 0]})
ab.to_csv(p("ab.csv"), index=False)
# test_dataframe.py::test_dropna's frame (with NaN written as empty fields)
nulls = pd.DataFrame(
    {
        "x": [np.nan, 2, 3, 4, np.nan, 6],
        "y": [1, 2, np.nan, 4, np.nan, np.nan],
        "z": [1, 2, 3, 4, np.nan, 6],
        "s": ["a", None, "c", "d", "e", None],
    }
)
nulls.to_csv(p("nulls.csv"), index=False)
# A wider frame for reductions and groupby: deterministic, with missing keys and values.
rs = np.random.RandomState(42)
n = 240
groups = pd.DataFrame(
    {
        "k": rs.choice(["a", "b", "c", "d", "e", None], n, p=[0.3, 0.2, 0.2, 0.15, 0.1, 0.05]),
        "g": rs.randint(0, 4, n),
        "x": rs.randint(-50, 50, n),
        "y": np.round(rs.normal(10, 5, n), 3),
        "c": np.full(n, 12345678.9),
    }
)
groups.loc[rs.rand(n) < 0.1, "y"] = np.nan
groups.loc[5, "k"] = "solo"  # a one-row group
groups.to_csv(p("groups.csv"), index=False)
# test_multi.py::test_merge's A and B
A = pd.DataFrame({"x": [1, 2, 3, 4, 5, 6], "y": [1, 1, 2, 2, 3, 4]})
B = pd.DataFrame({"y": [1, 3, 4, 4, 5, 6], "z": [6, 5, 4, 3, 2, 1]})
A.to_csv(p("merge_a.csv"), index=False)
B.to_csv(p("merge_b.csv"), index=False)
# test_merge_by_multiple_columns-style frames: two keys, some rows without a partner
L = pd.DataFrame({"k1": rs.randint(0, 5, 60), "k2": rs.choice(list("abc"), 60), "lv": np.arange(60)})
R = pd.DataFrame({"k1": rs.randint(0, 6, 40), "k2": rs.choice(list("abcd"), 40), "rv": np.arange(40) * 10})
L.to_csv(p("left.csv"), index=False)
R.to_csv(p("right.csv"), index=False)
# keys with missing values (test_nullable_types_merge)
NL = pd.DataFrame({"a": [1, 2, 3, None, 5, None], "b": [10, 20, 30, 40, 50, 60]})
NR = pd.DataFrame({"a": [1, None, 3, 4, 7], "c": ["p", "q", "r", "s", "t"]})
NL.to_csv(p("null_keys_left.csv"), index=False)
NR.to_csv(p("null_keys_right.csv"), index=False)
# sorting: ties, missing values, strings, timestamps
m = 150
srt = pd.DataFrame(
    {
        "a": rs.randint(0, 20, m),
        "b": np.round(rs.normal(0, 100, m), 2),
        "s": ["".join(rs.choice(list("abcdefg"), 3)) for _ in range(m)],
        "t": pd.Timestamp("2020-01-01") + pd.to_timedelta(rs.randint(0, 10**6, m), unit="s"),
        "i": np.arange(m),
    }
)
srt.loc[rs.rand(m) < 0.1, "b"] = np.nan
srt.to_csv(p("sort.csv"), index=False, date_format="%Y-%m-%d %H:%M:%S")


def rd(name, **kw):
    return pd.read_csv(p(name), **kw)


# Every answer below is computed from the bytes just written, read back by pandas.
ab, nulls, groups = rd("ab.csv"), rd("nulls.csv"), rd("groups.csv")
A, B, L, R = rd("merge_a.csv"), rd("merge_b.csv"), rd("left.csv"), rd("right.csv")
NL, NR = rd("null_keys_left.csv"), rd("null_keys_right.csv")
srt = rd("sort.csv", parse_dates=["t"])


# ---------------------------------------------------------------------------- read_csv cases
@case("csv/test_read_csv/csv", TC + "test_read_csv", dtypes=True)
def _():
    return rd("names.csv")


@case("csv/test_read_csv/tsv", TC + "test_read_csv", dtypes=True)
def _():
    return pd.read_table(p("names.tsv"))


@case("csv/test_read_csv_files", TC + "test_read_csv_files", dtypes=True)
def _():
    # as Dask's read_files(): the empty middle file makes pandas' concat object, cast back
    return pd.concat([rd("files/" + k) for k in sorted(csv_files)]).astype({"name": object, "amount": int, "id": int})


@case("csv/test_read_csv_files_list", TC + "test_read_csv_files_list")
def _():
    return pd.concat([rd("files/" + k) for k in ["2014-01-01.csv", "2014-01-03.csv"]])


@case("csv/test_usecols", TC + "test_usecols")
def _():
    return rd("timeseries.csv", usecols=["High", "Low"])


@case("csv/test_usecols/select", TC + "test_usecols")
def _():
    return rd("timeseries.csv", usecols=["High", "Low"])[["High"]]


@case("csv/test_string_blocksize", TC + "test_string_blocksize")
def _():
    return rd("timeseries.csv")


@case("csv/test_consistent_dtypes", TC + "test_consistent_dtypes", dtypes=True)
def _():
    return rd("consistent.csv")


@case("csv/test_consistent_dtypes_2", TC + "test_consistent_dtypes_2", dtypes=True)
def _():
    out = pd.concat([rd("consistent2/foo.1.csv"), rd("consistent2/foo.2.csv", dtype={"name": str})])
    return out


@case("csv/test_empty_csv_file", TC + "test_empty_csv_file")
def _():
    return rd("empty_header.csv")


@case("csv/test_windows_line_terminator/sums", TC + "test_windows_line_terminator")
def _():
    d = rd("crlf.csv")
    return pd.DataFrame({"a": [d.a.sum()], "b": [d.b.sum()]})


@case("csv/test_windows_line_terminator/rows", TC + "test_windows_line_terminator")
def _():
    return rd("crlf.csv")


@case("csv/test_header_None", TC + "test_header_None")
def _():
    return pd.DataFrame({0: [1, 3], 1: [2, 4]})


@case("csv/test_csv_with_integer_names", TC + "test_csv_with_integer_names")
def _():
    return rd("integer_names.csv", header=None)


@case("csv/test_head_partial_line_fix", TC + "test_head_partial_line_fix", dtypes=True)
def _():
    return rd("overflow2.csv")


@case("csv/test_late_dtypes/whole_sample", TC + "test_late_dtypes", dtypes=True)
def _():
    return rd("late.csv")


@case("csv/test_late_dtypes/small_sample", TC + "test_late_dtypes",
      note="Dask raises 'Mismatched dtypes'; we raise CsvParseError naming the line")
def _():
    return {"error": "CsvParseError", "line": 1002}


@case("csv/test_assume_missing", TC + "test_assume_missing", dtypes=True)
def _():
    return rd("late.csv").astype({"integers": float, "numbers": float, "more_numbers": float})


@case("csv/test_assume_missing/integers_given", TC + "test_assume_missing", dtypes=True)
def _():
    return rd("late.csv")


@case("csv/test_read_csv_sep", TC + "test_read_csv_sep")
def _():
    return pd.read_csv(p("sep_hash.csv"), sep="###", engine="python")


@case("csv/test_read_csv_header_issue_823", TC + "test_read_csv_header_issue_823")
def _():
    return pd.read_csv(p("issue823.tsv"), sep="\t")


@case("csv/test_read_csv_slash_r", TC + "test_read_csv_slash_r")
def _():
    return pd.read_csv(p("slash_r.csv"), header=None, sep=",", lineterminator="\n", names=["a", "b"])


@case("csv/test_read_csv_singleton_dtype", TC + "test_read_csv_singleton_dtype", dtypes=True)
def _():
    return rd("singleton.csv", dtype=float)


@case("csv/test_skipinitialspace", TC + "test_skipinitialspace",
      note="we have no skipinitialspace: the header keeps ' amount', as pandas without the option")
def _():
    return rd("skipinitialspace.csv")


@case("csv/test_none_usecols", TC + "test_none_usecols")
def _():
    return rd("names.csv", usecols=None)


@case("csv/test_index_col", TC + "test_index_col")
def _():
    return rd("names.csv", index_col=False)


@case("csv/test_read_csv_with_datetime_index_partitions_n", TC + "test_read_csv_with_datetime_index_partitions_n")
def _():
    return rd("timeseries.csv", usecols=[0, 4], parse_dates=["Date"]).sort_values("Date", kind="stable")


@case("csv/test_read_csv_with_datetime_index_partitions_one", TC + "test_read_csv_with_datetime_index_partitions_one")
def _():
    return rd("timeseries.csv", usecols=[0, 4], parse_dates=["Date"]).sort_values("Date", kind="stable")


@case("csv/test_csv_getitem_column_order", TC + "test_csv_getitem_column_order")
def _():
    return rd("getitem_order.csv")[["C", "A"]]


@case("csv/test_read_csv_groupby_get_group", TC + "test_read_csv_groupby_get_group")
def _():
    d = rd("names.csv")
    return d[d.name == "Alice"]


@case("csv/test_text_blocks_to_pandas_blocked", TC + "test_text_blocks_to_pandas_blocked")
def _():
    return pd.concat([rd("files/" + k) for k in sorted(csv_files)])


@case("csv/test_pandas_read_text_with_header", TC + "test_pandas_read_text_with_header")
def _():
    return rd("files/2014-01-01.csv")


@case("csv/test_read_csv_parse_dates", TC + "test_read_csv_with_datetime_index_partitions_n",
      note="variant: a date-only column with a missing value; pandas gives NaT")
def _():
    return rd("dates.csv", parse_dates=["d"])


@case("csv/test_read_csv_parse_timestamps", TC + "test_read_csv_with_datetime_index_partitions_n",
      note="variant: timestamps with a space or a T, and a missing one")
def _():
    return rd("timestamps.csv", parse_dates=["t"])


@case("csv/quoting", "pandas read_csv quoting (no Dask test): quoted separators, newlines, doubled quotes, small ranges")
def _():
    return rd("quoting.csv")


@case("csv/na_values_defaults", "pandas read_csv na_values defaults (no Dask test)", dtypes=False,
      note="pandas 1.5's default NA strings, one per row")
def _():
    return rd("na_values.csv", dtype={"v": object})


@case("csv/na_values_none", "pandas read_csv na_values defaults (no Dask test)",
      note="'None' is NA in pandas 2 (we follow it), not in pandas 1.5")
def _():
    return pd.DataFrame({"id": [0, 1], "v": [None, "x"]})


@case("csv/na_values_custom", "pandas read_csv na_values=[...] with keep_default_na=False (no Dask test)")
def _():
    return rd("na_values.csv", dtype={"v": object}, na_values=["x", "-"], keep_default_na=False)


@case("csv/bools", "pandas read_csv bool inference (no Dask test)",
      note="pandas makes a bool column with a missing value object; ours stays bool with a null")
def _():
    return rd("bools.csv")


@case("csv/utf8", "pandas read_csv utf-8 (dask test_encoding_gh601, utf-8 only)")
def _():
    return rd("utf8.csv")


write("numbers.csv", 'i,f\n"12",1e3\n+5,1E-2\n 7,.5\n8 ,5.\n-0,-2.5e+2\n')
write("inf.csv", "f\n1.5\ninf\n-inf\nInfinity\n-Infinity\nINF\n+inf\nInf\n")
write("infinity.csv", "f\n1.5\nInfinity\n2\n")
write("quote_in_field.csv", 'a,b\n1,x"y\n2,z\n3,w"v"u\n4,q\n5,"r"\n')
write("hex.csv", "h\n0x10\n0b11\n12\n")
write("neg_zero.csv", "v,n\n0.0,1\n-0.0,2\n1.5,3\n,4\nNaN,5\n-0.0,6\n")
write("neg_zero_right.csv", "v,m\n0.0,a\n1.5,b\n")
write("whitespace_field.csv", "a,b\n1,x\n ,y\n3,z\n")
write("trailing_comma.csv", "a,b,\n1,2,\n3,4,\n")
write("quoted_header.csv", '"a,b",c\n1,2\n3,4\n')
write("mixed_date_ts.csv", "d\n2021-01-01\n2021-01-01 12:00\n2020-12-31 23:59:59\n")
write("leading_zeros.csv", "a,s\n007,007\n010,x\n")
write("date_groups.csv", "d,x\n2021-01-02,1\n2021-01-01,2\n2021-01-02,3\n,4\n2020-05-05,5\n2021-01-01,6\n")
write("two_keys.csv", "a,b,v\nx,1,1\n,1,2\nx,,3\ny,2,4\n,,5\nx,1,6\n")
write("str_keys_left.csv", "k,l\na,1\n,2\nb,3\n,4\n")
write("str_keys_right.csv", "k,r\n,10\nb,20\nc,30\n")
write("sort_two_keys.csv", "a,b,i\n2,x,0\n,y,1\n1,,2\n2,,3\n,x,4\n1,y,5\n")
write("seq.csv", "a\n" + "".join(f"{i}\n" for i in range(60)))
write("float_counts.csv", "f\n1.5\n\n1.5\n2\n\n")
write("non_iso_dates.csv", "d\n03/04/2021\n2021-03-04\n12/31/1999 13:45\n")
write("to_csv.csv", "x,y\na,1\nb,2\nc,3\nd,4\n")
write("parse_fail.csv", 'a,b\n1,"hi\n"\n2,"oi\n"\n')
write("short_rows.csv", "a,b,c\n1,2,3\n4,5\n6,7,8\n")
write("dup_names.csv", "a,b,a,,b\n1,2,3,4,5\n6,7,8,9,10\n")
write("bom.csv", "\ufeffa,b\n1,x\n2,y\n")
write("crlf_quoted.csv", 'id,t\r\n1,"two\r\nlines"\r\n2,plain\r\n3,"x,y"\r\n')
write("blank_lines.csv", "a,b\n1,2\n\n3,4\n\n\n5,6\n")
write("int_missing.csv", "a,b\n1,x\n,y\n3,\n")
write("bool_spellings.csv", "b\nTrue\nFalse\nTRUE\nFALSE\ntrue\nfalse\n")


@case("csv/numbers_spellings", "pandas read_csv number parsing (no Dask test)",
      note="quoted, signed, padded and exponent spellings of numbers")
def _():
    return rd("numbers.csv")


@case("csv/inf_spellings", "pandas read_csv infinities (no Dask test)", dtypes=True)
def _():
    return rd("inf.csv")


@case("csv/infinity_in_float_column", "pandas read_csv infinities (no Dask test)", dtypes=True)
def _():
    return rd("infinity.csv")


@case("csv/quote_in_unquoted_field", "pandas read_csv: a quote inside an unquoted field is data (no Dask test)")
def _():
    return rd("quote_in_field.csv")


@case("csv/hex_binary_are_strings", "pandas read_csv: 0x10 and 0b11 are not numbers (no Dask test)", dtypes=True)
def _():
    return rd("hex.csv")


@case("csv/non_iso_dates", "pandas read_csv parse_dates, month-first (no Dask test)",
      note="naive times are UTC whatever the machine's zone (read here under TZ=America/New_York)")
def _():
    return rd("non_iso_dates.csv", parse_dates=["d"])


@case("csv/test_csv_parse_fail", TC + "test_csv_parse_fail", note="a 13-byte sample ends inside a quoted field")
def _():
    return rd("parse_fail.csv")


@case("csv/test_read_csv_raises_on_no_files", TC + "test_read_csv_raises_on_no_files", note="a MissingFileError naming the path")
def _():
    return {"error": "MissingFileError"}


for n in [1, 2]:

    @case(f"csv/test_to_csv/npartitions_{n}", TC + "test_to_csv", note="toCSV, then readCSV of the folder")
    def _():
        return rd("to_csv.csv")


@case("csv/test_to_csv_simple/quoting", TC + "test_to_csv_simple", note="round trip of quoted separators, newlines and quotes")
def _():
    return rd("quoting.csv")


@case("csv/test_to_csv_simple/nulls", TC + "test_to_csv_simple", note="round trip of missing numbers and strings")
def _():
    return rd("nulls.csv")


@case("csv/test_to_csv_simple/timestamps", TC + "test_to_csv_simple", note="round trip of timestamps")
def _():
    return rd("timestamps.csv", parse_dates=["t"])


@case("csv/test_to_csv_simple/utf8_many_partitions", TC + "test_to_csv_simple", note="round trip through 12 files (names sort in order)")
def _():
    return rd("groups.csv")


@case("csv/short_rows", "pandas read_csv: a row with fewer fields is filled with NaN (no Dask test)")
def _():
    return rd("short_rows.csv")


@case("csv/duplicate_names", "pandas read_csv mangle_dupe_cols (dask test_read_csv_names_not_none area)")
def _():
    return rd("dup_names.csv")


@case("csv/test_encoding_gh601/utf-8-sig", TC + "test_encoding_gh601", note="utf-8-sig only: the BOM is not part of the first name")
def _():
    return pd.read_csv(p("bom.csv"), encoding="utf-8-sig")


@case("csv/crlf_quoted", TC + "test_windows_line_terminator", note="variant: a quoted CRLF stays in the value")
def _():
    return rd("crlf_quoted.csv")


@case("csv/blank_lines", "pandas read_csv skip_blank_lines (no Dask test)")
def _():
    return rd("blank_lines.csv")


@case("csv/int_missing", "pandas read_csv ints with a missing value (no Dask test)",
      note="pandas 1.5 makes the column float64; ours stays int64 with a null (same values)")
def _():
    return rd("int_missing.csv")


@case("csv/bool_spellings", "pandas read_csv true/false spellings (no Dask test)", dtypes=True)
def _():
    return rd("bool_spellings.csv")


@case("csv/whitespace_only_field", "pandas read_csv: a blank field makes a number column object (no Dask test)", dtypes=True)
def _():
    return rd("whitespace_field.csv")


@case("csv/trailing_comma", "pandas read_csv: a trailing separator is an unnamed, empty column (no Dask test)")
def _():
    return rd("trailing_comma.csv")


@case("csv/quoted_header", TC + "test_read_csv_names_not_none", note="variant: a quoted column name with the separator in it")
def _():
    return rd("quoted_header.csv")


@case("csv/mixed_date_and_timestamp", TC + "test_parse_dates_multi_column", note="variant: one column, dates with and without times")
def _():
    return rd("mixed_date_ts.csv", parse_dates=["d"])


@case("csv/leading_zeros", TC + "test_consistent_dtypes", note="variant: 007 is the int 7; a string column keeps '007'")
def _():
    return rd("leading_zeros.csv")


# --------------------------------------------------------------- frame ops (test_dataframe)
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


allnull = rd("allnull.csv")


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


# ----------------------------------------------------------------------- groupby cases
GK = groups[groups.k.notna()]
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


nz, nzr, dg = rd("neg_zero.csv"), rd("neg_zero_right.csv"), rd("date_groups.csv", parse_dates=["d"])


@case("groupby/negative_zero_key", TG + "test_groupby_dropna_pandas", note="-0.0 and 0.0 are one group; missing keys kept")
def _():
    return nz.groupby("v", dropna=False).agg(n=("n", "sum")).reset_index()


@case("groupby/date_key", TG + "test_timeseries")
def _():
    return dg.groupby("d").agg(s=("x", "sum")).reset_index()


@case("groupby/min_max_of_dates", TG + "test_timeseries")
def _():
    return dg.assign(g=dg.x % 2).groupby("g").agg(lo=("d", "min"), hi=("d", "max")).reset_index()


@case("frame/negative_zero_nunique", TD + "test_nunique", note="-0.0 equals 0.0")
def _():
    return nz.v.nunique()


@case("frame/negative_zero_drop_duplicates", TD + "test_drop_duplicates", note="-0.0 equals 0.0; missing values are one")
def _():
    return nz[["v"]].drop_duplicates()


@case("merge/negative_zero_key", TM + "test_merge", order="sorted", note="-0.0 matches 0.0")
def _():
    return pd.merge(nz, nzr, on="v")


@case("sort/dates_desc_with_missing", TS + "test_sort_values_timestamp")
def _():
    return dg.sort_values("d", ascending=False, kind="stable")


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


# ----------------------------------------------------------- pipelines (several verbs)
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


# ----------------------------------------------------------------------- merge cases
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


# ------------------------------------------------------------------------ sort cases
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


tk, skl, skr, s2 = rd("two_keys.csv"), rd("str_keys_left.csv"), rd("str_keys_right.csv"), rd("sort_two_keys.csv")
seq = rd("seq.csv")


@case("groupby/test_groupby_dropna_pandas/two_keys", TG + "test_groupby_dropna_pandas", note="a row with any key missing is dropped")
def _():
    return tk.groupby(["a", "b"]).agg(s=("v", "sum")).reset_index()


@case("groupby/test_groupby_dropna_pandas/two_keys_kept", TG + "test_groupby_dropna_pandas", note="dropna=False: missing keys are groups")
def _():
    return tk.groupby(["a", "b"], dropna=False).agg(s=("v", "sum")).reset_index()


@case("frame/test_drop_duplicates/two_columns_with_nulls", TD + "test_drop_duplicates")
def _():
    return tk[["a", "b"]].drop_duplicates()


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


def main():
    out = json.dumps(CASES, indent=0, sort_keys=True, allow_nan=False)
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        f.write(out + "\n")
    print(f"{len(CASES)} cases, {len(out)} bytes; pandas {pd.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()
