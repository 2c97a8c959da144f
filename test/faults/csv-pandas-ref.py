#!/usr/bin/python3
"""Reference answers for test/faults/csv.test.ts: pandas reading the same bytes.

Run with Debian's /usr/bin/python3 (pandas 1.5.3): `/usr/bin/python3 test/faults/csv-pandas-ref.py`.
Writes csv-pandas-ref.json beside it: per case the input bytes (base64), the read_csv options,
and pandas' columns, dtypes and rows (NaN and None as null, infinities as {"float": "inf"} or "-inf"). pandas 1.5.3's default missing-value
list lacks 'None', which pandas 2 added (the list readCSV follows), so it is passed as an extra
na_value here to give the pandas 2 answer.
"""
import base64, io, json, math, os
import pandas as pd

NA_VALUES = ['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN',
             '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']

def na_rows(kind):
    out = []
    for i, m in enumerate(NA_VALUES):
        out.append(f'{i},{m},{m}')
        out.append(f'{i},{-i - 0.5},s{i}' if kind == 'mixed' else f'{i},{i}.25,s{i}')
    return out

INF = ['inf', '-inf', '+inf', 'Inf', 'INF', 'iNf', 'infinity', 'Infinity', 'INFINITY', '-Infinity', '+Infinity', '-INF', '+INFINITY']

CASES = {
    # Every default marker, in a float column and in a string column.
    'na-strings': ('id,x,s\n' + '\n'.join(na_rows('plain')) + '\n').encode(),
    # The same markers quoted, so the scanner's general path (not its fast path) reads them.
    'na-strings-quoted': ('id,x,s\n' + '\n'.join(f'{i},"{m}","{m}"\n{i},"{i}.5","t{i}"' for i, m in enumerate(NA_VALUES)) + '\n').encode(),
    # Numbers that begin like markers ('-', '1'): -12, 1234, -1.5 are numbers, '-nan' is not.
    'na-lookalikes': b'a,b\n-12,1234\n-nan,1.#IND\n-1.5,1\n-1.#IND,-NaN\n12345678,-1.#QNAN\n',
    # A quote inside an unquoted field is a literal character; "" escapes inside quoted fields.
    'quote-mid-field': b'id,s,v\n1,x"y,2\n2,"a,b",3\n3,ab"c""d,4\n4,"q""q",5\n5,"multi\nline",6\n6,z"",7\n',
    # Hex and binary texts make a column of strings, not of numbers.
    'hex-inferred': b'a,b,c\n1,0x10,0b11\n2,17,5\n',
    'header-only': b'a,b\n',
    'header-only-no-newline': b'a,b',
    # pandas' infinity spellings (sign, inf or infinity, any case): plain rows take the scanner's
    # fast path, quoted ones its general path; both engines must read them as float infinities.
    'inf-spellings': ('f,g\n1.5,a\n' + ''.join(f'{t},{t}\n' for t in INF) ).encode(),
    'inf-spellings-quoted': ('f,g\n1.5,a\n' + ''.join(f'"{t}","{t}"\n' for t in INF)).encode(),
    # Not infinities to pandas: padded, cut short or doubly signed (the columns stay text).
    'inf-lookalikes': b'a,b,c,d\n1.5,1.5,1.5,1.5\n inf,infin,-+inf,Infinity \n',
    # A one-column file with blank lines (CRLF too): pandas skips them; a quoted "" is a missing value.
    'one-column-blank-lines': b'x\n1.5\n\n2.0\n""\n\n3\n',
    'one-column-blank-lines-crlf': b's\r\na\r\n\r\nb\r\n""\r\n\r\n',
    'latin1': 'name,v\nJos\u00e9,1\nM\u00fcller,2\n\u00c5se,3\n'.encode('latin-1'),
    'utf-16le': 'name,v\nJos\u00e9,1\n\u6771\u4eac,2\n'.encode('utf-16-le'),
}
OPTIONS = {
    'latin1': {'encoding': 'latin1'},
    'utf-16le': {'encoding': 'utf-16le'},
}

def cell(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, float) and math.isinf(v):
        return {'float': 'inf' if v > 0 else '-inf'}
    if hasattr(v, 'item'):
        v = v.item()
    return v

out = {}
for name, data in CASES.items():
    opts = OPTIONS.get(name, {})
    df = pd.read_csv(io.BytesIO(data), na_values=['None'], **opts)
    out[name] = {
        'bytes': base64.b64encode(data).decode(),
        'options': opts,
        'columns': list(df.columns),
        'dtypes': [str(t) for t in df.dtypes],
        'rows': [[cell(v) for v in row] for row in df.itertuples(index=False)],
    }
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, 'csv-pandas-ref.json'), 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
print(f'pandas {pd.__version__}: {len(out)} cases')
