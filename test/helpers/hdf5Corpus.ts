import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors';
import { Hdf5File } from '../../src/core/hdf5/hdf5File';
import { runH5py } from './h5py';

/**
 * The differential HDF5 corpus: test/helpers/hdf5Corpus.py writes small files with h5py and prints
 * h5py's view of them (tree, attributes, dataset values); compareWithH5py reads each file with our
 * reader, on the native metadata path or the h5wasm one, and lists every difference.
 */

export type CorpusValue = number | string | null | CorpusValue[] | { unreadable: string };

export interface CorpusObject {
  path: string;
  kind: 'group' | 'dataset' | 'datatype' | 'soft-link' | 'external-link';
  children?: string[];
  attrs?: [string, CorpusValue][];
  dtype?: string;
  shape?: number[] | null;
  values?: CorpusValue[] | null;
  target?: string;
  expectError?: string;
  viaLink?: boolean;
}

export interface CorpusFile {
  name: string;
  path: string;
  objects: CorpusObject[];
}

export interface Corpus {
  h5py: string;
  hdf5: string;
  files: CorpusFile[];
}

export type CorpusMode = 'small' | 'large';

/** Writes the corpus into `dir` with h5py and returns h5py's view of it. */
export function writeCorpus(dir: string, mode: CorpusMode = 'small', seed = 1): Corpus {
  const script = readFileSync(join(__dirname, 'hdf5Corpus.py'), 'utf8');
  return JSON.parse(runH5py(script, [dir, mode, String(seed)])) as Corpus;
}

/** Our values in the corpus's JSON form: numbers (strings past 2^53, "NaN", "Infinity"), strings, lists. */
export function normalize(value: unknown): CorpusValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return value <= 2n ** 53n && value >= -(2n ** 53n) ? Number(value) : value.toString();
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Infinity) return 'Infinity';
    if (value === -Infinity) return '-Infinity';
    return value;
  }
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number | bigint>, (v) => normalize(v));
  if (Array.isArray(value)) return value.map((v) => normalize(v));
  return `<${typeof value}>`;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function short(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 160)}…` : s;
}

/** Flattens a value list whose elements may be nested lists of a compound's members only at the top. */
function flatValues(data: unknown): CorpusValue[] {
  const n = normalize(data);
  return Array.isArray(n) ? n : [n];
}

/**
 * Every difference between our reading of `file` and h5py's, as one line each (empty when equal).
 * `nativeIndex: false` answers every metadata question through h5wasm.
 */
export async function compareWithH5py(file: CorpusFile, nativeIndex: boolean): Promise<string[]> {
  const out: string[] = [];
  let f: Hdf5File;
  try {
    f = await Hdf5File.open(file.path, { nativeIndex });
  } catch (err) {
    return [`open: ${(err as Error).message}`];
  }
  const step = async (label: string, fn: () => unknown) => {
    try {
      await fn();
    } catch (err) {
      out.push(`${label}: threw ${(err as Error).message}`);
    }
  };
  try {
    for (const o of file.objects) {
      await step(o.path, async () => {
        const kind = f.kind(o.path);
        if (kind !== o.kind) out.push(`${o.path}: kind ${kind}, h5py ${o.kind}`);
        if (o.kind === 'group' && o.children) {
          const names = f.childNames(o.path);
          if (!same(names, o.children)) out.push(`${o.path}: members ${short(names)}, h5py ${short(o.children)}`);
          const kids = f.children(o.path)?.map((c) => c.name);
          if (!same(kids, o.children)) out.push(`${o.path}: children() ${short(kids)}, h5py ${short(o.children)}`);
        }
        if (o.attrs) compareAttributes(f, o, out);
        if (o.kind === 'dataset') await compareDataset(f, o, out);
      });
    }
  } finally {
    f.close();
  }
  return out;
}

function compareAttributes(f: Hdf5File, o: CorpusObject, out: string[]): void {
  const ours = f.attributes(o.path);
  const names = ours.map((a) => a.name);
  const theirs = o.attrs!.map(([n]) => n);
  if (!same(names, theirs)) out.push(`${o.path}: attribute names ${short(names)}, h5py ${short(theirs)}`);
  for (const [name, expected] of o.attrs!) {
    if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) continue; // h5py cannot read it either
    const a = ours.find((x) => x.name === name);
    if (!a) continue;
    if (a.error) {
      out.push(`${o.path}@${name}: unreadable (${a.error})`);
      continue;
    }
    const value = normalize(a.value);
    if (!same(value, expected)) out.push(`${o.path}@${name}: ${short(value)}, h5py ${short(expected)}`);
  }
}

async function compareDataset(f: Hdf5File, o: CorpusObject, out: string[]): Promise<void> {
  const info = f.dataset(o.path);
  if (!info) {
    out.push(`${o.path}: no dataset`);
    return;
  }
  if (!same(info.shape, o.shape)) out.push(`${o.path}: shape ${short(info.shape)}, h5py ${short(o.shape)}`);
  if (info.dtype.name !== o.dtype) out.push(`${o.path}: dtype ${info.dtype.name}, h5py ${o.dtype}`);
  if (o.expectError) {
    try {
      await f.readArray(o.path);
      out.push(`${o.path}: read, expected a refusal (${o.expectError})`);
    } catch (err) {
      const code = err instanceof InputError ? err.code : 'internal';
      if (code !== o.expectError) out.push(`${o.path}: refused with ${code} (${(err as Error).message}), expected ${o.expectError}`);
    }
    return;
  }
  const arr = await f.readArray(o.path);
  const values = flatValues(arr?.data);
  if (!same(values, o.values)) out.push(`${o.path}: values ${short(values)}, h5py ${short(o.values)}`);
}

/** Files, files read exactly as h5py reads them, and mismatching files, per path. */
export interface CorpusCounts {
  files: number;
  exact: number;
  mismatches: number;
}

export async function runCorpus(corpus: Corpus, nativeIndex: boolean): Promise<{ counts: CorpusCounts; failures: Map<string, string[]> }> {
  const failures = new Map<string, string[]>();
  for (const file of corpus.files) {
    const diffs = await compareWithH5py(file, nativeIndex);
    if (diffs.length) failures.set(file.name, diffs);
  }
  const files = corpus.files.length;
  return { counts: { files, exact: files - failures.size, mismatches: failures.size }, failures };
}
