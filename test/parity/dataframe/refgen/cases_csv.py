"""read_csv cases (Dask's test_csv.py, and pandas read_csv behaviours)."""
import pandas as pd

from .common import TC, case, p, rd
from .inputs import csv_files


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


@case("csv/test_usecols/order", TC + "test_usecols",
      note="columns is a selection in the order given; pandas' usecols keeps the file's order")
def _():
    return rd("timeseries.csv", usecols=["Low", "High"])[["Low", "High"]]


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
      note="naive times are UTC whatever the machine's zone (read here under TZ=America/New_York); "
      "unlike pandas, 13/04/2021 is an invalid date (pandas swaps it to April 13th)")
def _():
    return rd("non_iso_dates.csv", parse_dates=["d"])


@case("csv/non_iso_dates/dayfirst", "pandas read_csv parse_dates, dayfirst=True (no Dask test)",
      note="D/M/YYYY; year-first dates stay year-month-day")
def _():
    return rd("dayfirst_dates.csv", parse_dates=["d"], dayfirst=True)


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
