import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { decodeRegion } from '../../src/core/bodycompress/parallelDecode';
import { startStreamVerifier } from '../../src/core/bodycompress/streamVerifier';
import { systemXz } from '../../src/core/bodycompress/systemXz';
import { XzDecodeError, type XzEngine } from '../../src/core/bodycompress/xzDecode';
import { liveWorkerCount } from '../../src/core/io/workerThreads';
import { NdArray } from '../../src/core/numpy/ndarray';
import { writeNpz } from '../../src/core/numpy/npz';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { runPython } from '../helpers/python';
import { xzCompressSync, xzDecompressSync } from '../helpers/rawBodyCompress';
import { tempDir } from '../helpers/tempDir';

/*
 * Parallel decoding by xz block with the bundled engines (parallelDecode.ts), the in-memory .npz
 * writer and the verifier that decodes a file while it is written. Expected bytes come from the
 * reference fixture's own checksums and from the system xz; .npz contents from NumPy.
 */

const BUNDLED: XzEngine[] = ['lzma-native', 'wasm'];
const MULTIBLOCK = fixturePath('bodycompress', 'long_300f_multiblock.xz');

interface StreamInfo {
  offset: number;
  uncompressed_size: number;
  uncompressed_sha256: string;
}

/** The reference fixture's frame stream (its third xz stream, two 24 MiB blocks as the reference's xz -T0 writes them). */
function frameStream(): StreamInfo {
  const exp = expectedJson('bodycompress', 'long_300f_multiblock') as { container: { streams: StreamInfo[] } };
  return exp.container.streams[2]!;
}

/** Descriptors of this process open on `path` (a decoder must close its file, also when stopped early). */
function openDescriptors(path: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) n++;
    } catch {
      /* closed meanwhile */
    }
  }
  return n;
}

for (const engine of BUNDLED) {
  test(`${engine}: the reference's 2-block frame stream decodes on helper threads to the bytes the reference recorded`, async () => {
    assert.ok(availableParallelism() > 1, 'this test needs 2 cores');
    const s = frameStream();
    const hash = createHash('sha256');
    let bytes = 0;
    let helpersSeen = 0;
    for await (const chunk of decodeRegion(MULTIBLOCK, [{ start: s.offset, end: Infinity }], engine, true)) {
      hash.update(chunk);
      bytes += chunk.length;
      helpersSeen = Math.max(helpersSeen, liveWorkerCount());
    }
    assert.equal(bytes, s.uncompressed_size);
    assert.equal(hash.digest('hex'), s.uncompressed_sha256);
    assert.equal(helpersSeen, 1, 'the second block is decoded on a helper thread');
    assert.equal(liveWorkerCount(), 0);
    assert.equal(openDescriptors(MULTIBLOCK), 0);
  });

  test(`${engine}: a damaged second block: the first block's bytes whole, then one corrupt-data error`, async () => {
    const s = frameStream();
    const file = await readFile(MULTIBLOCK);
    const expected = xzDecompressSync(file.subarray(s.offset))!;
    // A byte in the middle of the second block's compressed data (the blocks are 3.3 MB and 2.2 MB compressed).
    const damaged = new Uint8Array(file);
    damaged[file.length - 1_000_000]! ^= 0x55;
    const path = join(await tempDir('parallel'), 'damaged.xz');
    await writeFile(path, damaged);
    let got = 0;
    let prefixOk = true;
    let error: unknown = null;
    try {
      for await (const chunk of decodeRegion(path, [{ start: s.offset, end: Infinity }], engine, true)) {
        prefixOk &&= Buffer.from(chunk).equals(expected.subarray(got, got + chunk.length));
        got += chunk.length;
      }
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof XzDecodeError && error.reason === 'corrupt', `got ${String(error)}`);
    assert.ok(prefixOk, 'the bytes before the damage are the original ones');
    assert.ok(got >= 24 << 20 && got < s.uncompressed_size, `the first block (24 MiB) comes whole: got ${got} bytes`);
    assert.equal(liveWorkerCount(), 0);
    assert.equal(openDescriptors(path), 0);
  });

  test(`${engine}: stopping after the first bytes ends the helper threads and closes the file`, async () => {
    const s = frameStream();
    for await (const chunk of decodeRegion(MULTIBLOCK, [{ start: s.offset, end: Infinity }], engine, true)) {
      assert.ok(chunk.length > 0);
      break;
    }
    assert.equal(liveWorkerCount(), 0);
    assert.equal(openDescriptors(MULTIBLOCK), 0);
  });
}

test('writeNpz: NumPy loads every array with its dtype, shape and values (0-d, big-endian, non-ASCII names)', async () => {
  const dir = await tempDir('npz');
  const path = join(dir, 'frame.npz');
  const v = NdArray.fromTyped(
    Float32Array.from({ length: 2 * 5 * 3 }, (_, i) => i * 0.25 - 3),
    [2, 5, 3],
  );
  const be = new NdArray('>i2', [3], new Uint8Array([0, 1, 1, 0, 0xff, 0xfe]));
  const scalar = new NdArray('<f8', [], new Uint8Array(new Float64Array([2.5]).buffer));
  await writeNpz(path, [
    ['vertices', v],
    ['höhe', be],
    ['camera.f', scalar],
  ]);
  const out = runPython(
    `import numpy as np, json
z = np.load(${JSON.stringify(path)})
print(json.dumps({k: [z[k].dtype.str, list(z[k].shape), z[k].ravel().tolist()] for k in z.files}))`,
  );
  assert.deepEqual(JSON.parse(out), {
    vertices: ['<f4', [2, 5, 3], [...v.values()!]],
    höhe: ['>i2', [3], [1, 256, -2]],
    'camera.f': ['<f8', [], [2.5]],
  });
  assert.deepEqual(
    readdirSync(dir).filter((n) => n !== 'frame.npz'),
    [],
    'no temporary file is left',
  );
});

for (const engine of systemXz() ? (['xz', 'lzma-native'] as const) : (['lzma-native'] as const)) {
  test(`streamVerifier (${engine}): the size and sha256 xz gives; data that does not decode is refused`, async () => {
    const data = new Uint8Array(3 << 20).map((_, i) => (i * 7919) % 251);
    const xz = xzCompressSync(data, 1 << 20);
    const v = (await startStreamVerifier(engine))!;
    for (let at = 0; at < xz.length; at += 100_000) v.push(xz.subarray(at, at + 100_000));
    assert.deepEqual(await v.finish(), { bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') });
    const bad = (await startStreamVerifier(engine))!;
    const damaged = new Uint8Array(xz);
    damaged[xz.length >> 1]! ^= 1;
    bad.push(damaged);
    await assert.rejects(bad.finish(), /could not decode/);
  });
}
