"""Reference answers for the dataframe + CSV parity suite (test/parity/dataframe/*.test.ts).

Regenerate (Debian's pandas 1.5.3 / NumPy 1.24, not the python3 on PATH):

    /usr/bin/python3 test/parity/dataframe/gen_reference.py

It writes the input files under test/parity/dataframe/data/ (small, deterministic;
refgen/inputs.py) and, for each case (refgen/cases_*.py), pandas' answer on those same bytes to
test/parity/dataframe/reference.json:
{ id: { cite, columns, rows, dtypes, order, error?, note? } }. Values: numbers, strings, bools,
null for a missing value (NaN, None, NaT alike), timestamps as ISO strings in UTC, infinities as
{"inf": 1} or {"inf": -1}. `order` is 'pandas' where pandas defines the row order, 'sorted'
where it does not (the test sorts both sides). Case ids are `area/dask_test[/variant]`; the
TypeScript side has one `it` per id.
"""
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# Order matters: the inputs are written before frames.py reads them back.
from refgen import inputs  # noqa: E402,F401
from refgen import cases_csv, cases_frame, cases_groupby, cases_merge_sort, cases_pipe  # noqa: E402,F401
from refgen.common import CASES, HERE, pd  # noqa: E402


def main():
    out = json.dumps(CASES, indent=0, sort_keys=True, allow_nan=False)
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        f.write(out + "\n")
    print(f"{len(CASES)} cases, {len(out)} bytes; pandas {pd.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()
