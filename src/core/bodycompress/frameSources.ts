import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, inputErrorFromFs } from '../errors';
import { NdArray } from '../numpy/ndarray';
import { openNpyFile, type NpyRowReader } from '../numpy/npy';
import { NpzReader } from '../numpy/npz';
import { valuesFromArrays } from './frameArrays';
import { BODY_KEYS, type BodyKey, type FrameInput } from './frame';
import { fromJsonValue, type PyValue } from './pyValues';

/*
 * Frames to compress, read from numpy files without loading them whole: an .npy of vertices,
 * an .npz of body arrays with a leading time axis, or a folder of per-frame .npz files (what
 * `bodycap export --format npz` writes, camera fields included).
 */

export interface FrameSource {
  /** Number of frames the input holds. */
  total: number;
  frames(): AsyncGenerator<FrameInput>;
  /** Metadata found next to the frames (a folder's metadata.json), if any. */
  metadata: PyValue | undefined;
  close(): Promise<void>;
}

export async function openFrameSource(path: string): Promise<FrameSource> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (err) {
    throw inputErrorFromFs(err, path);
  }
  if (isDir) return folderSource(path);
  if (path.toLowerCase().endsWith('.npy')) {
    const r = await openNpyFile(path);
    return arraysSource(path, new Map([['vertices', r]]), async () => r.close());
  }
  const npz = await NpzReader.open(path);
  try {
    if (!npz.has('vertices')) throw new InputError('invalid-value', `${path} has no "vertices" array (it has: ${npz.names.join(', ') || 'nothing'})`);
    const readers = new Map<BodyKey, NpyRowReader>();
    for (const k of BODY_KEYS) if (npz.has(k)) readers.set(k, await npz.rowReader(k));
    return await arraysSource(path, readers, async () => {
      for (const r of readers.values()) await r.close();
      npz.close();
    });
  } catch (err) {
    npz.close();
    throw err;
  }
}

/** Body arrays with a leading time axis, read in lockstep one frame at a time. */
async function arraysSource(path: string, readers: Map<BodyKey, NpyRowReader>, close: () => Promise<void>): Promise<FrameSource> {
  const bad = (why: string) => new InputError('invalid-value', `${path}: ${why}`);
  const shape = (k: BodyKey) => readers.get(k)?.header.shape;
  const v = shape('vertices')!;
  if ((v.length !== 3 && v.length !== 4) || v[v.length - 1] !== 3) {
    throw bad(`vertices must be (T, V, 3) or (T, P, V, 3) in mm, not (${v.join(', ')})`);
  }
  const T = v[0]!;
  const people = v.length === 4 ? v[1]! : 1;
  const personAxis = v.length === 4;
  const expect = (k: BodyKey, last: number | null, count: (s: number[]) => void) => {
    const s = shape(k);
    if (!s) return;
    const want = last === null ? v.length - 1 : v.length;
    if (s.length !== want || s[0] !== T || (personAxis && s[1] !== people) || (last !== null && s[s.length - 1] !== last)) {
      throw bad(`${k} has shape (${s.join(', ')}), which does not match vertices (${v.join(', ')})`);
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
  async function* frames(): AsyncGenerator<FrameInput> {
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
        frame.set(k, new NdArray(r.value.dtype, personAxis ? rowShape : [1, ...rowShape], r.value.bytes));
      }
      if (!frame.has('joints')) frame.set('joints', NdArray.fromTyped(new Float32Array(0), [people, 0, 3]));
      yield frame;
    }
  }
  return { total: T, frames, metadata: undefined, close };
}

/** Natural order: frame_2 before frame_10. */
const collator = new Intl.Collator('en', { numeric: true });

async function folderSource(dir: string): Promise<FrameSource> {
  const names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith('.npz')).sort(collator.compare);
  if (names.length === 0) throw new InputError('not-found', `${dir} holds no .npz files`);
  let metadata: PyValue | undefined;
  try {
    metadata = fromJsonValue(JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new InputError('invalid-value', `${join(dir, 'metadata.json')} is not valid JSON: ${(err as Error).message}`);
    }
  }
  async function* frames(): AsyncGenerator<FrameInput> {
    for (const name of names) {
      const npz = await NpzReader.open(join(dir, name));
      try {
        const arrays: [string, NdArray][] = [];
        for (const a of npz.names) arrays.push([a, await npz.read(a)]);
        const values = valuesFromArrays(arrays);
        if (!values.has('vertices')) throw new InputError('invalid-value', `${join(dir, name)} has no "vertices" array`);
        yield values;
      } finally {
        npz.close();
      }
    }
  }
  return { total: names.length, frames, metadata, close: async () => undefined };
}
