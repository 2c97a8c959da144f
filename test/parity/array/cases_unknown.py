"""Arrays whose chunk sizes are unknown (after a boolean mask), from dask/array/tests/
test_array_core.py (test_no_chunks, test_no_chunks_2d, test_raise_informative_errors_no_chunks,
test_concatenate_unknown_axes, test_stack_unknown_chunksizes), test_reductions.py
(test_arg_reductions_unknown_chunksize) and test_slicing.py (test_slicing_and_unknown_chunks).
The answer is NumPy's on the masked values; where Dask refuses the operation for unknown chunk
sizes, the test file also accepts a typed error."""
import numpy as np
from registry import case, inp

A = 'test_array_core.py::'
x = np.arange(20, dtype='f8')
m = x[x % 3 != 0]  # 13 values; our side masks da.arange(20) the same way
m2 = inp('unknown_m', m)  # stored for the record (and for the 2-d case below)
case('unknown.add_one', A + 'test_no_chunks', lambda: m + 1)
case('unknown.sum', A + 'test_no_chunks', lambda: m.sum())
case('unknown.std_plus1', A + 'test_no_chunks', lambda: (m + 1).std())
case('unknown.std_self_keepdims', A + 'test_no_chunks', lambda: (m + m).std(keepdims=True))
case('unknown.log', A + 'test_no_chunks_2d', lambda: np.log(m))
case('unknown.transpose', A + 'test_no_chunks_2d', lambda: m.T)
case('unknown.max', A + 'test_no_chunks', lambda: m.max())
case('unknown.mean_var', A + 'test_no_chunks', lambda: m.var())
case('unknown.mask_of_mask', A + 'test_no_chunks', lambda: m[m > 10])
case('unknown.cumsum', 'test_reductions.py::test_array_cumreduction_axis (unknown chunks)', lambda: np.cumsum(m))
case('unknown.cumsum_axis0', 'test_reductions.py::test_array_cumreduction_axis (unknown chunks)', lambda: np.cumsum(m, axis=0))
case('unknown.concat_axis0', A + 'test_concatenate_unknown_axes', lambda: np.concatenate([m, m]))
case('unknown.concat_known', A + 'test_concatenate_unknown_axes', lambda: np.concatenate([m, x]))
# Dask refuses these for unknown chunk sizes (ValueError naming them): NumPy's answer or a typed error
case('unknown.int_index', A + 'test_raise_informative_errors_no_chunks', lambda: m[1])
case('unknown.neg_index', A + 'test_raise_informative_errors_no_chunks', lambda: m[-5])
case('unknown.step_slice', A + 'test_raise_informative_errors_no_chunks', lambda: m[::2])
case('unknown.rev_slice', A + 'test_raise_informative_errors_no_chunks', lambda: m[::-1])
case('unknown.range_slice', 'test_slicing.py::test_slicing_and_unknown_chunks', lambda: m[2:5])
case('unknown.take', 'test_slicing.py::test_slicing_and_unknown_chunks', lambda: np.take(m, [0, 2]))
case('unknown.rechunk', A + 'test_raise_informative_errors_no_chunks', lambda: m)
case('unknown.reshape', A + 'test_raise_informative_errors_no_chunks', lambda: m.reshape(13, 1))
case('unknown.add_other_chunks', A + 'test_raise_informative_errors_no_chunks', lambda: m + m)
case('unknown.expand_dims', 'test_routines.py::test_expand_dims (unknown chunks)', lambda: np.expand_dims(m, 0))
case('unknown.argmax', 'test_reductions.py::test_arg_reductions_unknown_chunksize', lambda: np.argmax(m))
case('unknown.argmin', 'test_reductions.py::test_arg_reductions_unknown_chunksize', lambda: np.argmin(m))
case('unknown.stack', A + 'test_stack_unknown_chunksizes', lambda: np.stack([m, m]))
case('unknown.matmul', A + 'test_no_chunks_2d (dot)', lambda: m @ m)
