import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeMsgpack } from '../../src/core/bodycompress/msgpack';
import { compressBuffer, defaultCompressor } from '../../src/core/bodycompress/xzEncode';
import { openBodyCompress } from '../../src/core/bodycompress/reader';
import { InputError } from '../../src/core/errors';
import type { XzEngine } from '../../src/core/bodycompress/xzDecode';
import { systemXz } from '../../src/core/bodycompress/systemXz';
import { assertTypedJson } from '../helpers/bodycompressExpected';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { tempDir } from '../helpers/tempDir';

const FIXTURES = ['worked_example', 'extra_keys_small', 'tiny_full_1024v', 'single_person_30f', 'multi_person_varying', 'long_300f_multiblock', 'legacy_v010'];
// The wasm decoder is what users without xz get; the system xz is the fast path.
const ENGINES: XzEngine[] = systemXz() ? ['xz', 'wasm'] : ['wasm'];

const bc = (name: string) => fixturePath('bodycompress', `${name}.xz`);

for (const engine of ENGINES) {
  for (const name of FIXTURES) {
    test(`${name} (${engine}): header, metadata and every frame match the reference`, async () => {
      const exp = expectedJson('bodycompress', name);
      const f = await openBodyCompress(bc(name), { engine });
      try {
        if (exp.kind === 'v0.2') {
          assert.equal(f.format, 'v0.2');
          assert.deepEqual(f.version, exp.header.__bodycompress_version__);
          assert.equal(f.claimedFrames, exp.header.length);
          assert.equal(f.head.dataStart, exp.header.data_start);
        } else {
          assert.equal(exp.kind, 'legacy-v0.1');
          assert.equal(f.format, 'v0.1');
          assert.equal(f.version, null);
        }
        assertTypedJson(f.metadata, exp.metadata, 'metadata');
        let i = 0;
        for await (const frame of f.frames()) {
          const e = exp.frames[i];
          assert.ok(e, `frame ${i} is beyond the ${exp.n_frames} frames of the reference`);
          assert.equal(frame.index, i);
          assert.deepEqual([...frame.values.keys()], e.keys, `frame ${i} keys`);
          for (const k of e.keys) assertTypedJson(frame.values.get(k), e.values[k], `frame ${i}.${k}`);
          i++;
        }
        assert.equal(i, exp.n_frames);
        const s = await f.summary();
        assert.equal(s.frames, exp.n_frames);
        assert.equal(s.error, null);
        // Legacy files: wire object 0 is the metadata, frames follow.
        const wireFrames = exp.wire.frames.slice(exp.kind === 'v0.2' ? 0 : 1);
        assert.equal(s.dataUncompressedBytes, wireFrames.at(-1).byte_range[1] - wireFrames[0].byte_range[0]);
        const blocks = exp.container.xz_list?.blocks?.filter((b: { comp_offset: number }) => b.comp_offset >= (exp.data_start ?? 0)).length;
        if (blocks !== undefined) assert.equal(s.blocks, blocks, 'xz blocks of the frame data');
      } finally {
        await f.close();
      }
    });
  }

  test(`truncated file (${engine}): the complete frames, then a "truncated after frame N" error`, async () => {
    const exp = expectedJson('bodycompress', 'truncated_single_person');
    const source = expectedJson('bodycompress', exp.source_fixture.replace('.xz', ''));
    const f = await openBodyCompress(bc('truncated_single_person'), { engine });
    try {
      let n = 0;
      await assert.rejects(
        (async () => {
          for await (const frame of f.frames()) {
            const e = source.frames[n];
            for (const k of e.keys) assertTypedJson(frame.values.get(k), e.values[k], `frame ${n}.${k}`);
            n++;
          }
        })(),
        (err: unknown) => err instanceof InputError && err.code === 'truncated' && /truncated after frame 15\b/.test(err.message),
      );
      assert.equal(n, exp.complete_frames_in_decodable_prefix);
      const p = await f.indexed();
      assert.equal(p.frames, exp.complete_frames_in_decodable_prefix);
      assert.equal(p.error?.code, 'truncated');
      assert.equal(f.seekability, 'sequential');
      // A frame that was cut off is an error, not a hang.
      await assert.rejects(f.getFrame(20), (err: unknown) => err instanceof InputError && err.code === 'truncated');
      const last = await f.getFrame(exp.complete_frames_in_decodable_prefix - 1);
      assertTypedJson(last.values.get('vertices'), source.frames[15].values.vertices, 'frame 15 by random access');
    } finally {
      await f.close();
    }
  });

  test(`not BodyCompress (${engine}): an xz of text and a non-xz file get distinct errors`, async () => {
    assert.equal(expectedJson('bodycompress', 'not_bodycompress').kind, 'not-bodycompress');
    const code = (p: string) =>
      openBodyCompress(p, { engine }).then(
        async (f) => {
          await f.close();
          return 'opened';
        },
        (e: unknown) => (e instanceof InputError ? e.code : String(e)),
      );
    assert.equal(await code(bc('not_bodycompress')), 'not-bodycompress');
    assert.equal(await code(fixturePath('bodycompress', 'README.md')), 'not-xz');
    assert.equal(await code(fixturePath('bodycompress', 'missing.xz')), 'not-found');
  });
}

test("random access on a multi-block file decodes from the frame's block and matches the reference", async () => {
  const exp = expectedJson('bodycompress', 'long_300f_multiblock');
  for (const engine of ENGINES) {
    const f = await openBodyCompress(bc('long_300f_multiblock'), { engine, prefetch: 1 });
    try {
      const first = await f.firstFrame();
      assertTypedJson(first!.values.get('vertices'), exp.frames[0].values.vertices, 'first frame');
      await f.layoutReady();
      assert.equal(f.seekability, 'blocks');
      // Backwards, across the block boundary, repeated (cache), then forward (continues the decoder).
      for (const i of [299, 150, 226, 227, 228, 0, 299, 10, 11, 12, 100]) {
        const frame = await f.getFrame(i);
        assert.equal(frame.index, i);
        for (const k of exp.frames[i].keys) assertTypedJson(frame.values.get(k), exp.frames[i].values[k], `frame ${i}.${k}`);
      }
      await assert.rejects(f.getFrame(300), (err: unknown) => err instanceof InputError && err.code === 'not-found');
      assert.equal((await f.indexed()).frames, 300);
    } finally {
      await f.close();
    }
  }
});

test('index progress events, abortable requests, close() ends everything', async () => {
  const f = await openBodyCompress(bc('single_person_30f'));
  const seen: number[] = [];
  f.onIndexProgress((p) => seen.push(p.frames));
  const done = await f.indexed();
  assert.equal(done.frames, 30);
  assert.ok(done.done && seen.length > 0 && seen[seen.length - 1] === 30);
  const ac = new AbortController();
  ac.abort(new Error('scrubbed past'));
  await assert.rejects(f.getFrame(20, { signal: ac.signal }), /scrubbed past/);
  const pending = assert.rejects(f.getFrame(25), { name: 'AbortError' });
  await f.close();
  await pending;
  await assert.rejects(f.getFrame(1), { name: 'AbortError' });
  await f.close(); // idempotent
});

test('two readers of the same file work independently', async () => {
  const a = await openBodyCompress(bc('multi_person_varying'));
  const b = await openBodyCompress(bc('multi_person_varying'));
  try {
    const [fa, fb] = await Promise.all([a.getFrame(23), b.getFrame(5)]);
    assert.equal(fa.index, 23);
    assert.equal(fb.index, 5);
    await a.close();
    assert.equal((await b.getFrame(23)).index, 23);
  } finally {
    await a.close();
    await b.close();
  }
});

test('a file whose writer never reached close() (data_start nil) still yields its frames', async () => {
  const exp = expectedJson('bodycompress', 'worked_example');
  const bytes = await readFile(bc('worked_example'));
  // The header the writer puts first, before it knows the length and where the frames start.
  const initial = await compressBuffer(
    encodeMsgpack(
      new Map<string, number[] | number | null>([
        ['__bodycompress_version__', [0, 2, 1]],
        ['length', 0],
        ['data_start', null],
      ]),
    ),
    defaultCompressor(),
  );
  const metadataStart = exp.container.streams[1].offset;
  assert.ok(initial.length <= metadataStart);
  const patched = new Uint8Array(bytes);
  patched.fill(0, 0, metadataStart);
  patched.set(initial, 0);
  const path = join(await tempDir('unfinished'), 'unfinished.xz');
  await writeFile(path, patched);
  const f = await openBodyCompress(path);
  try {
    assert.equal(f.format, 'v0.2');
    assert.equal(f.head.finalized, false);
    assert.equal(f.claimedFrames, null);
    assertTypedJson(f.metadata, exp.metadata, 'metadata');
    const frame = await f.getFrame(0);
    for (const k of exp.frames[0].keys) assertTypedJson(frame.values.get(k), exp.frames[0].values[k], k);
    assert.equal((await f.indexed()).frames, 1);
  } finally {
    await f.close();
  }
});
