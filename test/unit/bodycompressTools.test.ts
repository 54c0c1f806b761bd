// The pure parts of the BodyCompress editor's tools: person matching (checked against brute
// force), distances and comparison pages on files Python wrote from the reference fixtures
// (expected values from numpy), a pinned point's path read in pages (expected values from the
// fixtures' .expected.json), and the trail buffer's window.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openBodyCompress, type BodyCompressFile } from '../../src/core/bodycompress/reader';
import { hungarian, matchPersons } from '../../src/core/bodycompress/personMatching';
import { compareBasis, meanMax, pointDistances } from '../../src/core/bodycompress/compareStats';
import { comparePage } from '../../src/core/bodycompress/comparePage';
import { trajectoryPage } from '../../src/core/bodycompress/trajectory';
import { PAGE_SPAN, pageSamples, trajectoryStep, TRAJECTORY_PAGE, TRAJECTORY_SAMPLES } from '../../src/core/bodycompress/trajectorySampling';
import { TrailBuffer, trailFrames } from '../../src/webview/bodycompress/trailBuffer';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { tempDir } from '../helpers/tempDir';
import { writeCompareFiles, type ExpectedComparison } from '../helpers/compareFiles';
import { join } from 'node:path';

/** A deterministic pseudo-random sequence (no dependency on Math.random). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function permutations(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n, k - 1)) for (let j = 0; j < n; j++) if (!p.includes(j)) out.push([...p, j]);
  return out;
}

test('hungarian(): the least total cost, as trying every assignment finds it', () => {
  const rnd = lcg(16);
  for (let trial = 0; trial < 200; trial++) {
    const rows = 1 + Math.floor(rnd() * 4);
    const cols = rows + Math.floor(rnd() * 3);
    const cost = Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.round(rnd() * 100)));
    const got = hungarian(cost);
    assert.equal(new Set(got).size, rows, 'distinct columns');
    const total = got.reduce((s, c, r) => s + cost[r]![c]!, 0);
    const best = Math.min(...permutations(cols, rows).map((p) => p.reduce((s, c, r) => s + cost[r]![c]!, 0)));
    assert.equal(total, best, JSON.stringify(cost));
  }
});

test('matchPersons(): people in another order, one more or one fewer, or without points', () => {
  const person = (x: number) => Float32Array.from([x, 0, 0, x + 2, 0, 0]);
  // b holds a's people reversed and moved a little.
  assert.deepEqual([...matchPersons([person(0), person(1000), person(2000)], [person(2010), person(1010), person(10)])], [2, 1, 0]);
  // The extra person of a (far from everyone) is left without a partner.
  assert.deepEqual([...matchPersons([person(0), person(5000), person(1000)], [person(1005), person(3)])], [1, -1, 0]);
  // More people in b: each of a gets its nearest, the rest of b stays unmatched.
  assert.deepEqual([...matchPersons([person(1000)], [person(0), person(990), person(3000)])], [1]);
  // No finite point: no partner; empty frames.
  assert.deepEqual([...matchPersons([Float32Array.from([NaN, 0, 0]), null], [person(0)])], [-1, -1]);
  assert.deepEqual([...matchPersons([], [person(0)])], []);
});

test('pointDistances() and meanMax(): Euclidean per point, non-finite left out', () => {
  const d = pointDistances(Float32Array.from([0, 0, 0, 1, 1, 1, NaN, 0, 0]), Float32Array.from([3, 4, 0, 1, 1, 13, 0, 0, 0]));
  assert.deepEqual([...d].slice(0, 2), [5, 12]);
  assert.ok(Number.isNaN(d[2]));
  assert.deepEqual(meanMax(d), { mean: 8.5, max: 12 });
  assert.ok(Number.isNaN(meanMax(new Float32Array(0)).mean));
  assert.equal(compareBasis({ vertexCount: 6890, jointCount: 24 }, { vertexCount: 6890, jointCount: 24 }), 'vertices');
  assert.equal(compareBasis({ vertexCount: 1024, jointCount: 24 }, { vertexCount: 512, jointCount: 24 }), 'joints');
  assert.equal(compareBasis({ vertexCount: 0, jointCount: 24 }, { vertexCount: 0, jointCount: 17 }), null);
});

let dir = '';
let expected: Record<string, ExpectedComparison> = {};
before(async () => {
  dir = await tempDir('tools');
  expected = writeCompareFiles(dir);
});

async function withFiles<T>(a: string, b: string, run: (fa: BodyCompressFile, fb: BodyCompressFile) => Promise<T>): Promise<T> {
  const fa = await openBodyCompress(fixturePath('bodycompress', a));
  const fb = await openBodyCompress(join(dir, b));
  try {
    await Promise.all([fa.indexed(), fb.indexed()]);
    return await run(fa, fb);
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
}

/** Every page of a comparison over the common frames, as the webview reads it. */
async function allPages(fa: BodyCompressFile, fb: BodyCompressFile, step: number, count: number) {
  const end = Math.min(fa.indexProgress.frames, fb.indexProgress.frames);
  const pages = [];
  let from: number | null = 0;
  while (from !== null) {
    const page = await comparePage(
      (o) => fa.frames(o),
      (o) => fb.frames(o),
      { from, end, step, count },
    );
    pages.push(page);
    from = page.next;
  }
  return pages;
}

/** Per person slot of the first file: the mean of its per-frame mean distances (NaN frames left out). */
function meanOfMeans(pages: Awaited<ReturnType<typeof allPages>>): number[] {
  const persons = Math.max(...pages.map((p) => p.persons));
  return Array.from({ length: persons }, (_, k) => {
    const v = pages
      .flatMap((p) => Array.from({ length: p.frames.length }, (_, i) => (k < p.persons ? p.mean[i * p.persons + k]! : NaN)))
      .filter(Number.isFinite);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
  });
}

test('comparePage(): a copy moved by 13 mm is 13 mm away at every vertex of every frame, read in pages', async () => {
  const exp = expected['single_person_30f.xz|compare_offset_13mm.xz']!;
  const pages = await withFiles('single_person_30f.xz', 'compare_offset_13mm.xz', (a, b) => allPages(a, b, 1, 8));
  assert.deepEqual(
    pages.map((p) => p.frames.length),
    [8, 8, 8, 6],
  );
  assert.deepEqual(
    pages.flatMap((p) => [...p.frames]),
    Array.from({ length: exp.common }, (_, i) => i),
  );
  for (const p of pages) {
    assert.deepEqual(p.basis, { vertices: p.frames.length, joints: 0, none: 0 });
    for (const v of [...p.mean, ...p.max]) assert.ok(Math.abs(v - 13) < 1e-3, `distance ${v}`);
  }
  assert.deepEqual(
    meanOfMeans(pages).map((v) => Number(v.toFixed(3))),
    exp.meanPerPerson.map((v) => Number(v.toFixed(3))),
  );
});

test('comparePage(): a shorter file with people reordered and dropped: common frames, matched by centroid, as numpy computes', async () => {
  const exp = expected['multi_person_varying.xz|compare_shorter_reordered.xz']!;
  const pages = await withFiles('multi_person_varying.xz', 'compare_shorter_reordered.xz', (a, b) => allPages(a, b, 1, 256));
  assert.equal(pages.length, 1);
  const p = pages[0]!;
  assert.equal(p.frames.length, exp.common);
  assert.equal(p.personCountsDiffer, exp.personCountsDiffer);
  assert.deepEqual(p.basis, { vertices: exp.common, joints: 0, none: 0 });
  const got = meanOfMeans(pages);
  assert.equal(got.length, 3, 'three person slots in the first file');
  exp.meanPerPerson.forEach((m, k) => assert.ok(Math.abs(got[k]! - m) < 1e-3, `person ${k}: ${got[k]} vs numpy ${m}`));
  assert.ok(Number.isNaN(got[2]), 'the third person has no partner in any frame');
});

test('comparePage(): different vertex counts are compared on the joints; sampled every 2nd frame', async () => {
  const exp = expected['tiny_full_1024v.xz|compare_512v.xz']!;
  assert.deepEqual(exp.bases, ['joints']);
  const all = await withFiles('tiny_full_1024v.xz', 'compare_512v.xz', (a, b) => allPages(a, b, 1, 256));
  assert.deepEqual(all[0]!.basis, { vertices: 0, joints: 3, none: 0 });
  meanOfMeans(all).forEach((m, k) => assert.ok(Math.abs(m - exp.meanPerPerson[k]!) < 1e-3, `person ${k}: ${m}`));
  const sampled = await withFiles('tiny_full_1024v.xz', 'compare_512v.xz', (a, b) => allPages(a, b, 2, 256));
  assert.deepEqual([...sampled[0]!.frames], [0, 2]);
});

test('trajectoryPage(): a joint over sampled frames of the 2-block file equals the reference, page by page', async () => {
  const exp = expectedJson('bodycompress', 'long_300f_multiblock');
  const f = await openBodyCompress(fixturePath('bodycompress', 'long_300f_multiblock.xz'));
  try {
    const frames = (await f.indexed()).frames;
    assert.equal(frames, 300);
    const ref = { person: 0, kind: 'joint' as const, index: 5 };
    const got: number[] = [];
    const xyz: number[] = [];
    let from: number | null = 0;
    while (from !== null) {
      const page = await trajectoryPage((o) => f.frames(o), ref, { from, end: frames, step: 7, count: 16 });
      got.push(...page.frames);
      xyz.push(...page.xyz);
      from = page.next;
    }
    assert.deepEqual(
      got,
      Array.from({ length: 43 }, (_, i) => i * 7),
    );
    got.forEach((fr, i) => {
      const want = (exp.frames[fr].values.joints.values as number[]).slice(15, 18);
      assert.deepEqual(xyz.slice(i * 3, i * 3 + 3), want, `frame ${fr}`);
    });
    // A point the frames do not have: NaN, not an error.
    const missing = await trajectoryPage((o) => f.frames(o), { person: 1, kind: 'vertex', index: 0 }, { from: 0, end: frames, step: 100, count: 16 });
    assert.deepEqual([...missing.frames], [0, 100, 200]);
    assert.ok([...missing.xyz].every(Number.isNaN));
  } finally {
    await f.close();
  }
});

test('trajectoryStep(): at most TRAJECTORY_SAMPLES samples, every frame when it fits', () => {
  assert.equal(trajectoryStep(300), 1);
  assert.equal(trajectoryStep(TRAJECTORY_SAMPLES), 1);
  assert.equal(trajectoryStep(TRAJECTORY_SAMPLES + 1), 2);
  // An hour at 30 fps.
  const hour = 108_000;
  assert.ok(Math.ceil(hour / trajectoryStep(hour)) <= TRAJECTORY_SAMPLES);
  // A page spans at most PAGE_SPAN frames (a few seconds of decoding), at least 16 samples.
  assert.equal(pageSamples(1), TRAJECTORY_PAGE);
  assert.equal(pageSamples(trajectoryStep(hour)), Math.floor(PAGE_SPAN / trajectoryStep(hour)));
  assert.ok(pageSamples(trajectoryStep(hour)) * trajectoryStep(hour) <= PAGE_SPAN);
  assert.equal(pageSamples(10_000), 16);
});

test('TrailBuffer: asks for the frames around the centre, keeps only the window, drops late replies', async () => {
  assert.deepEqual(trailFrames(0, 3, 10), [1, 2, 3]);
  assert.deepEqual(trailFrames(5, 2, 10), [3, 4, 6, 7]);
  assert.deepEqual(trailFrames(9, 2, 10), [7, 8]);
  const asked: number[] = [];
  const replies = new Map<number, (f: { index: number }) => void>();
  let changes = 0;
  const buf = new TrailBuffer<{ index: number }>(
    (i) => {
      asked.push(i);
      return new Promise((resolve) => replies.set(i, resolve));
    },
    () => changes++,
  );
  buf.setWindow(5, 2, 10);
  assert.deepEqual(asked, [4, 6, 3, 7], 'nearest first');
  for (const i of [4, 6, 3]) replies.get(i)!({ index: i });
  await new Promise((r) => setImmediate(r));
  assert.equal(changes, 3);
  assert.deepEqual(
    buf.ghosts().map((g) => g.offset),
    [-2, -1, 1],
  );
  // The window moves on before frame 7 arrives: 3 is evicted, 7's late reply is kept (still in the window), 8 asked.
  buf.setWindow(6, 2, 10);
  assert.deepEqual(asked.slice(4), [5, 8]);
  replies.get(7)!({ index: 7 });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(
    buf.ghosts().map((g) => g.frame.index),
    [4, 7],
  );
  // Turned off: nothing is kept, replies still on their way are dropped.
  buf.setWindow(6, 0, 10);
  replies.get(5)!({ index: 5 });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(buf.ghosts(), []);
  assert.equal(buf.size, 0);
});
