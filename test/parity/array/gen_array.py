"""
Writes reference.json: the answers of the array parity cases, computed by NumPy on the same bytes
that the TypeScript side builds (the inputs are stored in the JSON too).

Regenerate (Debian's python3-numpy 1.24 and python3-dask, which answers the chunk layouts):
    /usr/bin/python3 test/parity/array/gen_array.py
Cases live in cases_*.py, one file per area; registry.py says how values are encoded.
"""
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the tests
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import registry  # noqa: E402
import cases_reductions, cases_creation, cases_slicing, cases_rechunk, cases_elementwise, cases_routines, cases_unknown, cases_errors  # noqa: E402,F401,E501


def main():
    out = {
        'generator': 'test/parity/array/gen_array.py',
        'numpy': np.__version__,
        'inputs': {k: registry.enc(v) for k, v in registry.INPUTS.items()},
        'cases': registry.CASES,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'reference.json')
    with open(path, 'w') as f:
        json.dump(out, f, separators=(',', ':'), allow_nan=False)
        f.write('\n')
    print(f'{len(registry.CASES)} cases, {len(registry.INPUTS)} inputs, {os.path.getsize(path)} bytes -> {path}')


if __name__ == '__main__':
    main()
