// The SMC measurements, run by bench/smc.bench.ts as an esbuild bundle in plain Node (like the shipped
// CLI and extension; tsx's loader alone adds ~600 MB RSS when it transforms h5wasm). Prints one JSON
// line per measurement: {"what", "value", "goal"}.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Hdf5File } from '../src/core/hdf5/hdf5File';
import { SmcFile } from '../src/core/smc/smcFile';
import { SmcPerformance } from '../src/core/smc/smcPerformance';
import { BENCH_SPEC, type BenchFiles } from './smcBenchSpec';

const ms = (t0: number) => performance.now() - t0;
const fmtMs = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(0));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;
const gb = (path: string) => `${(statSync(path).size / 1e9).toFixed(2)} GB`;
const mib = () => process.memoryUsage().rss / 2 ** 20;

/** Evicts the file from the page cache (GNU dd's nocache = posix_fadvise DONTNEED), for cold reads. */
function dropCache(path: string): boolean {
  return spawnSync('dd', [`if=${path}`, 'iflag=nocache', 'count=0', 'status=none']).status === 0;
}

/** Reads the whole file once so later "warm" figures really are from the page cache. */
function warm(path: string): void {
  spawnSync('cat', [path], { stdio: ['ignore', 'ignore', 'ignore'] });
}

async function openAndInventory(path: string, nativeIndex = true): Promise<{ ms: number; images: number; bytes: number; fallbacks: number }> {
  const t0 = performance.now();
  if (!nativeIndex) {
    // h5wasm only: what the inventory would cost without the native metadata reader.
    const f = await Hdf5File.open(path, { nativeIndex: false });
    let images = 0;
    let bytes = 0;
    for (const cam of f.childNames('/Camera') ?? []) {
      for (const frame of f.childNames(`/Camera/${cam}/color`) ?? []) {
        bytes += f.dataset(`/Camera/${cam}/color/${frame}`)!.byteLength;
        images++;
      }
    }
    f.close();
    return { ms: ms(t0), images, bytes, fallbacks: 0 };
  }
  const f = await SmcFile.open(path);
  const inv = await f.inventory();
  const result = { ms: ms(t0), images: (inv.color?.images ?? 0) + (inv.mask?.images ?? 0), bytes: inv.bytes, fallbacks: f.hdf5.fallbackCount };
  f.close();
  return result;
}

const add = (what: string, value: string, goal = '') => console.log(JSON.stringify({ what, value, goal }));
const peakRss = () => `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`;

/**
 * Peak RSS of realistic sessions, each in its own process (argv[3] names it), so one scenario's
 * garbage does not count against another.
 */
const RSS_SCENARIOS: Record<string, (files: BenchFiles) => Promise<string>> = {
  async inventory55(files) {
    const f = await SmcFile.open(files.meta55);
    await f.inventory();
    f.close();
    return 'Peak RSS: open + inventory of the 55 GB-equivalent file (151,740 images)';
  },
  async pair(files) {
    const perf = await SmcPerformance.open(files.raw);
    await perf.inventory();
    const raw = perf.raw!;
    for (const cam of raw.cameraIds('color')) for (const f of raw.frames(cam, 'color')) await perf.readImage(cam, 'color', f);
    for (const f of raw.frames('25', 'color')) await perf.readImage('25', 'mask', f);
    await perf.calibrationAll();
    for (let f = 0; f < BENCH_SPEC.pair.frames; f++) await perf.flame(f);
    await perf.scanMesh();
    perf.close();
    return `Peak RSS: the pair opened as one performance, both inventories, every colour image (${(60 * BENCH_SPEC.pair.frames).toLocaleString(
      'en-US',
    )}), one camera's masks, all FLAME frames, calibration, scan mesh`;
  },
};

async function main() {
  const files = JSON.parse(process.argv[2]!) as BenchFiles;
  const scenario = process.argv[3];
  if (scenario) {
    const what = await RSS_SCENARIOS[scenario]!(files);
    add(what, peakRss(), '< 200 MB');
    return;
  }
  const rssStart = mib();
  const { pair, meta20, meta55 } = BENCH_SPEC;
  const cold = dropCache(files.raw);
  add('cold', String(cold));

  // Open + full inventory (every image's size from its dataset header; no payload read).
  for (const [label, path, n] of [
    [`raw pair file, 60 × ${pair.frames} images of ~0.5 MB (${gb(files.raw)})`, files.raw, 60 * pair.frames],
    [`20 GB-equivalent raw, 60 × ${meta20.frames} images (${gb(files.meta20)})`, files.meta20, 60 * meta20.frames],
    [`55 GB-equivalent raw (s1_all), 60 × ${meta55.frames} images (${gb(files.meta55)})`, files.meta55, 60 * meta55.frames],
  ] as const) {
    warm(path);
    await openAndInventory(path);
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await openAndInventory(path);
      if (r.images !== n || r.fallbacks !== 0) throw new Error(`inventory of ${path}: ${r.images} images, ${r.fallbacks} fallbacks`);
      runs.push(r.ms);
    }
    const goal = path === files.meta20 ? '< 300 ms' : '';
    add(`Open + inventory, warm: ${label}`, `${fmtMs(median(runs))} ms (${((median(runs) * 1000) / n).toFixed(1)} µs per image)`, goal);
    let coldMs = NaN;
    if (cold) {
      dropCache(path);
      coldMs = (await openAndInventory(path)).ms;
      add(`Open + inventory, cold page cache: ${label}`, `${fmtMs(coldMs)} ms`);
    }
    if (path === files.raw) {
      // In a real raw file each image header sits between ~0.5 MB payloads, as in the pair file, so
      // its per-image cost (one page read per header) is the one to scale, not the dense files'.
      const n20 = 60 * BENCH_SPEC.meta20.frames;
      const est = (total: number) => `${fmtMs((total / n) * n20)} ms`;
      add(
        `Estimate for a real-layout 20 GB raw file (${n20.toLocaleString('en-US')} images at the pair file's per-image cost), warm / cold`,
        `${est(median(runs))} / ${cold ? est(coldMs) : 'n/a'}`,
        '< 300 ms',
      );
    }
  }
  warm(files.meta20);
  const viaH5wasm = await openAndInventory(files.meta20, false);
  add('Same 20 GB-equivalent listing through h5wasm metadata only (no native reader)', `${fmtMs(viaH5wasm.ms)} ms`);

  // Event-loop responsiveness while the largest inventory runs.
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  await openAndInventory(files.meta55);
  delay.disable();
  add('Longest event-loop stall during the 55 GB-equivalent inventory', `${fmtMs(delay.max / 1e6)} ms`);

  // One image: random cameras and frames of the 3 GB raw file.
  const raw = await SmcFile.open(files.raw);
  const picks = Array.from({ length: 200 }, (_, i) => [String((i * 37) % 60).padStart(2, '0'), (i * 53) % pair.frames] as const);
  if (cold) {
    dropCache(files.raw);
    const coldRuns: number[] = [];
    for (const [cam, f] of picks.slice(0, 50)) {
      const t0 = performance.now();
      await raw.readImage(cam, 'color', f);
      coldRuns.push(ms(t0));
    }
    add('One image (~0.5 MB), cold page cache, median / p95 of 50', `${fmtMs(median(coldRuns))} / ${fmtMs(p95(coldRuns))} ms`, '< 10 ms');
  }
  warm(files.raw);
  const warmRuns: number[] = [];
  for (const [cam, f] of picks) {
    const t0 = performance.now();
    const img = await raw.readImage(cam, 'color', f);
    warmRuns.push(ms(t0));
    if (img?.format !== 'jpeg') throw new Error('not a JPEG');
  }
  add('One image (~0.5 MB), warm, median / p95 of 200', `${fmtMs(median(warmRuns))} / ${fmtMs(p95(warmRuns))} ms`, '< 10 ms');

  // h5wasm's synchronous read of the same kind of image (the path for chunked or filtered data).
  const lib = await Hdf5File.open(files.raw, { nativeIndex: false });
  const libRuns: number[] = [];
  for (const [cam, f] of picks.slice(0, 50)) {
    const t0 = performance.now();
    await lib.readBytes(`/Camera/${cam}/color/${f}`);
    libRuns.push(ms(t0));
  }
  lib.close();
  add('One image through h5wasm (synchronous, blocks the thread), warm median', `${fmtMs(median(libRuns))} ms`);

  // All frames of one camera, then every image of the file, in order.
  const readCamera = async (cam: string) => {
    const t0 = performance.now();
    let bytes = 0;
    const frames = raw.frames(cam, 'color');
    for (const f of frames) bytes += (await raw.readImage(cam, 'color', f))!.bytes.length;
    const s = ms(t0) / 1000;
    return `${(frames.length / s).toFixed(0)} images/s, ${(bytes / 1e6 / s).toFixed(0)} MB/s`;
  };
  if (cold) {
    dropCache(files.raw);
    add(`All ${pair.frames} images of one camera, cold`, await readCamera('25'));
  }
  warm(files.raw);
  add(`All ${pair.frames} images of one camera, warm`, await readCamera('25'));
  const readAll = async () => {
    const t0 = performance.now();
    let n = 0;
    let bytes = 0;
    for (const cam of raw.cameraIds('color')) {
      for (const f of raw.frames(cam, 'color')) {
        bytes += (await raw.readImage(cam, 'color', f))!.bytes.length;
        n++;
      }
    }
    const s = ms(t0) / 1000;
    return `${(n / s).toFixed(0)} images/s, ${(bytes / 1e6 / s).toFixed(0)} MB/s (${n} images)`;
  };
  if (cold) {
    dropCache(files.raw);
    add('Every image of the raw file, cold', await readAll());
  }
  add('Every image of the raw file, warm', await readAll());
  raw.close();

  // The anno file: inventory and the annotation accessors.
  warm(files.anno);
  const anno = await SmcFile.open(files.anno);
  const t0 = performance.now();
  const inv = await anno.inventory();
  add(`Anno file (${gb(files.anno)}, ${inv.datasets} datasets): open + inventory`, `${fmtMs(ms(t0))} ms`);
  const timed = async (what: string, fn: () => Promise<unknown>) => {
    await fn();
    const t = performance.now();
    await fn();
    add(what, `${fmtMs(ms(t))} ms`);
  };
  await timed('Mask (~77 kB PNG)', () => anno.readImage('25', 'mask', 7));
  await timed('Calibration of all 60 cameras', () => anno.calibrationAll());
  await timed('2D keypoints of the 15 frontal cameras, one frame', () => Promise.all(Array.from({ length: 15 }, (_, i) => anno.keypoints2d(18 + i, 7))));
  await timed('FLAME frame, all 10 parameters (albedos 1.5 MB, verts 120 kB)', () => anno.flame(7));
  await timed(`FLAME 'exp' series over ${pair.frames} frames (for a plot)`, () => anno.flameSeries('exp'));
  await timed(`Scan mesh (${pair.scanVertices.toLocaleString('en-US')} vertices, ${(2 * pair.scanVertices).toLocaleString('en-US')} faces)`, () =>
    anno.scanMesh(),
  );
  anno.close();

  add('RSS before the first file is opened (h5wasm not loaded yet)', `${rssStart.toFixed(0)} MiB`);
  add('Peak RSS of this whole timing run (all of the above in one process)', peakRss());
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
