// The BodyCompress editor's host side, on the reference fixtures (values from their
// .expected.json): what the webview gets when it opens a file and asks for frames, index progress,
// parameter checks, reopening after a change on disk, and that closing ends the reader's workers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openBodyCompress, type BodyCompressFile } from '../../src/core/bodycompress/reader';
import { liveWorkerCount } from '../../src/core/io/workerThreads';
import { DEFAULT_FPS } from '../../src/core/bodycompress/defaults';
import { BodyCompressSession } from '../../src/extension/bodycompress/bodyCompressSession';
import { bytesParam, ParamError } from '../../src/extension/kit/requestParams';
import type { BodyCompressFrame, BodyCompressIndexState, BodyCompressOpened } from '../../src/protocol/bodyCompressProtocol';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { firstVertexOf, peopleIn, type ReferenceFrame } from '../helpers/bodycompressExpected';
import { tempDir } from '../helpers/tempDir';

const fixture = (name: string) => fixturePath('bodycompress', `${name}.xz`);

async function openedOk(s: BodyCompressSession): Promise<BodyCompressOpened> {
  const o = await s.opened();
  assert.ok(o.ok, o.ok ? '' : o.message);
  return o.value;
}

/** Waits until the session has indexed the whole file. */
async function indexed(s: BodyCompressSession): Promise<BodyCompressIndexState> {
  for (;;) {
    const st = await s.indexState();
    if (st.done) return st;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The webview shows the first vertex as float32 decimals: they must read back as the reference's float32. */
function assertFirstVertex(frame: BodyCompressFrame, expected: ReferenceFrame, at: string): void {
  const want = firstVertexOf(expected);
  if (!want) {
    assert.equal(frame.firstVertex, null, at);
    return;
  }
  assert.ok(frame.firstVertex, at);
  assert.deepEqual(
    frame.firstVertex.map((t) => Math.fround(Number(t))),
    want.map((x) => Math.fround(x)),
    at,
  );
  assert.deepEqual(
    Array.from(frame.persons[0]!.vertices!.subarray(0, 3)),
    want.map((x) => Math.fround(x)),
    at,
  );
}

describe('a one-person SMPL file', () => {
  const exp = expectedJson('bodycompress', 'single_person_30f');
  let s: BodyCompressSession;
  let o: BodyCompressOpened;
  before(async () => {
    s = new BodyCompressSession(fixture('single_person_30f'));
    o = await openedOk(s);
  });
  after(() => s.close());

  test('opens with its facts, metadata and the first frame', () => {
    assert.equal(o.fileName, 'single_person_30f.xz');
    assert.equal(o.fileSize, exp.file.size);
    assert.deepEqual(o.version, exp.version);
    assert.equal(o.length, exp.header.length);
    // NLF metadata has no fps: 30 is assumed, and the page says so.
    assert.equal(o.fps, DEFAULT_FPS);
    assert.equal(o.fpsFromFile, false);
    assert.deepEqual(
      o.worldUp,
      exp.metadata.world_up.values.map((x: number) => x + 0),
    );
    const meta = o.metadata as { video_path: unknown; config: unknown; world_up: { values: unknown } };
    assert.equal(meta.video_path, exp.metadata.video_path);
    assert.deepEqual(meta.config, exp.metadata.config);
    assert.deepEqual(meta.world_up.values, exp.metadata.world_up.values);
    const f = o.firstFrame!;
    assert.equal(f.index, 0);
    assert.equal(f.persons.length, peopleIn(exp.frames[0]));
    assert.equal(f.vertexCount, exp.frames[0].values.vertices.shape[1]);
    assert.equal(f.jointCount, exp.frames[0].values.joints.shape[1]);
    assertFirstVertex(f, exp.frames[0], 'frame 0');
    // The first frame comes with uncertainties, in buffers of their own.
    const p = f.persons[0]!;
    assert.equal(p.vertexUncertainties!.length, f.vertexCount);
    assert.equal(p.vertices!.buffer.byteLength, f.vertexCount * 12, 'a buffer per person, not a view into the frame');
    assert.equal(p.vertexUncertainties![0], Math.fround(exp.frames[0].values.vertex_uncertainties.head[0]));
  });

  test('the inspector rows: every key, camera fields, small arrays with their values', () => {
    const f = o.firstFrame!;
    const ef = exp.frames[0];
    const keys = f.keys.map((k) => k.key);
    assert.deepEqual(
      keys.filter((k) => !k.includes('.')),
      ef.keys,
    );
    assert.deepEqual(
      keys.filter((k) => k.startsWith('camera.')),
      Object.keys(ef.values.camera).map((k) => `camera.${k}`),
    );
    const boxes = f.keys.find((k) => k.key === 'boxes')!;
    assert.equal(boxes.type, ef.values.boxes.dtype);
    assert.equal(boxes.shape, `(${ef.values.boxes.shape.join(', ')})`);
    // As numpy prints it (exact text checked in pyRepr.test.ts): the numbers in C order.
    const shown = boxes.value.match(/[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/g)!.map(Number);
    assert.deepEqual(
      shown.map((x) => Math.fround(x)),
      ef.values.boxes.values.map((x: number) => Math.fround(x)),
    );
    const vertices = f.keys.find((k) => k.key === 'vertices')!;
    assert.equal(vertices.shape, `(${ef.values.vertices.shape.join(', ')})`);
    assert.match(vertices.value, /\.\.\./, 'large arrays are summarised as numpy does');
    // NLF's default camera: no rotation, at the origin, f = 1844.14 for 1920 × 1080.
    const cam = f.camera!;
    assert.deepEqual(cam.R, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    assert.deepEqual(
      cam.K.slice(0, 6),
      ef.values.camera.intr.values.map((x: number) => Math.fround(x)),
    );
    assert.deepEqual(cam.imageSize, [1920, 1080]);
  });

  test('every frame by number, with or without uncertainties; index progress reaches the end', async () => {
    const events: BodyCompressIndexState[] = [];
    const off = s.onIndex((e) => events.push(e));
    const st = await indexed(s);
    off();
    assert.equal(st.frames, exp.n_frames);
    assert.equal(st.error, null);
    assert.equal(st.fraction, 1);
    assert.equal(st.maxPersons, Math.max(...exp.frames.map(peopleIn)));
    for (const i of [29, 0, 17]) {
      const f = await s.handlers.frame({ frame: i, uncertainties: i === 17 });
      assert.equal(f.index, i);
      assertFirstVertex(f, exp.frames[i], `frame ${i}`);
      assert.equal(f.persons[0]!.vertexUncertainties === null, i !== 17);
    }
    assert.deepEqual(s.vertexCountsSeen, [exp.frames[0].values.vertices.shape[1]]);
  });

  test('parameters are checked against what is indexed', async () => {
    await indexed(s);
    for (const bad of [{ frame: 30 }, { frame: -1 }, { frame: 1.5 }, { frame: '3' }, {}, null, [1]]) {
      await assert.rejects(s.handlers.frame(bad), ParamError, JSON.stringify(bad));
    }
    await assert.rejects(s.handlers.personCounts({ from: 31 }), ParamError);
    await assert.rejects(s.handlers.personCounts({ from: 'x' }), ParamError);
  });
});

describe('people per frame and seeking', () => {
  test('a file whose number of people varies: counts per frame and each frame’s people', async () => {
    const exp = expectedJson('bodycompress', 'multi_person_varying');
    const s = new BodyCompressSession(fixture('multi_person_varying'));
    try {
      await openedOk(s);
      const st = await indexed(s);
      const counts = await s.handlers.personCounts({ from: 0 });
      assert.deepEqual(Array.from(counts), exp.frames.map(peopleIn));
      assert.equal(st.maxPersons, Math.max(...exp.frames.map(peopleIn)));
      assert.deepEqual(Array.from(await s.handlers.personCounts({ from: 20 })), exp.frames.slice(20).map(peopleIn));
      for (const [i, ef] of exp.frames.entries()) {
        const f = await s.handlers.frame({ frame: i, uncertainties: true });
        assert.equal(f.persons.length, peopleIn(ef), `frame ${i}`);
        assertFirstVertex(f, ef, `frame ${i}`);
        assert.equal(f.keys.find((k) => k.key === 'vertices')!.shape, `(${ef.values.vertices.shape.join(', ')})`);
      }
      // A moving camera with distortion: its location is the reference's.
      const f3 = await s.handlers.frame({ frame: 3, uncertainties: false });
      assert.deepEqual(
        f3.camera!.loc,
        exp.frames[3].values.camera.loc.values.map((x: number) => Math.fround(x)),
      );
    } finally {
      await s.close();
    }
  });

  test('a long two-block file: frames far apart, after indexing', async () => {
    const exp = expectedJson('bodycompress', 'long_300f_multiblock');
    const s = new BodyCompressSession(fixture('long_300f_multiblock'));
    try {
      await openedOk(s);
      await indexed(s);
      for (const i of [250, 3, 299, 150]) assertFirstVertex(await s.handlers.frame({ frame: i, uncertainties: false }), exp.frames[i], `frame ${i}`);
    } finally {
      await s.close();
    }
  });
});

describe('files that are not whole BodyCompress files', () => {
  test('truncated: the frames that decode, and where it stops', async () => {
    const exp = expectedJson('bodycompress', 'truncated_single_person');
    const source = expectedJson('bodycompress', 'single_person_30f');
    const s = new BodyCompressSession(fixture('truncated_single_person'));
    try {
      const o = await openedOk(s);
      assert.equal(o.length, exp.length, 'the header still claims the full length');
      const st = await indexed(s);
      const n = exp.complete_frames_in_decodable_prefix;
      assert.equal(st.frames, n);
      assert.match(st.error!, new RegExp(`truncated after frame ${n - 1} \\(${n} complete frames\\)`));
      assertFirstVertex(await s.handlers.frame({ frame: n - 1, uncertainties: false }), source.frames[n - 1], 'last complete frame');
      await assert.rejects(s.handlers.frame({ frame: n, uncertainties: false }), ParamError);
    } finally {
      await s.close();
    }
  });

  test('not BodyCompress: a clear failure to show, nothing left running', async () => {
    const workers = liveWorkerCount();
    const s = new BodyCompressSession(fixture('not_bodycompress'));
    const o = await s.opened();
    assert.equal(o.ok, false);
    if (!o.ok) {
      assert.equal(o.code, 'not-bodycompress');
      assert.match(o.message, /not a BodyCompress file/);
    }
    await assert.rejects(s.handlers.frame({ frame: 0, uncertainties: false }), ParamError);
    assert.equal((await s.indexState()).frames, 0);
    await s.close();
    assert.equal(liveWorkerCount(), workers);
  });

  test('legacy v0.1: no header length, metadata first', async () => {
    const exp = expectedJson('bodycompress', 'legacy_v010');
    const s = new BodyCompressSession(fixture('legacy_v010'));
    try {
      const o = await openedOk(s);
      assert.equal(o.format, 'v0.1');
      assert.equal(o.version, null);
      assert.equal((await indexed(s)).frames, exp.n_frames);
      assertFirstVertex(o.firstFrame!, exp.frames[0], 'frame 0');
    } finally {
      await s.close();
    }
  });

  test('the frame rate comes from the metadata when it has one', async () => {
    const exp = expectedJson('bodycompress', 'worked_example');
    const s = new BodyCompressSession(fixture('worked_example'));
    try {
      const o = await openedOk(s);
      assert.equal(o.fps, exp.metadata.fps);
      assert.equal(o.fpsFromFile, true);
    } finally {
      await s.close();
    }
  });
});

describe('the file changes on disk, and closing', () => {
  let dir: string;
  before(async () => {
    dir = await tempDir('bc-session');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('reload reopens the file and tells every listener; the old reader is closed', async () => {
    const path = join(dir, 'changing.xz');
    await copyFile(fixture('single_person_30f'), path);
    const opened: BodyCompressFile[] = [];
    const closed: BodyCompressFile[] = [];
    const open = async (p: string, opts: object) => {
      const f = await openBodyCompress(p, opts);
      opened.push(f);
      const close = f.close.bind(f);
      f.close = async () => {
        await close();
        closed.push(f);
      };
      return f;
    };
    const s = new BodyCompressSession(path, open);
    try {
      assert.equal((await openedOk(s)).length, 30);
      let reloads = 0;
      s.onReload(() => reloads++);
      await copyFile(fixture('multi_person_varying'), path);
      await s.reload();
      assert.equal(reloads, 1);
      const o = await openedOk(s);
      assert.equal(o.length, expectedJson('bodycompress', 'multi_person_varying').header.length);
      assert.deepEqual(closed, [opened[0]], 'the first reader was closed when the file was reopened');
      assert.equal((await indexed(s)).maxPersons, 3);
    } finally {
      await s.close();
    }
    assert.deepEqual(closed, opened, 'every reader was closed');
  });

  test('closing waits for the reader to close and ends its worker threads', async () => {
    const before = liveWorkerCount();
    let closeFinished = false;
    const open = async (p: string, opts: object) => {
      const f = await openBodyCompress(p, opts);
      const close = f.close.bind(f);
      f.close = async () => {
        await close();
        closeFinished = true;
      };
      return f;
    };
    const s = new BodyCompressSession(fixture('long_300f_multiblock'), open);
    await openedOk(s);
    // Index running and a seek decoder busy: worker threads are alive.
    const far = s.handlers.frame({ frame: 0, uncertainties: false });
    await far;
    assert.ok(liveWorkerCount() > before, 'the reader runs worker threads');
    await s.close();
    assert.equal(closeFinished, true, 'close() resolved only after the reader closed');
    // Worker 'exit' events arrive on the next turns of the event loop.
    for (let k = 0; k < 50 && liveWorkerCount() > before; k++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(liveWorkerCount(), before, 'no worker thread is left');
    await assert.rejects(s.handlers.frame({ frame: 0, uncertainties: false }), ParamError);
    await s.close(); // idempotent
  });
});

test('binary parameters (a screenshot) are checked for type, size and signature', () => {
  const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0);
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  assert.equal(bytesParam({ png }, 'png', 16, sig), png);
  assert.deepEqual(bytesParam({ png: png.buffer }, 'png', 16, sig), png);
  for (const bad of [{ png: 'iVBOR' }, { png: [0x89] }, {}, null, { png: Uint8Array.of(1, 2, 3) }]) {
    assert.throws(() => bytesParam(bad, 'png', 16, sig), ParamError, JSON.stringify(bad));
  }
  assert.throws(() => bytesParam({ png }, 'png', 9, sig), /larger than 9 bytes/);
});
