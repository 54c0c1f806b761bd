import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors';
import { RENDERME360_FPS } from './defaults';
import { NdArray, shapeSize } from '../numpy/ndarray';
import type { SmcFile } from '../smc/smcFile';
import { MAX_NUM_FRAME } from '../smc/smcHeader';
import { missingFrames, parseFrameKeys } from '../smc/smcKeys';
import { usualHolder, type SmcFrameSeries } from '../smc/smcParts';
import { SmcPerformance } from '../smc/smcPerformance';
import type { PyValue } from './pyValues';
import { checkFps, type FrameSource } from './writeFrames';

/*
 * A RenderMe360 performance as BodyCompress frames. Expression parts (anno: FLAME) give the FLAME
 * mesh as `vertices` (5,023 per frame) and the 106 facial 3D landmarks as `joints`;
 * other parts have landmarks only, which then go into both `vertices` and `joints` (BodyCompress
 * needs both; this way every tool that shows vertices, e.g. `bodycap export --format ply`, shows
 * the landmarks). SMC stores metres, BodyCompress millimetres. One person per frame: (1, V, 3).
 * Output frame i is SMC frame i; a frame the SMC lacks (or holds empty) gets 0 points in that
 * array, (1, 0, 3), and is listed in the metadata's `missing_frames`.
 */

export type SmcConversionKind = 'flame' | 'keypoints';

const MM_PER_M = 1000;

export interface SmcConversion extends FrameSource {
  kind: SmcConversionKind;
  /** `<actor>_<part>`, e.g. 0026_e0. */
  performance: string;
  /** Points per frame (the most any frame has): FLAME vertices or landmarks; joints: landmarks. */
  vertexCount: number;
  jointCount: number;
  /** Frames without FLAME vertices (flame kind) or without landmarks. */
  missing: { flame: number[]; keypoints3d: number[] };
  metadata: PyValue;
}

export interface SmcConversionOptions {
  /** The partner file (default: found next to the file; null: none). */
  partner?: string | null;
  fps?: number;
}

/** Per-frame datasets of one series (FLAME verts or 3D landmarks), from metadata only. */
interface Series {
  file: SmcFile | null;
  /** Dataset path of each frame that has a non-empty one. */
  paths: Map<number, string>;
  /** Points per frame (from the first dataset). */
  points: number;
}

/** The series from the first of `files` that has its group. */
function series(files: SmcFile[], which: SmcFrameSeries): Series {
  for (const file of files) {
    const infos = file.seriesDatasets(which);
    if (!infos) continue;
    const { frames, keys } = parseFrameKeys([...infos.keys()]);
    const paths = new Map<number, string>();
    let points = 0;
    frames.forEach((frame, i) => {
      const { path, shape } = infos.get(keys[i]!)!;
      if (!shape || shapeSize(shape) === 0) return; // missing, or "no detection"
      const pointShape = shape.length === 3 && shape[0] === 1 ? shape.slice(1) : shape; // a batch axis of 1 is fine
      if (pointShape.length !== 2 || pointShape[1] !== 3) {
        throw new InputError('invalid-value', `${basename(file.path)}: ${path} has shape (${shape.join(', ')}); expected (points, 3)`);
      }
      // Output frame i is SMC frame i: a damaged key ("999999999") would mean that many empty frames.
      if (frame >= MAX_NUM_FRAME) {
        throw new InputError(
          'corrupt',
          `${basename(file.path)}: ${path} is frame ${frame}; an SMC holds at most ${MAX_NUM_FRAME.toLocaleString('en-US')} frames`,
        );
      }
      points = Math.max(points, pointShape[0]!);
      paths.set(frame, path);
    });
    return { file, paths, points };
  }
  return { file: null, paths: new Map(), points: 0 };
}

/** Reads one frame's points as (1, P, 3) millimetres; (1, 0, 3) when the frame has none. */
async function pointsInMm(s: Series, frame: number): Promise<NdArray> {
  const path = s.paths.get(frame);
  if (!path || !s.file) return NdArray.fromTyped(new Float64Array(0), [1, 0, 3]);
  const arr = await s.file.hdf5.readArray(path);
  const data = arr?.data;
  if (!data || !ArrayBuffer.isView(data)) throw new InputError('invalid-value', `${basename(s.file.path)}: ${path} is not a numeric array`);
  const values = data as unknown as ArrayLike<number | bigint>;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const m = Number(values[i]!);
    if (!Number.isFinite(m)) {
      throw new InputError(
        'invalid-value',
        `${basename(s.file.path)}: ${path} holds ${m} at point ${Math.floor(i / 3)}: BodyCompress can only store finite numbers`,
      );
    }
    out[i] = m * MM_PER_M;
  }
  return NdArray.fromTyped(out, [1, values.length / 3, 3]);
}

/** Opens `path` (and its partner) for conversion; throws InputError when it holds neither FLAME nor landmarks. */
export async function openSmcConversion(path: string, options: SmcConversionOptions = {}): Promise<SmcConversion> {
  if (options.fps !== undefined) checkFps(options.fps);
  const perf = await SmcPerformance.open(path, { partner: options.partner });
  try {
    // Each series from the file that usually holds it (anno) first.
    const flame = series(perf.filesFor('flame'), { part: 'flame', parameter: 'verts' });
    const keypoints = series(perf.filesFor('keypoints3d'), { part: 'keypoints3d' });
    const kind: SmcConversionKind = flame.paths.size > 0 ? 'flame' : 'keypoints';
    if (flame.paths.size === 0 && keypoints.paths.size === 0) throw nothingToConvert(perf, path);
    const header = perf.header;
    // Frame numbers are ascending in each series (parseFrameKeys sorts them).
    const last = (s: Series) => [...s.paths.keys()].at(-1) ?? -1;
    const total = Math.max(header.cameraInfo.numFrame, last(flame) + 1, last(keypoints) + 1);
    const absent = (s: Series) => missingFrames([...s.paths.keys()], total);
    const missing = { flame: kind === 'flame' ? absent(flame) : [], keypoints3d: absent(keypoints) };
    const performance = `${header.actorId}_${header.performancePart}`;
    const metadata = new Map<string, PyValue>([
      ['source', 'RenderMe360 SMC'],
      ['performance', performance],
      ['actor_id', header.actorId],
      ['performance_part', header.performancePart],
      ['capture_date', header.captureDate],
      ['fps', options.fps ?? RENDERME360_FPS],
      ['units', 'mm'],
      ['vertices', kind === 'flame' ? 'FLAME verts' : 'Keypoints3d'],
      ['joints', 'Keypoints3d'],
      ['source_files', perf.files.map((f) => basename(f.path))],
      ['n_frames', total],
    ]);
    const gaps = Object.entries(missing).filter(([, frames]) => frames.length > 0);
    if (gaps.length > 0) metadata.set('missing_frames', new Map<string, PyValue>(gaps));
    async function* frames(): AsyncGenerator<Map<string, NdArray>> {
      for (let t = 0; t < total; t++) {
        const joints = await pointsInMm(keypoints, t);
        const vertices = kind === 'flame' ? await pointsInMm(flame, t) : joints;
        yield new Map([
          ['vertices', vertices],
          ['joints', joints],
        ]);
      }
    }
    return {
      kind,
      performance,
      total,
      vertexCount: kind === 'flame' ? flame.points : keypoints.points,
      jointCount: keypoints.points,
      missing,
      metadata,
      frames,
      close: async () => perf.close(),
    };
  } catch (err) {
    perf.close();
    throw err;
  }
}

function nothingToConvert(perf: SmcPerformance, path: string): InputError {
  const name = basename(path);
  let why = '';
  const holder = usualHolder('flame');
  if (perf.primary.fileKind !== holder) {
    why = perf.partnerError
      ? `; they are in the ${holder} file, and ${basename(perf.partnerPath!)} cannot be read: ${perf.partnerError.message}`
      : perf.partner
        ? ''
        : `; they are in the ${holder} file, which was not found next to it`;
  }
  return new InputError('not-found', `${name} holds no FLAME vertices and no 3D keypoints to convert${why}`);
}

/** The .xz written by default: `<actor>_<part>.xz` next to the SMC file. */
export function defaultConvertOutput(smcPath: string, performance: string): string {
  return join(dirname(smcPath), `${performance.replace(/[^\w.-]+/g, '_')}.xz`);
}
