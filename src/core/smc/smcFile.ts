import { basename } from 'node:path';
import { InputError } from '../errors';
import { openHdf5, type H5File, type H5Group } from '../hdf5/openHdf5';

/** Root and `/Camera` attributes: what the reference reader's constructor reads. */
export interface SmcHeader {
  actorId: string;
  performancePart: string;
  captureDate: string;
  actorInfo: ActorInfo;
  cameraInfo: CameraInfo;
}

export interface ActorInfo {
  age: number | null;
  color: string | null;
  gender: string | null;
  height: number | null;
  weight: number | null;
}

export interface CameraInfo {
  /** Nominal camera count; NOT the number of camera groups (see the spec). */
  numDevice: number;
  numFrame: number;
  /** [height, width] in pixels. */
  resolution: [number, number];
}

export type SmcFileKind = 'anno' | 'raw';
export type PerformanceKind = 'expression' | 'speech' | 'head' | 'unknown';

const REQUIRED_ROOT_ATTRS = ['actor_id', 'performance_part', 'capture_date'] as const;
const REQUIRED_CAMERA_ATTRS = ['num_device', 'num_frame', 'resolution'] as const;

/** An open RenderMe360 `.smc` (HDF5) file. Nothing is read until asked; call close() when done. */
export class SmcFile {
  private constructor(
    readonly path: string,
    private readonly h5: H5File,
    readonly header: SmcHeader,
    readonly fileKind: SmcFileKind,
  ) {}

  /** Opens and validates `path`; throws InputError with a specific code for anything not an SMC. */
  static async open(path: string): Promise<SmcFile> {
    const h5 = await openHdf5(path);
    try {
      const header = readHeader(h5, path);
      return new SmcFile(path, h5, header, detectFileKind(h5, path));
    } catch (err) {
      h5.close();
      throw err;
    }
  }

  get performanceKind(): PerformanceKind {
    return performanceKindOf(this.header.performancePart);
  }

  close(): void {
    this.h5.close();
  }
}

/** The part's kind from its name, as the reference reader decides it (`e*`, `s*`, `h*`). */
export function performanceKindOf(part: string): PerformanceKind {
  const prefix = part.split('_')[0] ?? '';
  if (/^e\d+$/.test(prefix)) return 'expression';
  if (/^s\d+$/.test(prefix)) return 'speech';
  if (/^h\d+$/.test(prefix)) return 'head';
  return 'unknown';
}

function readHeader(h5: H5File, path: string): SmcHeader {
  const rootAttrs = h5.attrs;
  const camera = h5.get('Camera');
  const cameraGroup = camera instanceof Object && 'keys' in camera ? (camera as H5Group) : undefined;
  const missing = REQUIRED_ROOT_ATTRS.filter((k) => !(k in rootAttrs)).map((k) => `attribute ${k}`);
  if (!cameraGroup) missing.push('group /Camera');
  else {
    const camAttrs = cameraGroup.attrs;
    missing.push(...REQUIRED_CAMERA_ATTRS.filter((k) => !(k in camAttrs)).map((k) => `/Camera attribute ${k}`));
  }
  if (missing.length > 0) {
    throw new InputError(
      'not-smc',
      `${basename(path)} is a valid HDF5 file but not a RenderMe360 SMC (missing ${missing.join(', ')})`,
    );
  }
  const attr = (g: H5Group | H5File, name: string) => g.attrs[name]?.value ?? null;
  const camAttr = (name: string) => attr(cameraGroup!, name);
  const resolution = toNumberArray(camAttr('resolution'));
  return {
    actorId: toText(attr(h5, 'actor_id')),
    performancePart: toText(attr(h5, 'performance_part')),
    captureDate: toText(attr(h5, 'capture_date')),
    actorInfo: {
      age: toNumberOrNull(attr(h5, 'age')),
      color: toTextOrNull(attr(h5, 'color')),
      gender: toTextOrNull(attr(h5, 'gender')),
      height: toNumberOrNull(attr(h5, 'height')),
      weight: toNumberOrNull(attr(h5, 'weight')),
    },
    cameraInfo: {
      numDevice: toNumberOrNull(camAttr('num_device')) ?? 0,
      numFrame: toNumberOrNull(camAttr('num_frame')) ?? 0,
      resolution: [resolution[0] ?? 0, resolution[1] ?? 0],
    },
  };
}

/** Raw files hold colour frames, anno files masks; the name suffix only breaks ties. */
function detectFileKind(h5: H5File, path: string): SmcFileKind {
  const camera = h5.get('Camera') as H5Group;
  for (const cam of camera.keys()) {
    const members = (camera.get(cam) as H5Group | null)?.keys?.() ?? [];
    if (members.includes('color')) return 'raw';
    if (members.includes('mask')) return 'anno';
  }
  if (['Keypoints2d', 'Keypoints3d', 'FLAME'].some((k) => h5.keys().includes(k))) return 'anno';
  return /_raw\.smc$/i.test(path) ? 'raw' : 'anno';
}

type AttrValue = unknown;

function toText(v: AttrValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  if (Array.isArray(v) && v.length === 1) return toText(v[0]);
  return v == null ? '' : String(v);
}

function toTextOrNull(v: AttrValue): string | null {
  return v == null ? null : toText(v);
}

function toNumberOrNull(v: AttrValue): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (ArrayBuffer.isView(v) || Array.isArray(v)) return toNumberArray(v)[0] ?? null;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return null;
}

function toNumberArray(v: AttrValue): number[] {
  if (Array.isArray(v)) return v.map((x) => Number(x));
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number | bigint>, (x) => Number(x));
  if (typeof v === 'number' || typeof v === 'bigint') return [Number(v)];
  return [];
}
