"""Creation functions, from dask/array/tests/test_creation.py and test_array_core.py::test_full."""
import dask.array as da
import numpy as np
from registry import case, err

C = 'test_creation.py::'
for endpoint in (True, False):
    e = '' if endpoint else '_noendpoint'
    case(f'creation.linspace_6_49{e}', C + 'test_linspace', lambda endpoint=endpoint: np.linspace(6, 49, endpoint=endpoint),
         chunks=lambda endpoint=endpoint: da.linspace(6, 49, endpoint=endpoint, chunks=5).chunks)
    case(f'creation.linspace_1p4_4p9_13{e}', C + 'test_linspace', lambda endpoint=endpoint: np.linspace(1.4, 4.9, endpoint=endpoint, num=13))
case('creation.linspace_num1', C + 'test_linspace', lambda: np.linspace(3, 7, num=1))
case('creation.linspace_num0', C + 'test_linspace', lambda: np.linspace(0, 1, num=0))
case('creation.arange_77', C + 'test_arange', lambda: np.arange(77), chunks=lambda: da.arange(77, chunks=13).chunks)
case('creation.arange_2_13', C + 'test_arange', lambda: np.arange(2, 13))
case('creation.arange_4_21_9', C + 'test_arange', lambda: np.arange(4, 21, 9))
case('creation.arange_negative_step', C + 'test_arange', lambda: np.arange(53, 5, -3))
case('creation.arange_float_dtype', C + 'test_arange', lambda: np.arange(77, dtype=float))
case('creation.arange_empty_neg_step', C + 'test_arange', lambda: np.arange(0, 1, -0.5))
case('creation.arange_empty_pos_step', C + 'test_arange', lambda: np.arange(0, -1, 0.5))
case('creation.arange_float_step_0p3', C + 'test_arange_float_step', lambda: np.arange(2.0, 13.0, 0.3))
case('creation.arange_float_step_neg', C + 'test_arange_float_step', lambda: np.arange(7.7, 1.5, -0.8))
case('creation.arange_float_step_0p01', C + 'test_arange_float_step', lambda: np.arange(0, 1, 0.01))
case('creation.arange_float_step_0p03', C + 'test_arange_float_step', lambda: np.arange(0, 1, 0.03))
case('creation.arange_dtype_infer_float', C + 'test_arange_dtype_infer', lambda: np.arange(1.0))
case('creation.arange_dtype_force_i4', C + 'test_arange_dtype_force', lambda: np.arange(10, dtype='i4'))
case('creation.eye_9', C + 'test_eye', lambda: np.eye(9), chunks=lambda: da.eye(9, chunks=3).chunks)
case('creation.eye_9_m6_k2', C + 'test_eye', lambda: np.eye(9, 6, k=2))
case('creation.eye_10_km3_i8', C + 'test_eye', lambda: np.eye(10, k=-3, dtype='i8'))
case('creation.full_3x4_int', 'test_array_core.py::test_full', lambda: np.full((3, 4), 2),
     chunks=lambda: da.full((3, 4), 2, chunks=((2, 1), (2, 2))).chunks)
case('creation.full_float', 'test_array_core.py::test_full', lambda: np.full((5, 3), 1.5))
case('creation.ones_i4', C + 'test_arr_like', lambda: np.ones((4, 6), dtype='i4'))
case('creation.zeros_bool', C + 'test_arr_like', lambda: np.zeros((7,), dtype=bool))
err('creation.arange_step0_error', C + 'test_arange', lambda: np.arange(0, 5, 0))

# corners
case('creation.arange_half_start', C + 'test_arange_dtype_infer', lambda: np.arange(0.5, 3))
case('creation.arange_0_1_0p1', C + 'test_arange_float_step', lambda: np.arange(0, 1, 0.1))
case('creation.arange_neg_float', C + 'test_arange_float_step', lambda: np.arange(-1, -3.5, -0.25))
case('creation.linspace_int_dtype', C + 'test_linspace (dtype=int)', lambda: np.linspace(1.4, 4.9, num=13, dtype=int))
case('creation.linspace_descending', C + 'test_linspace', lambda: np.linspace(5, -5, 11))
case('creation.linspace_noendpoint_num1', C + 'test_linspace', lambda: np.linspace(2, 3, 1, endpoint=False))
case('creation.eye_k_past_m', C + 'test_eye', lambda: np.eye(3, 5, k=10))
case('creation.eye_km_past_n', C + 'test_eye', lambda: np.eye(4, 3, k=-5))
case('creation.full_bool', 'test_array_core.py::test_full', lambda: np.full((3,), True))
case('creation.full_i1', 'test_array_core.py::test_full', lambda: np.full((2, 2), -5, dtype='i1'))
case('creation.zeros_0d', C + 'test_arr_like', lambda: np.zeros(()))
