"""rechunk, from dask/array/tests/test_rechunk.py; the chunks expected are Dask's own."""
import dask.array as da
import numpy as np
from registry import case, err, inp

R = 'test_rechunk.py::'
r30 = inp('r30', np.arange(30, dtype='f8') / 7)
r10x30 = inp('r10x30', np.arange(300, dtype='f8').reshape(10, 30) / 3)
r4d = inp('r4d', np.arange(10000, dtype='f4').reshape(10, 10, 10, 10))
r10x10 = inp('r10x10', np.arange(100, dtype='i8').reshape(10, 10))
r24 = inp('r24', np.arange(576, dtype='i4').reshape(24, 24))
r5 = inp('r5', np.arange(5))


def same(cid, test, x, chunks_before, chunks_after):
    case(cid, R + test, lambda: x, chunks=lambda: da.from_array(x, chunks=chunks_before).rechunk(chunks_after).chunks)


same('rechunk.1d', 'test_rechunk_1d', r30, ((10,) * 3,), ((5,) * 6,))
same('rechunk.2d', 'test_rechunk_2d', r10x30, ((1, 2, 3, 4), (5,) * 6), ((5, 5), (15,) * 2))
same('rechunk.4d', 'test_rechunk_4d', r4d, ((5, 5),) * 4, ((10,),) * 4)
same('rechunk.expand', 'test_rechunk_expand', r10x10, (5, 5), ((3, 3, 3, 1), (3, 3, 3, 1)))
same('rechunk.blockshape', 'test_rechunk_blockshape', r10x10, ((4, 4, 2), (3, 3, 3, 1)), (4, 3))
same('rechunk.integer', 'test_rechunk_with_integer', r5, 4, 3)
same('rechunk.minus_one', 'test_rechunk_minus_one', r24, (4, 8), (-1, 8))
same('rechunk.dict_int', 'test_rechunk_with_dict', r24, (4, 8), {0: 12})
same('rechunk.dict_tuple', 'test_rechunk_with_dict', r24, (4, 8), {0: (12, 12)})
same('rechunk.dict_minus_one', 'test_rechunk_with_dict', r24, (4, 8), {0: -1})
same('rechunk.dict_auto', 'test_rechunk_with_dict', r24, (4, 8), {1: 'auto'})
same('rechunk.same', 'test_rechunk_same', r24, (4, 8), (4, 8))
case('rechunk.empty', R + 'test_rechunk_empty', lambda: np.ones((0, 10)),
     chunks=lambda: da.ones((0, 10), chunks=(5, 5)).rechunk((2, 2)).chunks)
case('rechunk.zero_dim', R + 'test_rechunk_0d', lambda: np.asarray(3.5))
err('rechunk.bad_sum_error', R + 'test_rechunk_bad_keys', lambda: da.from_array(r30, chunks=10).rechunk(((10, 10),)))
