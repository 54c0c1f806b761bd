"""Writes a BodyCompress file whose metadata and frame keys hold values of every kind, and prints
what Python prints for each of them (the expected inspector text).

Usage: /usr/bin/python3 exoticValues.py OUT.xz > expected.json

The file is written like the reference writer (oddBodyCompress.write: msgpack_numpy.packb, xz).
Expected text per value, as decided in src/core/bodycompress/pyRepr.ts:
- numpy arrays: str(a) (what print(a) shows); numpy scalars: str(x);
- everything else: repr(x), with tuples as lists (msgpack gives lists back);
- pickled object arrays: no text, the note "pickled object array, not decoded".
Type: dtype.str, str(dtype.descr) for structured arrays, 'object (|O)', 'numpy <dtype>' for
scalars, else the Python type name. Shape: str(a.shape) for numpy, 'N items' for lists and dicts.
"""

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oddBodyCompress import decoded, write  # noqa: E402

PICKLED = 'pickled object array, not decoded'


def as_lists(v):
    if isinstance(v, (list, tuple)):
        return [as_lists(x) for x in v]
    if isinstance(v, dict):
        return {k: as_lists(x) for k, x in v.items()}
    return v


def view(key, v):
    """The inspector's row for one value: key, type, shape, text, note."""
    v = as_lists(v)
    if isinstance(v, np.ndarray):
        if v.dtype.kind == 'O':
            return {'key': key, 'type': 'object (|O)', 'shape': str(v.shape), 'text': '', 'note': PICKLED}
        t = str(v.dtype.descr) if v.dtype.kind == 'V' else v.dtype.str
        return {'key': key, 'type': t, 'shape': str(v.shape), 'text': str(v), 'note': ''}
    if isinstance(v, np.generic):
        return {'key': key, 'type': 'numpy ' + v.dtype.str, 'shape': '()', 'text': str(v), 'note': ''}
    shape = ''
    if isinstance(v, (list, dict)):
        shape = '%d item%s' % (len(v), '' if len(v) == 1 else 's')
    return {'key': key, 'type': type(v).__name__, 'shape': shape, 'text': repr(v), 'note': ''}


def rows(frame):
    """The frame's rows: a dict with str keys gets an empty row, then one row per field (`nested.a`)."""
    out = []
    for k, v in frame.items():
        if isinstance(v, dict) and all(isinstance(f, str) for f in v):
            out.append({**view(k, v), 'text': ''})
            out.extend(view('%s.%s' % (k, f), x) for f, x in v.items())
        else:
            out.append(view(k, v))
    return out


def tree(key, v):
    """The metadata tree: dicts and lists member by member."""
    v = as_lists(v)
    if isinstance(v, list):
        return {**view(key, v), 'text': '', 'children': [tree('[%d]' % i, x) for i, x in enumerate(v)]}
    if isinstance(v, dict):
        return {**view(key, v), 'text': '', 'children': [tree(k if isinstance(k, str) else repr(k), x) for k, x in v.items()]}
    return view(key, v)


def exotic():
    """Values of every kind a pipeline may store (as msgpack_numpy can write them)."""
    rec = np.array([(1, 2.5, 'ab'), (3, 4.5, 'c')], dtype=[('id', '<i4'), ('score', '<f8'), ('name', '<U2')])
    nested = np.zeros(2, dtype=[('p', [('x', '<f4'), ('y', '<f4')]), ('v', '<f4', (3,)), ('ok', '?')])
    nested['p']['x'] = [1.5, -2]
    nested['v'] = [[1, 2, 3], [0.25, 0.5, 1e-5]]
    nested['ok'] = [True, False]
    return {
        'c_py': 1 + 2j,
        'c_neg': complex(3, -1),
        'c_imag': 2j,
        'c64': np.complex64(1 / 3 - 2j),
        'c128': np.complex128(1.5e20 + 0.1j),
        'c64_arr': np.array([1 + 2j, 3 - 1j, 0.5j], np.complex64),
        'c128_arr': np.array([[1 + 2j, -1.25 - 0.5j], [np.nan, 1e-9j]], np.complex128),
        'f16': np.float16(0.1),
        'f16_arr': np.array([0.1, 65504, -0.0, np.inf], np.float16),
        'f32': np.float32(1 / 3),
        'f32_arr': np.array([1 / 3, 2, 1e-3], np.float32),
        'f64_arr': np.array([1e-5, 1e5, 3.14159265358979]),
        'f64_wide': np.linspace(0, 1, 30),
        'big': np.arange(2000, dtype=np.int32).reshape(40, 50),
        'i64': np.int64(-7),
        'u8': np.uint64(2**64 - 1),
        'bool_': np.bool_(True),
        'bool_arr': np.array([True, False, True]),
        'u_arr': np.array(['abc', 'é', "it's"]),
        's_arr': np.array([b'\x00ab', b'xyz']),
        'records': rec,
        'nested_records': nested,
        'objects': np.array([{'a': 1}, [1, 2], None], dtype=object),
        'bytes': b'\x00\xffA\'"',
        'text': 'abc',
        'quote': "it's",
        'unicode': 'naïve\tü\n',
        'floats': [1 / 3, 3.0, -0.0, 1e16, 1e-5, float('inf'), float('nan')],
        'ints': [0, -1, 2**63 - 1, 2**64 - 1, -(2**63)],
        'flags': [True, False, None],
        'tuple': (1, 'two', 3.0),
        'nested': {'a': {'b': [1, {'c': b'x'}]}, 'arr': np.array([1, 2], np.int16), 'scalar': np.float32(0.5)},
        'empty': np.zeros((0, 3), np.float32),
        'zero_d': np.array(2.5, np.float32),
    }


def main(path):
    values = exotic()
    metadata = {'fps': 30, **values}
    rng = np.random.default_rng(16)
    frames = []
    for i in range(3):
        body = (rng.uniform(-1, 1, size=(1, 400, 3)) * 500 + [0, 850, 3000]).astype(np.float32)
        frames.append({'vertices': body, 'joints': body[:, :24], 'frame_no': np.int32(i), **values})
    write(path, metadata, frames)
    dec = decoded(frames)
    expected = {
        # The frame's rows (frame 1) for the exotic keys, and the decoded bodies the reader yields.
        'rows': rows(values),
        'vertices': view('vertices', dec[1]['vertices']),
        'joints': view('joints', dec[1]['joints']),
        'metadata': tree('', metadata),
    }
    json.dump(expected, sys.stdout, indent=1)


if __name__ == '__main__':
    main(sys.argv[1])
