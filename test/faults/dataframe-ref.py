"""Reference answers for dataframe.test.ts, from pandas/NumPy (Debian's pandas 1.5.3, numpy 1.24).

Run: /usr/bin/python3 test/faults/dataframe-ref.py > test/faults/dataframe-ref.json
"""
import json
import math

import numpy as np
import pandas as pd

# Date texts in the forms we accept (and some invalid ones): pandas' to_datetime with
# errors='coerce', in ms since the epoch, UTC (naive times are UTC; zones converted).
DATES = [
    '2024-02-29', '2023-02-28', '2000-02-29', '1900-02-28', '1969-12-31', '1970-01-01', '0001-01-01', '9999-12-31',
    '2024-1-5', '2024/01/05', '2024/1/5', ' 2024-01-05 ',
    '2024-01-05 10:00', '2024-01-05T10:00', '2024-01-05 10:00:30', '2024-01-05T1:02:03',
    '2024-01-05T10:00:00.5', '2024-01-05T10:00:00.123456', '2024-01-05T10:00:00.123456789',
    '2024-01-05T10:00:00Z', '2024-01-05T10:00:00+05:30', '2024-01-05T10:00:00-0800', '2024-01-05T10:00:00+01',
    '2024-01-05 10:00:00 +0100', '1969-12-31T23:59:59.999',
    # month first (pandas' default, dayfirst=False)
    '01/05/2024', '03/04/2021', '3/4/2021', '12/31/1999 13:45', '2/29/2024', '12/31/1999T13:45:30.25',
    '3/4/2021 13:45+01:00', '3/4/2021 1:02:03.456789',
    # invalid: pandas refuses these too
    '2024-02-30', '2023-02-29', '1900-02-29', '2023-13-01', '2023-00-10', '2023-04-31', '2023-01-00', '2023-01-32',
    '2024-01-05 24:00', '2024-01-05 23:60', '2024-01-05 23:59:60', 'hello 1', 'garbage', '2024-W01',
    '02/30/2021', '2/29/2023', '4/31/2021', '00/10/2021', '3/4/2021 24:00',
]


def ms(text):
    t = pd.to_datetime(text, errors='coerce')
    if t is pd.NaT:
        return None
    if t.tzinfo is not None:
        t = t.tz_convert('UTC').tz_localize(None)
    return (t - pd.Timestamp('1970-01-01')) // pd.Timedelta(milliseconds=1)


dates = [[d, ms(d)] for d in DATES]

ROUND_X = [0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 0.49999999999999994, 2.675, 0.125, 0.375, 1234.5, 1250.0, 1350.0, -1250.0, 1e300, 123456789.123456]
round_ = {str(d): [float(np.round(x, d)) for x in ROUND_X] for d in [0, 1, 2, -1, -2]}
round_int = {str(d): [int(np.round(np.int64(x), d)) for x in [1250, 1350, -1250, 149, 150, 250]] for d in [-1, -2]}

# Text to number under a non-strict cast: pandas' to_numeric with errors='coerce' (float), and
# integers where the text is an integer literal (else NaN -> null).
TEXTS = ['12', ' 12 ', '+5', '-7', '0x10', '0b11', '0o7', '1_000', '1e3', '1.5', '.5', '5.', 'abc', '', 'inf', '-Infinity']


def num(t):
    v = pd.to_numeric(pd.Series([t]), errors='coerce')[0]
    return None if (isinstance(v, float) and math.isnan(v)) else (float(v) if not math.isinf(v) else ('inf' if v > 0 else '-inf'))


def integer(t):
    try:
        return int(t.strip(), 10) if '_' not in t else None
    except ValueError:
        return None


texts = [[t, num(t), integer(t)] for t in TEXTS]

# isin with NaN in the list: a missing value matches (pandas).
isin_nan = pd.Series([1.0, np.nan, 2.0, 3.0]).isin([np.nan, 2]).tolist()

# NaN-keyed uniques: drop_duplicates / value_counts(dropna=False) / nunique.
s = pd.Series([1.0, np.nan, 2.0, np.nan, 1.0])
uniq = {
    'drop_duplicates': [None if math.isnan(x) else x for x in s.drop_duplicates().tolist()],
    'value_counts': sorted([[k, int(v)] for k, v in s.value_counts().items()]),
    'nunique': int(s.nunique()),
}

# Floats as text: astype(str) (Python's repr) and to_csv's field, per value (inf, -inf, nan as strings).
FLOATS = [1.0, 0.5, -2.0, 1e16, 1e15, 123456789012345678.0, 1e-5, 1e-4, 0.1 + 0.2, 1.5e300, 5e-324, -0.0, math.inf, -math.inf,
          math.nan, 2.0 ** 53, 1 / 3, 100.0, 1e21, 1e22, 12345.678, -1.5e-7, 0.000123, 2.5e-310]
csv_fields = pd.DataFrame({'x': FLOATS}).to_csv(index=False).splitlines()[1:]
float_text = [['nan' if math.isnan(x) else 'inf' if x == math.inf else '-inf' if x == -math.inf else x, t, f]
              for x, t, f in zip(FLOATS, pd.Series(FLOATS).astype(str).tolist(), csv_fields)]

# Seeded random floats (any bit pattern that is finite, and short decimals at every scale) and repr.
rng = np.random.default_rng(11)
bits = rng.integers(0, 2 ** 63, size=300, dtype=np.int64).view(np.float64)
short = [round(float(u), int(k)) * 10.0 ** int(e) for u, k, e in
         zip(rng.uniform(-10, 10, size=300), rng.integers(0, 8, size=300), rng.integers(-12, 24, size=300))]
float_random = [[float(x), repr(float(x))] for x in list(bits) + list(short) if math.isfinite(x)]

print(json.dumps({'dates': dates, 'round': round_, 'roundX': ROUND_X, 'roundInt': round_int, 'texts': texts, 'isinNaN': isin_nan, 'unique': uniq, 'floatText': float_text, 'floatRandom': float_random}, indent=1))
