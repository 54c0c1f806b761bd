import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/command';
import { openBodyCompress } from '../../src/core/bodycompress/reader';
import { InputError } from '../../src/core/errors';
import { hdf5Tree } from '../../src/core/hdf5/hdf5Tree';
import { isTemporaryPath } from '../../src/core/io/atomicFile';
import { SmcPerformance } from '../../src/core/smc/smcPerformance';
import { ParamError } from '../../src/extension/kit/requestParams';
import { closeSmcSource, openSmcSource, SmcSession } from '../../src/extension/smc/smcSession';
import type { Rng } from './random';

/*
 * What the fuzzer feeds each mutated file to, in the case's own folder: the SMC reader, the SMC
 * editor's host side (the webview's requests), the BodyCompress reader, and the CLI's info, export
 * and extract (in process, and now and then the built dist/cli.js as a real process). A target ends
 * in a result or a classified error; anything else is a failure.
 */

export type Family = 'smc' | 'bodycompress';

export interface TargetResult {
  target: string;
  /**
   * A result (`ok`, `exit-0`), a classified error (`input-error:<code>`, `param-error`, `exit-2`), or
   * a failure: `uncaught`, `exit-1`, `bad-message`, `escaped-output`, `temporary-left`,
   * `unexpected-output`, `input-modified`, and from the parent `hang`, `crash`, `oom`, `memory`.
   */
  outcome: string;
  failure: boolean;
  message?: string;
  ms: number;
}

export interface CaseFiles {
  family: Family;
  /** The mutated file, and the folder that is the case's alone. */
  input: string;
  dir: string;
}

function classify(target: string, err: unknown, started: number, editor = false): TargetResult {
  const ms = performance.now() - started;
  if (err instanceof InputError) return { target, outcome: `input-error:${err.code}`, failure: false, ms, message: err.message };
  if (editor && err instanceof ParamError) return { target, outcome: 'param-error', failure: false, ms, message: err.message };
  return { target, outcome: 'uncaught', failure: true, ms, message: (err as Error)?.stack ?? String(err) };
}

async function run(target: string, fn: () => Promise<unknown>, editor = false): Promise<TargetResult> {
  const started = performance.now();
  try {
    await fn();
    return { target, outcome: 'ok', failure: false, ms: performance.now() - started };
  } catch (err) {
    return classify(target, err, started, editor);
  }
}

/** The SMC reader: open (with its partner when there is one), inventory, and a sample of every accessor. */
async function smcReader(input: string): Promise<void> {
  const perf = await SmcPerformance.open(input);
  try {
    const inv = await perf.inventory();
    for (const f of perf.files) hdf5Tree(f.hdf5, '/', { depth: 2, maxChildren: 20 });
    const cameras = [...new Set([...(inv.anno?.cameraIds ?? []), ...(inv.raw?.cameraIds ?? [])])].slice(0, 3);
    for (const c of cameras) {
      for (const kind of ['color', 'mask'] as const) {
        for (const f of [0, 1]) await perf.readImage(c, kind, f);
      }
      await perf.calibration(c);
      await perf.keypoints2d(c, 0);
      await perf.scanMask(c);
    }
    await perf.calibrationAll();
    await perf.keypoints3d(0);
    const flame = await perf.flame(0);
    for (const name of Object.keys(flame ?? {}).slice(0, 3)) await perf.flameSeries(name);
    await perf.uvTexture(0);
    await perf.scanMesh();
    const audio = await perf.audioInfo();
    if (audio) await perf.audio({ start: 0, count: 2000 });
  } finally {
    perf.close();
  }
}

/** The SMC editor's host side: every request the webview can make, with parameters taken from the file. */
async function smcEditor(input: string, rng: Rng): Promise<void> {
  const source = await openSmcSource(input);
  try {
    const session = new SmcSession(source);
    session.info();
    const h = session.handlers;
    const ask = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (err) {
        if (!(err instanceof ParamError)) throw err;
      }
    };
    const structure = (await h.structure({ file: 0, path: '/' })) as { children?: { path: string }[] };
    for (const c of structure.children?.slice(0, 4) ?? []) await ask(() => h.structure({ file: 0, path: c.path }));
    if (source.kind !== 'smc') return;
    const contents = await h.contents(undefined);
    const frame = contents.frameCount > 0 ? rng.int(contents.frameCount) : 0;
    const camera = contents.cameras.length ? rng.pick(contents.cameras).id : '00';
    await ask(() => h.image({ camera, kind: 'color', frame }));
    await ask(() => h.image({ camera, kind: 'mask', frame }));
    await ask(() => h.keypoints({ camera, frame }));
    await ask(() => h.calibration(undefined));
    await ask(() => h.keypoints3d({ frame }));
    await ask(() => h.flameVertices({ frame }));
    await ask(() => h.flameFrame({ frame }));
    const plottable = contents.flame?.parameters.filter((p) => p.plottable) ?? [];
    if (plottable.length) await ask(() => h.flameSeries({ name: rng.pick(plottable).name }));
    await ask(() => h.uvTexture({ frame }));
    await ask(() => h.scanMesh(undefined));
    if (contents.scanMaskCameras.length) await ask(() => h.scanMask({ camera: rng.pick(contents.scanMaskCameras) }));
    await ask(() => h.audio({ buckets: rng.pick([1, 300, 16_384]) }));
  } finally {
    closeSmcSource(source);
  }
}

/** The BodyCompress reader: open, first frame, index and summary, random access, a few frames in order. */
async function bodyCompressReader(input: string, rng: Rng): Promise<void> {
  const file = await openBodyCompress(input, { engine: rng.pick(['xz', 'wasm'] as const), cacheBytes: 8 << 20 });
  try {
    await file.firstFrame();
    const s = await file.summary();
    if (s.frames > 0) {
      await file.getFrame(rng.int(s.frames));
      await file.getFrame(s.frames - 1);
      await file.getFrame(0);
    }
    for await (const f of file.frames({ start: rng.int(Math.max(1, s.frames)), end: Infinity, step: rng.pick([1, 3]) })) {
      if (f.index > 12) break;
    }
    await file.verifyData();
  } finally {
    await file.close();
  }
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), isTty: false };
  const code = await runCli(argv, io);
  return { code, out, err };
}

/**
 * The CLI contract: exit 0, or exit 2 with the problem on one `bodycap:` line (extract also prints
 * its per-performance estimate lines); any other code, or a message spread over lines, fails.
 */
function cliOutcome(target: string, r: { code: number; err: string }, started: number, extraLine?: RegExp): TargetResult {
  const ms = performance.now() - started;
  const lines = r.err.split('\n').filter((l) => l !== '');
  const stray = lines.filter((l) => !l.startsWith('bodycap') && !extraLine?.test(l));
  if (r.code === 0 || r.code === 2) {
    if (stray.length > 0 || (r.code === 2 && !lines.some((l) => l.startsWith('bodycap: ')))) {
      return { target, outcome: 'bad-message', failure: true, ms, message: r.err.slice(0, 2000) };
    }
    return { target, outcome: `exit-${r.code}`, failure: false, ms, message: r.code === 2 ? lines.at(-1) : undefined };
  }
  return { target, outcome: r.code === 1 ? 'exit-1' : `exit-${r.code}`, failure: true, ms, message: r.err.slice(0, 4000) };
}

/** Every file under `root` (relative, '/'-separated). */
async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (d: string) => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await visit(p);
      else out.push(relative(root, p).split('\\').join('/'));
    }
  };
  await visit(root);
  return out.sort();
}

/** After an export or extraction: nothing outside `out` changed, no temporary file, only expected names. */
async function checkOutputs(target: string, c: CaseFiles, out: string, before: string[], expected: RegExp, started: number): Promise<TargetResult | null> {
  const ms = performance.now() - started;
  const outRel = `${relative(c.dir, out)}/`;
  const after = await walk(c.dir);
  const outside = after.filter((p) => !p.startsWith(outRel) && !before.includes(p));
  if (outside.length) return { target, outcome: 'escaped-output', failure: true, ms, message: `written outside ${out}: ${outside.join(', ')}` };
  const inside = after.filter((p) => p.startsWith(outRel)).map((p) => p.slice(outRel.length));
  const temp = inside.filter((p) => isTemporaryPath(p.split('/').pop()!));
  if (temp.length) return { target, outcome: 'temporary-left', failure: true, ms, message: temp.join(', ') };
  const odd = inside.filter((p) => !expected.test(p));
  if (odd.length) return { target, outcome: 'unexpected-output', failure: true, ms, message: odd.slice(0, 20).join(', ') };
  return null;
}

/** What an extraction may write: `<actor>_<part>/` trees of the documented folders. */
const EXTRACTED =
  /^[^/]+_[^/]+\/(extraction_info\.txt|size_summary\.txt|((from_anno|from_raw)\/)?(metadata|calibration|images|masks|audio|keypoints2d|keypoints3d|flame|uv_texture|scan_mesh|scan_mask|visualization)\/.+)$/;
const EXPORTED = /^(frame_\d{6}(_person_\d+)?\.(npz|ply|obj)|metadata\.json)$/;

async function cliInfo(c: CaseFiles, rng: Rng): Promise<TargetResult> {
  const started = performance.now();
  const argv = ['info', c.input, ...(rng.chance(0.5) ? ['--json'] : [])];
  try {
    return cliOutcome('cli-info', await cli(argv), started);
  } catch (err) {
    return classify('cli-info', err, started);
  }
}

async function cliExport(c: CaseFiles, rng: Rng): Promise<TargetResult> {
  const started = performance.now();
  const out = join(c.dir, 'out');
  const before = await walk(c.dir);
  const argv = ['export', c.input, '--out', out, '--format', rng.pick(['npz', 'npz', 'ply', 'obj']), '--frames', rng.pick(['0:4', '0:', '2:9:3'])];
  try {
    const r = cliOutcome('cli-export', await cli(argv), started);
    return r.failure ? r : ((await checkOutputs('cli-export', c, out, before, EXPORTED, started)) ?? r);
  } catch (err) {
    return classify('cli-export', err, started);
  }
}

async function cliExtract(c: CaseFiles, rng: Rng): Promise<TargetResult> {
  const started = performance.now();
  const out = join(c.dir, 'out');
  const before = await walk(c.dir);
  const options = rng.pick([
    ['--preset', 'sample'],
    ['--preset', 'sample', '--layout', 'combined'],
    ['--preset', 'full', '--frames', '0:2', '--cameras', 'spread:6'],
    ['--preset', 'avatar'],
    ['--parts', 'metadata,calibration,keypoints2d,keypoints3d,flame,audio,scan,uv,scan_mask', '--frames', 'spread:3'],
  ]);
  try {
    const r = cliOutcome('cli-extract', await cli(['extract', c.input, '--out', out, ...options]), started, /^\S.*: [\d,]+ files?, /);
    return r.failure ? r : ((await checkOutputs('cli-extract', c, out, before, EXTRACTED, started)) ?? r);
  } catch (err) {
    return classify('cli-extract', err, started);
  }
}

/** The built CLI: the parent's copy of dist/cli.js (empty when there is no build). */
const DIST_CLI = process.env.FUZZ_DIST_CLI ?? '';

/** The built CLI as a real process (`node dist/cli.js info`), when it has been built. */
async function cliProcess(c: CaseFiles): Promise<TargetResult | null> {
  if (!DIST_CLI || !existsSync(DIST_CLI)) return null;
  const started = performance.now();
  const child = spawn(process.execPath, [DIST_CLI, 'info', c.input], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (t: string) => void (err += t));
  const code = await new Promise<number>((res) => child.on('close', (code, signal) => res(code ?? (signal ? 128 : 1))));
  return cliOutcome('cli-process', { code, err }, started);
}

/** Runs every target of the family on the case's file. */
export async function runTargets(c: CaseFiles, rng: Rng, options: { process: boolean }): Promise<TargetResult[]> {
  const results: TargetResult[] = [];
  if (c.family === 'smc') {
    results.push(await run('smc-reader', () => smcReader(c.input)));
    results.push(await run('smc-editor', () => smcEditor(c.input, rng), true));
    results.push(await cliInfo(c, rng));
    results.push(await cliExtract(c, rng));
  } else {
    results.push(await run('bodycompress-reader', () => bodyCompressReader(c.input, rng)));
    results.push(await cliInfo(c, rng));
    results.push(await cliExport(c, rng));
  }
  if (options.process) {
    const r = await cliProcess(c);
    if (r) results.push(r);
  }
  return results;
}
