"""
Registry of the array parity cases: inputs, cases and how their answers are encoded in
reference.json. The case modules (cases_*.py) import from here; gen_array.py writes the file.

Encoding of an array (input or answer): {"dtype": NumPy's name, "shape": [...], "values": flat C-order
list}. Floats that are not finite are the strings "nan", "inf", "-inf"; integers outside
+-2**53 are decimal strings; booleans are true/false. A case that NumPy refuses is
{"error": "<exception class name>"}.
"""
import warnings

import numpy as np

warnings.simplefilter("ignore", RuntimeWarning)

INPUTS = {}
CASES = {}


def enc(a):
    a = np.asarray(a)
    kind = a.dtype.kind
    vals = []
    for v in a.ravel().tolist():
        if kind == 'f':
            if v != v:
                vals.append('nan')
            elif v in (float('inf'), float('-inf')):
                vals.append('inf' if v > 0 else '-inf')
            else:
                vals.append(v)
        elif kind in 'iu':
            vals.append(v if abs(v) <= 2 ** 53 else str(v))
        elif kind == 'b':
            vals.append(bool(v))
        else:
            raise TypeError(f'dtype {a.dtype} is not encoded')
    return {'dtype': a.dtype.name, 'shape': list(a.shape), 'values': vals}


def inp(name, array):
    """Registers an input (stored in the JSON, so our side builds it from the same bytes)."""
    array = np.array(array, order='C', copy=True)  # (ascontiguousarray would make 0-d arrays 1-d)
    if name in INPUTS:
        raise KeyError(f'input {name} registered twice')
    INPUTS[name] = array
    return array


def _add(cid, rec):
    if cid in CASES:
        raise KeyError(f'case {cid} registered twice')
    CASES[cid] = rec


def case(cid, dask, fn, chunks=None):
    """A case whose answer NumPy computes; `chunks` (a function) asks Dask for the chunks it expects."""
    with np.errstate(all='ignore'):
        rec = {'dask': dask, 'result': enc(fn())}
    if chunks is not None:
        rec['chunks'] = [list(c) for c in chunks()]
    _add(cid, rec)


def err(cid, dask, fn):
    """A case NumPy refuses: the answer is the exception's class name."""
    try:
        with np.errstate(all='ignore'):
            fn()
    except Exception as e:  # noqa: BLE001 - the class is what we record
        _add(cid, {'dask': dask, 'error': type(e).__name__})
        return
    raise AssertionError(f'{cid}: expected NumPy to raise')


def nep50(cid, dask, note, np124, expected=None, error=None):
    """A case where NumPy 1.24 (value-based casting) differs from NumPy 2 (NEP 50): the answer
    is NumPy 2's, written by hand; what 1.24 gives is kept in `numpy124` for the record."""
    with np.errstate(all='ignore'):
        old = np124()
    rec = {'dask': dask, 'note': note, 'numpy124': {'dtype': np.asarray(old).dtype.name}}
    if error is not None:
        rec['error'] = error
    else:
        rec['result'] = enc(expected)
    _add(cid, rec)
