"""Writes the input files under data/ (Dask's texts, and deterministic generated frames)."""
import numpy as np
import pandas as pd

from .common import p, write

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

# Small files for single cases.
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
write("dayfirst_dates.csv", "d\n03/04/2021\n2021-03-04\n31/12/1999 13:45\n1/2/2024\n")
write("to_csv.csv", "x,y\na,1\nb,2\nc,3\nd,4\n")
write("parse_fail.csv", 'a,b\n1,"hi\n"\n2,"oi\n"\n')
write("short_rows.csv", "a,b,c\n1,2,3\n4,5\n6,7,8\n")
write("dup_names.csv", "a,b,a,,b\n1,2,3,4,5\n6,7,8,9,10\n")
write("bom.csv", "\ufeffa,b\n1,x\n2,y\n")
write("crlf_quoted.csv", 'id,t\r\n1,"two\r\nlines"\r\n2,plain\r\n3,"x,y"\r\n')
write("blank_lines.csv", "a,b\n1,2\n\n3,4\n\n\n5,6\n")
write("int_missing.csv", "a,b\n1,x\n,y\n3,\n")
write("bool_spellings.csv", "b\nTrue\nFalse\nTRUE\nFALSE\ntrue\nfalse\n")
