import type { Hdf5DatasetInfo } from '../hdf5/types';
import { NdArray, shapeSize } from '../numpy/ndarray';
import type { CameraCalibration } from '../smc/calibration';
import type { SmcFile, SmcFileKind } from '../smc/smcFile';
import type { AudioInfo, FlameInventory } from '../smc/smcInventory';
import { formatFrameRanges, frameKey } from '../smc/smcKeys';
import type { SmcPartGroup } from '../smc/smcParts';
import { wavByteLength } from '../writers/wav';
import { npyByteLength, npzByteLength } from './npzLayout';
import type { PlannedFile, PlannedNpzEntry } from './planTypes';
import { isSafeComponent } from './safeNames';
import { quoteName } from '../printable';

/*
 * Plans of the array files: per-frame datasets gathered into one .npz per camera or per part (rows
 * for frames without data are NaN and `valid` is False), calibration as .npz and JSON, audio as WAV
 * and .npz. Every size is exact: shapes and dtypes come from dataset metadata.
 */

/** Arrays larger than this are streamed into the .npz row by row instead of assembled in memory. */
export const STREAM_ENTRY_BYTES = 8 * 2 ** 20;

/** numpy dtype of the floats an accessor returns for a stored dtype (integers come back as float64). */
export function floatDtype(stored: string | null): '<f4' | '<f8' {
  return stored === 'float32' ? '<f4' : '<f8';
}

function entry(name: string, dtype: string, shape: number[], data: PlannedNpzEntry['data']): PlannedNpzEntry {
  const streamed = data.type !== 'array' && npyByteLength(dtype, shape) > STREAM_ENTRY_BYTES;
  return { name, dtype, shape, streamed, data };
}

function npzFile(rel: string, group: PlannedFile['group'], entries: PlannedNpzEntry[]): PlannedFile {
  return { rel, group, bytes: npzByteLength(entries), exact: true, source: { type: 'npz', entries } };
}

/** Frame ids (int64) and the valid flags (bool) that accompany every per-frame array. */
function frameEntries(frames: readonly number[], valid: readonly boolean[]): PlannedNpzEntry[] {
  const ids = NdArray.fromTyped(BigInt64Array.from(frames, BigInt), [frames.length], '<i8');
  const flags = new NdArray(
    '|b1',
    [valid.length],
    Uint8Array.from(valid, (v) => (v ? 1 : 0)),
  );
  return [entry('frames', '<i8', [frames.length], { type: 'array', array: ids }), entry('valid', '|b1', [valid.length], { type: 'array', array: flags })];
}

export interface FrameRows {
  paths: (string | null)[];
  missing: number[];
  empty: number[];
  badShape: number[];
}

/** For each frame: the dataset of `group` holding its row, or null when it is missing, empty or shaped otherwise. */
export function frameRows(file: SmcFile, group: SmcPartGroup, frames: readonly number[], shape: readonly number[]): FrameRows {
  const infos = file.partDatasets(group) ?? new Map<string, Hdf5DatasetInfo>();
  const out: FrameRows = { paths: [], missing: [], empty: [], badShape: [] };
  for (const f of frames) {
    const info = infos.get(frameKey(f)!);
    let path: string | null = null;
    if (!info) out.missing.push(f);
    else if (info.elements === 0) out.empty.push(f);
    else if (!sameShape(info.shape, shape) || !['float', 'int', 'uint'].includes(info.dtype.kind) || file.hdf5.unreadableReason(info)) out.badShape.push(f);
    else path = info.path;
    out.paths.push(path);
  }
  return out;
}

/** Notes for the frames a per-frame array lacks (for extraction_info.txt). */
export function rowNotes(label: string, rows: FrameRows): string[] {
  const notes: string[] = [];
  if (rows.missing.length) notes.push(`${label}: no data for frames ${formatFrameRanges(rows.missing)} (NaN rows, valid False)`);
  if (rows.empty.length) notes.push(`${label}: no detection (empty array) in frames ${formatFrameRanges(rows.empty)} (NaN rows, valid False)`);
  if (rows.badShape.length)
    notes.push(`${label}: frames ${formatFrameRanges(rows.badShape)} have another shape or type, or are damaged; left out (NaN rows, valid False)`);
  return notes;
}

/** keypoints2d/cam_XX.npz or keypoints3d/all_frames.npz: frames, valid, keypoints (F, 106, d). */
export function keypointsFile(
  rel: string,
  group: 'keypoints2d' | 'keypoints3d',
  file: SmcFileKind,
  frames: number[],
  rows: FrameRows,
  dtype: string | null,
  shape: number[],
): PlannedFile {
  const t = floatDtype(dtype);
  return npzFile(rel, group, [
    ...frameEntries(
      frames,
      rows.paths.map((p) => p !== null),
    ),
    entry('keypoints', t, [frames.length, ...shape], { type: 'rows', file, paths: rows.paths }),
  ]);
}

/**
 * flame/all_frames.npz: frames, valid (every parameter present) and one (F, ...) array per FLAME
 * parameter. Parameter names come from the file and become zip member names, so unsafe ones are skipped.
 */
export function flameFile(rel: string, source: SmcFile, kind: SmcFileKind, inv: FlameInventory, frames: number[]): { file: PlannedFile; notes: string[] } {
  const notes: string[] = [];
  const keys = Object.keys(inv.keys)
    .sort()
    .filter((k) => {
      const ok = isSafeComponent(k) && k !== 'frames' && k !== 'valid';
      if (!ok) notes.push(`FLAME parameter ${quoteName(k)} cannot be an array name; left out`);
      return ok;
    });
  const present = new Set(inv.frames);
  const perKey = keys.map((k) => ({ key: k, shape: inv.keys[k]!.shape ?? [], paths: [] as (string | null)[] }));
  const valid: boolean[] = [];
  const missing: number[] = [];
  const partial: number[] = [];
  for (const f of frames) {
    const infos = present.has(f) ? source.partDatasets({ part: 'flame', frame: f }) : null;
    if (!infos) missing.push(f);
    let all = infos !== null;
    for (const k of perKey) {
      const info = infos?.get(k.key);
      const ok =
        info !== undefined && sameShape(info.shape, k.shape) && ['float', 'int', 'uint'].includes(info.dtype.kind) && !source.hdf5.unreadableReason(info);
      k.paths.push(ok ? info.path : null);
      all &&= ok;
    }
    if (infos && !all) partial.push(f);
    valid.push(all);
  }
  if (missing.length) notes.push(`FLAME: no parameters for frames ${formatFrameRanges(missing)} (NaN rows, valid False)`);
  if (partial.length) notes.push(`FLAME: frames ${formatFrameRanges(partial)} lack some parameters (NaN for those, valid False)`);
  const entries = [
    ...frameEntries(frames, valid),
    ...perKey.map((k) => entry(k.key, floatDtype(inv.keys[k.key]!.dtype), [frames.length, ...k.shape], { type: 'rows', file: kind, paths: k.paths })),
  ];
  return { file: npzFile(rel, 'flame', entries), notes };
}

/** Calibration as arrays: K (N, 3, 3), D (N, d), RT (N, 4, 4) float64 and camera_ids as strings. */
export function calibrationNpz(rel: string, cameras: [string, CameraCalibration][]): PlannedFile {
  const n = cameras.length;
  const dLen = Math.max(0, ...cameras.map(([, c]) => c.D.length));
  const K = new Float64Array(n * 9);
  const D = new Float64Array(n * dLen).fill(Number.NaN);
  const RT = new Float64Array(n * 16);
  cameras.forEach(([, c], i) => {
    K.set(c.K.flat(), i * 9);
    D.set(c.D, i * dLen);
    RT.set(c.RT.flat(), i * 16);
  });
  const arrays: [string, NdArray][] = [
    ['camera_ids', unicodeArray(cameras.map(([id]) => id))],
    ['K', NdArray.fromTyped(K, [n, 3, 3])],
    ['D', NdArray.fromTyped(D, [n, dLen])],
    ['RT', NdArray.fromTyped(RT, [n, 4, 4])],
  ];
  return npzFile(
    rel,
    'calibration',
    arrays.map(([name, a]) => entry(name, a.dtype, [...a.shape], { type: 'array', array: a })),
  );
}

/** One camera's calibration: K (3, 3), D (d,), RT (4, 4) float64. */
export function cameraCalibrationNpz(rel: string, cal: CameraCalibration): PlannedFile {
  const arrays: [string, NdArray][] = [
    ['K', NdArray.fromTyped(Float64Array.from(cal.K.flat()), [3, 3])],
    ['D', NdArray.fromTyped(Float64Array.from(cal.D), [cal.D.length])],
    ['RT', NdArray.fromTyped(Float64Array.from(cal.RT.flat()), [4, 4])],
  ];
  return npzFile(
    rel,
    'calibration',
    arrays.map(([name, a]) => entry(name, a.dtype, [...a.shape], { type: 'array', array: a })),
  );
}

/** audio/audio.wav (float32) and audio/audio_data.npz (the samples as stored, and sample_rate). */
export function audioFiles(base: string, kind: SmcFileKind, info: AudioInfo & { sampleRate: number }): PlannedFile[] {
  const frames = info.sampleCount;
  const wav: PlannedFile = {
    rel: `${base}audio/audio.wav`,
    group: 'audio',
    bytes: wavByteLength(info.channels, frames),
    exact: true,
    source: { type: 'wav', file: kind, channels: info.channels, sampleRate: info.sampleRate, frames },
  };
  const rate = NdArray.fromTyped(BigInt64Array.of(BigInt(Math.round(info.sampleRate))), [], '<i8');
  const npz = npzFile(`${base}audio/audio_data.npz`, 'audio', [
    entry('audio', floatDtype(info.dtype), info.shape, { type: 'audio', file: kind }),
    entry('sample_rate', '<i8', [], { type: 'array', array: rate }),
  ]);
  return [wav, npz];
}

/** A numpy `<U` array (UCS-4 code points, zero-padded), loadable without pickles. */
function unicodeArray(values: string[]): NdArray {
  const points = values.map((v) => Array.from(v, (ch) => ch.codePointAt(0)!));
  const width = Math.max(1, ...points.map((p) => p.length));
  const codes = new Uint32Array(values.length * width);
  points.forEach((p, i) => codes.set(p, i * width));
  return NdArray.fromTyped(codes, [values.length], `<U${width}`);
}

function sameShape(a: number[] | null, b: readonly number[]): boolean {
  return a !== null && a.length === b.length && a.every((x, i) => x === b[i]) && shapeSize(a) > 0;
}
