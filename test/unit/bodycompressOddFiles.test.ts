// Unusual and damaged BodyCompress files written the way real pipelines write them
// (test/helpers/oddBodyCompress.py: msgpack_numpy + xz, the reference writer's layout): joints-only
// files, a killed writer, an absent data stream, a file missing its last bytes, 0 frames, garbage
// coordinates. What the editor's host says about each (one status, people counts) and the robust
// framing, against what numpy computed; OBJ/PLY exports with template faces.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BodyCompressSession } from '../../src/extension/bodycompress/bodyCompressSession';
import type { BodyCompressFrame, BodyCompressIndexState, BodyCompressOpened } from '../../src/protocol/bodyCompressProtocol';
import { frameGarbage, garbageMessage, robustBounds } from '../../src/webview/bodycompress/robustBounds';
import { exportFrames } from '../../src/core/bodycompress/exportFrames';
import { plural } from '../../src/core/plural';
import { fileStatus } from '../../src/core/bodycompress/fileStatus';
import type { BodyCompressHead } from '../../src/core/bodycompress/header';
import type { IndexProgress } from '../../src/core/bodycompress/indexer';
import { InputError } from '../../src/core/errors';
import { writeOddFiles, type OddBounds, type OddFacts } from '../helpers/oddBodyCompress';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { gridFaces } from '../helpers/gridFaces';
import { tempDir } from '../helpers/tempDir';

let dir: string;
let facts: OddFacts;
const sessions: BodyCompressSession[] = [];

before(async () => {
  dir = await tempDir('odd');
  facts = writeOddFiles(dir);
});

after(async () => {
  for (const s of sessions) await s.close();
});

async function open(name: string): Promise<{ s: BodyCompressSession; o: BodyCompressOpened; st: BodyCompressIndexState }> {
  const s = new BodyCompressSession(name.startsWith('/') ? name : join(dir, name));
  sessions.push(s);
  const o = await s.opened();
  assert.ok(o.ok, o.ok ? '' : o.message);
  for (;;) {
    const st = await s.indexState();
    if (st.done) return { s, o: o.value, st };
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function counts(s: BodyCompressSession): Promise<number[]> {
  return [...(await s.handlers.personCounts({ from: 0 }))];
}

function assertBounds(got: ReturnType<typeof robustBounds>, want: OddBounds, at: string): void {
  assert.ok(want.min && want.max && got, at);
  assert.deepEqual(got.min, want.min, `${at}: min`);
  assert.deepEqual(got.max, want.max, `${at}: max`);
}

describe('joints-only files', () => {
  test('vertices (P, 0, 3): people counted from the joints, framing from the joints', async () => {
    const f = facts['odd_joints_empty_vertices.xz'];
    const { s, o, st } = await open('odd_joints_empty_vertices.xz');
    assert.equal(st.frames, f.frames);
    assert.equal(st.maxPersons, f.maxPersons);
    assert.deepEqual(await counts(s), Array<number>(f.frames).fill(f.maxPersons));
    assert.equal(st.status ?? null, null);
    const first = o.firstFrame!;
    assert.equal(first.persons.length, f.maxPersons);
    assert.equal(first.vertexCount, 0);
    assertBounds(robustBounds(first.persons.map((p) => p.joints!)), f.joints, 'frame 0 joints');
  });

  test('no vertices key at all: people counted from the joints', async () => {
    const f = facts['odd_joints_no_vertices.xz'];
    const { s, o, st } = await open('odd_joints_no_vertices.xz');
    assert.equal(st.maxPersons, f.maxPersons);
    assert.deepEqual(await counts(s), Array<number>(f.frames).fill(f.maxPersons));
    assertBounds(robustBounds(o.firstFrame!.persons.map((p) => p.joints!)), f.joints, 'frame 0 joints');
  });
});

describe('damaged and unusual files: one status each', () => {
  test('a killed writer: not finalized, every frame there readable, the metadata count compared', async () => {
    const f = facts['odd_killed_writer.xz'];
    const { st } = await open('odd_killed_writer.xz');
    assert.equal(st.frames, f.frames);
    assert.equal(st.error, null);
    assert.equal(st.status?.level, 'warning');
    const missing = f.metadataFrames - f.frames;
    assert.equal(
      st.status.message,
      `odd_killed_writer.xz was not finalized: its writer stopped before closing it, so the header records no frame count. All ${plural(f.frames, 'frame')} in it are readable. The metadata says ${plural(f.metadataFrames, 'frame')} (n_frames): ${plural(missing, 'frame is', 'frames are')} missing.`,
    );
  });

  test('the data stream absent: no frames, where the data should start, the metadata still usable', async () => {
    const f = facts['odd_no_data_stream.xz'];
    const { o, st } = await open('odd_no_data_stream.xz');
    assert.equal(st.frames, 0);
    assert.equal(o.firstFrame, null);
    assert.ok(JSON.stringify(o.metadata).includes('cut after the metadata'), 'the metadata is read');
    assert.equal(st.status?.level, 'error');
    assert.equal(
      st.status.message,
      `odd_no_data_stream.xz has no frames: it ends after its metadata, where the frame data should start (byte ${f.dataStart}); the header says ${plural(f.headerFrames, 'frame')}. Only the header and metadata can be shown.`,
    );
  });

  test('only the last bytes missing: every frame readable, a mild warning', async () => {
    const f = facts['odd_last_bytes_missing.xz'];
    const { st } = await open('odd_last_bytes_missing.xz');
    assert.equal(st.frames, f.frames);
    assert.equal(st.status?.level, 'warning');
    assert.match(st.status.message, new RegExp(`^All ${f.frames} frames of odd_last_bytes_missing.xz are readable, but the file's end is cut off`));
  });

  test('0 frames, finalized: a note, no people, no counts', async () => {
    const { s, o, st } = await open('odd_zero_frames.xz');
    assert.equal(st.frames, 0);
    assert.equal(o.length, 0);
    assert.deepEqual(await counts(s), []);
    assert.deepEqual(st.status, { level: 'info', message: 'odd_zero_frames.xz holds no frames (its header says 0): only its header and metadata are shown.' });
  });

  test('a truncated reference fixture keeps its reader message, with the frames shown', async () => {
    const exp = expectedJson('bodycompress', 'truncated_single_person');
    const n = exp.complete_frames_in_decodable_prefix as number;
    const { st } = await open(fixturePath('bodycompress', 'truncated_single_person.xz'));
    assert.equal(st.status?.level, 'error');
    assert.match(
      st.status.message,
      new RegExp(`truncated after frame ${n - 1} \\(${n} complete frames\\).*\\. Frames 0–${n - 1} are shown\\. The header announces ${exp.length} frames\\.$`),
    );
  });
});

describe('garbage coordinates', () => {
  test('NaN, Inf and overflow: garbage points per person as numpy counts them, framing on the valid points', async () => {
    const f = facts['odd_garbage_coordinates.xz'];
    const { s } = await open('odd_garbage_coordinates.xz');
    for (const [i, want] of f.perFrame.entries()) {
      const frame: BodyCompressFrame = await s.handlers.frame({ frame: i, uncertainties: true });
      const g = frameGarbage(frame);
      const garbage = want.persons.map((p, person) => ({ person, garbage: p.invalid, points: p.valid + p.invalid })).filter((p) => p.garbage > 0);
      assert.deepEqual(g?.persons ?? [], garbage, `frame ${i}`);
      assert.equal(g?.badUncertainties ?? 0, want.negativeUncertainties, `frame ${i} uncertainties`);
      for (const [p, b] of want.persons.entries()) {
        const person = frame.persons[p]!;
        const points = new Float32Array([...person.vertices!, ...person.joints!]);
        assertBounds(robustBounds([points]), b, `frame ${i} person ${p}`);
      }
    }
    // The data has some of each, or the test would prove nothing.
    assert.ok(f.perFrame.some((x) => x.persons.some((p) => p.invalid > 0)));
    assert.ok(f.perFrame.some((x) => x.negativeUncertainties > 0));
    const frame3 = await s.handlers.frame({ frame: 3, uncertainties: false });
    const g = frameGarbage(frame3)!;
    assert.match(
      garbageMessage(3, g),
      /^Frame 3 has garbage coordinates \(NaN, infinite or too large values, stored as -2³¹ half-millimetres\): person 1: \d+ of \d+ points\. /,
    );
  });

  test('an outlier within the format range is left out of the bounds; clean points are kept whole', () => {
    const v = new Float32Array(300);
    for (let i = 0; i < 100; i++) v.set([i, 1000 + i * 7, 5 - i], 3 * i);
    const clean = robustBounds([v])!;
    assert.deepEqual(
      [clean.min, clean.max],
      [
        [0, 1000, -94],
        [99, 1693, 5],
      ],
    );
    v.set([5e6, 1000, 0], 3 * 50);
    const r = robustBounds([v])!;
    assert.equal(r.max[0], 99);
  });
});

describe('OBJ and PLY exports carry the template faces', () => {
  test('faces asked once per vertex count and written into every mesh', async () => {
    const src = fixturePath('bodycompress', 'tiny_full_1024v.xz');
    const faces = gridFaces(32, 32);
    for (const format of ['obj', 'ply'] as const) {
      const out = join(dir, `export-${format}`);
      const asked: number[] = [];
      const r = await exportFrames(src, out, {
        format,
        faces: (n) => {
          asked.push(n);
          return Promise.resolve(n === 1024 ? faces : null);
        },
      });
      assert.deepEqual(asked, [1024]);
      const files = (await readdir(out)).filter((n) => n.endsWith(`.${format}`)).sort();
      assert.equal(files.length, r.files - 1);
      const text = (await readFile(join(out, files[0]!))).toString('latin1');
      if (format === 'obj') {
        const lines = text.split('\n').filter((l) => l.startsWith('f '));
        assert.equal(lines.length, faces.length / 3);
        assert.equal(lines[0], `f ${faces[0]! + 1} ${faces[1]! + 1} ${faces[2]! + 1}`);
      } else assert.match(text, new RegExp(`element face ${faces.length / 3}\\n`));
    }
  });
});

describe('grammar of the status', () => {
  const head = (over: Partial<BodyCompressHead>): BodyCompressHead => ({
    format: 'v0.2',
    version: [0, 2, 1],
    header: null,
    claimedFrames: 1,
    dataStart: 200,
    finalized: true,
    metadata: null,
    frames: { fileOffset: 200, objectsBefore: 0 },
    ...over,
  });
  const progress = (frames: number, error: InputError | null = null): IndexProgress => ({
    frames,
    compressedBytes: 0,
    totalCompressedBytes: 0,
    claimedFrames: null,
    done: true,
    error,
  });

  test('one frame is "1 frame", never "1 frames"', () => {
    const cut = new InputError('truncated', 'x.xz is truncated after frame 0 (1 complete frame): the xz data ends early');
    const messages = [
      fileStatus('/d/x.xz', 999, head({}), progress(1, cut))!.message,
      fileStatus('/d/x.xz', 999, head({ finalized: false, claimedFrames: null, dataStart: null, metadata: new Map([['n_frames', 2]]) }), progress(1))!.message,
      fileStatus('/d/x.xz', 999, head({ claimedFrames: 3 }), progress(1, cut))!.message,
      fileStatus('/d/x.xz', 999, head({ claimedFrames: 1 }), progress(0))!.message,
    ];
    assert.deepEqual(messages, [
      "The 1 frame of x.xz is readable, but the file's end is cut off: the xz stream's index and footer after the last frame are missing.",
      'x.xz was not finalized: its writer stopped before closing it, so the header records no frame count. The 1 frame in it is readable. The metadata says 2 frames (n_frames): 1 frame is missing.',
      'x.xz is truncated after frame 0 (1 complete frame): the xz data ends early. Frame 0 is shown. The header announces 3 frames.',
      'x.xz has no frames although its header says 1 frame. Only the header and metadata can be shown.',
    ]);
    for (const m of messages) assert.doesNotMatch(m, /\b1 (frames|points|gaps)\b/);
  });

  test('a legacy file names its metadata, not a header', () => {
    const s = fileStatus('/d/old.xz', 999, head({ format: 'v0.1', version: null, claimedFrames: 5, dataStart: null }), progress(4))!;
    assert.deepEqual(s, { level: 'error', message: 'old.xz holds 4 frames, but its metadata says 5 frames. Frames 0–3 are shown.' });
  });

  test('plural', () => {
    assert.deepEqual(
      [plural(0, 'frame'), plural(1, 'frame'), plural(1234, 'frame'), plural(1, 'vertex', 'vertices'), plural(2, 'vertex', 'vertices')],
      ['0 frames', '1 frame', '1,234 frames', '1 vertex', '2 vertices'],
    );
  });
});
