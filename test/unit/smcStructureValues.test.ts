// The Structure view's host side for values: every element's text is numpy's str() of it (h5py reads
// the same file), numbers come as float64, members list in natural order, JPEG/PNG byte datasets are
// recognised and handed out whole, and bad selections get a short error instead of a read.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ParamError } from '../../src/extension/kit/requestParams';
import { closeSmcSource, openSmcSource, SmcSession } from '../../src/extension/smc/smcSession';
import { runH5py } from '../helpers/h5py';
import { tempDir } from '../helpers/tempDir';

/** Writes argv[1]; prints, per dataset, h5py's shape and str() of every element (bytes decoded). */
const WRITE = String.raw`
import sys, json
import numpy as np, h5py
path = sys.argv[1]
with h5py.File(path, 'w') as f:
    f['f4'] = np.array([[0.1, 1 / 3, -2.5e-7], [1e20, np.nan, -np.inf]], dtype='f4')
    f['f2'] = np.array([0.1, 65504, 1 / 3], dtype='f2')
    f['f8'] = np.array([0.1, 1 / 3, 1e16, 123456789.125])
    f['i8'] = np.array([-(2 ** 63), 2 ** 62 + 1, 0], dtype='i8')
    f['u1'] = np.arange(5, dtype='u1')
    f['scalar'] = np.float32(2.5)
    f['vstr'] = np.array(['a', 'héllo', ''], dtype=h5py.string_dtype())
    for name in ['10', '2', '1', '0', '11']:
        f.create_group('frames/' + name)
    f['png'] = np.frombuffer(bytes.fromhex('89504e470d0a1a0a0000000d49484452000000030000000208020000001216f1a9'), dtype='u1')
    f['notimage'] = np.arange(16, dtype='u1')
out = {}
with h5py.File(path, 'r') as f:
    for name in ['f4', 'f2', 'f8', 'i8', 'u1', 'scalar', 'vstr']:
        v = f[name][()]
        flat = [v] if np.ndim(v) == 0 else np.asarray(v).ravel().tolist() if v.dtype.kind == 'O' else list(np.asarray(v).ravel())
        out[name] = {'shape': list(np.shape(v)), 'text': [x.decode() if isinstance(x, bytes) else str(x) for x in flat]}
    out['frames'] = list(f['frames'].keys())
print(json.dumps(out))
`;

let session: SmcSession;
let h5py: Record<string, { shape: number[]; text: string[] }> & { frames: string[] };

before(async () => {
  const file = join(await tempDir('structure-values'), 'values.h5');
  h5py = JSON.parse(runH5py(WRITE, [file]));
  session = new SmcSession(await openSmcSource(file));
});

after(() => closeSmcSource(session.source));

const whole = (shape: number[]) => ({ start: shape.map(() => 0), count: shape, step: shape.map(() => 1) });
const slice = (path: string, sel: { start: number[]; count: number[]; step: number[] }, text = true) =>
  session.handlers.datasetSlice({ file: 0, path, ...sel, text });

test("each element's text is numpy's str() of it, as h5py reads the file", async () => {
  for (const name of ['f4', 'f2', 'f8', 'i8', 'u1', 'scalar', 'vstr']) {
    const want = h5py[name]!;
    const got = await slice(`/${name}`, whole(want.shape));
    assert.deepEqual(got.text, want.text, name);
    assert.deepEqual(got.shape, want.shape.length ? want.shape : got.shape, name);
  }
  // Numbers for plots: float64 of the stored values (int64 beyond 2^53 rounded), none for strings.
  assert.deepEqual(Array.from((await slice('/i8', whole([3]), false)).numbers!), [-(2 ** 63), 2 ** 62, 0]);
  assert.equal((await slice('/vstr', whole([3]))).numbers, null);
  assert.equal((await slice('/f8', whole([4]), false)).text, null);
});

test('a column of a 2-D dataset with a step reads only those elements', async () => {
  const got = await slice('/f4', { start: [0, 1], count: [2, 1], step: [1, 1] });
  assert.deepEqual(got.shape, [2, 1]);
  assert.deepEqual(got.text, [h5py.f4!.text[1], h5py.f4!.text[4]]);
});

test('members in natural order; JPEG/PNG byte datasets are images', async () => {
  const frames = await session.handlers.structure({ file: 0, path: '/frames' });
  assert.deepEqual(h5py.frames, ['0', '1', '10', '11', '2']);
  assert.deepEqual(
    frames.children?.map((c) => c.name),
    ['0', '1', '2', '10', '11'],
  );
  const png = await session.handlers.structure({ file: 0, path: '/png' });
  assert.equal(png.dataset?.image, 'png');
  assert.equal((await session.handlers.structure({ file: 0, path: '/notimage' })).dataset?.image, undefined);
  const img = await session.handlers.datasetImage({ file: 0, path: '/png' });
  assert.deepEqual([img.mime, img.width, img.height, img.bytes.length], ['image/png', 3, 2, 33]);
  await assert.rejects(session.handlers.datasetImage({ file: 0, path: '/notimage' }), /does not hold a JPEG or PNG image/);
});

test('bad selections are refused before anything is read', async () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ path: '/f4', start: [0], count: [1], step: [1] }, /start must be 2 whole numbers/],
    [{ path: '/f4', start: [0, 0], count: [3, 1], step: [1, 1] }, /axis 0: the selection ends past its 2 elements/],
    [{ path: '/f4', start: [0, 0], count: [1, 1], step: [0, 1] }, /axis 0: start, count and step must be whole numbers/],
    [{ path: '/f4', start: [-1, 0], count: [1, 1], step: [1, 1] }, /start must be 2 whole numbers/],
    [{ path: '/nothing', start: [], count: [], step: [] }, /No dataset at \/nothing/],
    [{ path: '/frames', start: [], count: [], step: [] }, /No dataset at \/frames/],
  ];
  for (const [params, message] of bad) {
    await assert.rejects(
      session.handlers.datasetSlice({ file: 0, text: true, ...params }),
      (err: Error) => err instanceof ParamError && message.test(err.message),
    );
  }
});
