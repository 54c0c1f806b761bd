import { basename } from 'node:path';
import { InputError } from '../errors';
import type { Hdf5File } from '../hdf5/hdf5File';

/** Root and `/Camera` attributes: what the reference reader's constructor reads. */
export interface SmcHeader {
  actorId: string;
  performancePart: string;
  captureDate: string;
  actorInfo: ActorInfo;
  cameraInfo: CameraInfo;
  /** Camera attributes that hold no plausible count (a damaged file); they read as 0 in cameraInfo. */
  problems: { attribute: 'num_device' | 'num_frame' | 'resolution'; message: string }[];
}

export interface ActorInfo {
  age: number | null;
  color: string | null;
  gender: string | null;
  /** Centimetres. */
  height: number | null;
  /** Kilograms. */
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

/** More frames than 11 hours at 25 fps: a num_frame above this is a damaged attribute. */
export const MAX_NUM_FRAME = 1_000_000;
/** RenderMe360 has 60 cameras; a rig of more than this is a damaged attribute. */
const MAX_NUM_DEVICE = 10_000;
/** The largest side a JPEG can have. */
const MAX_RESOLUTION = 65_535;

const REQUIRED_ROOT_ATTRS = ['actor_id', 'performance_part', 'capture_date'] as const;
const REQUIRED_CAMERA_ATTRS = ['num_device', 'num_frame', 'resolution'] as const;

/** The part's kind from its name (`e*` expression, `s*` speech, `h*` head rotation). */
export function performanceKindOf(part: string): PerformanceKind {
  const prefix = part.split('_')[0] ?? '';
  if (/^e\d+$/.test(prefix)) return 'expression';
  if (/^s\d+$/.test(prefix)) return 'speech';
  if (/^h\d+$/.test(prefix)) return 'head';
  return 'unknown';
}

/** Reads the header; a valid HDF5 file without the SMC attributes is `not-smc`, naming what is missing. */
export function readSmcHeader(file: Hdf5File): SmcHeader {
  const rootNames = new Set(file.attributes('/').map((a) => a.name));
  const hasCamera = file.kind('/Camera') === 'group';
  const cameraNames = new Set(hasCamera ? file.attributes('/Camera').map((a) => a.name) : []);
  const missing = REQUIRED_ROOT_ATTRS.filter((k) => !rootNames.has(k)).map((k) => `attribute ${k}`);
  if (!hasCamera) missing.push('group /Camera');
  else missing.push(...REQUIRED_CAMERA_ATTRS.filter((k) => !cameraNames.has(k)).map((k) => `/Camera attribute ${k}`));
  if (missing.length > 0) {
    throw new InputError('not-smc', `${basename(file.path)} is a valid HDF5 file but not a RenderMe360 SMC (missing ${missing.join(', ')})`);
  }
  const root = (name: string) => file.attribute('/', name) ?? null;
  const cam = (name: string) => file.attribute('/Camera', name) ?? null;
  const problems: SmcHeader['problems'] = [];
  // Counts size loops and allocations later (timelines, missing-frame lists, previews): a damaged
  // attribute claiming 10^12 frames must not be believed.
  const count = (value: unknown, attribute: SmcHeader['problems'][number]['attribute'], label: string, max: number): number => {
    const n = toCount(value, max);
    if (n === null)
      problems.push({
        attribute,
        message: `/Camera attribute ${label} (${attributeText(value)}) is not a count from 0 to ${max.toLocaleString('en-US')}; it is ignored`,
      });
    return n ?? 0;
  };
  const resolution = toNumberArray(cam('resolution'));
  return {
    actorId: toText(root('actor_id')),
    performancePart: toText(root('performance_part')),
    captureDate: toText(root('capture_date')),
    actorInfo: {
      age: toNumberOrNull(root('age')),
      color: toTextOrNull(root('color')),
      gender: toTextOrNull(root('gender')),
      height: toNumberOrNull(root('height')),
      weight: toNumberOrNull(root('weight')),
    },
    cameraInfo: {
      numDevice: count(cam('num_device'), 'num_device', 'num_device', MAX_NUM_DEVICE),
      numFrame: count(cam('num_frame'), 'num_frame', 'num_frame', MAX_NUM_FRAME),
      resolution: [count(resolution[0], 'resolution', 'resolution[0]', MAX_RESOLUTION), count(resolution[1], 'resolution', 'resolution[1]', MAX_RESOLUTION)],
    },
    problems,
  };
}

/** Attribute values arrive as strings, numbers, bigints, byte strings or one-element arrays. */
export function toText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  if ((Array.isArray(v) || ArrayBuffer.isView(v)) && (v as ArrayLike<unknown>).length === 1) {
    return toText((v as ArrayLike<unknown>)[0]);
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- other values (booleans, longer arrays) read as String() prints them
  return v == null ? '' : String(v);
}

function toTextOrNull(v: unknown): string | null {
  return v == null ? null : toText(v);
}

export function toNumberOrNull(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (ArrayBuffer.isView(v) || Array.isArray(v)) return toNumberArray(v)[0] ?? null;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return null;
}

/** A whole number in [0, max], or null (a bigint, a float with a whole value and a one-element array count). */
export function toCount(v: unknown, max: number): number | null {
  const n = toNumberOrNull(v);
  return n !== null && Number.isSafeInteger(n) && n >= 0 && n <= max ? n : null;
}

function attributeText(v: unknown): string {
  let t: string;
  if (v === undefined || v === null) t = 'missing';
  else if (ArrayBuffer.isView(v) || Array.isArray(v))
    t = `[${Array.from(v as ArrayLike<unknown>)
      .slice(0, 4)
      .join(', ')}]`;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a message quoting whatever value the attribute holds
  else t = String(v);
  return t.length > 40 ? `${t.slice(0, 40)}…` : t;
}

function toNumberArray(v: unknown): number[] {
  if (Array.isArray(v)) return v.map((x) => Number(x));
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number | bigint>, (x) => Number(x));
  if (typeof v === 'number' || typeof v === 'bigint') return [Number(v)];
  return [];
}
