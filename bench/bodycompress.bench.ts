// `npm run bench bodycompress`: BodyCompress writer and reader on a generated 1-minute sequence
// (1,800 frames, 6,890 vertices, 24 joints, uncertainties), against xz itself in the same run:
// `xz -T0 -5` on the same msgpack bytes for encoding, `xz -dc` for decoding. Results go to
// bench/RESULTS.md; generated files stay in bench/out/.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { encodeFrame } from '../src/core/bodycompress/frame';
import { systemXz } from '../src/core/bodycompress/systemXz';
import { createBodyCompressWriter } from '../src/core/bodycompress/writer';
import { writeWithBackpressure } from '../src/core/writers/streamWrite';
import { machineLine, writeResultsSection } from './results';
import { walkingSequence, type BenchFrame } from './bodycompressData';
import { buildLongFile } from './bodycompressLong';

const OUT = join(__dirname, 'out', 'bodycompress');
/** 1,800 frames (1 min at 30 fps); BODYCOMPRESS_BENCH_FRAMES=90 for a quick trial run. */
const FRAMES = Number(process.env.BODYCOMPRESS_BENCH_FRAMES ?? 1800);
const BLOCK_FRAMES = 30;
const LONG_REPEAT = 10;
const MB = 1e6;

const xz = systemXz();
if (!xz) throw new Error('The BodyCompress benchmark compares against xz: install XZ Utils');

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

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

function measure(mode: string, file: string, engine: string, extra: string[] = []): Record<string, number> {
  const r = spawnSync(process.execPath, [join(OUT, 'bundle', 'bodycompressMeasure.js'), mode, file, engine, ...extra], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`measure ${mode} ${file} ${engine} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

const best = (xs: number[]) => Math.min(...xs);
const fmtS = (s: number) => `${s.toFixed(2)} s`;
const fmtMB = (b: number) => `${(b / MB).toFixed(1)} MB`;

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
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

  console.log('Baseline: xz -T0 -5 on the frame msgpack...');
  const baselineXz = join(OUT, 'frames.msgpack.xz');
  const xzEncodeSeconds = await runTo(xz!, ['-T0', '-5', '-c', msgpackPath], baselineXz);
  const xzEncodedBytes = (await stat(baselineXz)).size;

  console.log('Writer, default (reference layout: xz --threads=0 -5)...');
  const fileA = join(OUT, 'walk-1min.xz');
  const write = async (path: string, blockFrames?: number) =>
    timed(async () => {
      const w = await createBodyCompressWriter(path, { metadata, blockFrames, verify: false });
      for (const f of frames) await w.append(f);
      return w.close();
    });
  const a = await write(fileA);
  console.log(`Writer, --block-frames ${BLOCK_FRAMES}...`);
  const fileB = join(OUT, `walk-1min-block${BLOCK_FRAMES}.xz`);
  const b = await write(fileB, BLOCK_FRAMES);
  frames.length = 0;

  console.log('Long multi-block file...');
  const fileC = join(OUT, `walk-10min-block${BLOCK_FRAMES}.xz`);
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
    logLevel: 'warning',
  });

  console.log('Decoding...');
  const floorA: number[] = [];
  const ours: Record<string, number[]> = { xz: [], wasm: [] };
  let rssA = 0;
  for (let k = 0; k < 3; k++) {
    floorA.push(await runTo(xz!, ['-dc', fileA], '/dev/null'));
    for (const engine of ['xz', 'wasm']) {
      const d = measure('decode', fileA, engine);
      if (d.frames !== FRAMES) throw new Error(`decoded ${d.frames ?? 'no'} frames`);
      ours[engine]!.push(d.seconds!);
      rssA = Math.max(rssA, d.maxRss!);
    }
  }
  const floorC = await runTo(xz!, ['-dc', fileC], '/dev/null');
  const decC = measure('decode', fileC, 'xz');
  const firstA = [0, 1, 2].map(() => measure('first', fileA, 'xz'));
  const firstC = [0, 1, 2].map(() => measure('first', fileC, 'xz'));
  const firstCw = [0, 1, 2].map(() => measure('first', fileC, 'wasm'));
  const seekC = measure('seek', fileC, 'xz', ['20']);
  const seekCw = measure('seek', fileC, 'wasm', ['20']);
  const seekA = measure('seek', fileA, 'xz', ['10']);
  const seekAw = measure('seek', fileA, 'wasm', ['10']);
  const verifyA = measure('verify', fileA, 'xz');

  const dataA = a.value.dataBytes;
  const decodeRow = (label: string, s: number) =>
    `| ${label} | ${fmtS(s)} | ${(FRAMES / s).toFixed(0)} | ${(dataA / MB / s).toFixed(1)} | ${(best(floorA) / s).toFixed(2)}× |`;
  const sizeA = a.value.fileBytes;
  const sizeB = b.value.fileBytes;
  const md = `
## BodyCompress codec

${machineLine()} ${xzVersion}. Sequence: ${FRAMES} frames (1 min at 30 fps), one person, 6,890 vertices + 24 joints
(float32 mm) + vertex/joint uncertainties (float32 m), walking with 0.5 mm per-vertex, 2 mm per-part and 3/8 mm
global jitter (bench/bodycompressData.ts). Raw float32 ${fmtMB(rawFloat32)}; frame msgpack ${fmtMB(msgpackBytes)}.
Wall times on a shared 2-core VM: best of 3 where repeated. Reader figures come from the bundled reader
(worker thread next to it, as in dist/), one process per measurement. The 10-min file is the \`--block-frames ${BLOCK_FRAMES}\`
file's frame streams repeated ${LONG_REPEAT} times behind a header that counts them all (same structure as a 10-min
recording written with that option, without 10 more minutes of compression).

**Encoding** (the same ${fmtMB(msgpackBytes)} of msgpack; ours includes quantization and msgpack encoding):

| | time | size | vs xz -T0 -5 |
| --- | --- | --- | --- |
| \`xz -T0 -5\` on the msgpack (baseline) | ${fmtS(xzEncodeSeconds)} | ${xzEncodedBytes.toLocaleString('en-US')} B | — |
| writer, default (\`xz --threads=0 -5\`, 24 MiB blocks like the reference) | ${fmtS(a.seconds)} | ${sizeA.toLocaleString('en-US')} B | time ${(a.seconds / xzEncodeSeconds).toFixed(2)}×, size ${(((sizeA - xzEncodedBytes) / xzEncodedBytes) * 100).toFixed(3)} % |
| writer, \`--block-frames ${BLOCK_FRAMES}\` (a stream per ${BLOCK_FRAMES} frames, compressed in parallel) | ${fmtS(b.seconds)} | ${sizeB.toLocaleString('en-US')} B | time ${(b.seconds / xzEncodeSeconds).toFixed(2)}×, size +${(((sizeB - sizeA) / sizeA) * 100).toFixed(2)} % vs default |

Compression ratio (raw float32 / file): ${(rawFloat32 / sizeA).toFixed(2)}× default, ${(rawFloat32 / sizeB).toFixed(2)}× with blocks.
Verification after writing (decode everything, compare size and sha256) adds ${fmtS(verifyA.seconds!)} (not in the times above).

**Decoding** all ${FRAMES} frames to float32 (msgpack parse + dequantization included), ${fmtMB(dataA)} of msgpack:

| reader | time | frames/s | MB/s | vs \`xz -dc\` |
| --- | --- | --- | --- | --- |
| \`xz -dc file > /dev/null\` (floor) | ${fmtS(best(floorA))} | ${(FRAMES / best(floorA)).toFixed(0)} | ${(dataA / MB / best(floorA)).toFixed(1)} | 1.00× |
${decodeRow('ours, system xz engine', best(ours.xz!))}
${decodeRow('ours, wasm engine (no xz installed)', best(ours.wasm!))}

**Random access and memory**:

| | value |
| --- | --- |
| time to first frame, 1-min file (open + header + metadata + frame 0) | ${best(firstA.map((x) => x.firstFrameMs!)).toFixed(0)} ms |
| time to first frame, 10-min file (${longFrames.toLocaleString('en-US')} frames) | ${best(firstC.map((x) => x.firstFrameMs!)).toFixed(0)} ms (xz), ${best(firstCw.map((x) => x.firstFrameMs!)).toFixed(0)} ms (wasm) |
| index of the 10-min file (${fmtMB(sizeC)}, ${seekC.blocks} blocks) | ${fmtS(seekC.indexSeconds!)} (xz), ${fmtS(seekCw.indexSeconds!)} (wasm); \`xz -dc\` takes ${fmtS(floorC)} |
| seek to a random frame, 10-min file, ${BLOCK_FRAMES}-frame blocks | median ${seekC.seekMedianMs!.toFixed(0)} ms, max ${seekC.seekMaxMs!.toFixed(0)} ms (xz); median ${seekCw.seekMedianMs!.toFixed(0)} ms, max ${seekCw.seekMaxMs!.toFixed(0)} ms (wasm) |
| seek to a random frame, 1-min file in the reference layout (${seekA.blocks} blocks of 24 MiB) | median ${seekA.seekMedianMs!.toFixed(0)} ms, max ${seekA.seekMaxMs!.toFixed(0)} ms (xz); median ${seekAw.seekMedianMs!.toFixed(0)} ms, max ${seekAw.seekMaxMs!.toFixed(0)} ms (wasm) |
| peak RSS decoding the 1-min file (whole process, worker included; xz runs in its own ~10 MB process) | ${fmtMB(rssA)} |
| peak RSS decoding the 10-min file (${decC.frames!.toLocaleString('en-US')} frames in ${fmtS(decC.seconds!)}) | ${fmtMB(decC.maxRss!)} |
| peak RSS, index + 20 seeks on the 10-min file | ${fmtMB(seekC.maxRss!)} |
`;
  await writeResultsSection('bodycompress', md);
  console.log(md);
  await rm(msgpackPath, { force: true });
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
