import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { InputError, inputErrorFromFs } from '../errors';
import { parseDType } from '../numpy/dtype';
import { NdArray } from '../numpy/ndarray';
import { openNpyFile, type NpyRowReader } from '../numpy/npy';
import { NpzReader } from '../numpy/npz';
import { valuesFromArrays } from './frameArrays';
import { BODY_KEYS, type BodyKey } from './frame';
import { fromJsonValue, type PyValue } from './pyValues';
import type { FrameSource } from './writeFrames';

/*
 * What `compress` accepts, read from numpy files without loading them whole:
 *  - an .npz of arrays with a leading time axis: vertices (T, V, 3) or (T, P, V, 3), optional
 *    joints, vertex_uncertainties, joint_uncertainties (same leading axes);
 *  - an .npy of vertices with a time axis;
 *  - a folder of per-frame .npz (what `bodycap export --format npz` writes, camera fields
 *    included) and optionally metadata.json.
 * Arrays may have other names (`roles` says which is which) and points may be in metres.
 */

export type LayoutKind = 'npz' | 'npy' | 'folder';

/** BodyCompress stores points in millimetres; inputs in metres are scaled. */
export type LengthUnit = 'mm' | 'm';
export const MM_PER_UNIT: Record<LengthUnit, number> = { mm: 1, m: 1000 };

const UNIT_NAMES: Record<string, LengthUnit> = {
  mm: 'mm',
  millimetre: 'mm',
  millimetres: 'mm',
  millimeter: 'mm',
  millimeters: 'mm',
  m: 'm',
  metre: 'm',
  metres: 'm',
  meter: 'm',
  meters: 'm',
};

export function parseLengthUnit(text: string): LengthUnit {
  const unit = UNIT_NAMES[text.trim().toLowerCase()];
  if (!unit) throw new InputError('invalid-value', `Unknown unit "${text}": say mm or m (BodyCompress stores millimetres; metres are converted)`);
  return unit;
}

/** Which input array holds each body key: a name, or null for none. Unset keys use the standard name if present. */
export type ArrayRoles = Partial<Record<BodyKey, string | null>>;

export interface InputArray {
  name: string;
  dtype: string;
  /** As stored: with the time axis for npz/npy, per frame for a folder. */
  shape: number[];
}

export interface CompressInput {
  path: string;
  layout: LayoutKind;
  /** The arrays; for a folder those of its first frame file. */
  arrays: InputArray[];
  /** Suggested roles: the standard names, else common aliases, else by shape. */
  roles: ArrayRoles;
  /** True when every suggested role is the standard name, so there is nothing to ask. */
  standardNames: boolean;
  /** A folder's per-frame files (null for npz/npy). */
  frameFiles: number | null;
}

/** Other names the body arrays go by in common pipelines (compared case-insensitively). */
const ALIASES: Record<BodyKey, string[]> = {
  vertices: ['vertices', 'verts', 'vertex', 'v', 'mesh_vertices', 'vertices_mm', 'points'],
  joints: ['joints', 'joints3d', 'joints_3d', 'j3d', 'kp3d', 'keypoints3d', 'keypoints_3d', 'keypoints', 'landmarks3d'],
  vertex_uncertainties: ['vertex_uncertainties', 'vertex_uncertainty', 'verts_uncertainties', 'vertex_unc'],
  joint_uncertainties: ['joint_uncertainties', 'joint_uncertainty', 'joints_uncertainties', 'joint_unc'],
};

/** The .xz written for an input by default: next to it, named after it (`a.npz` → `a.xz`, `frames/` → `frames.xz`). */
export function defaultCompressOutput(input: string): string {
  const trimmed = input.replace(/[\\/]+$/, '');
  const ext = extname(trimmed);
  const stem = ['.npz', '.npy'].includes(ext.toLowerCase()) ? basename(trimmed, ext) : basename(trimmed);
  return join(dirname(trimmed), `${stem}.xz`);
}

async function layoutOf(path: string): Promise<LayoutKind> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (err) {
    throw inputErrorFromFs(err, path);
  }
  if (isDir) return 'folder';
  return path.toLowerCase().endsWith('.npy') ? 'npy' : 'npz';
}

/** Lists the input's arrays (headers only) and suggests which is which. */
export async function inspectCompressInput(path: string): Promise<CompressInput> {
  const layout = await layoutOf(path);
  const arrays: InputArray[] = [];
  let frameFileCount: number | null = null;
  if (layout === 'npy') {
    const r = await openNpyFile(path);
    arrays.push({ name: basename(path, extname(path)), dtype: r.header.dtype, shape: r.header.shape });
    await r.close();
    const roles: ArrayRoles = { vertices: arrays[0]!.name };
    return { path, layout, arrays, roles, standardNames: true, frameFiles: null };
  }
  // A folder is described by its first frame file.
  let npzPath = path;
  if (layout === 'folder') {
    const names = await frameFiles(path);
    frameFileCount = names.length;
    npzPath = join(path, names[0]!);
  }
  const npz = await NpzReader.open(npzPath);
  try {
    for (const name of npz.names) arrays.push(await arrayHeader(npz, name));
  } finally {
    npz.close();
  }
  const roles = suggestRoles(arrays, layout);
  // Nothing to ask when every suggestion is a standard name (a guess by alias or shape is confirmed).
  const standardNames = BODY_KEYS.every((k) => roles[k] === null || roles[k] === k) && roles.vertices === 'vertices';
  return { path, layout, arrays, roles, standardNames, frameFiles: frameFileCount };
}

async function arrayHeader(npz: NpzReader, name: string): Promise<InputArray> {
  const r = await npz.rowReader(name);
  await r.close();
  return { name, dtype: r.header.dtype, shape: r.header.shape };
}

/** Frames the input holds when `roles.vertices` are the vertices: the files of a folder, else the time axis. */
export function frameCount(input: CompressInput, roles: ArrayRoles): number | null {
  if (input.layout === 'folder') return input.frameFiles;
  return input.arrays.find((a) => a.name === (roles.vertices ?? 'vertices'))?.shape[0] ?? null;
}

/** Dimensions of a points array: (T, V, 3) / (T, P, V, 3) with a time axis, (V, 3) / (P, V, 3) per frame. */
function pointDims(layout: LayoutKind): number[] {
  return layout === 'folder' ? [2, 3] : [3, 4];
}

function isNumeric(a: InputArray): boolean {
  const d = parseDType(a.dtype);
  return d !== null && 'fiu'.includes(d.kind);
}

/** Arrays that can hold points (xyz per point) in this layout, most points first. */
export function pointArrays(input: Pick<CompressInput, 'arrays' | 'layout'>): InputArray[] {
  return input.arrays
    .filter((a) => isNumeric(a) && pointDims(input.layout).includes(a.shape.length) && a.shape.at(-1) === 3)
    .sort((a, b) => b.shape.at(-2)! - a.shape.at(-2)!);
}

/** Arrays that can hold one uncertainty per point of `points` (its shape without the xyz axis). */
export function uncertaintyArrays(input: Pick<CompressInput, 'arrays'>, points: InputArray | undefined): InputArray[] {
  if (!points) return [];
  const want = points.shape.slice(0, -1).join(',');
  return input.arrays.filter((a) => isNumeric(a) && a !== points && a.shape.join(',') === want);
}

function suggestRoles(arrays: InputArray[], layout: LayoutKind): ArrayRoles {
  const byAlias = (key: BodyKey, from: InputArray[]) => {
    for (const alias of ALIASES[key]) {
      const a = from.find((x) => x.name.toLowerCase() === alias);
      if (a) return a;
    }
    return undefined;
  };
  const points = pointArrays({ arrays, layout });
  const vertices = byAlias('vertices', points) ?? points[0];
  const joints =
    byAlias(
      'joints',
      points.filter((a) => a !== vertices),
    ) ?? points.find((a) => a !== vertices && a.shape.length === vertices?.shape.length);
  const roles: ArrayRoles = { vertices: vertices?.name ?? null, joints: joints?.name ?? null };
  for (const [key, pts] of [
    ['vertex_uncertainties', vertices],
    ['joint_uncertainties', joints],
  ] as const) {
    const fits = uncertaintyArrays({ arrays }, pts);
    roles[key] = (byAlias(key, fits) ?? (fits.length === 1 ? fits[0] : undefined))?.name ?? null;
  }
  return roles;
}

export interface OpenInputOptions {
  roles?: ArrayRoles;
  /** Unit of vertices and joints in the input (default mm). Uncertainties are stored as given (metres by convention). */
  unit?: LengthUnit;
}

/** Opens the input for reading frame by frame. Shapes are checked before the first frame where the layout allows. */
export async function openCompressInput(path: string, options: OpenInputOptions = {}): Promise<FrameSource> {
  const layout = await layoutOf(path);
  const scale = MM_PER_UNIT[options.unit ?? 'mm'];
  if (scale === undefined) throw new InputError('invalid-value', `Unknown unit "${options.unit}": say mm or m`);
  const roles = options.roles ?? {};
  if (layout === 'folder') return folderSource(path, roles, scale);
  if (layout === 'npy') {
    const r = await openNpyFile(path);
    return arraysSource(path, new Map([['vertices', r]]), scale, async () => r.close());
  }
  const npz = await NpzReader.open(path);
  try {
    const readers = new Map<BodyKey, NpyRowReader>();
    for (const [key, name] of chosenArrays(npz, roles)) readers.set(key, await npz.rowReader(name));
    return await arraysSource(path, readers, scale, async () => {
      for (const r of readers.values()) await r.close();
      npz.close();
    });
  } catch (err) {
    npz.close();
    throw err;
  }
}

/**
 * The array of the .npz that holds each body key: the role's array, else the standard name when
 * the file has it (unless the role is null). Throws when vertices or a named array are missing.
 */
function chosenArrays(npz: NpzReader, roles: ArrayRoles): Map<BodyKey, string> {
  const has = `(it has: ${npz.names.join(', ') || 'nothing'})`;
  const out = new Map<BodyKey, string>();
  for (const key of BODY_KEYS) {
    const role = roles[key];
    const name = role ?? (role === undefined && npz.has(key) ? key : null);
    if (name === null) {
      if (key === 'vertices') throw new InputError('invalid-value', `${npz.path} has no "vertices" array ${has}; say which one holds the vertices`);
      continue;
    }
    if (!npz.has(name)) throw new InputError('invalid-value', `${npz.path} has no array named "${name}" ${has}`);
    out.set(key, name);
  }
  return out;
}

/** Points in millimetres: as given for mm (keeps float32 input bit-exact), else scaled in float64. */
function toMillimetres(a: NdArray, scale: number): NdArray {
  if (scale === 1) return a;
  const v = a.values();
  if (!v) return a; // not numeric: the writer names the dtype
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = Number(v[i]!) * scale;
  return NdArray.fromTyped(out, a.shape);
}

const describeShape = (s: readonly number[]) => `(${s.join(', ')})`;

/** Body arrays with a leading time axis, read in lockstep one frame at a time. */
async function arraysSource(path: string, readers: Map<BodyKey, NpyRowReader>, scale: number, close: () => Promise<void>): Promise<FrameSource> {
  const bad = (why: string) => new InputError('invalid-value', `${path}: ${why}`);
  const shape = (k: BodyKey) => readers.get(k)?.header.shape;
  const v = shape('vertices')!;
  if ((v.length !== 3 && v.length !== 4) || v[v.length - 1] !== 3) {
    throw bad(`vertices must be (T, V, 3) or (T, P, V, 3), not ${describeShape(v)}`);
  }
  const T = v[0]!;
  const people = v.length === 4 ? v[1]! : 1;
  const personAxis = v.length === 4;
  const expect = (k: BodyKey, last: number | null, count: (s: number[]) => void) => {
    const s = shape(k);
    if (!s) return;
    const want = last === null ? v.length - 1 : v.length;
    if (s.length !== want || s[0] !== T || (personAxis && s[1] !== people) || (last !== null && s[s.length - 1] !== last)) {
      throw bad(`${k} has shape ${describeShape(s)}, which does not match vertices ${describeShape(v)}`);
    }
    count(s);
  };
  expect('joints', 3, () => undefined);
  expect('vertex_uncertainties', null, (s) => {
    if (s[s.length - 1] !== v[v.length - 2]) throw bad('vertex_uncertainties must have one value per vertex');
  });
  const j = shape('joints');
  expect('joint_uncertainties', null, (s) => {
    if (!j || s[s.length - 1] !== j[j.length - 2]) throw bad('joint_uncertainties must have one value per joint');
  });
  async function* frames(): AsyncGenerator<Map<string, NdArray>> {
    const iters = new Map([...readers].map(([k, r]) => [k, r.rows(1)[Symbol.asyncIterator]()]));
    for (let t = 0; t < T; t++) {
      const frame = new Map<string, NdArray>();
      for (const k of BODY_KEYS) {
        const it = iters.get(k);
        if (!it) continue;
        const r = await it.next();
        if (r.done) throw new InputError('truncated', `${path}: ${k} ends at frame ${t}`);
        // Drop the time axis; add a person axis when the input has none, like NLF's (N, V, 3).
        const rowShape = r.value.shape.slice(1);
        const a = new NdArray(r.value.dtype, personAxis ? rowShape : [1, ...rowShape], r.value.bytes);
        frame.set(k, k === 'vertices' || k === 'joints' ? toMillimetres(a, scale) : a);
      }
      if (!frame.has('joints')) frame.set('joints', NdArray.fromTyped(new Float32Array(0), [people, 0, 3]));
      yield frame;
    }
  }
  return { total: T, frames, metadata: undefined, close };
}

/** Natural order: frame_2 before frame_10. */
const collator = new Intl.Collator('en', { numeric: true });

async function frameFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith('.npz')).sort(collator.compare);
  if (names.length === 0) throw new InputError('not-found', `${dir} holds no .npz files`);
  return names;
}

async function folderSource(dir: string, roles: ArrayRoles, scale: number): Promise<FrameSource> {
  const names = await frameFiles(dir);
  let metadata: PyValue | undefined;
  try {
    metadata = fromJsonValue(JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new InputError('invalid-value', `${join(dir, 'metadata.json')} is not valid JSON: ${(err as Error).message}`);
    }
  }
  async function* frames(): AsyncGenerator<Map<string, PyValue>> {
    for (const name of names) {
      const file = join(dir, name);
      const npz = await NpzReader.open(file);
      try {
        const sources = new Map([...chosenArrays(npz, roles)].map(([key, name]) => [name, key]));
        const arrays: [string, NdArray][] = [];
        for (const a of npz.names) {
          const key = sources.get(a);
          // A standard-named array that is not the chosen source of its key is left out.
          if (!key && (BODY_KEYS as readonly string[]).includes(a)) continue;
          const value = await npz.read(a);
          arrays.push(key ? [key, key === 'vertices' || key === 'joints' ? toMillimetres(value, scale) : value] : [a, value]);
        }
        const values = valuesFromArrays(arrays);
        checkFrameShapes(values, file);
        yield values;
      } finally {
        npz.close();
      }
    }
  }
  return { total: names.length, frames, metadata, close: async () => undefined };
}

/**
 * A per-frame file's body arrays must fit together: vertices (P, V, 3) or (V, 3), joints the same
 * leading axes (added empty when missing), uncertainties one value per point.
 */
function checkFrameShapes(values: Map<string, PyValue>, where: string): void {
  const bad = (why: string) => new InputError('invalid-value', `${where}: ${why}`);
  const v = values.get('vertices') as NdArray;
  if ((v.ndim !== 2 && v.ndim !== 3) || v.shape.at(-1) !== 3) throw bad(`vertices must be (P, V, 3) or (V, 3), not ${describeShape(v.shape)}`);
  const lead = v.shape.slice(0, -2).join(',');
  if (!values.has('joints')) values.set('joints', NdArray.fromTyped(new Float32Array(0), [...v.shape.slice(0, -2), 0, 3]));
  const j = values.get('joints');
  if (!(j instanceof NdArray) || j.ndim !== v.ndim || j.shape.at(-1) !== 3 || j.shape.slice(0, -2).join(',') !== lead) {
    throw bad(`joints${j instanceof NdArray ? ` ${describeShape(j.shape)}` : ''} do not match vertices ${describeShape(v.shape)}`);
  }
  for (const [key, points] of [
    ['vertex_uncertainties', v],
    ['joint_uncertainties', j],
  ] as const) {
    const u = values.get(key);
    if (u === undefined) continue;
    if (!(u instanceof NdArray) || u.shape.join(',') !== points.shape.slice(0, -1).join(',')) {
      throw bad(`${key} must have one value per point: ${describeShape(points.shape.slice(0, -1))}`);
    }
  }
}

/** Largest |coordinate| of a frame's vertices: a hint whether the input is in mm or m. */
export function largestCoordinate(values: Map<string, PyValue>): number | null {
  const v = values.get('vertices');
  const data = v instanceof NdArray ? v.values() : null;
  if (!data || data.length === 0) return null;
  let max = 0;
  for (const d of data) {
    const x = Math.abs(Number(d));
    if (x > max) max = x;
  }
  return Number.isFinite(max) ? max : null;
}

/** A guess from the first frame: bodies span ~2 m, so coordinates all below 20 are metres. */
export async function guessLengthUnit(path: string, roles: ArrayRoles): Promise<{ unit: LengthUnit; largest: number } | null> {
  const source = await openCompressInput(path, { roles, unit: 'mm' });
  const frames = source.frames();
  try {
    const first = await frames.next();
    const largest = first.done ? null : largestCoordinate(first.value as Map<string, PyValue>);
    return largest === null || largest === 0 ? null : { unit: largest < 20 ? 'm' : 'mm', largest };
  } finally {
    await frames.return(undefined); // runs the generator's cleanup (an open per-frame file)
    await source.close();
  }
}
