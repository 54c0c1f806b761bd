// `npm run bench bodycompress`: the BodyCompress codec against xz itself, in one run. A 900-frame
// sequence (30 s at 30 fps, one person, 6,890 vertices, 24 joints, uncertainties) written in the
// reference layout (frames through `xz --threads=0 -5`: 24 MiB blocks) and in one block
// (`--threads=1`); decoding against `xz -T0 -dc` and `xz -dc`, export to .npz against our decode,
// encoding (verification included) against `xz -T0 -5` on the same msgpack; random access and
// memory on a 10-minute multi-stream file. Results go to bench/RESULTS.md; files stay in bench/out/.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { encodeFrame } from '../src/core/bodycompress/frame';
import { systemXz } from '../src/core/bodycompress/systemXz';
import { createBodyCompressWriter, type WriteResult, type WriterOptions } from '../src/core/bodycompress/writer';
import { writeWithBackpressure } from '../src/core/writers/streamWrite';
import { machineLine, median, writeResultsSection } from './results';
import { walkingSequence, type BenchFrame } from './bodycompressData';
import { buildLongFile } from './bodycompressLong';
import { measureBodyCompress as measure } from './bodycompressRun';

const OUT = join(__dirname, 'out', 'bodycompress');
/** 900 frames (30 s at 30 fps, ~100 MB of msgpack); BODYCOMPRESS_BENCH_FRAMES=90 for a quick trial run. */
const FRAMES = Number(process.env.BODYCOMPRESS_BENCH_FRAMES ?? 900);
/** Rounds of the decode/export comparison (each round runs every contender once, interleaved). */
const ROUNDS = Number(process.env.BODYCOMPRESS_BENCH_ROUNDS ?? 5);
/** Rounds of the (slow) encode comparison. */
const ENCODE_ROUNDS = Number(process.env.BODYCOMPRESS_BENCH_ENCODE_ROUNDS ?? 3);
const BLOCK_FRAMES = 30;
const LONG_REPEAT = 20;
const MB = 1e6;

const xz = systemXz();
if (!xz) throw new Error('The BodyCompress benchmark compares against xz: install XZ Utils');

/** Runs a command with stdout to a file (or /dev/null); resolves with the wall time. */
function runTo(cmd: string, args: string[], outPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const out = createWriteStream(outPath);
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.pipe(out);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? out.end(() => resolve((performance.now() - t0) / 1000)) : reject(new Error(`${cmd} exited ${code}`))));
  });
}

const fmtS = (s: number) => `${s.toFixed(2)} s`;
const fmtMB = (b: number) => `${(b / MB).toFixed(1)} MB`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const load = () => loadavg()[0]!.toFixed(1);

async function writeFile(path: string, frames: BenchFrame[], metadata: WriterOptions['metadata'], opts: { blockFrames?: number; threads?: number }) {
  const t0 = performance.now();
  const w = await createBodyCompressWriter(path, { metadata, ...opts });
  for (const f of frames) await w.append(f);
  const value: WriteResult = await w.close();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const loadBefore = load();
  const xzVersion = execFileSync(xz!, ['--version'], { encoding: 'utf8' }).split('\n')[0];
  console.log(`Generating ${FRAMES} frames...`);
  const frames: BenchFrame[] = [...walkingSequence(FRAMES)];
  const metadata = { fps: 30, n_frames: FRAMES, generator: 'bench/bodycompressData.ts seed 7' };

  // The msgpack bytes xz gets, for the baseline.
  const msgpackPath = join(OUT, 'frames.msgpack');
  const ms = createWriteStream(msgpackPath);
  let msgpackBytes = 0;
  for (const f of frames) {
    const b = encodeFrame(f);
    msgpackBytes += b.length;
    await writeWithBackpressure(ms, b);
  }
  await new Promise<void>((r) => ms.end(() => r()));
  const rawFloat32 = frames.reduce(
    (s, f) => s + f.vertices.bytes.length + f.joints.bytes.length + f.vertex_uncertainties.bytes.length + f.joint_uncertainties.bytes.length,
    0,
  );

  console.log('Encoding: xz -T0 -5 on the frame msgpack, and the writer (reference layout, verification included)...');
  const fileA = join(OUT, `walk-${FRAMES}f.xz`);
  const baselineXz = join(OUT, 'frames.msgpack.xz');
  const xzEncode: number[] = [];
  const ourEncode: number[] = [];
  let a: WriteResult | null = null;
  for (let k = 0; k < ENCODE_ROUNDS; k++) {
    xzEncode.push(await runTo(xz!, ['-T0', '-5', '-c', msgpackPath], baselineXz));
    const w = await writeFile(fileA, frames, metadata, {});
    ourEncode.push(w.seconds);
    a = w.value;
  }
  const xzEncodedBytes = (await stat(baselineXz)).size;
  console.log('Single-block file (--threads=1) and --block-frames file...');
  const fileS = join(OUT, `walk-${FRAMES}f-single.xz`);
  const single = await writeFile(fileS, frames, metadata, { threads: 1 });
  const fileB = join(OUT, `walk-${FRAMES}f-block${BLOCK_FRAMES}.xz`);
  const b = await writeFile(fileB, frames, metadata, { blockFrames: BLOCK_FRAMES });
  frames.length = 0;

  console.log('Long multi-stream file...');
  const fileC = join(OUT, `walk-long-block${BLOCK_FRAMES}.xz`);
  const longFrames = await buildLongFile(fileB, fileC, LONG_REPEAT);
  const sizeC = (await stat(fileC)).size;

  console.log('Bundling the reader like the CLI...');
  await esbuild.build({
    entryPoints: { bodycompressMeasure: join(__dirname, 'bodycompressMeasure.ts'), bodycompressWorker: 'src/core/bodycompress/bodycompressWorker.ts' },
    outdir: join(OUT, 'bundle'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['lzma-native'],
    logLevel: 'warning',
  });

  console.log(`Decoding and exporting, ${ROUNDS} interleaved rounds...`);
  const files = { A: fileA, S: fileS };
  type Row = 'xz -dc' | 'xz -T0 -dc' | 'xz' | 'lzma-native' | 'wasm';
  const decode: Record<keyof typeof files, Record<Row, number[]>> = {
    A: { 'xz -dc': [], 'xz -T0 -dc': [], xz: [], 'lzma-native': [], wasm: [] },
    S: { 'xz -dc': [], 'xz -T0 -dc': [], xz: [], 'lzma-native': [], wasm: [] },
  };
  const exportA: number[] = [];
  let rssA = 0;
  for (let k = 0; k < ROUNDS; k++) {
    for (const [key, file] of Object.entries(files) as [keyof typeof files, string][]) {
      const d = decode[key];
      d['xz -dc'].push(await runTo(xz!, ['-dc', file], '/dev/null'));
      d['xz -T0 -dc'].push(await runTo(xz!, ['-T0', '-dc', file], '/dev/null'));
      for (const engine of ['xz', 'lzma-native', 'wasm'] as const) {
        const r = measure(join(OUT, 'bundle'), 'decode', file, engine);
        if (r.frames !== FRAMES) throw new Error(`decoded ${r.frames ?? 'no'} frames`);
        d[engine].push(r.seconds!);
        if (key === 'A' && engine === 'xz') rssA = Math.max(rssA, r.maxRss!);
      }
    }
    const e = measure(join(OUT, 'bundle'), 'export', fileA, 'xz', [join(OUT, 'export')]);
    if (e.frames !== FRAMES) throw new Error(`exported ${e.frames ?? 'no'} frames`);
    exportA.push(e.seconds!);
  }
  console.log('Random access and memory...');
  const bundle = join(OUT, 'bundle');
  const floorC = await runTo(xz!, ['-dc', fileC], '/dev/null');
  const decC = measure(bundle, 'decode', fileC, 'xz');
  const firstA = [0, 1, 2].map(() => measure(bundle, 'first', fileA, 'xz'));
  const firstC = [0, 1, 2].map(() => measure(bundle, 'first', fileC, 'xz'));
  const firstCw = [0, 1, 2].map(() => measure(bundle, 'first', fileC, 'wasm'));
  const seekC = measure(bundle, 'seek', fileC, 'xz', ['20']);
  const seekCw = measure(bundle, 'seek', fileC, 'wasm', ['20']);
  const seekA = measure(bundle, 'seek', fileA, 'xz', ['10']);
  const seekAw = measure(bundle, 'seek', fileA, 'wasm', ['10']);
  const loadAfter = load();

  const dataA = a!.dataBytes;
  const sizeA = a!.fileBytes;
  const sizeB = b.value.fileBytes;
  const m = (xs: number[]) => median(xs);
  const decodeTable = (key: keyof typeof files) => {
    const d = decode[key];
    const floor = m(d['xz -T0 -dc']);
    const row = (label: string, xs: number[]) =>
      `| ${label} | ${fmtS(m(xs))} (${fmtS(Math.min(...xs))}–${fmtS(Math.max(...xs))}) | ${(dataA / MB / m(xs)).toFixed(0)} | ${ratio(m(xs), floor)} |`;
    return [
      '| reader | median (min–max) | MB/s | vs `xz -T0 -dc` |',
      '| --- | --- | --- | --- |',
      row('`xz -T0 -dc file > /dev/null` (floor: the reference’s engine)', d['xz -T0 -dc']),
      row('`xz -dc file > /dev/null` (one thread)', d['xz -dc']),
      row('ours, system xz engine', d.xz),
      row('ours, lzma-native engine (no xz installed)', d['lzma-native']),
      row('ours, wasm engine (neither xz nor liblzma)', d.wasm),
    ].join('\n');
  };
  const md = `
## BodyCompress codec

${machineLine()} ${xzVersion}. Load average (1 min) ${loadBefore} before, ${loadAfter} after: other work shared
the 2 cores, so every comparison below interleaves its contenders round by round and reports medians from this one run.
Sequence: ${FRAMES} frames (30 s at 30 fps), one person, 6,890 vertices + 24 joints (float32 mm) + vertex/joint
uncertainties (float32 m), walking with 0.5 mm per-vertex, 2 mm per-part and 3/8 mm global jitter
(bench/bodycompressData.ts). Raw float32 ${fmtMB(rawFloat32)}; frame msgpack ${fmtMB(msgpackBytes)}.
Reader figures come from the bundled reader (worker threads next to it, as in dist/), one process per measurement.

**Files**: reference layout (the writer's default: frames through \`xz --threads=0 -5\`, as the reference does),
${fmtMB(sizeA)}, ${a!.dataBytes > 24 * 2 ** 20 ? Math.ceil(a!.dataBytes / (24 * 2 ** 20)) : 1} blocks of 24 MiB; single block (\`--threads=1\`),
${fmtMB(single.value.fileBytes)}; \`--block-frames ${BLOCK_FRAMES}\`, ${fmtMB(sizeB)} (+${(((sizeB - sizeA) / sizeA) * 100).toFixed(2)} %).

**Decoding** every frame to float32 (msgpack parse + dequantization included), ${ROUNDS} rounds; reference layout:

${decodeTable('A')}

Single-block file (nothing to decode in parallel; \`xz -T0 -dc\` is one thread here too):

${decodeTable('S')}

Per core (single-block file), the bundled engines decode ${ratio(m(decode.S['lzma-native']), m(decode.S['xz -dc']))} (lzma-native: its prebuilt
liblzma 5.2) and ${ratio(m(decode.S.wasm), m(decode.S['xz -dc']))} (wasm) as slowly as the system xz; with two cores their floor is about half of that
against \`xz -dc\`, which is itself ${ratio(m(decode.A['xz -dc']), m(decode.A['xz -T0 -dc']))} \`xz -T0 -dc\` here.

**Export** every frame to .npz (\`bodycap export --format npz\`: one .npz per frame, temporary name + rename, no fsync,
written while the next frames decode), reference layout, system xz: median ${fmtS(m(exportA))}
(${fmtS(Math.min(...exportA))}–${fmtS(Math.max(...exportA))}) = ${ratio(m(exportA), m(decode.A.xz))} our decode time, ${ratio(m(exportA), m(decode.A['xz -T0 -dc']))} \`xz -T0 -dc\`.

**Encoding** the same ${fmtMB(msgpackBytes)} of msgpack, ${ENCODE_ROUNDS} interleaved rounds; ours includes quantization, msgpack
and the verification (the written data is decoded and hashed while it is written; header, metadata and xz indexes checked after):

| | median (min–max) | size | vs \`xz -T0 -5\` |
| --- | --- | --- | --- |
| \`xz -T0 -5\` on the msgpack (floor) | ${fmtS(m(xzEncode))} (${fmtS(Math.min(...xzEncode))}–${fmtS(Math.max(...xzEncode))}) | ${xzEncodedBytes.toLocaleString('en-US')} B | — |
| writer, reference layout, verified | ${fmtS(m(ourEncode))} (${fmtS(Math.min(...ourEncode))}–${fmtS(Math.max(...ourEncode))}) | ${sizeA.toLocaleString('en-US')} B | ${ratio(m(ourEncode), m(xzEncode))} |
| writer, \`--block-frames ${BLOCK_FRAMES}\`, verified (one run) | ${fmtS(b.seconds)} | ${sizeB.toLocaleString('en-US')} B | ${ratio(b.seconds, m(xzEncode))} |
| writer, single block (\`--threads=1\`), verified (one run) | ${fmtS(single.seconds)} | ${single.value.fileBytes.toLocaleString('en-US')} B | ${ratio(single.seconds, m(xzEncode))} |

**Random access and memory** (the long file: the \`--block-frames ${BLOCK_FRAMES}\` file's frame streams repeated ${LONG_REPEAT} times
behind a header that counts them all):

| | value |
| --- | --- |
| time to first frame, ${FRAMES}-frame file (open + header + metadata + frame 0) | ${Math.min(...firstA.map((x) => x.firstFrameMs!)).toFixed(0)} ms |
| time to first frame, long file (${longFrames.toLocaleString('en-US')} frames) | ${Math.min(...firstC.map((x) => x.firstFrameMs!)).toFixed(0)} ms (xz), ${Math.min(...firstCw.map((x) => x.firstFrameMs!)).toFixed(0)} ms (wasm) |
| index of the long file (${fmtMB(sizeC)}, ${seekC.blocks} blocks) | ${fmtS(seekC.indexSeconds!)} (xz), ${fmtS(seekCw.indexSeconds!)} (wasm); \`xz -dc\` takes ${fmtS(floorC)} |
| seek to a random frame, long file, ${BLOCK_FRAMES}-frame blocks | median ${seekC.seekMedianMs!.toFixed(0)} ms, max ${seekC.seekMaxMs!.toFixed(0)} ms (xz); median ${seekCw.seekMedianMs!.toFixed(0)} ms, max ${seekCw.seekMaxMs!.toFixed(0)} ms (wasm) |
| seek to a random frame, reference layout (${seekA.blocks} blocks of 24 MiB) | median ${seekA.seekMedianMs!.toFixed(0)} ms, max ${seekA.seekMaxMs!.toFixed(0)} ms (xz); median ${seekAw.seekMedianMs!.toFixed(0)} ms, max ${seekAw.seekMaxMs!.toFixed(0)} ms (wasm) |
| peak RSS decoding the ${FRAMES}-frame file (whole process, worker included; xz runs in its own process) | ${fmtMB(rssA)} |
| peak RSS decoding the long file (${decC.frames!.toLocaleString('en-US')} frames in ${fmtS(decC.seconds!)}) | ${fmtMB(decC.maxRss!)} |
| peak RSS, index + 20 seeks on the long file | ${fmtMB(seekC.maxRss!)} |
`;
  await writeResultsSection('bodycompress', md);
  console.log(md);
  await rm(msgpackPath, { force: true });
  await rm(baselineXz, { force: true });
}

let finished = false;
// An await that can never resolve would otherwise end the process quietly with code 0.
process.on('beforeExit', () => {
  if (finished) return;
  console.error('The BodyCompress benchmark stopped before it finished', process.getActiveResourcesInfo());
  process.exitCode = 1;
  finished = true;
});
main().then(
  () => void (finished = true),
  (err: unknown) => {
    finished = true;
    console.error(err);
    process.exitCode = 1;
  },
);
