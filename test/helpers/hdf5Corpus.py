"""Writes a corpus of small HDF5 files with h5py and prints h5py's view of them as JSON.

Usage: python3 hdf5Corpus.py OUT_DIR [small|large] [SEED]

The files cover what h5py 3.7 / HDF5 1.10 write: superblock versions (libver earliest, v108, v110,
latest), compact / contiguous / chunked layouts with every chunk index, the filters h5py users meet
(gzip, shuffle, fletcher32, scaleoffset, nbit, szip, lzf, and bzip2 / zstd / lz4 / blosc chunks
compressed here and written with write_direct_chunk, since h5py has no plugin for them), dense link
storage, user blocks, float16, and strings of every kind. "large" adds many random variants.

The JSON printed: {"files": [{"name", "path", "objects": [...]}]}, one object per link in h5py's
visiting order (each group's members in h5py's iteration order):
  {"path", "kind": "group", "children": [names], "attrs": [[name, value], ...]}
  {"path", "kind": "dataset", "dtype", "shape", "values": [flat values] | null, "attrs": [...]}
  {"path", "kind": "soft-link" | "external-link", "target"}
Values: ints as numbers (strings beyond 2**53), floats as numbers or "NaN" / "Infinity" /
"-Infinity", bools as 0/1, strings as str (fixed-length bytes: UTF-8 when valid, else Latin-1),
compound elements as lists. A dataset whose values h5py cannot read (a filter it lacks) carries the
values it was written with. "expectError": a code the reader must refuse the dataset with.
"""

import bz2
import ctypes
import json
import math
import os
import random
import struct
import sys

import h5py
import numpy as np
from h5py import h5d, h5p, h5s, h5t, h5z

OUT = sys.argv[1]
MODE = sys.argv[2] if len(sys.argv) > 2 else 'small'
SEED = int(sys.argv[3]) if len(sys.argv) > 3 else 1
os.makedirs(OUT, exist_ok=True)

VS = h5py.string_dtype('utf-8')
VA = h5py.string_dtype('ascii')
LIBVERS = ['earliest', 'v108', 'v110', 'latest']

files = []
# Values of datasets h5py cannot read back, by (file name, dataset path).
written = {}
# Expected refusals, by (file name, dataset path).
refused = {}


# ---------------------------------------------------------------------------------------------
# Compressors for the plugin filters (chunk formats of the HDF Group's hdf5_plugins filters).

def _lib(name):
    try:
        return ctypes.CDLL(name)
    except OSError:
        return None


ZSTD = _lib('libzstd.so.1')
LZ4 = _lib('liblz4.so.1')
if ZSTD:
    ZSTD.ZSTD_compressBound.restype = ctypes.c_size_t
    ZSTD.ZSTD_compressBound.argtypes = [ctypes.c_size_t]
    ZSTD.ZSTD_compress.restype = ctypes.c_size_t
    ZSTD.ZSTD_compress.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    ZSTD.ZSTD_isError.restype = ctypes.c_uint
    ZSTD.ZSTD_isError.argtypes = [ctypes.c_size_t]
if LZ4:
    LZ4.LZ4_compressBound.restype = ctypes.c_int
    LZ4.LZ4_compressBound.argtypes = [ctypes.c_int]
    LZ4.LZ4_compress_default.restype = ctypes.c_int
    LZ4.LZ4_compress_default.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int]


def zstd_compress(raw, level=3):
    cap = ZSTD.ZSTD_compressBound(len(raw))
    dst = ctypes.create_string_buffer(cap)
    src = ctypes.create_string_buffer(raw, len(raw))
    n = ZSTD.ZSTD_compress(dst, cap, src, len(raw), level)
    assert not ZSTD.ZSTD_isError(n)
    return dst.raw[:n]


def lz4_compress(raw, block=1 << 16):
    # H5Z-LZ4: original size (u64 BE), block size (u32 BE), then per block its compressed size
    # (u32 BE) and bytes; a block that does not shrink is stored as it is.
    out = [struct.pack('>QI', len(raw), block)]
    for start in range(0, len(raw), block):
        piece = raw[start:start + block]
        cap = LZ4.LZ4_compressBound(len(piece))
        dst = ctypes.create_string_buffer(cap)
        n = LZ4.LZ4_compress_default(piece, dst, len(piece), cap)
        data = dst.raw[:n] if 0 < n < len(piece) else piece
        out.append(struct.pack('>I', len(data)) + data)
    return b''.join(out)


def blosc_memcpyed(raw, typesize):
    # A Blosc 1 frame holding its data uncompressed (flag 0x02): version 2, format 1, flags,
    # typesize, nbytes, blocksize, cbytes (all little-endian), then the bytes.
    return struct.pack('<BBBBIII', 2, 1, 0x02, typesize, len(raw), len(raw), len(raw) + 16) + raw


PLUGIN_FILTERS = {
    # name: (filter id, cd_values(dtype, chunk bytes), compress(raw bytes, itemsize))
    'bzip2': (307, lambda dt, n: (9,), lambda raw, size: bz2.compress(raw, 9)),
    'zstd': (32015, lambda dt, n: (3,), lambda raw, size: zstd_compress(raw)),
    'lz4': (32004, lambda dt, n: (0,), lambda raw, size: lz4_compress(raw)),
    'blosc': (32001, lambda dt, n: (2, 2, dt.itemsize, n, 5, 1, 0), lambda raw, size: blosc_memcpyed(raw, size)),
}


def plugin_dataset(f, name, data, chunks, filt, fname):
    """A chunked dataset whose chunks go through `filt`, compressed here (h5py lacks the plugin)."""
    fid, cd, compress = PLUGIN_FILTERS[filt]
    dt = data.dtype
    ds = f.create_dataset(name, shape=data.shape, dtype=dt, chunks=chunks, compression=fid,
                          compression_opts=cd(dt, int(np.prod(chunks)) * dt.itemsize), allow_unknown_filter=True)
    for idx in np.ndindex(*[math.ceil(s / c) for s, c in zip(data.shape, chunks)]):
        offset = tuple(i * c for i, c in zip(idx, chunks))
        block = np.zeros(chunks, dtype=dt)
        src = data[tuple(slice(o, o + c) for o, c in zip(offset, chunks))]
        block[tuple(slice(0, s) for s in src.shape)] = src
        ds.id.write_direct_chunk(offset, compress(block.tobytes(), dt.itemsize))
    written[(fname, ds.name)] = data
    return ds


# ---------------------------------------------------------------------------------------------
# h5py's view as JSON.

def scalar(v):
    if isinstance(v, (bytes, np.bytes_)):
        b = bytes(v)
        try:
            return b.decode('utf-8')
        except UnicodeDecodeError:
            return b.decode('latin-1')
    if isinstance(v, str):
        return v
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (np.integer, int)):
        i = int(v)
        return i if abs(i) <= 2 ** 53 else str(i)
    if isinstance(v, (np.floating, float)):
        x = float(v)
        if math.isnan(x):
            return 'NaN'
        if math.isinf(x):
            return 'Infinity' if x > 0 else '-Infinity'
        return x
    if isinstance(v, np.void) and v.dtype.names:
        return [values(v[n]) if np.ndim(v[n]) else scalar(v[n]) for n in v.dtype.names]
    if isinstance(v, np.ndarray):
        return [scalar(x) for x in v.ravel()]
    if v is None:
        return None
    raise TypeError(f'cannot encode {type(v)}')


def values(arr):
    if isinstance(arr, h5py.Empty):
        return []
    a = np.asarray(arr)
    return [scalar(x) for x in a.ravel()] if a.ndim else [scalar(a[()])]


def attr_list(obj):
    out = []
    for name in obj.attrs:
        try:
            v = obj.attrs[name]
        except Exception as e:  # an attribute h5py cannot read: left out of the comparison
            out.append([name, {'unreadable': str(e)}])
            continue
        if isinstance(v, h5py.Empty):
            out.append([name, None])
        elif isinstance(v, np.ndarray):
            out.append([name, values(v)])
        else:
            out.append([name, scalar(v)])
    return out


def dtype_name(dt):
    if h5py.check_string_dtype(dt):
        info = h5py.check_string_dtype(dt)
        return 'vlen-string' if info.length is None else 'string'
    if dt.names:
        return 'compound'
    if dt.kind == 'b':
        return 'enum'
    return dt.base.name if dt.kind in 'iuf' else dt.kind


def dump(fname, path):
    objects = []
    with h5py.File(path, 'r') as f:
        def visit(group, gpath):
            names = list(group.keys())
            objects.append({'path': gpath, 'kind': 'group', 'children': names, 'attrs': attr_list(group)})
            for name in names:
                p = (gpath.rstrip('/') + '/' + name)
                link = group.get(name, getlink=True)
                if isinstance(link, h5py.ExternalLink):
                    objects.append({'path': p, 'kind': 'external-link', 'target': f'{link.filename}:{link.path}'})
                    continue
                try:
                    obj = group[name]
                except KeyError:  # a dangling soft link
                    objects.append({'path': p, 'kind': 'soft-link', 'target': link.path})
                    continue
                if isinstance(obj, h5py.Group):
                    if isinstance(link, h5py.SoftLink):
                        # A soft link to a group: listed, not descended into again.
                        objects.append({'path': p, 'kind': 'group', 'children': list(obj.keys()), 'attrs': attr_list(obj), 'viaLink': True})
                    else:
                        visit(obj, p)
                elif isinstance(obj, h5py.Dataset):
                    entry = {'path': p, 'kind': 'dataset', 'dtype': dtype_name(obj.dtype),
                             'shape': None if obj.shape is None else list(obj.shape), 'attrs': attr_list(obj)}
                    key = (fname, '/' + p.lstrip('/'))
                    if key in refused:
                        entry['expectError'] = refused[key]
                        entry['values'] = None
                    elif key in written:
                        entry['values'] = values(written[key])
                    else:
                        entry['values'] = values(obj[()]) if obj.shape is not None else []
                    objects.append(entry)
                else:
                    objects.append({'path': p, 'kind': 'datatype', 'attrs': attr_list(obj)})
        visit(f, '/')
    return objects


def make(name, fn, **kw):
    path = os.path.join(OUT, name + '.h5')
    with h5py.File(path, 'w', **kw) as f:
        fn(f)
    files.append((name, path))


# ---------------------------------------------------------------------------------------------
# Content.

def standard_content(f):
    f.attrs['int'] = np.int32(-7)
    f.attrs['float'] = 2.5
    f.attrs['text'] = 'héllo'
    f.attrs['ints'] = np.arange(5, dtype='u2')
    g = f.create_group('g')
    h = g.create_group('h')
    h.attrs['depth'] = 2
    f.create_dataset('contiguous', data=np.arange(30, dtype='<i4').reshape(10, 3))
    f.create_dataset('scalar', data=np.float32(1.25))
    f.create_dataset('g/chunked', data=np.linspace(-1, 1, 100, dtype='<f8'), chunks=(16,), compression='gzip')
    f.create_dataset('g/h/strings', data=np.array(['a', 'bé', ''], dtype=object), dtype=VS)
    f['g/h/strings'].attrs['unit'] = 'none'
    compact(f, 'compact', np.arange(6, dtype='<i2'))


def compact(f, name, data):
    space = h5s.create_simple(data.shape)
    dcpl = h5p.create(h5p.DATASET_CREATE)
    dcpl.set_layout(h5d.COMPACT)
    dsid = h5d.create(f.id, name.encode(), h5t.py_create(data.dtype), space, dcpl=dcpl)
    dsid.write(h5s.ALL, h5s.ALL, np.ascontiguousarray(data))


def chunk_indexes(f):
    # With libver latest, HDF5 picks the chunk index by the dataspace: single chunk, fixed array,
    # extensible array (one unlimited dimension), version 2 B-tree (several), implicit (early allocation).
    f.create_dataset('single', data=np.arange(50, dtype='<i8'), chunks=(50,))
    f.create_dataset('fixed', data=np.arange(400, dtype='<u4').reshape(20, 20), chunks=(4, 5))
    f.create_dataset('extensible', data=np.arange(300, dtype='<f4'), chunks=(7,), maxshape=(None,))
    f.create_dataset('btree2', data=np.arange(144, dtype='<i2').reshape(12, 12), chunks=(5, 5), maxshape=(None, None))
    f.create_dataset('fixed_gzip', data=np.arange(400, dtype='<u4').reshape(20, 20) % 7, chunks=(4, 5), compression='gzip')
    f.create_dataset('extensible_lzf', data=np.arange(300, dtype='<f4'), chunks=(7,), maxshape=(None,), compression='lzf')
    space = h5s.create_simple((30,))
    dcpl = h5p.create(h5p.DATASET_CREATE)
    dcpl.set_chunk((8,))
    dcpl.set_alloc_time(h5d.ALLOC_TIME_EARLY)
    dsid = h5d.create(f.id, b'implicit', h5t.NATIVE_INT32, space, dcpl=dcpl)
    dsid.write(h5s.ALL, h5s.ALL, np.arange(30, dtype=np.int32))


def filters_content(f, fname):
    ramp = (np.arange(2000, dtype='<i4') % 97) - 40
    wave = np.sin(np.arange(1500, dtype='<f8') / 10)
    f.create_dataset('gzip1', data=ramp, chunks=(250,), compression='gzip', compression_opts=1)
    f.create_dataset('gzip9_shuffle', data=ramp, chunks=(250,), compression='gzip', compression_opts=9, shuffle=True)
    f.create_dataset('fletcher32', data=wave, chunks=(100,), fletcher32=True)
    f.create_dataset('shuffle_gzip_fletcher', data=wave, chunks=(128,), shuffle=True, compression='gzip', fletcher32=True)
    f.create_dataset('lzf', data=ramp, chunks=(300,), compression='lzf')
    f.create_dataset('lzf_shuffle', data=wave.reshape(30, 50), chunks=(7, 9), compression='lzf', shuffle=True)
    f.create_dataset('szip', data=ramp, chunks=(256,), compression='szip')
    f.create_dataset('scaleoffset_int', data=ramp, chunks=(500,), scaleoffset=0)
    f.create_dataset('scaleoffset_float', data=wave, chunks=(500,), scaleoffset=3)
    nbit(f, 'nbit_int12', ramp)
    f.create_dataset('uint8_lzf', data=np.frombuffer(bytes(range(256)) * 8, dtype='u1'), chunks=(512,), compression='lzf')
    for filt in PLUGIN_FILTERS:
        if filt == 'zstd' and not ZSTD or filt == 'lz4' and not LZ4:
            continue
        plugin_dataset(f, filt, ramp.reshape(40, 50), (16, 20), filt, fname)
    plugin_dataset(f, 'bzip2_f8', wave, (400,), 'bzip2', fname)


def nbit(f, name, data):
    # A 12-bit integer type stored in 4 bytes, packed by the N-bit filter.
    tid = h5t.STD_I32LE.copy()
    tid.set_precision(12)
    space = h5s.create_simple(data.shape)
    dcpl = h5p.create(h5p.DATASET_CREATE)
    dcpl.set_chunk((min(len(data), 400),))
    dcpl.set_filter(h5z.FILTER_NBIT, 0)
    dsid = h5d.create(f.id, name.encode(), tid, space, dcpl=dcpl)
    dsid.write(h5s.ALL, h5s.ALL, data.astype(np.int32))


def unknown_filter(f, fname):
    # A registered filter no reader here has (SZ, id 32017): the read must be refused, naming it.
    ds = f.create_dataset('sz', shape=(10,), dtype='<f4', chunks=(10,), compression=32017, allow_unknown_filter=True)
    ds.id.write_direct_chunk((0,), b'\0' * 40)
    refused[(fname, '/sz')] = 'unsupported'


def links(count):
    def fn(f):
        g = f.create_group('many')
        for i in range(count):
            if i % 3 == 0:
                g.create_group(f'g{i:05d}')
            elif i % 3 == 1:
                g.create_dataset(f'd{i:05d}', data=np.int16(i))
            else:
                g[f's{i:05d}'] = h5py.SoftLink(f'/many/g{i - 2:05d}')
        g.attrs['count'] = count
    return fn


def link_kinds(f):
    f.create_group('a/b')
    f['a/b'].attrs['x'] = 1
    f['soft'] = h5py.SoftLink('/a/b')
    f['rel'] = h5py.SoftLink('a')
    f['dangling'] = h5py.SoftLink('/nowhere')
    f['external'] = h5py.ExternalLink('other.h5', '/data')
    f.create_dataset('a/data', data=np.arange(4))
    g = f.create_group('ordered', track_order=True)
    for name in ['zeta', 'alpha', 'mid', 'beta', 'omega', 'c', 'b', 'a', 'x9', 'x10']:
        g.create_group(name)
    for name in ['z', 'a', 'm']:
        g.attrs[name] = name


def float16_content(f):
    h = (np.arange(-20, 20, dtype='f2') / 4).astype('f2')
    f.attrs['half'] = np.float16(0.333)
    f.attrs['halves'] = h[:5]
    f.create_dataset('half', data=h)
    f.create_dataset('half_gzip', data=h.reshape(5, 8), chunks=(2, 4), compression='gzip')
    f.create_dataset('half_be', data=h.astype('>f2'))
    f.create_dataset('special', data=np.array([np.inf, -np.inf, np.nan, 65504, 6e-8, -0.0], dtype='f2'))


def strings_content(f):
    f.attrs['vlen_utf8'] = 'ünïcode ✓'
    f.attrs.create('vlen_ascii', 'plain', dtype=VA)
    f.attrs['fixed_ascii'] = np.bytes_(b'fixed')
    f.attrs.create('fixed_utf8', 'grüße'.encode(), dtype=h5py.string_dtype('utf-8', 12))
    f.attrs.create('vlen_array', np.array(['x', 'yé', ''], dtype=object), dtype=VS)
    f.attrs.create('fixed_array', np.array([b'ab', b'cde', b''], dtype='S4'))
    f.attrs.create('empty', data=h5py.Empty(VS))
    f.create_dataset('vlen_utf8', data=np.array(['α', 'βγ', '', 'long ' * 50], dtype=object), dtype=VS)
    f.create_dataset('vlen_ascii', data=np.array([b'a', b'bc'], dtype=object), dtype=VA)
    f.create_dataset('vlen_2d', data=np.array([['a', 'b', 'c'], ['d', 'é', 'f']], dtype=object), dtype=VS)
    f.create_dataset('vlen_scalar', data='scalar ✓', dtype=VS)
    f.create_dataset('fixed_ascii', data=np.array([b'one', b'three', b''], dtype='S5'))
    tid = h5t.C_S1.copy()
    tid.set_size(8)
    tid.set_cset(h5t.CSET_UTF8)
    dsid = h5d.create(f.id, b'fixed_utf8', tid, h5s.create_simple((2,)))
    dsid.write(h5s.ALL, h5s.ALL, np.array(['grüß'.encode(), b'ok'], dtype='S8'), mtype=tid)
    f.create_dataset('fixed_latin1', data=np.array([b'caf\xe9'], dtype='S4'))
    f.create_dataset('vlen_chunked', data=np.array([f's{i}' for i in range(100)], dtype=object), dtype=VS, chunks=(16,), compression='gzip')
    f.create_dataset('fixed_chunked', data=np.array([f'f{i}'.encode() for i in range(100)], dtype='S6'), chunks=(32,), compression='lzf')


def types_content(f):
    for t in ['i1', 'u1', 'i2', 'u2', 'i4', 'u4', 'i8', 'u8']:
        for order in '<>':
            info = np.iinfo(t)
            f.create_dataset(f'{t}{"le" if order == "<" else "be"}', data=np.array([info.min, 0, 1, info.max], dtype=order + t))
    for t in ['f4', 'f8']:
        for order in '<>':
            f.create_dataset(f'{t}{"le" if order == "<" else "be"}', data=np.array([-1.5, 0, np.pi, np.inf, np.nan], dtype=order + t))
    f.create_dataset('bool', data=np.array([True, False, True]))
    f.create_dataset('empty', data=h5py.Empty('<f4'))
    f.create_dataset('zero_length', data=np.zeros((0,), dtype='<i4'))
    f.create_dataset('zero_rows', data=np.zeros((0, 3), dtype='<f8'), chunks=(4, 3), maxshape=(None, 3))
    f.create_dataset('unwritten_chunked', shape=(10,), dtype='<i4', chunks=(4,))
    f.create_dataset('fill_value', shape=(6,), dtype='<f4', chunks=(3,), fillvalue=-1.5)
    f.create_dataset('compound', data=np.array([(1, 2.5), (3, -1.0)], dtype=[('a', '<i4'), ('b', '<f8')]))
    f.attrs['bool'] = True
    f.attrs['big'] = np.uint64(2 ** 63 + 5)
    f.attrs['negative'] = np.int64(-2 ** 40)


def small_corpus():
    for lv in LIBVERS:
        make(f'libver_{lv}', standard_content, libver=(lv, 'latest') if lv != 'latest' else 'latest')
    make('chunk_indexes_latest', chunk_indexes, libver='latest')
    make('chunk_indexes_earliest', chunk_indexes)
    for lv in ('earliest', 'latest'):
        name = f'filters_{lv}'
        make(name, lambda f, n=name: filters_content(f, n), libver=lv)
    make('unknown_filter', lambda f: unknown_filter(f, 'unknown_filter'))
    make('links_dense_20', links(20), libver='latest')
    make('links_dense_1500', links(1500), libver='latest')
    make('links_symtab_1500', links(1500))
    make('link_kinds_latest', link_kinds, libver='latest')
    make('link_kinds_earliest', link_kinds)
    make('userblock_512', standard_content, userblock_size=512)
    make('userblock_4096_latest', standard_content, userblock_size=4096, libver='latest')
    make('float16', float16_content)
    make('float16_latest', float16_content, libver='latest')
    make('strings', strings_content)
    make('strings_latest', strings_content, libver='latest')
    make('types', types_content)
    make('types_latest', types_content, libver='latest')
    make('many_chunks', lambda f: f.create_dataset('d', data=np.arange(20000, dtype='<i4'), chunks=(7,), compression='gzip'))


def random_file(rng, i):
    """One random variant: libver, a few groups, datasets of random types, shapes, layouts, filters."""
    lv = rng.choice(LIBVERS)
    name = f'random_{i:04d}'
    kinds = ['<i1', '<u1', '<i2', '>u2', '<i4', '>i4', '<u8', '<f2', '<f4', '>f8', '<f8']
    filters = [None, 'gzip', 'lzf', 'szip', 'shuffle', 'fletcher32', 'scaleoffset', 'bzip2', 'zstd', 'lz4', 'blosc']

    def fn(f):
        groups = ['/']
        for g in range(rng.randint(0, 4)):
            parent = rng.choice(groups)
            p = parent.rstrip('/') + f'/grp{g}'
            f.create_group(p)
            groups.append(p)
        for d in range(rng.randint(1, 6)):
            parent = rng.choice(groups).rstrip('/')
            dt = np.dtype(rng.choice(kinds))
            shape = tuple(rng.randint(1, 30) for _ in range(rng.randint(1, 3)))
            data = (np.arange(int(np.prod(shape))) % 251 - 100).astype(dt).reshape(shape) if dt.kind != 'f' else \
                (np.arange(int(np.prod(shape)), dtype='f8') / 7 - 3).astype(dt).reshape(shape)
            if dt.kind == 'u':
                data = (np.arange(int(np.prod(shape))) % 251).astype(dt).reshape(shape)
            path = f'{parent}/ds{d}'
            filt = rng.choice(filters)
            chunks = tuple(rng.randint(1, s) for s in shape)
            if filt in PLUGIN_FILTERS and (filt != 'zstd' or ZSTD) and (filt != 'lz4' or LZ4):
                plugin_dataset(f, path, data, chunks, filt, name)
            elif filt == 'szip' and dt.kind in 'iu' and dt.itemsize > 1 and np.prod(chunks) >= 32:
                f.create_dataset(path, data=data, chunks=chunks, compression='szip')
            elif filt in ('gzip', 'lzf'):
                f.create_dataset(path, data=data, chunks=chunks, compression=filt, shuffle=rng.random() < 0.5)
            elif filt == 'shuffle':
                f.create_dataset(path, data=data, chunks=chunks, shuffle=True)
            elif filt == 'fletcher32':
                f.create_dataset(path, data=data, chunks=chunks, fletcher32=True)
            elif filt == 'scaleoffset' and dt.kind in 'iu':
                f.create_dataset(path, data=data, chunks=chunks, scaleoffset=0)
            elif rng.random() < 0.2 and data.nbytes < 30000:
                compact(f, path, data)
            else:
                f.create_dataset(path, data=data)
            f[path].attrs['index'] = d
            if rng.random() < 0.3:
                f[path].attrs['label'] = f'dataset {d} ✓'
        if rng.random() < 0.3:
            g = f.create_group('links', track_order=rng.random() < 0.5)
            for k in range(rng.choice([3, 9, 40, 1200])):
                g.create_group(f'n{k}')
    make(name, fn, libver=(lv, 'latest') if lv != 'latest' else 'latest',
         **({'userblock_size': rng.choice([512, 1024, 4096])} if rng.random() < 0.2 else {}))


small_corpus()
if MODE == 'large':
    rng = random.Random(SEED)
    for i in range(int(os.environ.get('HDF5_CORPUS_FILES', '150'))):
        random_file(rng, i)

print(json.dumps({'h5py': h5py.version.version, 'hdf5': h5py.version.hdf5_version,
                  'files': [{'name': n, 'path': p, 'objects': dump(n, p)} for n, p in files]}))
