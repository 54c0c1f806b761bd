import { basename } from 'node:path';
import { InputError } from '../errors';
import { Hdf5File, type Hdf5Array, type ReadOptions } from '../hdf5/hdf5File';
import type { Hdf5DatasetInfo } from '../hdf5/types';
import type { NumericArray } from '../hdf5/dtype';
import type { CameraCalibration } from './calibration';
import { imageHeaderInfo, sniffImageFormat, type ImageFormat } from './imageFormat';
import { performanceKindOf, readSmcHeader, type PerformanceKind, type SmcFileKind, type SmcHeader } from './smcHeader';
import { buildInventory, type AudioInfo, type ImageKind, type SmcInventory } from './smcInventory';
import { cameraKey, frameKey, parseFrameKeys, sortCameraIds } from './smcKeys';
import { smcPartPath, type SmcFrameSeries, type SmcPartGroup } from './smcParts';

export type { ActorInfo, CameraInfo, PerformanceKind, SmcFileKind, SmcHeader } from './smcHeader';
export { performanceKindOf } from './smcHeader';

/** The stored bytes of an image (a complete JPEG or PNG file), with its sniffed format. */
export interface EncodedImage {
  /** HDF5 path of the dataset. */
  path: string;
  format: ImageFormat;
  bytes: Uint8Array;
  /** From the image header (no decoding); null if the header could not be parsed. */
  width: number | null;
  height: number | null;
  channels: number | null;
}

export type FloatArray = Float32Array | Float64Array;

/** A float array with its shape and stored dtype (integer data is converted to float64). */
export interface FloatNdArray {
  dtype: string;
  shape: number[];
  data: FloatArray;
}

/** 106 facial landmarks: (106, 2) pixels of the stored image, or (106, 3) world metres. */
export type Keypoints = FloatNdArray;

/** FLAME parameters of one frame, every key the file holds (global_pose, exp, verts, albedos, ...). */
export type FlameFrame = Record<string, FloatNdArray>;

export interface ScanMesh {
  /** (n, 3) vertex positions, world metres. */
  vertices: FloatNdArray;
  /** Triangles as flat 0-based vertex indices (3 per face). */
  faces: Uint32Array;
  vertexCount: number;
  faceCount: number;
}

/** The scan mesh's datasets (metadata only); null where the file lacks one. */
export interface ScanDatasets {
  vertices: Hdf5DatasetInfo | null;
  faces: Hdf5DatasetInfo | null;
}

const SCAN_VERTICES = '/Scan/vertex';
const SCAN_FACES = '/Scan/vertex_indices';

export interface AudioData extends AudioInfo {
  /** Samples as stored: interleaved channels for (N, 2), values in [-1, 1). */
  samples: FloatArray;
}

/**
 * An open RenderMe360 `.smc` file (one half of a performance: `anno` or `raw`). Opening reads only the
 * header; the inventory reads dataset metadata; every accessor reads only what it returns. Missing data
 * (a camera, frame, or whole part) gives null, never an exception; a damaged file gives InputError.
 * Call close() when done.
 */
export class SmcFile {
  private inventoryPromise?: Promise<SmcInventory>;

  private constructor(
    readonly path: string,
    /** The underlying HDF5 file, for the raw structure view and generic reads. */
    readonly hdf5: Hdf5File,
    readonly header: SmcHeader,
    readonly fileKind: SmcFileKind,
  ) {}

  /** Opens and validates `path`; throws InputError with a specific code for anything not an SMC. */
  static async open(path: string): Promise<SmcFile> {
    const hdf5 = await Hdf5File.open(path);
    try {
      const header = readSmcHeader(hdf5);
      return new SmcFile(path, hdf5, header, detectFileKind(hdf5, path));
    } catch (err) {
      hdf5.close();
      throw err;
    }
  }

  get performanceKind(): PerformanceKind {
    return performanceKindOf(this.header.performancePart);
  }

  get fileSize(): number {
    return this.hdf5.size;
  }

  /** Everything the file holds, with sizes and warnings (computed once, then cached). */
  inventory(): Promise<SmcInventory> {
    this.inventoryPromise ??= buildInventory(this.hdf5, this.header);
    return this.inventoryPromise;
  }

  /** Camera groups under /Camera (numerically sorted), optionally only those holding `kind` images. */
  cameraIds(kind?: ImageKind): string[] {
    const ids = sortCameraIds(this.hdf5.childNames('/Camera') ?? []);
    return kind ? ids.filter((id) => this.hdf5.kind(smcPartPath({ part: kind, camera: id })!) === 'group') : ids;
  }

  /** Frame numbers of one camera's images, ascending (empty if the camera has none). */
  frames(camera: string | number, kind: ImageKind): number[] {
    return parseFrameKeys(this.hdf5.childNames(smcPartPath({ part: kind, camera })!) ?? []).frames;
  }

  /** HDF5 path of one image. */
  imagePath(camera: string | number, kind: ImageKind, frame: number | string): string {
    return smcPartPath({ part: kind, camera }, frameKey(frame) ?? String(frame))!;
  }

  /**
   * Metadata of the datasets in one part's group (nothing is read from their values), keyed as the file
   * keys them (frame, camera id or parameter name); null when the file lacks the group.
   */
  partDatasets(group: SmcPartGroup): Map<string, Hdf5DatasetInfo> | null {
    const path = smcPartPath(group);
    return path === null ? null : this.hdf5.datasetsIn(path);
  }

  /** One colour image or mask as stored (JPEG / PNG bytes), or null if the file does not hold it. */
  async readImage(camera: string | number, kind: ImageKind, frame: number | string): Promise<EncodedImage | null> {
    if (frameKey(frame) === null) return null;
    return this.readEncoded(this.imagePath(camera, kind, frame));
  }

  /** Calibration of one camera (K, D, RT with RT camera-to-world), or null. */
  async calibration(camera: string | number): Promise<CameraCalibration | null> {
    const base = `/Calibration/${cameraKey(camera)}`;
    if (this.hdf5.kind(base) !== 'group') return null;
    // A damaged matrix (claiming bytes the file does not hold) leaves the camera uncalibrated, like a missing one.
    const infos = ['K', 'D', 'RT'].map((k) => this.hdf5.dataset(`${base}/${k}`));
    if (infos.some((i) => i && this.hdf5.unreadableReason(i))) return null;
    const [K, D, RT] = await Promise.all(['K', 'D', 'RT'].map((k) => this.readFloat(`${base}/${k}`)));
    // A K that is not 3×3 or an RT that is not 4×4 (a damaged file) is no calibration.
    if (!K || !D || !RT || K.data.length !== 9 || RT.data.length !== 16) return null;
    return { K: toMatrix({ ...K, shape: [3, 3] }), D: Array.from(D.data), RT: toMatrix({ ...RT, shape: [4, 4] }) };
  }

  /**
   * Calibration of every camera the file calibrates, in camera order (a Map: a plain object would
   * list "10".."59" before "00".."09", since JS orders integer-like keys first).
   */
  async calibrationAll(): Promise<Map<string, CameraCalibration>> {
    const out = new Map<string, CameraCalibration>();
    for (const id of sortCameraIds(this.hdf5.childNames('/Calibration') ?? [])) {
      const cal = await this.calibration(id);
      if (cal) out.set(id, cal);
    }
    return out;
  }

  /** 2D landmarks (106, 2) of a frontal camera (18-32) in one frame; null if missing or empty. */
  keypoints2d(camera: string | number, frame: number | string): Promise<Keypoints | null> {
    return this.readFrameFloat(smcPartPath({ part: 'keypoints2d', camera })!, frame);
  }

  /** 3D landmarks (106, 3) in world metres; null if missing or empty. */
  keypoints3d(frame: number | string): Promise<Keypoints | null> {
    return this.readFrameFloat(smcPartPath({ part: 'keypoints3d' })!, frame);
  }

  /** Every FLAME parameter of one frame (including verts and albedos), or null. */
  async flame(frame: number | string): Promise<FlameFrame | null> {
    const base = smcPartPath({ part: 'flame', frame });
    if (base === null || this.hdf5.kind(base) !== 'group') return null;
    const out: FlameFrame = {};
    for (const name of this.hdf5.childNames(base) ?? []) {
      const arr = await this.readFloat(`${base}/${name}`);
      if (arr) out[name] = arr;
    }
    return out;
  }

  /** One FLAME parameter (e.g. verts) of one frame, reading nothing else; null if the frame lacks it. */
  async flameParameter(frame: number | string, name: string): Promise<FloatNdArray | null> {
    const path = smcPartPath({ part: 'flame', frame }, name);
    return path === null ? null : this.readFloat(path);
  }

  /**
   * Metadata of a per-frame series' dataset in every frame that holds one (soft links followed), keyed
   * as the file keys the frames; nothing is read from the values. Null when the file lacks the series' group.
   */
  seriesDatasets(series: SmcFrameSeries): Map<string, Hdf5DatasetInfo> | null {
    const group = series.part === 'flame' ? '/FLAME' : smcPartPath(series)!;
    if (this.hdf5.kind(group) !== 'group') return null;
    const out = new Map<string, Hdf5DatasetInfo>();
    for (const key of parseFrameKeys(this.hdf5.childNames(group) ?? []).keys) {
      const info = this.hdf5.dataset(series.part === 'flame' ? `${group}/${key}/${series.parameter}` : `${group}/${key}`);
      if (info) out.set(key, info);
    }
    return out;
  }

  /**
   * One FLAME parameter across all frames, for plots: `data` holds one row per frame (frames sorted),
   * each of `shape` (e.g. exp: 50 values). Frames lacking the key are skipped. Null if no frame has it.
   */
  async flameSeries(name: string): Promise<{ frames: number[]; shape: number[]; data: Float64Array } | null> {
    const { frames, keys } = parseFrameKeys(this.hdf5.childNames('/FLAME') ?? []);
    const rows: { frame: number; data: FloatArray; shape: number[] }[] = [];
    for (let i = 0; i < keys.length; i++) {
      const arr = await this.readFloat(`/FLAME/${keys[i]}/${name}`);
      if (arr && (rows.length === 0 || arr.data.length === rows[0]!.data.length)) rows.push({ frame: frames[i]!, ...arr });
    }
    if (rows.length === 0) return null;
    const width = rows[0]!.data.length;
    const data = new Float64Array(rows.length * width);
    rows.forEach((r, i) => data.set(r.data, i * width));
    return { frames: rows.map((r) => r.frame), shape: rows[0]!.shape, data };
  }

  /** The UV texture of one frame as stored (JPEG or PNG), or null. */
  async uvTexture(frame: number | string): Promise<EncodedImage | null> {
    const key = frameKey(frame);
    return key === null ? null : this.readEncoded(smcPartPath({ part: 'uvTexture' }, key)!);
  }

  /** The static scan mesh of the performance, or null. */
  async scanMesh(): Promise<ScanMesh | null> {
    const vertices = await this.readFloat(SCAN_VERTICES);
    const indices = await this.hdf5.readArray(SCAN_FACES);
    if (!vertices || !indices || !ArrayBuffer.isView(indices.data)) return null;
    const vertexCount = vertices.shape[0] ?? 0;
    const faces = toIndices(indices.data, vertexCount, SCAN_FACES);
    return { vertices, faces, vertexCount, faceCount: Math.floor(faces.length / 3) };
  }

  /** Metadata of the scan mesh's vertex and face datasets, to plan with before reading them. */
  scanDatasets(): ScanDatasets {
    return { vertices: this.hdf5.dataset(SCAN_VERTICES), faces: this.hdf5.dataset(SCAN_FACES) };
  }

  /** The mask of the scan seen from one camera, as stored, or null. */
  scanMask(camera: string | number): Promise<EncodedImage | null> {
    return this.readEncoded(smcPartPath({ part: 'scanMask' }, cameraKey(camera))!);
  }

  /** Audio facts without reading samples (from the inventory), or null if the file has no audio. */
  async audioInfo(): Promise<AudioInfo | null> {
    return (await this.inventory()).audio;
  }

  /**
   * Audio samples, whole or the sample frames [start, start + count): a speech part's 80 s of stereo
   * float32 is ~30 MB, so waveform views can read windows.
   */
  async audio(range?: { start: number; count: number }, options?: ReadOptions): Promise<AudioData | null> {
    const info = await this.audioInfo();
    if (!info) return null;
    const arr = range ? await this.hdf5.readRows(info.path, range.start, range.count, options) : await this.hdf5.readArray(info.path, options);
    if (!arr) return null;
    return { ...info, samples: toFloat(arr).data };
  }

  close(): void {
    this.hdf5.close();
  }

  private async readEncoded(path: string): Promise<EncodedImage | null> {
    const info = this.hdf5.dataset(path);
    if (info?.dtype.size !== 1) return null;
    const bytes = await this.hdf5.readBytes(path);
    if (!bytes) return null;
    const head = imageHeaderInfo(bytes);
    return {
      path,
      format: sniffImageFormat(bytes),
      bytes,
      width: head?.width ?? null,
      height: head?.height ?? null,
      channels: head?.channels ?? null,
    };
  }

  /** A per-frame float dataset; null when missing or empty ("no detection"). */
  private async readFrameFloat(group: string, frame: number | string): Promise<FloatNdArray | null> {
    const key = frameKey(frame);
    if (key === null) return null;
    const arr = await this.readFloat(`${group}/${key}`);
    return arr && arr.data.length > 0 ? arr : null;
  }

  private async readFloat(path: string): Promise<FloatNdArray | null> {
    const info = this.hdf5.dataset(path);
    if (!info || !['float', 'int', 'uint'].includes(info.dtype.kind)) return null;
    const arr = await this.hdf5.readArray(path);
    return arr ? toFloat(arr) : null;
  }
}

/** Raw files hold colour frames, anno files masks; the name suffix only breaks ties. */
function detectFileKind(file: Hdf5File, path: string): SmcFileKind {
  for (const cam of file.childNames('/Camera') ?? []) {
    const members = file.childNames(`/Camera/${cam}`) ?? [];
    if (members.includes('color') || members.includes('audio')) return 'raw';
    if (members.includes('mask')) return 'anno';
  }
  const top = file.childNames('/') ?? [];
  if (['Keypoints2d', 'Keypoints3d', 'FLAME'].some((k) => top.includes(k))) return 'anno';
  return /_raw\.smc$/i.test(basename(path)) ? 'raw' : 'anno';
}

function toFloat(arr: Hdf5Array): FloatNdArray {
  const d = arr.data;
  let data: FloatArray;
  if (d instanceof Float32Array || d instanceof Float64Array) data = d;
  else if (ArrayBuffer.isView(d)) data = Float64Array.from(d as ArrayLike<number | bigint>, Number);
  else data = new Float64Array(0);
  return { dtype: arr.dtype.name, shape: arr.shape, data };
}

function toMatrix(arr: FloatNdArray): number[][] {
  const [rows = 0, cols = 1] = arr.shape.length === 2 ? arr.shape : [arr.data.length, 1];
  return Array.from({ length: rows }, (_, r) => Array.from(arr.data.subarray(r * cols, (r + 1) * cols)));
}

/** Face indices as Uint32; indices outside the vertex range mean a damaged file. */
function toIndices(data: NumericArray, vertexCount: number, path: string): Uint32Array {
  const out = new Uint32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]!);
    if (!(v >= 0 && v < vertexCount)) {
      throw new InputError('corrupt', `${path}: face index ${v} is outside the ${vertexCount} vertices; the file is corrupt`);
    }
    out[i] = v;
  }
  return out;
}
