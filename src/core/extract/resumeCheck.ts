import { readFile, stat } from 'node:fs/promises';
import type { NdArray } from '../numpy/ndarray';
import { NpzReader } from '../numpy/npz';
import type { PlannedFile } from './planTypes';

/** Files up to this size are compared by content before a re-run skips them; larger ones by size. */
export const SMALL_FILE_BYTES = 2 ** 20;

/**
 * True when `target` already holds `file` completely, so a re-run may skip it. Complete files only
 * ever appear under their final name (temporary name, then rename), so a matching size means a finished
 * write; small files are also compared by content (texts, copied payloads, .npz arrays), which catches
 * a tree extracted with other options. Previews (inexact size) count when present.
 */
export async function isComplete(file: PlannedFile, target: string, expected: () => Promise<Uint8Array | Map<string, NdArray> | null>): Promise<boolean> {
  let size: number;
  try {
    const st = await stat(target);
    if (!st.isFile()) return false;
    size = st.size;
  } catch {
    return false;
  }
  if (!file.exact) return size > 0;
  if (size !== file.bytes) return false;
  if (size > SMALL_FILE_BYTES) return true;
  const want = await expected();
  if (want === null) return true;
  if (want instanceof Map) return sameArrays(target, want);
  return Buffer.from(want).equals(await readFile(target));
}

/** Compares an .npz's members (.npy bytes) with the expected ones; zip timestamps may differ. */
async function sameArrays(target: string, want: Map<string, NdArray>): Promise<boolean> {
  let npz: NpzReader;
  try {
    npz = await NpzReader.open(target);
  } catch {
    return false;
  }
  try {
    if (npz.names.length !== want.size) return false;
    for (const [name, w] of want) {
      if (!npz.has(name)) return false;
      const a = await npz.read(name);
      if (a.dtype !== w.dtype || a.shape.join() !== w.shape.join() || !view(a.bytes).equals(view(w.bytes))) return false;
    }
    return true;
  } catch {
    return false;
  } finally {
    npz.close();
  }
}

const view = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
