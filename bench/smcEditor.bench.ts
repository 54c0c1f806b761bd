// SMC editor benchmark in the real VS Code (code-server + Chromium, the e2e harness) with the
// packaged extension: overview paint after opening, the 60-camera thumbnail grid, and frame
// switching on one camera, on
//  - the multi-GB generated pair (bench/generateSmc.ts: 60 cameras x 100 frames of ~0.5 MB JPEGs;
//    its JPEGs are small images padded to full-size byte counts, so reading and transfer are
//    real but decoding is cheap), and
//  - a full-resolution file: 60 cameras x 10 frames of real 2448x2048 JPEGs (~0.5 MB, encoded by
//    Chromium), where decoding costs what it does on real captures.
// The browser work runs in test/e2e/smcEditorMeasure.ts (its own process, checked with the e2e code).
// Writes the `smcEditor` section of bench/RESULTS.md. Run with `npm run bench smcEditor`; on a
// shared machine wrap it in `flock /tmp/bcv-build.lock` (it packages the .vsix).
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_OUT, benchFiles, benchFilesReady } from './smcBenchSpec';
import { diff, machineLine, median, spread, writeResultsSection } from './results';
import type { SmcEditorTimings } from './smcEditorTimings';

const ROOT = join(__dirname, '..');
const FULL_RES_FILE = join(BENCH_OUT, 'fullres', '0095_e0_raw.smc');
/** Repetitions of each timed step (medians are reported: the machine is shared). */
const REPEAT = 7;

async function main(): Promise<void> {
  if (!benchFilesReady()) {
    console.log('Generating the SMC benchmark files (once)...');
    const g = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'generateSmc.ts')], { stdio: 'inherit' });
    if (g.status !== 0) throw new Error('generating the benchmark files failed');
  }
  if (!process.argv.includes('--no-package')) {
    const p = spawnSync('npm', ['run', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (p.status !== 0) throw new Error('npm run package failed');
  }
  const files = benchFiles();
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'test', 'e2e', 'smcEditorMeasure.ts'),
      JSON.stringify({ pair: { raw: files.raw, anno: files.anno }, fullResFile: FULL_RES_FILE, repeat: REPEAT }),
    ],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 2 ** 20 },
  );
  if (run.status !== 0) throw new Error(`the measurements failed (exit ${run.status})`);
  const results = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as SmcEditorTimings);
  for (const r of results) console.log(JSON.stringify(r));
  const [big, full] = results as [SmcEditorTimings, SmcEditorTimings];
  const gb = (p: string) => `${(statSync(p).size / 1e9).toFixed(2)} GB`;
  const mb = (p: string, images: number) => `~${(statSync(p).size / images / 1e6).toFixed(2)} MB`;
  // Image bytes per second through VS Code to the webview: a grid frame of the generated pair, whose decoding is cheap.
  const rate = ((60 * statSync(files.raw).size) / 6000 / 1e6 / (median(big.gridSwitch) / 1000)).toFixed(0);
  const row = (what: string, a: string, b: string, goal = '') => `| ${what} | ${a} | ${b} | ${goal} |`;
  const md = [
    '## SMC editor in VS Code (`bench/smcEditor.bench.ts`)',
    '',
    machineLine(),
    '',
    'The packaged extension in code-server 4.100.3 (VS Code 1.100) driven by headless Debian Chromium (software',
    'rendering), as in the e2e tests, all on this machine. Messages from the extension host reach the webview through',
    "VS Code's remote channel (extension host → code-server → websocket → browser → webview), which carried",
    `${rate} MB/s of image bytes in the generated pair's grid (the JPEGs arrive one after another, each decoded in a few ms`,
    'as it arrives); desktop VS Code passes them between local processes instead. The files are in the page cache.',
    `Medians of ${REPEAT} runs, with the range. Times are from the user's action (Enter in Quick Open, a click, a key) to`,
    'the frame after the result was drawn, measured with the browser clock inside the page. Two files:',
    `**generated pair**: \`bench/generateSmc.ts\` (${gb(files.raw)} raw + ${gb(files.anno)} anno; 60 cameras × 100 frames of ${mb(files.raw, 6000)}`,
    `JPEGs, which are small ${big.images} images padded to full-size byte counts: reading and transfer are real, decoding is cheap);`,
    `**full resolution**: 60 cameras × 10 frames of real ${full.images} JPEGs (${mb(FULL_RES_FILE, 600)}, encoded by Chromium; ${gb(FULL_RES_FILE)}),`,
    'where decoding costs what it costs on real captures. A jump goes to a frame never shown nor next to one shown (the',
    'neighbours of a shown frame are decoded ahead); a step follows a short look at the previous frame.',
    '',
    '| Measurement | Generated pair | Full resolution | Goal |',
    '|---|---|---|---|',
    row('Overview painted after opening the first file of a new window (extension activation, h5wasm load)', spread(big.openFirst), '', '< 1 s'),
    row('… of which VS Code until the webview has its document', spread(big.openFirstWebview), '', ''),
    row('Overview painted after opening another file (extension already active)', spread(big.open), spread(full.open), '< 1 s'),
    row('… of which VS Code until the new webview has its document (before any of our code runs)', spread(big.openWebview), spread(full.openWebview), ''),
    row('… of which the page: document to overview painted', spread(diff(big.open, big.openWebview)), spread(diff(full.open, full.openWebview)), ''),
    row('60-camera thumbnail grid complete, first time the Cameras tab opens', spread(big.gridFirst), spread(full.gridFirst), '< 2 s'),
    row('60-camera thumbnail grid complete after a frame change', spread(big.gridSwitch), spread(full.gridSwitch), '< 2 s'),
    row('One camera opened from the grid at full resolution (with landmarks)', spread(big.detailFirst), spread(full.detailFirst), ''),
    row('Frame step on one camera (Right arrow; the neighbour was prefetched)', spread(big.stepPrefetched), spread(full.stepPrefetched), '< 100 ms'),
    row('Frame jump on one camera (slider to a frame not decoded ahead)', spread(big.jump), spread(full.jump), '< 100 ms'),
    row('Playback of one camera at 30 fps: frames shown per second', big.playFps.toFixed(1), full.playFps.toFixed(1), ''),
  ].join('\n');
  await writeResultsSection('smcEditor', md);
  console.log('\nWrote the smcEditor section of bench/RESULTS.md');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
