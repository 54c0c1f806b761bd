import { runPython } from './python';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

export { sha256 } from './bodycompressExpected';

/** Every file under `root` ('/'-separated relative paths, sorted) with its size. */
export async function listTree(root: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const walk = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(relative(root, p).split('\\').join('/'), (await stat(p)).size);
    }
  };
  await walk(root);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Every entry under `root` (sorted) with its size and modification time, to show nothing was written. */
export async function fileStates(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(root, { recursive: true })).sort()) {
    const s = await stat(join(root, name));
    out.push(`${name} ${s.size} ${s.mtimeMs}`);
  }
  return out;
}

export async function treeBytes(root: string): Promise<number> {
  return [...(await listTree(root)).values()].reduce((a, b) => a + b, 0);
}

/** One array as numpy loads it (values only for small arrays). */
export interface PyArray {
  dtype: string;
  shape: number[];
  values?: (number | string | boolean | null)[];
  /** sha256 of the C-order little-endian bytes. */
  sha256: string;
}

/**
 * Loads .npz files with the system's numpy (allow_pickle=False, as users will) and returns every
 * array's dtype, shape, bytes hash and (small arrays) values. Fails, never skips, without numpy.
 */
export function numpyLoad(files: string[], maxValues = 2000): Record<string, Record<string, PyArray>> {
  const code = `
import json, sys, hashlib, math
import numpy as np
out = {}
for f in json.load(sys.stdin):
    d = np.load(f, allow_pickle=False)
    arrs = {}
    for k in d.files:
        a = d[k]
        v = None
        if a.size <= ${maxValues}:
            v = [None if isinstance(x, float) and math.isnan(x) else x for x in a.ravel().tolist()]
        arrs[k] = {'dtype': a.dtype.str, 'shape': list(a.shape), 'values': v, 'sha256': hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()}
    out[f] = arrs
print(json.dumps(out))
`;
  return JSON.parse(runPython(code, JSON.stringify(files)));
}

export async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}
