import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openBodyCompress } from '../../src/core/bodycompress/reader';
import { createBodyCompressWriter, type WriterOptions } from '../../src/core/bodycompress/writer';
import { systemXz } from '../../src/core/bodycompress/systemXz';
import { InputError } from '../../src/core/errors';
import { NdArray } from '../../src/core/numpy/ndarray';
import { assertTypedJson, sha256 } from '../helpers/bodycompressExpected';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { tempDir } from '../helpers/tempDir';

const xz = systemXz();
const xzVersion = xz ? /(\d+\.\d+\.\d+)/.exec(execFileSync(xz, ['--version'], { encoding: 'utf8' }))?.[1] : null;

/** Decodes a fixture and writes its frames again with our writer. */
async function rewrite(name: string, out: string, options: WriterOptions = {}) {
  const src = await openBodyCompress(fixturePath('bodycompress', `${name}.xz`), { index: false });
  const w = await createBodyCompressWriter(out, { metadata: src.metadata, ...options });
  try {
    for await (const f of src.frames()) await w.append(f.values);
  } finally {
    await src.close();
  }
  return w.close();
}

for (const name of ['worked_example', 'extra_keys_small', 'tiny_full_1024v', 'multi_person_varying']) {
  test(`${name}: rewriting the decoded frames gives the reference msgpack (and, with xz ${xzVersion ?? '—'}, the same file)`, async () => {
    const exp = expectedJson('bodycompress', name);
    const out = join(await tempDir('writer'), `${name}.xz`);
    const r = await rewrite(name, out);
    assert.equal(r.frames, exp.n_frames);
    assert.equal(r.dataSha256, exp.wire.data_msgpack_sha256);
    assert.equal(r.dataBytes, exp.wire.data_msgpack_size);
    const bytes = await readFile(out);
    // Same header/metadata/frame streams through the same xz: byte-identical to the reference file.
    if (xzVersion === exp.produced_by.xz.split(' ').at(-1)) assert.equal(sha256(bytes), exp.file.sha256);
    if (xz) assert.equal(spawnSync(xz, ['-t', out]).status, 0, 'xz -t accepts the file');
    const back = await openBodyCompress(out);
    try {
      assert.deepEqual(back.version, [0, 2, 1]);
      assert.equal(back.claimedFrames, exp.n_frames);
      const last = await back.getFrame(exp.n_frames - 1);
      for (const k of exp.frames.at(-1).keys) assertTypedJson(last.values.get(k), exp.frames.at(-1).values[k], k);
    } finally {
      await back.close();
    }
  });
}

test('lzma-native (no xz installed) and --block-frames: the same msgpack, many blocks, random access from our own file', async () => {
  const exp = expectedJson('bodycompress', 'multi_person_varying');
  const dir = await tempDir('writer');
  const out = join(dir, 'grouped.xz');
  const r = await rewrite('multi_person_varying', out, { compressor: 'lzma-native', blockFrames: 5, verifyEngine: 'wasm' });
  assert.equal(r.dataSha256, exp.wire.data_msgpack_sha256);
  if (xz) assert.equal(spawnSync(xz, ['-t', out]).status, 0, 'xz -t accepts the file');
  const f = await openBodyCompress(out, { engine: 'wasm', prefetch: 0 });
  try {
    await f.layoutReady();
    assert.equal(f.seekability, 'blocks');
    assert.equal(f.blockCount, 5); // 24 frames in groups of 5
    for (const i of [23, 7, 0, 12]) {
      const frame = await f.getFrame(i);
      for (const k of exp.frames[i].keys) assertTypedJson(frame.values.get(k), exp.frames[i].values[k], `frame ${i}.${k}`);
    }
  } finally {
    await f.close();
  }
  assert.deepEqual(await readdir(dir), ['grouped.xz']);
});

test('bad frames are refused without harming the file; abort and failures leave nothing behind', async () => {
  const dir = await tempDir('writer');
  const out = join(dir, 'out.xz');
  const frame = (x: number) => ({
    vertices: NdArray.fromTyped(Float32Array.of(x, 2, 3, 4, 5, 6), [1, 2, 3]),
    joints: NdArray.fromTyped(Float32Array.of(1, 1, 1), [1, 1, 3]),
    ids: NdArray.fromTyped(Int32Array.of(7)),
  });
  const w = await createBodyCompressWriter(out, { metadata: { fps: 30 }, quantizationMm: 0.3 });
  await w.append(frame(1));
  await assert.rejects(w.append(frame(NaN)), (e: unknown) => e instanceof InputError && e.code === 'invalid-value');
  await w.append(frame(1000.1));
  // Until close() only a temporary file exists.
  assert.ok((await readdir(dir)).every((n) => n.endsWith('.partial')));
  const r = await w.close();
  assert.equal(r.frames, 2);
  const f = await openBodyCompress(out);
  try {
    const v = (await f.getFrame(1)).values.get('vertices') as NdArray;
    // 0.3 mm steps: the factor 3.3333333333333335 is stored as float64; decoding divides by its float32.
    assert.equal((v.values() as Float32Array)[0], Math.fround(Math.round(Math.fround(1000.1 * Math.fround(1 / 0.3))) / Math.fround(1 / 0.3)));
    assert.deepEqual([...(await f.getFrame(0)).values.keys()], ['ids', 'vertices', 'joints']);
  } finally {
    await f.close();
  }
  const aborted = await createBodyCompressWriter(join(dir, 'aborted.xz'));
  await aborted.append(frame(1));
  await aborted.abort();
  assert.deepEqual(await readdir(dir), ['out.xz']);
  await assert.rejects(createBodyCompressWriter(join(dir, 'x.xz'), { blockFrames: 0 }), /block size/);
});
