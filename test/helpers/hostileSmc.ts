import { readFile, writeFile } from 'node:fs/promises';
import { loadH5wasm } from '../../src/core/hdf5/openHdf5';
import type { CameraCalibration } from '../../src/core/smc/calibration';
import { SmcPerformance } from '../../src/core/smc/smcPerformance';
import { fixturePath } from './fixtures';
import { writeSmc, type Hdf5Format } from './smcWriter';

/*
 * SMC files whose names are hostile: camera and frame keys such as `../../evil`, `/etc/x`, `..`,
 * Windows device names, names of hundreds of characters, names holding NUL or a newline, and actor
 * ids or parts that are paths. HDF5 refuses `/` in a link name, so such names are written with a
 * placeholder of the same length and the placeholder's bytes are replaced in the finished file
 * (names sit as plain bytes in local heaps and link messages, which the readers list as they are).
 */

export interface HostileSmcParts {
  jpeg: Uint8Array;
  png: Uint8Array;
  cal: CameraCalibration;
}

/** A real JPEG, PNG mask and calibration (camera 25 of a fixture) to build files with. */
export async function fixtureParts(): Promise<HostileSmcParts> {
  const perf = await SmcPerformance.open(fixturePath('smc', '0026_h0_raw.smc'));
  try {
    return { jpeg: (await perf.readImage('25', 'color', 0))!.bytes, png: (await perf.readImage('25', 'mask', 0))!.bytes, cal: (await perf.calibration('25'))! };
  } finally {
    perf.close();
  }
}

export interface HostileSmcSpec {
  format?: Hdf5Format;
  actorId?: string;
  part?: string;
  /** Camera ids; a `[placeholder, final]` pair is written as the placeholder and patched. */
  cameras: (string | [string, string])[];
  /** Extra keys in camera `00`'s colour group and in /UV_texture beside the frames 0..2. */
  frameKeys?: (string | [string, string])[];
  /** Byte replacements in the finished file (e.g. to put a NUL into an attribute value). */
  patches?: [string, string][];
}

const written = (n: string | [string, string]) => (typeof n === 'string' ? n : n[0]);
const patchOf = (n: string | [string, string]): [string, string][] => (typeof n === 'string' ? [] : [n]);

/** Writes an SMC (3 frames, colour images, calibration, landmarks, UV textures) with hostile names. */
export async function writeHostileSmc(path: string, parts: HostileSmcParts, spec: HostileSmcSpec): Promise<void> {
  const cameras = spec.cameras.map(written);
  await writeSmc(path, {
    format: spec.format ?? 'h5py',
    actorId: spec.actorId ?? '0099',
    part: spec.part ?? 'e7',
    numFrame: 3,
    images: { kind: 'color', cameras, bytes: () => parts.jpeg },
    calibration: Object.fromEntries(cameras.map((c) => [c, parts.cal])),
    keypoints2d: Object.fromEntries(cameras.map((c) => [c, { 0: Float32Array.from({ length: 212 }, (_, i) => i) }])),
    keypoints3d: { 0: Float64Array.from({ length: 318 }, (_, i) => i / 100) },
    uvTexture: { 0: parts.jpeg },
    scanMask: Object.fromEntries(cameras.map((c) => [c, parts.png])),
  });
  const extra = (spec.frameKeys ?? []).map(written);
  if (extra.length > 0) {
    const h5 = await loadH5wasm();
    const f = new h5.File(path, 'a');
    try {
      for (const key of extra) {
        f.create_dataset({ name: `/Camera/${cameras[0]}/color/${key}`, data: parts.jpeg });
        f.create_dataset({ name: `/UV_texture/${key}`, data: parts.jpeg });
      }
    } finally {
      f.close();
    }
  }
  const patches = [...spec.cameras.flatMap(patchOf), ...(spec.frameKeys ?? []).flatMap(patchOf), ...(spec.patches ?? [])];
  if (patches.length > 0) {
    const bytes = await readFile(path);
    for (const [from, to] of patches) {
      if (Buffer.byteLength(from, 'latin1') !== Buffer.byteLength(to, 'latin1')) throw new Error(`patch ${from} → ${to}: lengths differ`);
      const a = Buffer.from(from, 'latin1');
      let n = 0;
      for (let i = bytes.indexOf(a); i >= 0; i = bytes.indexOf(a, i + 1), n++) bytes.write(to, i, 'latin1');
      if (n === 0) throw new Error(`patch ${from}: not found in ${path}`);
    }
    await writeFile(path, bytes);
  }
}

/** The hostile names the fuzzer's seeds and the path tests use. */
export const HOSTILE_CAMERAS: (string | [string, string])[] = [
  '00',
  '..',
  ['QQQQQQQQQQ', '../../evil'],
  ['PPPPPP', '/etc/x'],
  ['WWWW', 'a\\..'],
  'CON',
  'lpt1.txt',
  'x'.repeat(200),
  'a b.',
  ['NNNNN', 'a\nb\rc'],
];

export const HOSTILE_FRAME_KEYS: (string | [string, string])[] = [['ZZZZZZ', '/etc/x'], ['YYYYYYY', '../../x'], '99999999999999999999', '-1', '..', '1e3'];
