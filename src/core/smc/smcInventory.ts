import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Hdf5File } from '../hdf5/hdf5File';
import type { Hdf5DatasetInfo } from '../hdf5/types';
import { escapeControl } from '../printable';
import { MAX_NUM_FRAME, toCount, type SmcHeader } from './smcHeader';
import { formatFrameRanges, missingFrames, parseFrameKeys, sortCameraIds } from './smcKeys';

/**
 * What an SMC file holds, from its structure and dataset metadata only (no payload is read): cameras
 * and frames as they exist (never assumed from num_device), byte counts per part, camera and frame,
 * and warnings about gaps. `bytes` are the payload sizes a reader gets (an extracted JPEG has exactly
 * that size); `storedBytes` are the bytes the payloads occupy in the file (equal unless compressed;
 * null when unknown).
 */
export interface SmcInventory {
  /** Camera groups under /Camera, numerically sorted. */
  cameraIds: string[];
  cameras: SmcCameraEntry[];
  color: ImagePartInventory | null;
  mask: ImagePartInventory | null;
  audio: AudioInfo | null;
  calibration: CalibrationInventory | null;
  keypoints2d: Keypoints2dInventory | null;
  keypoints3d: FrameDatasetsInventory | null;
  flame: FlameInventory | null;
  uvTexture: FrameDatasetsInventory | null;
  scan: ScanInventory | null;
  scanMask: ScanMaskInventory | null;
  /** Top-level members that are not part of the RenderMe360 layout. */
  other: string[];
  /** Datasets inventoried, and their total payload and stored bytes. */
  datasets: number;
  bytes: number;
  storedBytes: number | null;
  warnings: SmcWarning[];
}

export type ImageKind = 'color' | 'mask';

/** One camera's colour or mask frames. */
export interface FrameSeries {
  /** Frame numbers present, ascending. */
  frames: number[];
  /** Payload bytes of each frame, aligned with `frames`. */
  sizes: number[];
  bytes: number;
  storedBytes: number | null;
  /** Frames in [0, num_frame) that this camera lacks. */
  missingFrames: number[];
}

export interface SmcCameraEntry {
  id: string;
  color: FrameSeries | null;
  mask: FrameSeries | null;
  /** The camera group holds the audio (Camera/00/audio in speech raw files). */
  audio: boolean;
  /** Other members of the camera group. */
  other: string[];
}

interface PartBytes {
  bytes: number;
  storedBytes: number | null;
}

export interface ImagePartInventory extends PartBytes {
  /** Cameras that hold at least one image of this kind. */
  cameras: number;
  images: number;
  /** Distinct frame numbers across cameras. */
  frames: number;
}

export interface AudioInfo extends PartBytes {
  /** Path of the sample dataset. */
  path: string;
  dtype: string;
  shape: number[];
  channels: number;
  /** Samples per channel. */
  sampleCount: number;
  /** Hz; null if the sample_rate dataset is missing or unreadable. */
  sampleRate: number | null;
  durationSeconds: number | null;
}

export interface CalibrationInventory extends PartBytes {
  cameraIds: string[];
  /** Cameras lacking K, D or RT. */
  incomplete: string[];
}

/** Per-frame datasets (Keypoints3d, UV_texture, one Keypoints2d camera). */
export interface FrameDatasetsInventory extends PartBytes {
  /** The group's num_frame attribute, if any. */
  numFrame: number | null;
  frames: number[];
  sizes: number[];
  /** Frames whose dataset has no elements ("no detection"). */
  emptyFrames: number[];
  missingFrames: number[];
  dtype: string | null;
  /** Shape of the first non-empty frame's dataset. */
  shape: number[] | null;
}

export interface Keypoints2dInventory extends PartBytes {
  numFrame: number | null;
  cameras: (FrameDatasetsInventory & { id: string })[];
  dtype: string | null;
  shape: number[] | null;
}

export interface FlameInventory extends PartBytes {
  numFrame: number | null;
  frames: number[];
  missingFrames: number[];
  /** Every key seen, with the dtype and shape of its first occurrence. */
  keys: Record<string, { dtype: string; shape: number[] | null }>;
  /** Frames lacking some of the keys. */
  incompleteFrames: number[];
}

export interface ScanInventory extends PartBytes {
  vertexCount: number | null;
  faceCount: number | null;
  vertexDtype: string | null;
  faceDtype: string | null;
}

export interface ScanMaskInventory extends PartBytes {
  cameraIds: string[];
  sizes: number[];
}

export interface SmcWarning {
  code: SmcWarningCode;
  /** `warning`: data is missing or malformed; `info`: unusual but legitimate (e.g. a partial rig). */
  severity: 'warning' | 'info';
  message: string;
  camera?: string;
  frames?: number[];
}

export type SmcWarningCode =
  | 'missing-frames'
  | 'extra-frames'
  | 'missing-cameras'
  | 'partial-rig'
  | 'bad-key'
  | 'bad-attribute'
  | 'damaged-data'
  | 'not-encoded-image'
  | 'keypoints-missing'
  | 'keypoints-empty'
  | 'keypoints-camera'
  | 'calibration-missing'
  | 'calibration-incomplete'
  | 'flame-incomplete'
  | 'audio-incomplete'
  | 'scan-incomplete'
  | 'no-images'
  | 'unexpected-member'
  | 'pair-missing'
  | 'pair-unreadable'
  | 'pair-mismatch';

/** The 15 frontal cameras that carry 2D landmarks. */
export const KEYPOINT_CAMERAS = Array.from({ length: 15 }, (_, i) => String(18 + i));

const KNOWN_TOP_LEVEL = new Set(['Camera', 'Calibration', 'Keypoints2d', 'Keypoints3d', 'FLAME', 'UV_texture', 'Scan', 'ScanMask']);
/** Datasets between yields to the event loop, so a long inventory does not freeze the extension host. */
const YIELD_EVERY = 2000;

/**
 * Builds the inventory. Costs a few µs per dataset (its object header is parsed; no payload is
 * read), e.g. ~40,000 colour frames of a 20 GB raw file; it yields to the event loop as it goes.
 */
export async function buildInventory(file: Hdf5File, header: SmcHeader): Promise<SmcInventory> {
  return new InventoryBuilder(file, header).build();
}

class InventoryBuilder {
  private readonly warnings: SmcWarning[] = [];
  private datasets = 0;
  private bytes = 0;
  private storedBytes: number | null = 0;
  private sinceYield = 0;
  private readonly numFrame: number;

  constructor(
    private readonly file: Hdf5File,
    private readonly header: SmcHeader,
  ) {
    this.numFrame = header.cameraInfo.numFrame;
  }

  async build(): Promise<SmcInventory> {
    for (const p of this.header.problems) this.warn('bad-attribute', 'warning', p.message);
    const top = this.file.childNames('/') ?? [];
    const has = (name: string) => top.includes(name);
    const { cameraIds, cameras } = await this.cameras();
    const inventory: SmcInventory = {
      cameraIds,
      cameras,
      color: imagePart(cameras, 'color'),
      mask: imagePart(cameras, 'mask'),
      audio: cameras.some((c) => c.audio) ? await this.audio(cameras.find((c) => c.audio)!.id) : null,
      calibration: has('Calibration') ? await this.calibration() : null,
      keypoints2d: has('Keypoints2d') ? await this.keypoints2d() : null,
      keypoints3d: has('Keypoints3d') ? await this.frameDatasets('/Keypoints3d', 'Keypoints3d') : null,
      flame: has('FLAME') ? await this.flame() : null,
      uvTexture: has('UV_texture') ? await this.frameDatasets('/UV_texture', 'UV_texture') : null,
      scan: has('Scan') ? this.scan() : null,
      scanMask: has('ScanMask') ? await this.scanMask() : null,
      other: top.filter((t) => !KNOWN_TOP_LEVEL.has(t)),
      datasets: 0,
      bytes: 0,
      storedBytes: 0,
      warnings: this.warnings,
    };
    this.rigWarnings(inventory);
    inventory.datasets = this.datasets;
    inventory.bytes = this.bytes;
    inventory.storedBytes = this.storedBytes;
    return inventory;
  }

  private async cameras(): Promise<{ cameraIds: string[]; cameras: SmcCameraEntry[] }> {
    const links = this.file.children('/Camera') ?? [];
    const groups = links.filter((l) => l.kind === 'group').map((l) => l.name);
    for (const l of links.filter((l) => l.kind !== 'group')) {
      this.warn('unexpected-member', 'info', `/Camera/${l.name} is a ${l.kind}, not a camera group; it is ignored`);
    }
    const cameraIds = sortCameraIds(groups);
    const cameras: SmcCameraEntry[] = [];
    for (const id of cameraIds) {
      const members = this.file.childNames(`/Camera/${id}`) ?? [];
      const entry: SmcCameraEntry = {
        id,
        color: members.includes('color') ? await this.frameSeries(id, 'color') : null,
        mask: members.includes('mask') ? await this.frameSeries(id, 'mask') : null,
        audio: members.includes('audio'),
        other: members.filter((m) => m !== 'color' && m !== 'mask' && m !== 'audio'),
      };
      if (entry.other.length > 0) {
        this.warn('unexpected-member', 'info', `Camera ${id} also holds ${entry.other.join(', ')}`, { camera: id });
      }
      cameras.push(entry);
    }
    return { cameraIds, cameras };
  }

  private async frameSeries(camera: string, kind: ImageKind): Promise<FrameSeries | null> {
    const path = `/Camera/${camera}/${kind}`;
    const names = this.file.childNames(path);
    if (names === null) {
      this.warn('unexpected-member', 'warning', `${path} is not a group of frames`, { camera });
      return null;
    }
    const { frames: all, keys, invalid } = parseFrameKeys(names);
    if (invalid.length > 0) this.badKeys(path, invalid, camera);
    const infos = (await this.groupDatasets(path)) ?? new Map<string, Hdf5DatasetInfo>();
    const series: FrameSeries = { frames: [], sizes: [], bytes: 0, storedBytes: 0, missingFrames: [] };
    let malformed = 0;
    for (let i = 0; i < keys.length; i++) {
      const info = infos.get(keys[i]!);
      if (!info) {
        malformed++;
        continue;
      }
      if (info.dtype.size !== 1 || info.shape?.length !== 1 || info.byteLength === 0) malformed++;
      series.frames.push(all[i]!);
      series.sizes.push(info.byteLength);
      series.bytes += info.byteLength;
      series.storedBytes = addStored(series.storedBytes, info.storedBytes);
    }
    if (malformed > 0) {
      this.warn('not-encoded-image', 'warning', `Camera ${camera}: ${malformed} ${kind} entries are not encoded images (1-D bytes)`, {
        camera,
      });
    }
    series.missingFrames = missingFrames(series.frames, this.numFrame);
    if (series.missingFrames.length > 0) {
      this.warn(
        'missing-frames',
        'warning',
        `Camera ${camera} lacks ${kind} frames ${formatFrameRanges(series.missingFrames)} (num_frame is ${this.numFrame})`,
        { camera, frames: series.missingFrames },
      );
    }
    // A num_frame the header could not believe reads as 0: no frame is "beyond" it.
    const extra = this.header.problems.some((p) => p.attribute === 'num_frame') ? [] : series.frames.filter((f) => f >= this.numFrame);
    if (extra.length > 0) {
      this.warn('extra-frames', 'warning', `Camera ${camera} has ${kind} frames beyond num_frame ${this.numFrame}: ${formatFrameRanges(extra)}`, {
        camera,
        frames: extra,
      });
    }
    return series;
  }

  private async audio(camera: string): Promise<AudioInfo | null> {
    const base = `/Camera/${camera}/audio`;
    const samples = this.datasetNow(`${base}/audio`);
    if (!samples?.shape) {
      this.warn('audio-incomplete', 'warning', `${base} has no audio samples dataset`, { camera });
      return null;
    }
    const damage = this.file.unreadableReason(samples);
    if (damage) {
      this.warn('audio-incomplete', 'warning', `${base}/audio is damaged (${damage}); the audio is left out`, { camera });
      return null;
    }
    let sampleRate: number | null = null;
    const rate = this.datasetNow(`${base}/sample_rate`);
    if (rate?.elements === 1) {
      const value = await this.file.readArray(rate.path);
      const v = value ? Number((value.data as ArrayLike<number | bigint>)[0]) : NaN;
      sampleRate = Number.isFinite(v) && v > 0 ? v : null;
    }
    if (sampleRate === null) this.warn('audio-incomplete', 'warning', `${base}/sample_rate is missing or invalid`, { camera });
    const sampleCount = samples.shape[0] ?? 0;
    return {
      path: samples.path,
      dtype: samples.dtype.name,
      shape: samples.shape,
      channels: samples.shape.length > 1 ? samples.shape[1]! : 1,
      sampleCount,
      sampleRate,
      durationSeconds: sampleRate ? sampleCount / sampleRate : null,
      bytes: samples.byteLength,
      storedBytes: samples.storedBytes,
    };
  }

  private async calibration(): Promise<CalibrationInventory> {
    const ids = sortCameraIds(this.file.childNames('/Calibration') ?? []);
    const inv: CalibrationInventory = { cameraIds: [], incomplete: [], bytes: 0, storedBytes: 0 };
    for (const id of ids) {
      const members = await this.groupDatasets(`/Calibration/${id}`);
      if (members === null) continue;
      inv.cameraIds.push(id);
      const usable = ['K', 'D', 'RT'].every((k) => members.has(k) && !this.file.unreadableReason(members.get(k)!));
      if (!usable || members.get('K')!.elements !== 9 || members.get('RT')!.elements !== 16) inv.incomplete.push(id);
      for (const info of members.values()) this.tally(inv, info);
    }
    if (inv.incomplete.length > 0) {
      this.warn('calibration-incomplete', 'warning', `Calibration lacks a 3×3 K, a D or a 4×4 RT for cameras ${inv.incomplete.join(', ')}`);
    }
    return inv;
  }

  private async keypoints2d(): Promise<Keypoints2dInventory> {
    const numFrame = this.groupNumFrame('/Keypoints2d');
    const ids = sortCameraIds(this.file.childNames('/Keypoints2d') ?? []);
    const inv: Keypoints2dInventory = { numFrame, cameras: [], dtype: null, shape: null, bytes: 0, storedBytes: 0 };
    for (const id of ids) {
      if (this.file.kind(`/Keypoints2d/${id}`) !== 'group') continue;
      const cam = await this.frameDatasets(`/Keypoints2d/${id}`, `Keypoints2d camera ${id}`, numFrame, id);
      inv.cameras.push({ id, ...cam });
      inv.bytes += cam.bytes;
      inv.storedBytes = addStored(inv.storedBytes, cam.storedBytes);
      inv.dtype ??= cam.dtype;
      inv.shape ??= cam.shape;
    }
    const outside = inv.cameras.map((c) => c.id).filter((id) => !KEYPOINT_CAMERAS.includes(id));
    if (outside.length > 0) {
      this.warn('keypoints-camera', 'info', `2D landmarks for cameras outside the frontal arc 18-32: ${outside.join(', ')}`);
    }
    const absent = KEYPOINT_CAMERAS.filter((id) => !ids.includes(id));
    if (absent.length > 0) {
      this.warn('keypoints-missing', 'warning', `No 2D landmarks for frontal cameras ${absent.join(', ')}`);
    }
    return inv;
  }

  /** A group of per-frame datasets; gaps and empty ("no detection") frames become warnings. */
  private async frameDatasets(path: string, label: string, numFrame = this.groupNumFrame(path), camera?: string): Promise<FrameDatasetsInventory> {
    const { frames: all, keys, invalid } = parseFrameKeys(this.file.childNames(path) ?? []);
    if (invalid.length > 0) this.badKeys(path, invalid, camera);
    const inv: FrameDatasetsInventory = {
      numFrame,
      frames: [],
      sizes: [],
      emptyFrames: [],
      missingFrames: [],
      dtype: null,
      shape: null,
      bytes: 0,
      storedBytes: 0,
    };
    const infos = (await this.groupDatasets(path)) ?? new Map<string, Hdf5DatasetInfo>();
    const damaged: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      const info = infos.get(keys[i]!);
      if (!info) continue;
      inv.frames.push(all[i]!);
      inv.sizes.push(info.byteLength);
      this.tally(inv, info);
      if (info.elements === 0) inv.emptyFrames.push(all[i]!);
      // The shape every frame is held to comes from a dataset the file can back.
      else if (this.file.unreadableReason(info)) damaged.push(all[i]!);
      else if (inv.shape === null) {
        inv.shape = info.shape;
        inv.dtype = info.dtype.name;
      }
    }
    if (damaged.length > 0) this.damaged(`${label}, frames ${formatFrameRanges(damaged)}`, camera);
    inv.missingFrames = missingFrames(inv.frames, numFrame ?? this.numFrame);
    const extra = { camera, frames: inv.missingFrames };
    if (inv.missingFrames.length > 0) {
      const code = path.startsWith('/Keypoints') ? 'keypoints-missing' : 'missing-frames';
      this.warn(code, 'warning', `${label} lacks frames ${formatFrameRanges(inv.missingFrames)}`, extra);
    }
    if (inv.emptyFrames.length > 0) {
      this.warn('keypoints-empty', 'info', `${label} has no detection (empty array) in frames ${formatFrameRanges(inv.emptyFrames)}`, {
        camera,
        frames: inv.emptyFrames,
      });
    }
    return inv;
  }

  private async flame(): Promise<FlameInventory> {
    const numFrame = this.groupNumFrame('/FLAME');
    const { frames: all, keys, invalid } = parseFrameKeys(this.file.childNames('/FLAME') ?? []);
    if (invalid.length > 0) this.badKeys('/FLAME', invalid);
    const inv: FlameInventory = { numFrame, frames: [], missingFrames: [], keys: {}, incompleteFrames: [], bytes: 0, storedBytes: 0 };
    const perFrame: string[][] = [];
    for (let i = 0; i < keys.length; i++) {
      const params = await this.groupDatasets(`/FLAME/${keys[i]}`);
      if (params === null) continue;
      inv.frames.push(all[i]!);
      perFrame.push([...params.keys()]);
      for (const [name, info] of params) {
        this.tally(inv, info);
        if (this.file.unreadableReason(info)) this.damaged(`FLAME frame ${all[i]} ${name}`);
        else inv.keys[name] ??= { dtype: info.dtype.name, shape: info.shape };
      }
    }
    const allKeys = Object.keys(inv.keys);
    inv.incompleteFrames = inv.frames.filter((_, i) => allKeys.some((k) => !perFrame[i]!.includes(k)));
    if (inv.incompleteFrames.length > 0) {
      this.warn('flame-incomplete', 'warning', `FLAME frames ${formatFrameRanges(inv.incompleteFrames)} lack some parameters`, {
        frames: inv.incompleteFrames,
      });
    }
    inv.missingFrames = missingFrames(inv.frames, numFrame ?? this.numFrame);
    if (inv.missingFrames.length > 0) {
      this.warn('missing-frames', 'warning', `FLAME lacks frames ${formatFrameRanges(inv.missingFrames)}`, { frames: inv.missingFrames });
    }
    return inv;
  }

  private scan(): ScanInventory {
    const vertex = this.datasetNow('/Scan/vertex');
    const faces = this.datasetNow('/Scan/vertex_indices');
    const inv: ScanInventory = {
      vertexCount: vertex?.shape?.[0] ?? null,
      faceCount: faces?.shape?.[0] ?? null,
      vertexDtype: vertex?.dtype.name ?? null,
      faceDtype: faces?.dtype.name ?? null,
      bytes: 0,
      storedBytes: 0,
    };
    for (const info of [vertex, faces]) if (info) this.tally(inv, info);
    if (!vertex || !faces) this.warn('scan-incomplete', 'warning', '/Scan lacks vertex or vertex_indices');
    else if (this.file.unreadableReason(vertex) || this.file.unreadableReason(faces)) this.damaged('The scan mesh');
    return inv;
  }

  private async scanMask(): Promise<ScanMaskInventory> {
    const masks = (await this.groupDatasets('/ScanMask')) ?? new Map<string, Hdf5DatasetInfo>();
    const inv: ScanMaskInventory = { cameraIds: [], sizes: [], bytes: 0, storedBytes: 0 };
    for (const id of sortCameraIds([...masks.keys()])) {
      const info = masks.get(id)!;
      inv.cameraIds.push(id);
      inv.sizes.push(info.byteLength);
      this.tally(inv, info);
    }
    return inv;
  }

  /** Warnings about the rig as a whole, once cameras and calibration are known. */
  private rigWarnings(inv: SmcInventory): void {
    const { numDevice } = this.header.cameraInfo;
    for (const kind of ['color', 'mask'] as const) {
      const part = inv[kind];
      if (!part) continue;
      const label = kind === 'color' ? 'colour images' : 'masks';
      // A camera group with other images, or with nothing at all, is missing this kind; the
      // audio-only camera 00 of speech files is not.
      const lacking = inv.cameras.filter((c) => !c[kind] && (c.color !== null || c.mask !== null || (!c.audio && c.other.length === 0)));
      if (lacking.length > 0) {
        this.warn('missing-cameras', 'warning', `No ${label} for cameras ${lacking.map((c) => c.id).join(', ')}`);
      }
      if (part.cameras < numDevice) {
        this.warn('partial-rig', 'info', `${cap(label)} for ${part.cameras} of ${numDevice} cameras (num_device)`);
      }
    }
    if (!inv.color && !inv.mask) this.warn('no-images', 'warning', 'The file holds no colour images or masks');
    if (inv.calibration) {
      const withImages = inv.cameras.filter((c) => c.color !== null || c.mask !== null).map((c) => c.id);
      const uncalibrated = withImages.filter((id) => !inv.calibration!.cameraIds.includes(id));
      if (uncalibrated.length > 0) {
        this.warn('calibration-missing', 'warning', `No calibration for cameras ${uncalibrated.join(', ')}`);
      }
    }
  }

  private groupNumFrame(path: string): number | null {
    const v = this.file.attribute(path, 'num_frame');
    if (v === undefined) return null;
    const n = toCount(v, MAX_NUM_FRAME);
    if (n === null) this.warn('bad-attribute', 'warning', `${path} attribute num_frame is not a frame count; /Camera's num_frame is used`);
    return n;
  }

  /** Datasets whose metadata claims more than the file holds (or bytes past its end): reported, never read. */
  private damaged(what: string, camera?: string): void {
    this.warn('damaged-data', 'warning', `${what}: the data is damaged (it claims bytes the file does not hold) and is left out`, { camera });
  }

  private badKeys(path: string, keys: string[], camera?: string): void {
    const shown = keys.slice(0, 5).join(', ') + (keys.length > 5 ? ', …' : '');
    this.warn('bad-key', 'warning', `${path} has ${keys.length} members that are not frame numbers (${shown}); they are ignored`, {
      camera,
    });
  }

  /**
   * The datasets of one group (one header parse each), counted into the totals. Yields to the event
   * loop between groups once enough datasets have been described, so the host stays responsive.
   */
  private async groupDatasets(path: string): Promise<Map<string, Hdf5DatasetInfo> | null> {
    if (this.sinceYield >= YIELD_EVERY) {
      this.sinceYield = 0;
      await yieldToEventLoop();
    }
    const infos = this.file.datasetsIn(path);
    for (const info of infos?.values() ?? []) this.count(info);
    this.sinceYield += infos?.size ?? 0;
    return infos;
  }

  /** One dataset, counted into the totals (for the few single datasets). */
  private datasetNow(path: string): Hdf5DatasetInfo | null {
    const info = this.file.dataset(path);
    if (info) this.count(info);
    return info;
  }

  private count(info: Hdf5DatasetInfo): void {
    this.datasets++;
    this.bytes += info.byteLength;
    this.storedBytes = addStored(this.storedBytes, info.storedBytes);
  }

  /** Adds a dataset's bytes to one part's totals. */
  private tally(part: PartBytes, info: Hdf5DatasetInfo): void {
    part.bytes += info.byteLength;
    part.storedBytes = addStored(part.storedBytes, info.storedBytes);
  }

  private warn(code: SmcWarningCode, severity: SmcWarning['severity'], message: string, extra: Partial<SmcWarning> = {}): void {
    // Messages name cameras and keys from the file: one line each, whatever those names hold.
    const w: SmcWarning = { code, severity, message: escapeControl(message) };
    if (extra.camera !== undefined) w.camera = extra.camera;
    if (extra.frames !== undefined) w.frames = extra.frames;
    this.warnings.push(w);
  }
}

function imagePart(cameras: SmcCameraEntry[], kind: ImageKind): ImagePartInventory | null {
  const series = cameras.map((c) => c[kind]).filter((s): s is FrameSeries => s !== null && s.frames.length > 0);
  if (series.length === 0) return null;
  const frames = new Set<number>();
  let images = 0;
  let bytes = 0;
  let storedBytes: number | null = 0;
  for (const s of series) {
    for (const f of s.frames) frames.add(f);
    images += s.frames.length;
    bytes += s.bytes;
    storedBytes = addStored(storedBytes, s.storedBytes);
  }
  return { cameras: series.length, images, frames: frames.size, bytes, storedBytes };
}

function addStored(total: number | null, add: number | null): number | null {
  return total === null || add === null ? null : total + add;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
