// BodyCompress editor benchmark in the real VS Code (code-server + headless Chromium with
// SwiftShader, the e2e harness) with the packaged extension: first frame painted after opening,
// playback (frames rendered per second at 30 fps) with 1 person of 6,890 vertices and with 5,
// seeking in an hour-long multi-block file (108,000 frames), and the extension host's memory.
// Files (generated once into bench/out/bodycompressEditor/):
//  - walk-1h.xz: 108,000 frames (1 h at 30 fps) of one SMPL-sized person, 30-frame xz blocks: 30 s
//    of walking (bench/bodycompressData.ts) compressed, its frame streams repeated 120 times behind
//    a header that counts them all (bench/bodycompressLong.ts);
//  - five-people.xz: 300 frames of 5 people (6,890 vertices and 24 joints each), 30-frame blocks.
// The browser side runs in test/e2e/bodycompressEditorMeasure.ts (its own process, type-checked with
// the e2e code). Writes the `bodycompressEditor` section of bench/RESULTS.md. Run with
// `flock /tmp/bodycap-heavy.lock npm run bench bodycompressEditor` (it packages the .vsix); `--files-only`
// only generates the files, `--no-package` uses the .vsix as it is, `--quick` measures opening
// (against the floor) and playback only and prints them without writing RESULTS.md (npm run bench
// does not pass flags on: run `node --import tsx bench/bodycompressEditor.bench.ts --quick`).
// The floor is bench/floorEditor: a test-only extension (never packaged) whose custom editor is an
// inline page that posts one message; it is opened in turn with our files in the same window.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createBodyCompressWriter } from '../src/core/bodycompress/writer';
import { NdArray } from '../src/core/numpy/ndarray';
import { BodyCompressSession } from '../src/extension/bodycompress/bodyCompressSession';
import { JOINTS, VERTICES, walkingSequence } from './bodycompressData';
import { buildLongFile } from './bodycompressLong';
import { diff, machineLine, median, ms, spread, writeResultsSection } from './results';
import type { BodyCompressEditorTimings } from './bodycompressEditorTimings';

const ROOT = join(__dirname, '..');
const OUT = join(__dirname, 'out', 'bodycompressEditor');
const SPEC = { version: 1, baseFrames: 900, repeat: 120, crowdFrames: 300, crowdPeople: 5, blockFrames: 30 };
const HOUR = join(OUT, 'walk-1h.xz');
const CROWD = join(OUT, 'five-people.xz');
/** The hour-long file's 30 s base: one person, 900 frames (1-person playback in `--quick`). */
const ONE = join(OUT, 'walk-30s.xz');
const FLOOR_DIR = join(__dirname, 'floorEditor');
/** Repetitions of each timed step (medians are reported: the machine is shared). */
const REPEAT = 5;

async function ensureFiles(): Promise<void> {
  const manifest = join(OUT, 'manifest.json');
  if (existsSync(HOUR) && existsSync(CROWD) && existsSync(manifest) && readFileSync(manifest, 'utf8') === JSON.stringify(SPEC)) return;
  await mkdir(OUT, { recursive: true });
  const hourFrames = SPEC.baseFrames * SPEC.repeat;
  let t0 = performance.now();
  console.log(`Writing ${SPEC.baseFrames} frames of one person in ${SPEC.blockFrames}-frame blocks...`);
  const base = join(OUT, 'walk-30s.xz');
  const w = await createBodyCompressWriter(base, {
    metadata: { fps: 30, n_frames: hourFrames, generator: 'bench/bodycompressData.ts seed 7, 30 s repeated' },
    blockFrames: SPEC.blockFrames,
    verify: false,
  });
  for (const f of walkingSequence(SPEC.baseFrames)) await w.append(f);
  await w.close();
  console.log(`  ${((performance.now() - t0) / 1000).toFixed(0)} s; repeating it ${SPEC.repeat} times...`);
  await buildLongFile(base, HOUR, SPEC.repeat);
  t0 = performance.now();
  console.log(`Writing ${SPEC.crowdFrames} frames of ${SPEC.crowdPeople} people...`);
  const people = Array.from({ length: SPEC.crowdPeople }, (_, p) => walkingSequence(SPEC.crowdFrames, 7 + p * 13));
  const crowd = await createBodyCompressWriter(CROWD, {
    metadata: { fps: 30, n_frames: SPEC.crowdFrames, generator: 'bench/bodycompressEditor.bench.ts' },
    blockFrames: SPEC.blockFrames,
    verify: false,
  });
  for (let t = 0; t < SPEC.crowdFrames; t++) {
    const n = SPEC.crowdPeople;
    const v = new Float32Array(n * VERTICES * 3);
    const j = new Float32Array(n * JOINTS * 3);
    const vu = new Float32Array(n * VERTICES);
    const ju = new Float32Array(n * JOINTS);
    people.forEach((seq, p) => {
      const f = seq.next().value!;
      // Side by side, 0.9 m apart, a little staggered in depth.
      const shift = (a: Float32Array, dst: Float32Array, count: number) => {
        for (let i = 0; i < count; i++) {
          dst[(p * count + i) * 3] = a[i * 3]! + (p - 2) * 900;
          dst[(p * count + i) * 3 + 1] = a[i * 3 + 1]!;
          dst[(p * count + i) * 3 + 2] = a[i * 3 + 2]! + p * 250;
        }
      };
      shift(f.vertices.values() as Float32Array, v, VERTICES);
      shift(f.joints.values() as Float32Array, j, JOINTS);
      vu.set(f.vertex_uncertainties.values() as Float32Array, p * VERTICES);
      ju.set(f.joint_uncertainties.values() as Float32Array, p * JOINTS);
    });
    await crowd.append({
      vertices: NdArray.fromTyped(v, [n, VERTICES, 3]),
      joints: NdArray.fromTyped(j, [n, JOINTS, 3]),
      vertex_uncertainties: NdArray.fromTyped(vu, [n, VERTICES]),
      joint_uncertainties: NdArray.fromTyped(ju, [n, JOINTS]),
    });
  }
  await crowd.close();
  console.log(`  ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  writeFileSync(manifest, JSON.stringify(SPEC));
}

/**
 * The host side alone, in plain Node (no VS Code, no browser): frame requests a session answers
 * per second when asked for frames 0-299 in order, as playback does, once the file is indexed.
 */
async function hostFramesPerSecond(path: string): Promise<number> {
  const s = new BodyCompressSession(path);
  try {
    await s.opened();
    while (!(await s.indexState()).done) await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    for (let i = 0; i < 300; i++) await s.handlers.frame({ frame: i, uncertainties: false });
    return 300 / ((performance.now() - t0) / 1000);
  } finally {
    await s.close();
  }
}

/**
 * Issue 15 before/after, from `--quick` runs (opens against the floor in one window, medians of 5,
 * and playback of five-people.xz / walk-30s.xz once indexed); kept here so the section keeps them.
 */
const HISTORY = [
  '**Issue 15: before and after** (`--quick` runs: the opens against the floor in one window, playback once indexed; one-minute load average in brackets).',
  '',
  '| Run | Floor | single_person_30f.xz − floor | five-people.xz − floor | walk-1h.xz − floor | Playback 1 person (walk-30s.xz) | Playback 5 people |',
  '|---|---|---|---|---|---|---|',
  '| Before (load 4.8 → 8.8) | 1279 ms | 870 ms | 2527 ms | 1713 ms | 16.4 fps | 2.8 fps |',
  '| After: frames in flight cover the round trip; the inspector is filled and joins after the first paint (load 5.0 → 6.4) | 1292 ms | 588 ms | 1203 ms | 1029 ms | 24.1 fps | 4.6 fps |',
  '| After, again (load 3.1 → 4.5) | 1234 ms | 554 ms | 751 ms | 690 ms | 22.6 fps | 6.0 fps |',
  '',
  'Where the time goes (Chromium traces of the harness). Playback: with software compositing the renderer reads every new',
  'WebGL frame back at commit (`GLES2::ReadPixels`), so its main thread, which code-server shares between the workbench and',
  'the webviews, waits for SwiftShader to finish each frame. Outside VS Code, in the same Chromium (three.js, a 900 × 600',
  'canvas, render + 1-pixel readback, medians of 15 at load 7), one person as points takes 13-20 ms, five people 73-133 ms,',
  'of which the 34,450 points of 3 px take all but ~14 ms: five people cannot reach 24 fps in this harness while drawn as',
  'points. One person was held at 16 fps by the frame requests: three in flight over a ~150 ms round trip made the follower',
  'ask for every other frame; it now keeps one round trip of frames in flight (3-12). Opening: the inspector (tables, tree)',
  'is filled and attached after the first frame is painted instead of before; what remains after the document arrives is',
  'loading the 0.8 MB bundle (~100 ms), the host round trip (~40 ms), building the page (~100-150 ms, mostly the',
  'vscode-elements controls) and the first render (~250 ms: shader compilation in a new WebGL context and the readback).',
  'Compiling the shaders while the page is built (`renderer.compile` on the first frame before the controls) did not',
  'shorten it in the harness and was left out.',
].join('\n');

const mib = (v: number) => `${Math.round(v)} MiB`;

async function main(): Promise<void> {
  await ensureFiles();
  if (process.argv.includes('--files-only')) return;
  const quick = process.argv.includes('--quick');
  const host = quick
    ? { crowd: 0, one: 0 }
    : {
        crowd: await hostFramesPerSecond(CROWD),
        one: await hostFramesPerSecond(join(ROOT, 'test', 'fixtures', 'bodycompress', 'long_300f_multiblock.xz')),
      };
  if (!process.argv.includes('--no-package')) {
    const p = spawnSync('npm', ['run', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (p.status !== 0) throw new Error('npm run package failed');
  }
  const fixturePath = join(ROOT, 'test', 'fixtures', 'bodycompress', 'single_person_30f.xz');
  const files = { 'walk-1h.xz': HOUR, 'five-people.xz': CROWD, 'walk-30s.xz': ONE, 'single_person_30f.floor': fixturePath };
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test', 'e2e', 'bodycompressEditorMeasure.ts'), JSON.stringify({ files, repeat: REPEAT, floorDir: FLOOR_DIR, quick })],
    {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 * 2 ** 20,
    },
  );
  if (run.status !== 0) throw new Error(`the measurements failed (exit ${run.status})`);
  const line = run.stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error('the measurements printed no result');
  const r = JSON.parse(line) as BodyCompressEditorTimings;
  console.log(JSON.stringify(r, null, 1));
  if (quick) {
    console.log(`\nfloor ${spread(r.openFloor)}; load ${r.loadAverage.map((l) => l.toFixed(1)).join(' → ')}`);
    for (const [name, xs] of Object.entries(r.open)) console.log(`${name}: ${spread(xs)}; minus the floor ${spread(diff(xs, r.openFloor))}`);
    for (const [name, steps] of Object.entries(r.openSteps)) {
      const line = Object.entries(steps).map(([k, xs]) => `${k} ${Math.round(median(xs))}`);
      console.log(`${name} steps (median ms from Enter): ${line.join(', ')}`);
    }
    console.log(
      `playback fps: ${Object.entries(r.playFps)
        .map(([k, v]) => `${k} ${v.toFixed(1)}`)
        .join(', ')}`,
    );
    return;
  }
  const gb = (p: string) => `${(statSync(p).size / 1e9).toFixed(2)} GB`;
  const mb = (p: string) => `${(statSync(p).size / 1e6).toFixed(1)} MB`;
  const fixture = 'single_person_30f.xz';
  const row = (what: string, value: string, goal = '') => `| ${what} | ${value} | ${goal} |`;
  const opens = (name: string, label: string) => [
    row(`First frame painted after opening ${label} (extension already active)`, spread(r.open[name]!), '< 500 ms'),
    row('… minus the floor opened just before it in the same round', spread(diff(r.open[name]!, r.openFloor)), '≤ 200 ms'),
    row(
      '… steps, median ms from Enter',
      Object.entries(r.openSteps[name] ?? {})
        .map(([k, xs]) => `${k.replace('bodycompress-', '')} ${Math.round(median(xs))}`)
        .join(', '),
    ),
    row('… of which VS Code until the new webview has its document (before any of our code runs)', spread(r.openWebview[name]!)),
    row('… of which the page: document to first frame painted', spread(diff(r.open[name]!, r.openWebview[name]!)), '< 500 ms'),
    row(
      "… … of which loading the page and the host's answer (facts + first frame): document to answer received",
      spread(diff(r.openReply[name]!, r.openWebview[name]!)),
    ),
  ];
  const rss = r.hostRss;
  const md = [
    '## BodyCompress editor in VS Code (`bench/bodycompressEditor.bench.ts`)',
    '',
    machineLine(),
    '',
    'The packaged extension in code-server 4.100.3 (VS Code 1.100) driven by headless Debian Chromium, as in the e2e tests, all',
    'on this machine. **Rendering is software (SwiftShader, no GPU)**: frame rates are frames rendered per second in headless',
    'Chromium, counted in the page each time a new frame was drawn while the timeline played at 1× (30 fps); a desktop VS',
    "Code with a GPU draws these scenes far faster. Frames travel from the extension host through code-server's websocket to",
    "the webview, as binary. Times run from the user's action (Enter in Quick Open, a slider jump) to the first animation",
    `frame after the result was drawn, measured with the browser clock inside the page; medians of ${REPEAT} runs with the range.`,
    `The VM was shared with other jobs: its one-minute load average was ${r.loadAverage[0].toFixed(1)} when the measurements started and`,
    `${r.loadAverage[1].toFixed(1)} when they ended (2 cores), so times and rates are lower than on an idle machine.`,
    `Files: **${fixture}** (the fixture, 548 KB, 30 frames); **five-people.xz** (${mb(CROWD)}: 300 frames of 5 people, 6,890 vertices`,
    `and 24 joints each, 30-frame xz blocks); **walk-1h.xz** (${gb(HOUR)}: 108,000 frames = 1 h at 30 fps of one person, 30-frame`,
    'blocks: 30 s of generated walking compressed once, its frame streams repeated 120 times behind a header that counts',
    'them all, so it has the structure and size of an hour-long recording, and indexing decodes all of it).',
    '',
    '| Measurement | Result | Goal |',
    '|---|---|---|',
    row(
      'The floor: a minimal custom editor (bench/floorEditor, a test-only extension: inline page, one message) painted after Enter; opened in turn with the files below',
      spread(r.openFloor),
    ),
    row('… of which VS Code until its webview has its document', spread(r.openFloorWebview)),
    row('First frame painted after opening walk-1h.xz as the first file of a new window (extension activation)', spread(r.openFirst), '< 500 ms'),
    row('… of which VS Code until the webview has its document', spread(r.openFirstWebview)),
    ...opens(fixture, fixture),
    ...opens('five-people.xz', 'five-people.xz'),
    ...opens('walk-1h.xz', `walk-1h.xz (${gb(HOUR)}; only its header, metadata and first frame are read first)`),
    row('Playback at 30 fps, 1 person (walk-1h.xz, indexed): frames rendered per second (SwiftShader)', r.playFps['walk-1h.xz']!.toFixed(1), '≥ 30'),
    row('Playback at 30 fps, 1 person, while the file is still being indexed', r.playFpsIndexing.toFixed(1), '≥ 30'),
    row('Playback at 30 fps, 5 people (five-people.xz): frames rendered per second (SwiftShader)', r.playFps['five-people.xz']!.toFixed(1), '≥ 30'),
    row(
      'The host side alone (plain Node, no VS Code or browser): frames answered per second in order, 1 person (long_300f_multiblock.xz) / 5 people',
      `${host.one.toFixed(0)} / ${host.crowd.toFixed(0)}`,
    ),
    row('Jump to a frame far away in walk-1h.xz (slider), after indexing: drawn and painted', spread(r.seek), '< 1 s'),
    row('The same while indexing runs (to frames indexed so far)', spread(r.seekIndexing), '< 1 s'),
    row('Background indexing of walk-1h.xz in the editor (timeline reach grows meanwhile)', `${r.indexSeconds.toFixed(0)} s`),
    row('Extension host RSS before opening anything', mib(rss.start)),
    row('… while indexing walk-1h.xz (samples over the run)', rss.indexing.map(mib).join(', ')),
    row(
      '… after indexing all 108,000 frames / after playback / after the jumps / after closing it',
      `${mib(rss.afterIndex)} / ${mib(rss.afterPlayback)} / ${mib(rss.afterSeeks)} / ${mib(rss.afterClose)}`,
    ),
    row('… peak over the whole run (sampled every 250 ms)', mib(rss.peak), 'bounded'),
    row('Webview JS heap after playback and jumps (Chromium performance.memory)', r.webviewHeapMiB === null ? 'n/a' : mib(r.webviewHeapMiB)),
    '',
    '**Reading the numbers.** The 500 ms goal for the first frame is out of reach in code-server for a reason outside',
    `the extension: VS Code itself takes ${ms(median(r.openWebview[fixture]!))} to give a new webview its document (the SMC editor's`,
    `benchmark above measures the same). From the document on, the page needs ${ms(median(diff(r.open[fixture]!, r.openWebview[fixture]!)))} for the fixture, of which`,
    `${ms(median(diff(r.openReply[fixture]!, r.openWebview[fixture]!)))} until the host's answer with the first frame arrives (the file is opened while VS Code builds the`,
    "webview); the rest is building the page and the first software-rendered frame on a main thread that code-server's",
    'workbench shares with the webview. Playback misses 30 fps here while the extension host alone answers',
    `${host.one.toFixed(0)} (1 person) and ${host.crowd.toFixed(0)} (5 people) frames per second: with two cores shared by xz, the extension host,`,
    "code-server, Chromium's renderer and SwiftShader (and, during this run, other jobs), frames reach the page more slowly than",
    'they are decoded, and the timeline drops the ones that come late to stay in real time. Memory stays flat while the',
    'hour-long file is indexed and played: the index takes 20 bytes a frame, decoded frames are kept up to 64 MiB, and the',
    'webview holds at most 24 frames.',
    '',
    HISTORY,
  ].join('\n');
  await writeResultsSection('bodycompressEditor', md);
  console.log('\nWrote the bodycompressEditor section of bench/RESULTS.md');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
