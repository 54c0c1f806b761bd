import type { File as H5WasmFile } from 'h5wasm';
import { loadH5wasm } from '../../src/core/hdf5/openHdf5';
import type { CameraCalibration } from '../../src/core/smc/calibration';

/**
 * Writes HDF5 files with the RenderMe360 SMC layout through h5wasm, for tests that need cases the
 * reference fixtures lack (missing frames, empty landmarks, sparse rigs, compressed datasets) and for
 * the benchmark generator. Payloads are produced on demand, so multi-GB files never sit in memory.
 */

/** `h5py`: superblock 0, symbol-table groups, v1 object headers, as h5py writes by default.
 *  `latest`: superblock 3, v2 object headers, compact/dense link storage (HDF5 1.8+ formats). */
export type Hdf5Format = 'h5py' | 'latest';

export type AttrInit = string | number | bigint | BigInt64Array | Float64Array;

type TypedArray = Uint8Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

export interface DatasetOptions {
  shape?: number[];
  /** Chunked layout; with gzip, deflate-compressed chunks. */
  chunks?: number[];
  gzip?: number;
}

/** A thin writer over h5wasm: groups are created on demand, attributes typed like h5py's. */
export class Hdf5Writer {
  private readonly groups = new Set<string>(['/']);

  private constructor(private readonly file: H5WasmFile) {}

  static async create(path: string, format: Hdf5Format = 'h5py'): Promise<Hdf5Writer> {
    const h5 = await loadH5wasm();
    const libver = format === 'h5py' ? ['earliest', 'latest'] : ['latest', 'latest'];
    return new Hdf5Writer(new h5.File(path, 'w', { libver: libver as ['earliest', 'latest'] }));
  }

  group(path: string, attrs: Record<string, AttrInit> = {}): void {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const p = `/${parts.slice(0, i).join('/')}`;
      if (this.groups.has(p)) continue;
      this.file.create_group(p);
      this.groups.add(p);
    }
    this.attrs(path, attrs);
  }

  dataset(path: string, data: TypedArray, options: DatasetOptions = {}): void {
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    this.group(parent);
    const dtype = data instanceof BigInt64Array ? '<q' : undefined;
    this.file.create_dataset({
      name: path,
      data,
      ...(options.shape ? { shape: options.shape } : {}),
      ...(dtype ? { dtype } : {}),
      ...(options.chunks ? { chunks: options.chunks } : {}),
      ...(options.gzip ? { compression: 'gzip' as const, compression_opts: options.gzip } : {}),
    });
  }

  attrs(path: string, attrs: Record<string, AttrInit>): void {
    const node = this.file.get(path);
    if (!node || !('create_attribute' in node)) throw new Error(`no object at ${path}`);
    for (const [name, v] of Object.entries(attrs)) {
      if (typeof v === 'string') node.create_attribute(name, v);
      else if (typeof v === 'bigint') node.create_attribute(name, BigInt64Array.of(v), [], '<q');
      else if (typeof v === 'number') node.create_attribute(name, Float64Array.of(v), [], '<d');
      else node.create_attribute(name, v, [v.length], v instanceof BigInt64Array ? '<q' : '<d');
    }
  }

  /** A soft link at `path` pointing to `target` (which need not exist). */
  softLink(target: string, path: string): void {
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    this.group(parent);
    const node = this.file.get(parent);
    if (!node || !('create_soft_link' in node)) throw new Error(`no group at ${parent}`);
    node.create_soft_link(target, path.slice(path.lastIndexOf('/') + 1));
  }

  close(): void {
    this.file.close();
  }
}

export interface SmcSpec {
  format?: Hdf5Format;
  actorId?: string;
  part?: string;
  captureDate?: string;
  numFrame: number;
  numDevice?: number;
  /** [height, width]. */
  resolution?: [number, number];
  /** Colour frames (raw) or masks (anno); `frames` per camera defaults to 0..numFrame-1. */
  images?: {
    kind: 'color' | 'mask';
    cameras: string[];
    frames?: (camera: string) => number[];
    bytes: (camera: string, frame: number) => Uint8Array;
    gzip?: boolean;
  };
  /** Camera groups with no members. */
  emptyCameras?: string[];
  audio?: { samples: Float32Array; channels: number; sampleRate: number };
  calibration?: Record<string, CameraCalibration>;
  /** camera → frame → (106, 2) points; an empty array is "no detection". */
  keypoints2d?: Record<string, Record<number, Float32Array>>;
  keypoints3d?: Record<number, Float64Array>;
  flame?: Record<number, Record<string, { data: Float64Array; shape: number[] }>>;
  uvTexture?: Record<number, Uint8Array>;
  scan?: { vertex: Float64Array; faces: BigInt64Array };
  scanMask?: Record<string, Uint8Array>;
}

/** Writes one SMC file following the layout in shared/spec/smc-format.md. */
export async function writeSmc(path: string, spec: SmcSpec): Promise<void> {
  const w = await Hdf5Writer.create(path, spec.format);
  try {
    const [h, wd] = spec.resolution ?? [64, 77];
    w.attrs('/', {
      actor_id: spec.actorId ?? '0099',
      performance_part: spec.part ?? 'e0',
      capture_date: spec.captureDate ?? '2023-01-02',
      age: 30n,
      color: 'yellow',
      gender: 'male',
      height: 175.0,
      weight: 70.0,
    });
    w.group('/Camera', {
      num_device: BigInt(spec.numDevice ?? 60),
      num_frame: BigInt(spec.numFrame),
      resolution: BigInt64Array.of(BigInt(h), BigInt(wd)),
    });
    const allFrames = Array.from({ length: spec.numFrame }, (_, i) => i);
    if (spec.audio) {
      const { samples, channels, sampleRate } = spec.audio;
      const shape = channels > 1 ? [samples.length / channels, channels] : [samples.length];
      w.dataset('/Camera/00/audio/audio', samples, { shape });
      w.dataset('/Camera/00/audio/sample_rate', BigInt64Array.of(BigInt(sampleRate)), { shape: [] });
    }
    if (spec.images) {
      const { kind, cameras, frames, bytes, gzip } = spec.images;
      for (const cam of cameras) {
        w.group(`/Camera/${cam}/${kind}`);
        for (const f of frames ? frames(cam) : allFrames) {
          const data = bytes(cam, f);
          const opts = gzip ? { chunks: [Math.min(data.length, 64 * 1024)], gzip: 4 } : {};
          w.dataset(`/Camera/${cam}/${kind}/${f}`, data, opts);
        }
      }
    }
    for (const cam of spec.emptyCameras ?? []) w.group(`/Camera/${cam}`);
    for (const [cam, cal] of Object.entries(spec.calibration ?? {})) {
      w.dataset(`/Calibration/${cam}/K`, Float32Array.from(cal.K.flat()), { shape: [3, 3] });
      w.dataset(`/Calibration/${cam}/D`, Float32Array.from(cal.D), { shape: [cal.D.length] });
      w.dataset(`/Calibration/${cam}/RT`, Float64Array.from(cal.RT.flat()), { shape: [4, 4] });
    }
    if (spec.keypoints2d) {
      w.group('/Keypoints2d', { num_frame: BigInt(spec.numFrame) });
      for (const [cam, frames] of Object.entries(spec.keypoints2d)) {
        w.group(`/Keypoints2d/${cam}`);
        for (const [f, pts] of Object.entries(frames)) w.dataset(`/Keypoints2d/${cam}/${f}`, pts, { shape: [pts.length / 2, 2] });
      }
    }
    if (spec.keypoints3d) {
      w.group('/Keypoints3d', { num_frame: BigInt(spec.numFrame) });
      for (const [f, pts] of Object.entries(spec.keypoints3d)) w.dataset(`/Keypoints3d/${f}`, pts, { shape: [pts.length / 3, 3] });
    }
    if (spec.flame) {
      w.group('/FLAME', { num_frame: BigInt(spec.numFrame) });
      for (const [f, params] of Object.entries(spec.flame)) {
        for (const [k, v] of Object.entries(params)) w.dataset(`/FLAME/${f}/${k}`, v.data, { shape: v.shape });
      }
    }
    for (const [f, bytes] of Object.entries(spec.uvTexture ?? {})) w.dataset(`/UV_texture/${f}`, bytes);
    if (spec.scan) {
      w.dataset('/Scan/vertex', spec.scan.vertex, { shape: [spec.scan.vertex.length / 3, 3] });
      w.dataset('/Scan/vertex_indices', spec.scan.faces, { shape: [spec.scan.faces.length / 3, 3] });
    }
    for (const [cam, bytes] of Object.entries(spec.scanMask ?? {})) w.dataset(`/ScanMask/${cam}`, bytes);
  } finally {
    w.close();
  }
}

/** Camera ids "00".."59". */
export const ALL_CAMERAS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
