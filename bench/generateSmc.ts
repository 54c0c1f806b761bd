// Generates the SMC benchmark files under bench/out/ (gitignored), with the real RenderMe360 layout:
// a full-size raw+anno pair of an expression part (60 cameras, ~0.5 MB JPEGs, ~77 kB PNG masks, FLAME
// with albedos, a 130k-vertex scan), and two raw files with the dataset counts of a 20 GB and a 55 GB
// raw file but small payloads (metadata cost scales with the number of datasets, not their size).
// Files are reused while bench/out/smc-manifest.json matches the current spec.
//
// Usage: node --import tsx bench/generateSmc.ts [outDir]
import { statSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { Hdf5File } from '../src/core/hdf5/hdf5File';
import type { CameraCalibration } from '../src/core/smc/calibration';
import { SmcFile } from '../src/core/smc/smcFile';
import { fixturePath } from '../test/helpers/fixtures';
import { ALL_CAMERAS, writeSmc } from '../test/helpers/smcWriter';
import { BENCH_OUT, BENCH_SPEC, benchFiles, type BenchFiles } from './smcBenchSpec';

/** Deterministic pseudo-random bytes (xorshift32), so payloads differ and do not compress. */
function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed * 2654435761 + 1 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A real JPEG padded to `size` bytes with COM segments after SOI: still a valid, decodable JPEG. */
export function paddedJpeg(jpeg: Uint8Array, size: number, seed: number): Uint8Array {
  let pad = Math.max(0, size - jpeg.length);
  if (pad > 0 && pad < 4) pad = 4; // the smallest COM segment
  const out = new Uint8Array(jpeg.length + pad);
  out.set(jpeg.subarray(0, 2), 0); // SOI
  const fill = noise(65533, seed);
  let pos = 2;
  for (let left = pad; left > 0;) {
    // Marker, length, then up to 65533 bytes; never leave a remainder too small for a segment.
    let segment = Math.min(left, 65537);
    if (left - segment > 0 && left - segment < 4) segment -= 4;
    out[pos] = 0xff;
    out[pos + 1] = 0xfe;
    out[pos + 2] = (segment - 2) >> 8;
    out[pos + 3] = (segment - 2) & 0xff;
    out.set(fill.subarray(0, segment - 4), pos + 4);
    pos += segment;
    left -= segment;
  }
  out.set(jpeg.subarray(2), pos);
  return out;
}

/** A real PNG padded to `size` bytes with a private ancillary chunk after IHDR (decoders skip it). */
export function paddedPng(png: Uint8Array, size: number, seed: number): Uint8Array {
  const body = Math.max(0, size - png.length - 12);
  const chunk = new Uint8Array(12 + body);
  const dv = new DataView(chunk.buffer);
  dv.setUint32(0, body);
  chunk.set([0x70, 0x72, 0x56, 0x74], 4); // "prVt": ancillary, private, safe to copy
  chunk.set(noise(body, seed), 8);
  dv.setUint32(8 + body, crc32(chunk.subarray(4, 8 + body)));
  const ihdrEnd = 8 + 25;
  return new Uint8Array([...png.subarray(0, ihdrEnd), ...chunk, ...png.subarray(ihdrEnd)]);
}

/** Size of the `i`-th payload: the target ±10 %, deterministic. */
function sizeAround(kib: number, i: number): number {
  return Math.round(kib * 1024 * (0.9 + 0.2 * (((i * 7919) % 1000) / 1000)));
}

async function fixturePayloads(): Promise<{ jpeg: Uint8Array; png: Uint8Array; cal: Record<string, CameraCalibration> }> {
  const raw = await Hdf5File.open(fixturePath('smc', '0026_e0_raw.smc'));
  const anno = await SmcFile.open(fixturePath('smc', '0026_e0_anno.smc'));
  try {
    return {
      jpeg: (await raw.readBytes('/Camera/25/color/0'))!,
      png: (await anno.readImage('25', 'mask', 0))!.bytes,
      cal: Object.fromEntries(await anno.calibrationAll()),
    };
  } finally {
    raw.close();
    anno.close();
  }
}

export async function generateBenchFiles(out = BENCH_OUT): Promise<BenchFiles> {
  await mkdir(out, { recursive: true });
  const files = benchFiles(out);
  const { jpeg, png, cal } = await fixturePayloads();
  const { pair, meta20, meta55 } = BENCH_SPEC;
  const t0 = Date.now();
  const log = (what: string, path: string) =>
    console.log(`  ${what}: ${(statSync(path).size / 1e9).toFixed(2)} GB in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const header = { actorId: pair.actorId, part: pair.part, numFrame: pair.frames, resolution: [2048, 2448] as [number, number] };
  const frames = Array.from({ length: pair.frames }, (_, i) => i);
  const index = (cam: string, f: number) => Number(cam) * 10_000 + f;

  await writeSmc(files.raw, {
    ...header,
    images: { kind: 'color', cameras: ALL_CAMERAS, bytes: (c, f) => paddedJpeg(jpeg, sizeAround(pair.jpegKiB, index(c, f)), index(c, f)) },
    calibration: cal,
  });
  log('raw', files.raw);

  const kpCams = ALL_CAMERAS.slice(18, 33);
  const pts2 = Float32Array.from({ length: 212 }, (_, i) => 1000 + i);
  const pts3 = Float64Array.from({ length: 318 }, (_, i) => i / 1000);
  const albedos = Float64Array.from({ length: 3 * 256 * 256 }, (_, i) => (i % 256) / 256);
  const verts = Float64Array.from({ length: 5023 * 3 }, (_, i) => i / 1e4);
  const flameFrame = (f: number) => ({
    global_pose: { data: Float64Array.of(3.1, 0, f / 1000), shape: [3] },
    neck_pose: { data: new Float64Array(3), shape: [3] },
    jaw_pose: { data: Float64Array.of(f / 100, 0, 0), shape: [3] },
    left_eye_pose: { data: new Float64Array(3), shape: [3] },
    right_eye_pose: { data: new Float64Array(3), shape: [3] },
    trans: { data: Float64Array.of(0, -0.5, 0), shape: [3] },
    shape: { data: new Float64Array(100).fill(0.1), shape: [100] },
    exp: { data: new Float64Array(50).fill(f / 100), shape: [50] },
    verts: { data: verts, shape: [5023, 3] },
    albedos: { data: albedos, shape: [3, 256, 256] },
  });
  const nv = pair.scanVertices;
  await writeSmc(files.anno, {
    ...header,
    images: { kind: 'mask', cameras: ALL_CAMERAS, bytes: (c, f) => paddedPng(png, sizeAround(pair.maskKiB, index(c, f)), index(c, f)) },
    calibration: cal,
    keypoints2d: Object.fromEntries(kpCams.map((c) => [c, Object.fromEntries(frames.map((f) => [f, pts2]))])),
    keypoints3d: Object.fromEntries(frames.map((f) => [f, pts3])),
    flame: Object.fromEntries(frames.map((f) => [f, flameFrame(f)])),
    uvTexture: Object.fromEntries(frames.map((f) => [f, paddedJpeg(jpeg, sizeAround(pair.uvKiB, f), f)])),
    scan: {
      vertex: Float64Array.from({ length: nv * 3 }, (_, i) => Math.sin(i)),
      faces: BigInt64Array.from({ length: 2 * nv * 3 }, (_, i) => BigInt((i * 7) % nv)),
    },
    scanMask: Object.fromEntries(ALL_CAMERAS.map((c) => [c, paddedPng(png, sizeAround(pair.maskKiB, Number(c)), Number(c))])),
  });
  log('anno', files.anno);

  for (const [name, m] of [
    ['meta20', meta20],
    ['meta55', meta55],
  ] as const) {
    await writeSmc(files[name], {
      actorId: m.actorId,
      part: m.part,
      numFrame: m.frames,
      resolution: [2048, 2448],
      images: { kind: 'color', cameras: ALL_CAMERAS, bytes: (c, f) => paddedJpeg(jpeg, sizeAround(m.jpegKiB, index(c, f)), index(c, f)) },
    });
    log(name, files[name]);
  }
  writeFileSync(join(out, 'smc-manifest.json'), JSON.stringify({ spec: BENCH_SPEC, files }, null, 2));
  return files;
}

if (require.main === module) {
  generateBenchFiles(process.argv[2] ?? BENCH_OUT).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
