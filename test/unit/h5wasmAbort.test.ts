// The HDF5 library (h5wasm) calls abort() on some damaged structures. Before, that left its wasm
// instance refusing every later call until the process restarted (the editor, a batch `bodycap info`).
// Now the instance is dropped and a fresh one created: only the damaged file fails.
//
// The damaged file is real: a variable-length string attribute written by h5py whose global heap
// collection claims a size past the end of the file. h5wasm's own attribute read aborts on it (the
// cleanup after the failed read frees memory it never got). Our reader no longer takes that path (it
// reads variable-length strings itself), so the abort is triggered through h5wasm's API inside
// guardH5wasm, the boundary every h5wasm call of ours passes.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { InputError } from '../../src/core/errors';
import { Hdf5File } from '../../src/core/hdf5/hdf5File';
import { guardH5wasm, h5wasmDead, h5wasmInstanceCount, loadH5wasm } from '../../src/core/hdf5/openHdf5';
import { runH5py } from '../helpers/h5py';
import { tempDir } from '../helpers/tempDir';

let damaged: string;
let good: string;

before(async () => {
  const dir = await tempDir('h5wasm-abort');
  damaged = join(dir, 'damaged.h5');
  good = join(dir, 'good.h5');
  runH5py(
    `
import h5py, numpy as np, sys
with h5py.File(sys.argv[1], 'w') as f:
    f.attrs.create('a', np.array(['hello', 'world'], dtype=object), dtype=h5py.string_dtype())
with h5py.File(sys.argv[2], 'w') as f:
    f.create_dataset('strings', data=np.array(['x', 'yé'], dtype=object), dtype=h5py.string_dtype())
    f.create_dataset('chunked', data=np.arange(1000, dtype='<i4'), chunks=(100,), compression='gzip')
    f.create_dataset('lzf', data=np.arange(1000, dtype='<f8'), chunks=(128,), compression='lzf')
`,
    [damaged, good],
  );
  // The global heap collection's size field (8 bytes after "GCOL" and its version): its low byte
  // set to 0xff, a size past the end of the file.
  const bytes = readFileSync(damaged);
  const gcol = bytes.indexOf('GCOL');
  assert.ok(gcol > 0);
  bytes[gcol + 8] = 0xff;
  writeFileSync(damaged, bytes);
});

/** Runs `fn` and returns what it wrote to stderr. */
function stderrOf(fn: () => void): string {
  let text = '';
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  };
  try {
    fn();
  } finally {
    process.stderr.write = write;
  }
  return text;
}

test('after h5wasm aborts on a damaged file, the next files read normally in the same process', async () => {
  const before = await Hdf5File.open(good);
  const first = await loadH5wasm();
  const instances = h5wasmInstanceCount();
  assert.deepEqual((await before.readArray('/chunked'))?.data.slice(0, 3), Int32Array.from([0, 1, 2]));

  // The abort, through h5wasm's own attribute read, at the boundary our calls pass.
  let thrown: unknown;
  const stderr = stderrOf(() => {
    try {
      guardH5wasm(first, () => new first.File(damaged, 'r').attrs.a?.value);
    } catch (err) {
      thrown = err;
    }
  });
  assert.ok(thrown instanceof InputError, String(thrown));
  assert.equal(thrown.code, 'corrupt');
  assert.match(thrown.message, /gave up on the file/);
  assert.doesNotMatch(stderr, /Aborted/, 'the abort is reported as an error, not printed');
  assert.ok(h5wasmDead(first));
  // The aborted instance is never called again.
  assert.throws(
    () => guardH5wasm(first, () => first.Module.get_plugin_search_paths()),
    (e: unknown) => e instanceof InputError && e.code === 'unsupported',
  );

  // A file opened afterwards reads through a fresh instance.
  const after = await Hdf5File.open(good);
  try {
    assert.equal(h5wasmInstanceCount(), instances + 1);
    assert.notEqual(await loadH5wasm(), first);
    assert.deepEqual((await after.readArray('/strings'))?.data, ['x', 'yé']);
    assert.deepEqual((await after.readArray('/chunked'))?.data.slice(995), Int32Array.from([995, 996, 997, 998, 999]));
    assert.deepEqual((await after.readRows('/lzf', 500, 2))?.data, Float64Array.from([500, 501]));
    // And so does the file that was open during the abort: it moves to the fresh instance.
    assert.deepEqual((await before.readArray('/lzf'))?.data.slice(998), Float64Array.from([998, 999]));
    assert.deepEqual(before.attributes('/'), []);
  } finally {
    after.close();
    before.close();
  }
});

test('the damaged file itself is reported as corrupt by our reader, without aborting anything', async () => {
  const instances = h5wasmInstanceCount();
  for (const nativeIndex of [true, false]) {
    const f = await Hdf5File.open(damaged, { nativeIndex });
    try {
      const [a] = f.attributes('/');
      assert.equal(a?.name, 'a');
      assert.equal(a.value, null);
      assert.ok(a.error, 'the unreadable attribute says why');
    } finally {
      f.close();
    }
  }
  assert.equal(h5wasmInstanceCount(), instances);
});
