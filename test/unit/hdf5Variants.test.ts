// HDF5 format variants that real pipelines write and our fixtures lack (issue 14): user blocks, half
// and reduced-precision floats, 128-bit integers, enums in either byte order, fixed strings beyond
// ASCII, NULL strings, never-written datasets, virtual datasets, user-defined and looping links,
// attribute order. Each file is written by h5py at test time; every expected value is what h5py
// reads back, and both readers (native metadata, and h5wasm alone) must give it.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors';
import type { Hdf5Dtype } from '../../src/core/hdf5/dtype';
import { Hdf5File, type Hdf5Attribute } from '../../src/core/hdf5/hdf5File';
import { hdf5Tree } from '../../src/core/hdf5/hdf5Tree';
import { sniffFile } from '../../src/core/io/fileHead';
import { cli } from '../helpers/cli';
import { fixturePath } from '../helpers/fixtures';
import { runH5py } from '../helpers/h5py';
import { tempDir } from '../helpers/tempDir';

/** Writes every variant into argv[1] and prints, as JSON, what h5py reads from each. */
const GENERATE = String.raw`
import sys, json, ctypes, hashlib
import numpy as np, h5py
from h5py import h5t, h5a, h5s, h5d, h5p, h5g, h5z
d = sys.argv[1]
out = {}

def text(b):
    try:
        return b.decode('utf-8')
    except UnicodeDecodeError:
        return b.decode('latin-1')

def enc(v):
    if isinstance(v, np.ndarray):
        return [enc(x) for x in v.ravel().tolist()] if v.ndim else enc(v[()])
    if isinstance(v, (bool, np.bool_, int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return 'nan' if f != f else 'inf' if f == float('inf') else '-inf' if f == float('-inf') else f
    if isinstance(v, bytes):
        return text(v)
    if isinstance(v, np.bytes_):
        return text(bytes(v))
    return v

def describe(f):
    """Every object h5py can open: kind, shape, dtype, values, attributes in h5py's order."""
    objs = {}
    def visit(name, obj):
        objs['/' + name] = obj
    objs['/'] = f
    f.visititems(visit)
    res = {}
    for path, obj in objs.items():
        entry = {'attrs': [[k, enc(obj.attrs[k])] for k in obj.attrs]}
        if isinstance(obj, h5py.Dataset):
            entry.update(kind='dataset', shape=list(obj.shape), dtype=obj.dtype.name, values=enc(obj[()]))
        else:
            entry.update(kind='group', members=list(obj.keys()))
        res[path] = entry
    return res

lib = ctypes.CDLL('libhdf5_serial.so.103')
hid = ctypes.c_int64

# --- user blocks
for ub in (512, 1024, 4096):
    for lv in ('earliest', 'latest'):
        name = f'ub{ub}_{lv}.h5'
        with h5py.File(f'{d}/{name}', 'w', userblock_size=ub, libver=lv) as f:
            f.attrs['r'] = 'root'
            f['x'] = np.arange(10, dtype='i4')
            f.create_dataset('c', data=np.arange(100, dtype='f8'), chunks=(10,), compression='gzip')
            f.create_group('g')['s'] = 'str'
        with open(f'{d}/{name}', 'r+b') as fh:
            fh.write(b'#!a user block\n')
        with h5py.File(f'{d}/{name}', 'r') as f:
            out[name] = {'userblock': f.userblock_size, 'objects': describe(f)}

# A reference SMC rewritten by h5py: with a user block; with a float16 attribute in place of an integer one.
def rewrite(src, dst, userblock=0, half=None):
    with h5py.File(src, 'r') as s, h5py.File(dst, 'w', userblock_size=userblock) as o:
        for k in s:
            s.copy(s[k], o, name=k)
        for k in s.attrs:
            v = s.attrs[k]
            if k == half:
                o.attrs.create(k, np.float16(v))
            else:
                o.attrs.create(k, v, dtype=s.attrs.get_id(k).dtype)
        if half:
            o.attrs['extra_half'] = np.array([0.5, 1.5], dtype=np.float16)
rewrite(sys.argv[2], f'{d}/smc_ub4096.smc', userblock=4096)
rewrite(sys.argv[2], f'{d}/smc_half.smc', half='age')

# --- float16
with h5py.File(f'{d}/half.h5', 'w') as f:
    f.attrs['a_before'] = 1
    f.attrs['half'] = np.float16(1.5)
    f.attrs['halfs'] = np.array([0.1, -2, 65504, np.inf, -0.0, 6e-8], dtype=np.float16)
    f.attrs['half_be'] = np.array([1.25, -3], dtype='>f2')
    f.attrs['z_after'] = 'x'
    f['contig'] = np.array([0.5, 1e-5, -3, np.nan], dtype=np.float16)
    f.create_dataset('chunked', data=(np.arange(60, dtype=np.float16) / 3).reshape(20, 3), chunks=(5, 3), compression='gzip')
    f['big_endian'] = np.array([1.25, 2, -65504], dtype='>f2')
    f['scalar'] = np.float16(-0.25)
with h5py.File(f'{d}/half_all.h5', 'w') as f:
    f.create_dataset('all', data=np.arange(65536, dtype='<u2').view('<f2'), chunks=(4096,))
    v = f['all'][()].astype('f4')
    v[np.isnan(v)] = 12345
    out['half_all.h5'] = hashlib.sha256(v.tobytes()).hexdigest()
with h5py.File(f'{d}/half.h5', 'r') as f:
    out['half.h5'] = {'objects': describe(f), 'bytes': {k: f[k][()].astype('<f2').tobytes().hex() for k in ('contig', 'chunked', 'big_endian')}}

# --- reduced precision (N-bit) floats and integers, through the low-level API
vals = np.array([1.5, -2.25, 3.0e3, 0.0, 1e-3, -7.0], dtype='f4')
with h5py.File(f'{d}/nbit.h5', 'w') as f:
    # The HDF5 N-bit example's type: 20 significant bits at offset 7 of 4 bytes.
    t = h5t.IEEE_F32LE.copy()
    t.set_fields(26, 20, 6, 7, 13); t.set_offset(7); t.set_precision(20); t.set_size(4); t.set_ebias(31)
    for name, nbit in (('contig', False), ('nbit', True)):
        dcpl = h5p.create(h5p.DATASET_CREATE)
        if nbit:
            dcpl.set_chunk((3,)); dcpl.set_filter(h5z.FILTER_NBIT)
        ds = h5d.create(f.id, name.encode(), t, h5s.create_simple((6,)), dcpl=dcpl)
        ds.write(h5s.ALL, h5s.ALL, vals)
    a = h5a.create(f.id, b'nb', t, h5s.create_simple((3,)))
    a.write(vals[:3].copy())
    t8 = h5t.IEEE_F64BE.copy(); t8.set_fields(50, 40, 10, 0, 40); t8.set_precision(51); t8.set_ebias(511)
    ds = h5d.create(f.id, b'double_be', t8, h5s.create_simple((6,)))
    ds.write(h5s.ALL, h5s.ALL, vals.astype('f8'))
    t5 = h5t.IEEE_F32LE.copy(); t5.set_offset(8)
    ds = h5d.create(f.id, b'five_bytes', t5, h5s.create_simple((6,)))
    ds.write(h5s.ALL, h5s.ALL, vals)
    ti = h5t.STD_I16LE.copy(); ti.set_precision(12); ti.set_offset(3)
    ds = h5d.create(f.id, b'int12', ti, h5s.create_simple((4,)))
    ds.write(h5s.ALL, h5s.ALL, np.array([-2048, -1, 0, 2047], dtype='i2'))
    f.attrs['z'] = 1
with h5py.File(f'{d}/nbit.h5', 'r') as f:
    out['nbit.h5'] = describe(f)
# Every kind of value of those layouts (zeros, subnormals, infinities, NaNs): random bit patterns,
# stored as they are and converted by the HDF5 library when h5py reads them.
rng = np.random.default_rng(7)
hashes = {}
with h5py.File(f'{d}/nbit_random.h5', 'w') as f:
    for name, t, size in (('f20', t, 4), ('f51_be', t8, 8), ('i12', ti, 2)):
        raw = rng.integers(0, 256, 4096 * size, dtype='u1').tobytes()
        ds = h5d.create(f.id, name.encode(), t, h5s.create_simple((4096,)))
        ds.write(h5s.ALL, h5s.ALL, np.frombuffer(raw, dtype=f'V{size}').copy(), mtype=t)
with h5py.File(f'{d}/nbit_random.h5', 'r') as f:
    for name in f:
        v = f[name][()]
        if v.dtype.kind == 'f':
            v = v.astype('<f8')
            v[np.isnan(v)] = 12345
        else:
            v = v.astype('<i8')
        hashes[name] = hashlib.sha256(v.tobytes()).hexdigest()
out['nbit_random.h5'] = hashes

# --- virtual datasets: unlimited (extent from the source) and fixed
with h5py.File(f'{d}/vsrc.h5', 'w') as f:
    f.create_dataset('s', data=np.arange(10, dtype='i4'), maxshape=(None,))
with h5py.File(f'{d}/vds.h5', 'w') as f:
    lay = h5py.VirtualLayout(shape=(10,), dtype='i4', maxshape=(None,))
    lay[0:h5s.UNLIMITED] = h5py.VirtualSource('vsrc.h5', 's', shape=(10,), maxshape=(None,))[0:h5s.UNLIMITED]
    f.create_virtual_dataset('unlimited', lay, fillvalue=-1)
    f['inner'] = np.arange(4, dtype='i4') * 10
    lay2 = h5py.VirtualLayout(shape=(4,), dtype='i4')
    lay2[:] = h5py.VirtualSource('.', 'inner', shape=(4,))
    f.create_virtual_dataset('fixed', lay2)
with h5py.File(f'{d}/vsrc.h5', 'a') as f:
    f['s'].resize((15,)); f['s'][10:] = np.arange(10, 15)
with h5py.File(f'{d}/vds.h5', 'r') as f:
    out['vds.h5'] = describe(f)

# --- links: user-defined class (registered only while writing), soft links looping back
TRAV = ctypes.CFUNCTYPE(hid, ctypes.c_char_p, hid, ctypes.c_void_p, ctypes.c_size_t, hid, hid)
class LinkClass(ctypes.Structure):
    _fields_ = [('version', ctypes.c_int), ('id', ctypes.c_int), ('comment', ctypes.c_char_p)] + \
        [(n, ctypes.c_void_p) for n in ('create', 'move', 'copy')] + [('trav', TRAV)] + [(n, ctypes.c_void_p) for n in ('delete', 'query')]
trav = TRAV(lambda *a: -1)
link_class = LinkClass(1, 200, b'test', None, None, None, trav, None, None)
assert lib.H5Lregister(ctypes.byref(link_class)) >= 0
lib.H5Lcreate_ud.argtypes = [hid, ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t, hid, hid]
for lv in ('earliest', 'latest'):
    name = f'links_{lv}.h5'
    with h5py.File(f'{d}/{name}', 'w', libver=lv) as f:
        f['a'] = 1
        g = f.create_group('g')
        g['b'] = 2
        g.attrs['k'] = 3
        assert lib.H5Lcreate_ud(g.id.id, b'ud', 200, b'payload', 7, 0, 0) >= 0
        f['loop'] = h5py.SoftLink('/loop')
        g['rel'] = h5py.SoftLink('rel')
        f['dangling'] = h5py.SoftLink('/nowhere')
    with h5py.File(f'{d}/{name}', 'r') as f:
        g = f['g']
        out[name] = {'/': list(f.keys()), '/g': list(g.keys()),
                     'types': {k: g.id.links.get_info(k.encode()).type for k in g},
                     'loop': f.get('loop', getlink=True).path, 'g_attrs': [[k, enc(v)] for k, v in g.attrs.items()]}
assert lib.H5Lunregister(200) >= 0

# --- fixed-length strings: bytes >= 0x80, UTF-8 character set, space padding
with h5py.File(f'{d}/fixed_strings.h5', 'w') as f:
    f.attrs['fixed_utf8_bytes'] = np.bytes_('café'.encode('utf-8'))
    f.attrs['fixed_latin1'] = np.array([b'\xe9t\xe9', b'ok', b'\x80\xff'], dtype='S4')
    f.attrs.create('fixed_cset_utf8', 'naïve'.encode('utf-8'), dtype=h5py.string_dtype('utf-8', 8))
    ts = h5t.C_S1.copy(); ts.set_size(6); ts.set_strpad(h5t.STR_SPACEPAD)
    a = h5a.create(f.id, b'space_padded', ts, h5s.create_simple((3,)))
    a.write(np.array([b'ab    ', b'\xe9     ', b'  x   '], dtype='S6'), mtype=ts)
    f['fixed_ds'] = np.array([b'\xe9t\xe9', b'plain', b'\xc3\xa9t\xc3\xa9'], dtype='S6')
    f.create_dataset('fixed_chunked', data=np.array([b'\xff\xfe', b'x'] * 4, dtype='S3'), chunks=(4,))
with h5py.File(f'{d}/fixed_strings.h5', 'r') as f:
    out['fixed_strings.h5'] = describe(f)

# --- NULL variable-length strings (NULL pointers written through the C API), both character sets
with h5py.File(f'{d}/null_strings.h5', 'w') as f:
    lib.H5Awrite.argtypes = [hid, hid, ctypes.c_void_p]
    lib.H5Dwrite.argtypes = [hid, hid, hid, hid, hid, ctypes.c_void_p]
    for cset in ('ascii', 'utf-8'):
        tid = h5t.py_create(h5py.string_dtype(cset), logical=True)
        a = h5a.create(f.id, f'null_{cset}'.encode(), tid, h5s.create(h5s.SCALAR))
        assert lib.H5Awrite(a.id, tid.id, ctypes.cast((ctypes.c_char_p * 1)(), ctypes.c_void_p)) >= 0
        arr = (ctypes.c_char_p * 3)(b'x', None, b'')
        a = h5a.create(f.id, f'nulls_{cset}'.encode(), tid, h5s.create_simple((3,)))
        assert lib.H5Awrite(a.id, tid.id, ctypes.cast(arr, ctypes.c_void_p)) >= 0
        ds = f.create_dataset(f'nulls_{cset}', shape=(3,), dtype=h5py.string_dtype(cset))
        assert lib.H5Dwrite(ds.id.id, tid.id, 0, 0, 0, ctypes.cast(arr, ctypes.c_void_p)) >= 0
        ds = f.create_dataset(f'nulls_{cset}_chunked', shape=(3,), dtype=h5py.string_dtype(cset), chunks=(2,))
        assert lib.H5Dwrite(ds.id.id, tid.id, 0, 0, 0, ctypes.cast(arr, ctypes.c_void_p)) >= 0
with h5py.File(f'{d}/null_strings.h5', 'r') as f:
    out['null_strings.h5'] = describe(f)

# --- never-written datasets with fill time NEVER (after a dataset of non-zero values)
with h5py.File(f'{d}/never.h5', 'w') as f:
    f.create_dataset('noise', data=np.random.default_rng(1).integers(1, 2**31, 4096, dtype='i4'), chunks=(1024,))
    for name, chunks in (('contig', None), ('chunked', (4,))):
        dcpl = h5p.create(h5p.DATASET_CREATE)
        dcpl.set_fill_time(h5d.FILL_TIME_NEVER)
        if chunks:
            dcpl.set_chunk(chunks)
        h5d.create(f.id, name.encode(), h5t.NATIVE_INT32, h5s.create_simple((4096,)), dcpl=dcpl)
with h5py.File(f'{d}/never.h5', 'r') as f:
    out['never.h5'] = describe(f)

def attrs_or_errors(f):
    res = {}
    for k in f.attrs:
        try:
            res[k] = enc(f.attrs[k])
        except Exception as e:
            res[k] = {'h5py_error': str(e)}
    return res

# --- big-endian booleans, 128-bit integers and a long double among ordinary attributes
with h5py.File(f'{d}/wide.h5', 'w') as f:
    f.attrs['a_first'] = 1
    f.attrs['bool'] = np.bool_(True)
    f.attrs['bools'] = np.array([True, False])
    for name, base, shape, data in ((b'bool_be', h5t.STD_I8BE, (), np.array(1, dtype='i1')), (b'bool_be16', h5t.STD_I16BE, (2,), np.array([1, 0], dtype='>i2'))):
        t = h5t.enum_create(base)
        t.enum_insert(b'FALSE', 0); t.enum_insert(b'TRUE', 1)
        a = h5a.create(f.id, name, t, h5s.create(h5s.SCALAR) if shape == () else h5s.create_simple(shape))
        a.write(data, mtype=t)
    raw128 = {}
    for name, base, order in ((b'int128', h5t.STD_I64LE, 'little'), (b'uint128_be', h5t.STD_U64BE, 'big')):
        t = base.copy(); t.set_size(16); t.set_precision(128)
        a = h5a.create(f.id, name, t, h5s.create_simple((2,)))
        raw = [b'\x01' + b'\x00' * 14 + b'\x80', b'\xff' * 16]
        a.write(np.frombuffer(b''.join(raw), dtype='V16').copy(), mtype=t)
        raw128[name.decode()] = [str(int.from_bytes(r, order, signed=name == b'int128')) for r in raw]
    f.attrs['long_double'] = np.array([1.5], dtype=np.longdouble)
    f.attrs['z_last'] = 'last'
with h5py.File(f'{d}/wide.h5', 'r') as f:
    out['wide.h5'] = {'order': list(f.attrs), 'attrs': attrs_or_errors(f), 'raw128': raw128}

# --- enums in either byte order
with h5py.File(f'{d}/enums.h5', 'w') as f:
    be = h5py.enum_dtype({'A': 1, 'B': 256, 'C': -2}, basetype='>i4')
    f.attrs.create('enum_be', data=np.array([1, 256, -2], dtype='>i4'), dtype=be)
    f.attrs.create('enum_le', data=np.array(256, dtype='<i2'), dtype=h5py.enum_dtype({'A': 1, 'B': 256}, basetype='<i2'))
    f.attrs.create('enum_neg', data=np.array([-5, 7], dtype='<i2'), dtype=h5py.enum_dtype({'M': -5, 'P': 7}, basetype='<i2'))
    f.attrs.create('enum_u8', data=np.array([3, 200], dtype='u1'), dtype=h5py.enum_dtype({'X': 3, 'Y': 200}))
    f.create_dataset('enum_be', data=np.array([1, 256, -2], dtype='>i4'), dtype=be)
    f.create_dataset('enum_chunked', data=np.array([7, -5, 7, 7], dtype='<i2'), dtype=h5py.enum_dtype({'M': -5, 'P': 7}, basetype='<i2'), chunks=(2,))
with h5py.File(f'{d}/enums.h5', 'r') as f:
    out['enums.h5'] = describe(f)

# --- attribute order: creation order when tracked (h5py's rule), name order otherwise
with h5py.File(f'{d}/order.h5', 'w', track_order=True) as f:
    for k in ('b', 'a', 'c'):
        f.attrs[k] = k
    g = f.create_group('by_name', track_order=False)
    for k in ('b', 'a', 'é', 'z', '\U0001F600', '\uFB01', 'A'):
        g.attrs[k] = 1
    ds = f.create_dataset('d', data=1, track_order=True)
    for k in ('zz', 'aa', 'mm'):
        ds.attrs[k] = 1
    gcpl = h5p.create(h5p.GROUP_CREATE)
    gcpl.set_attr_creation_order(h5p.CRT_ORDER_TRACKED)
    h5g.create(f.id, b'tracked_only', gcpl=gcpl)
    for k in ('q', 'p', 'r'):
        f['tracked_only'].attrs[k] = 1
with h5py.File(f'{d}/order.h5', 'r') as f:
    out['order.h5'] = {p: list(f[p].attrs) for p in ('/', '/by_name', '/d', '/tracked_only')}

print(json.dumps(out))
`;

/** Parsed JSON (what the generator printed: h5py's reading of every file), checked field by field. */
type Json = ReturnType<typeof JSON.parse>;

let dir: string;
let expected: Record<string, Json>;

before(async () => {
  dir = await tempDir('hdf5-variants');
  expected = JSON.parse(runH5py(GENERATE, [dir, fixturePath('smc', '0026_h0_raw.smc')]));
});

const PATHS = [
  { label: 'native', options: {} },
  { label: 'h5wasm', options: { nativeIndex: false } },
] as const;

/** Runs `fn` on the file opened with each reader. */
async function bothPaths(name: string, fn: (f: Hdf5File, label: string) => Promise<void> | void): Promise<void> {
  for (const { label, options } of PATHS) {
    const f = await Hdf5File.open(join(dir, name), options);
    try {
      assert.equal(f.usesNativeIndex, label === 'native');
      await fn(f, label);
    } finally {
      f.close();
    }
  }
}

/** A value as the generator encodes h5py's: integers as decimal strings, floats as numbers (inf / nan as text). */
function enc(v: unknown, dtype: Hdf5Dtype): unknown {
  if (ArrayBuffer.isView(v) || Array.isArray(v)) return Array.from(v as ArrayLike<unknown>, (x) => enc(x, dtype));
  if (typeof v === 'bigint') return String(v);
  if (typeof v === 'number') {
    if (dtype.kind !== 'float') return String(v);
    return Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v;
  }
  return v;
}

const attrList = (attrs: Hdf5Attribute[]) => attrs.map((a) => [a.name, enc(a.value, a.dtype)]);

/** Checks every object h5py described: members, attributes (order and values), dataset shapes, dtypes and values. */
async function checkAgainstH5py(f: Hdf5File, objects: Record<string, Json>, label: string): Promise<void> {
  for (const [path, want] of Object.entries(objects)) {
    const at = `${label} ${path}`;
    assert.deepEqual(attrList(f.attributes(path)), want.attrs, `attributes of ${at}`);
    if (want.kind === 'group') {
      assert.deepEqual(f.childNames(path), want.members, `members of ${at}`);
      continue;
    }
    const info = f.dataset(path)!;
    assert.deepEqual(info.shape, want.shape, `shape of ${at}`);
    assert.equal(dtypeName(info.dtype), normalizeDtypeName(want.dtype), `dtype of ${at}`);
    const arr = (await f.readArray(path))!;
    const values = enc(arr.data, info.dtype);
    assert.deepEqual(want.shape.length === 0 ? (values as unknown[])[0] : values, want.values, `values of ${at}`);
  }
}

/** Our dtype's name as h5py's: strings are 'object' (h5py: 'bytes48' or 'object'), enums their integer type. */
function dtypeName(dtype: Hdf5Dtype): string {
  if (dtype.kind === 'string' || dtype.kind === 'vlen-string') return 'object';
  return dtype.kind === 'enum' && dtype.base ? dtype.base.name : dtype.name;
}

function normalizeDtypeName(name: string): string {
  return /^bytes\d+$/.test(name) ? 'object' : name;
}

test('user blocks of 512, 1024 and 4096 bytes: the signature is found and addresses are relative to it', async () => {
  for (const ub of [512, 1024, 4096]) {
    for (const lv of ['earliest', 'latest']) {
      const name = `ub${ub}_${lv}.h5`;
      const want = expected[name];
      assert.equal(want.userblock, ub);
      assert.equal(await sniffFile(join(dir, name)), 'hdf5', name);
      await bothPaths(name, async (f, label) => {
        assert.equal(f.superblock.signatureOffset, ub, `${label} ${name}`);
        assert.ok(f.superblock.eofAddress! <= f.size, 'the end-of-file address lies within the file');
        await checkAgainstH5py(f, want.objects, `${label} ${name}`);
      });
    }
  }
});

test('a reference SMC rewritten by h5py with a 4096-byte user block or a float16 attribute: bodycap info is unchanged', async () => {
  const info = async (path: string) => {
    const r = await cli('info', path, '--json');
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out);
    // The file's own: where it is, its size, and its partner (the copies have none beside them).
    delete json.path;
    delete json.fileSize;
    delete json.pair;
    return json;
  };
  const original = await info(fixturePath('smc', '0026_h0_raw.smc'));
  assert.deepEqual(await info(join(dir, 'smc_ub4096.smc')), original);
  assert.deepEqual(await info(join(dir, 'smc_half.smc')), original);
  const f = await Hdf5File.open(join(dir, 'smc_half.smc'));
  try {
    assert.equal(f.attributes('/').find((a) => a.name === 'age')?.dtype.name, 'float16');
    assert.deepEqual(Array.from(f.attribute('/', 'extra_half') as Float32Array), [0.5, 1.5]);
  } finally {
    f.close();
  }
});

test('float16 attributes and datasets read as numbers, as h5py shows them; the other attributes stay readable', async () => {
  const want = expected['half.h5'];
  await bothPaths('half.h5', async (f, label) => {
    await checkAgainstH5py(f, want.objects, label);
    for (const [name, hex] of Object.entries(want.bytes as Record<string, string>)) {
      assert.equal(Buffer.from((await f.readBytes(`/${name}`))!).toString('hex'), hex, `${label}: stored bytes of ${name} as little-endian float16`);
    }
    const rows = (await f.readRows('/chunked', 4, 3))!;
    assert.deepEqual(rows.shape, [3, 3]);
    assert.deepEqual(enc(rows.data, rows.dtype), (want.objects['/chunked'].values as unknown[]).slice(12, 21), `${label}: rows 4..6`);
    const chunks: Buffer[] = [];
    for await (const c of f.streamBytes('/chunked', 12)) chunks.push(Buffer.from(c));
    assert.equal(Buffer.concat(chunks).toString('hex'), want.bytes.chunked, `${label}: streamed bytes`);
    assert.equal(hdf5Tree(f).attributes.length, 5, `${label}: the tree lists every attribute`);
  });
});

test('every float16 bit pattern converts as numpy converts it to float32', async () => {
  await bothPaths('half_all.h5', async (f, label) => {
    const values = Float32Array.from((await f.readArray('/all'))!.data as Float32Array, (v) => (Number.isNaN(v) ? 12345 : v));
    assert.equal(createHash('sha256').update(new Uint8Array(values.buffer)).digest('hex'), expected['half_all.h5'], label);
  });
});

test('reduced-precision (N-bit) floats and integers read as the values h5py converts them to (native reader)', async () => {
  const want = expected['nbit.h5'];
  const f = await Hdf5File.open(join(dir, 'nbit.h5'));
  try {
    assert.equal(f.usesNativeIndex, true);
    await checkAgainstH5py(f, want, 'native');
    assert.equal(f.dataset('/nbit')!.filters[0]?.name, 'nbit');
  } finally {
    f.close();
  }
  // h5wasm does not report a float's bit layout: a layout it cannot convert is refused, never misread,
  // and does not hide the other attributes.
  const lib = await Hdf5File.open(join(dir, 'nbit.h5'), { nativeIndex: false });
  try {
    const attrs = lib.attributes('/');
    assert.deepEqual(
      attrs.map((a) => a.name),
      want['/'].attrs.map((a: unknown[]) => a[0]),
    );
    assert.equal(attrs.find((a) => a.name === 'z')?.value, 1n);
    const five = lib.dataset('/five_bytes')!;
    assert.equal(five.dtype.size, 5);
    await assert.rejects(lib.readArray('/five_bytes'), (err: unknown) => err instanceof InputError && err.code === 'unsupported');
  } finally {
    lib.close();
  }
});

test('reduced-precision layouts: random bit patterns convert as the HDF5 library converts them', async () => {
  const f = await Hdf5File.open(join(dir, 'nbit_random.h5'));
  try {
    for (const [name, hash] of Object.entries(expected['nbit_random.h5'] as Record<string, string>)) {
      const data = (await f.readArray(`/${name}`))!.data as ArrayLike<number>;
      const doubles = Float64Array.from(data, (v) => (Number.isNaN(v) ? 12345 : v));
      const bytes = name.startsWith('f') ? new Uint8Array(doubles.buffer) : new Uint8Array(BigInt64Array.from(Array.from(data, (v) => BigInt(v))).buffer);
      assert.equal(createHash('sha256').update(bytes).digest('hex'), hash, name);
    }
  } finally {
    f.close();
  }
});

test('virtual datasets report the extent h5py computes from their sources', async () => {
  const want = expected['vds.h5'];
  await bothPaths('vds.h5', async (f, label) => {
    await checkAgainstH5py(f, want, label);
    assert.deepEqual(f.dataset('/unlimited')!.shape, [15], label);
    assert.equal(f.dataset('/unlimited')!.layout, 'virtual');
    assert.equal(f.dataset('/fixed')!.layout, 'virtual');
  });
});

test('user-defined links and soft links that loop are listed, never break their group', async () => {
  for (const lv of ['earliest', 'latest']) {
    const name = `links_${lv}.h5`;
    const want = expected[name];
    assert.equal(want.types.ud, 200, 'a user-defined link class');
    assert.equal(want.loop, '/loop');
    await bothPaths(name, (f, label) => {
      const at = `${label} ${name}`;
      const root = f.children('/')!;
      assert.deepEqual(
        root.map((l) => l.name),
        want['/'],
        at,
      );
      assert.deepEqual(
        f.children('/g')!.map((l) => l.name),
        want['/g'],
        at,
      );
      const kinds = Object.fromEntries([...root, ...f.children('/g')!].map((l) => [l.path, l.kind]));
      assert.deepEqual(
        kinds,
        { '/a': 'dataset', '/dangling': 'soft-link', '/g': 'group', '/loop': 'soft-link', '/g/b': 'dataset', '/g/rel': 'soft-link', '/g/ud': 'unknown' },
        at,
      );
      assert.equal(f.kind('/loop'), 'soft-link', at);
      assert.equal(f.kind('/g/ud'), 'unknown', at);
      assert.deepEqual(f.attributes('/loop'), [], at);
      assert.equal(f.dataset('/loop'), null, at);
      assert.equal(f.dataset('/g/ud'), null, at);
      assert.deepEqual(attrList(f.attributes('/g')), want.g_attrs, at);
      const tree = hdf5Tree(f);
      assert.equal(tree.children?.find((c) => c.name === 'g')?.childCount, want['/g'].length, at);
    });
  }
});

test('fixed-length strings keep their bytes >= 0x80 (UTF-8 when valid, else one character per byte); space padding is dropped', async () => {
  const want = expected['fixed_strings.h5'];
  await bothPaths('fixed_strings.h5', async (f, label) => {
    await checkAgainstH5py(f, want, label);
  });
  // What h5py gives, spelled out for the reader of this test.
  const attrs = Object.fromEntries(want['/'].attrs);
  assert.equal(attrs.fixed_utf8_bytes, 'café');
  assert.deepEqual(attrs.fixed_latin1, ['été', 'ok', '\x80\xff']);
  assert.deepEqual(attrs.space_padded, ['ab', 'é', '  x']);
});

test('NULL variable-length strings read as empty strings, as in h5py', async () => {
  const want = expected['null_strings.h5'];
  await bothPaths('null_strings.h5', async (f, label) => {
    await checkAgainstH5py(f, want, label);
  });
  const attrs = Object.fromEntries(want['/'].attrs);
  assert.equal(attrs.null_ascii, '');
  assert.deepEqual(attrs.nulls_ascii, ['x', '', '']);
});

test('never-written datasets with fill time NEVER read as zeros, not as stale memory', async () => {
  const want = expected['never.h5'];
  assert.ok((want['/contig'].values as string[]).every((v) => v === '0'));
  await bothPaths('never.h5', async (f, label) => {
    // Values read before leave the library's memory non-zero.
    await f.readArray('/noise');
    await checkAgainstH5py(f, want, label);
    const rows = (await f.readRows('/chunked', 100, 50))!;
    assert.ok(
      Array.from(rows.data as Int32Array).every((v) => v === 0),
      label,
    );
    const bytes = (await f.readBytes('/contig'))!;
    assert.ok(
      bytes.every((b) => b === 0),
      label,
    );
  });
});

test('big-endian booleans, 128-bit integers and long doubles never break the attribute list', async () => {
  const want = expected['wide.h5'];
  // h5py itself cannot read 128-bit integers; the generator recorded the integers it stored.
  assert.match(want.attrs.int128.h5py_error, /not understood/);
  const expectedValue = (name: string) => (name in want.raw128 ? want.raw128[name] : want.attrs[name]);
  await bothPaths('wide.h5', (f, label) => {
    const attrs = f.attributes('/');
    assert.deepEqual(
      attrs.map((a) => a.name),
      want.order,
      label,
    );
    // The HDF5 library refuses to convert big-endian enums (H5Tset_order on an enum): through
    // h5wasm alone those are listed with the library's reason.
    const refused = label === 'h5wasm' ? new Set(['bool_be', 'bool_be16']) : new Set<string>();
    for (const a of attrs) {
      if (a.name === 'long_double') {
        // No JS number holds it: listed with the reason, the others unaffected.
        assert.equal(a.value, null, label);
        assert.match(a.error ?? '', /Float128/, label);
      } else if (refused.has(a.name)) {
        assert.equal(a.value, null, `${label} ${a.name}`);
        assert.match(a.error ?? '', /set_order/, `${label} ${a.name}`);
      } else {
        assert.equal(a.error, undefined, `${label} ${a.name}`);
        assert.deepEqual(enc(a.value, a.dtype), expectedValue(a.name), `${label} ${a.name}`);
      }
    }
    assert.equal(attrs.find((a) => a.name === 'int128')!.dtype.name, 'int128');
  });
});

test('enums read in their byte order, as h5py reads them (native reader; h5wasm refuses big-endian enums)', async () => {
  const want = expected['enums.h5'];
  const f = await Hdf5File.open(join(dir, 'enums.h5'));
  try {
    await checkAgainstH5py(f, want, 'native');
  } finally {
    f.close();
  }
  const lib = await Hdf5File.open(join(dir, 'enums.h5'), { nativeIndex: false });
  try {
    const attrs = lib.attributes('/');
    assert.deepEqual(
      attrs.map((a) => [a.name, a.error === undefined ? enc(a.value, a.dtype) : null]),
      want['/'].attrs.map(([name, value]: [string, unknown]) => [name, name === 'enum_be' ? null : value]),
    );
    assert.match(attrs.find((a) => a.name === 'enum_be')!.error!, /set_order/);
    await assert.rejects(lib.readArray('/enum_be'), (err: unknown) => err instanceof InputError && err.code === 'unsupported');
    assert.deepEqual(enc((await lib.readArray('/enum_chunked'))!.data, lib.dataset('/enum_chunked')!.dtype), want['/enum_chunked'].values);
  } finally {
    lib.close();
  }
});

test("attributes are listed in h5py's order (creation order when tracked, else by name bytes) on both paths", async () => {
  const want = expected['order.h5'];
  await bothPaths('order.h5', (f, label) => {
    for (const path of ['/', '/by_name', '/d']) {
      assert.deepEqual(
        f.attributes(path).map((a) => a.name),
        want[path],
        `${label} ${path}`,
      );
    }
    // Creation order tracked but not indexed (only the low-level API writes this): h5py lists it in
    // creation order, which h5wasm cannot be asked for; the native reader gives h5py's order.
    if (label === 'native') {
      assert.deepEqual(
        f.attributes('/tracked_only').map((a) => a.name),
        want['/tracked_only'],
      );
    }
  });
});
