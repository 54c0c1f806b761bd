import { statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** Bytes free for this user on the file system that holds `path` (or its nearest existing parent); null if unknown. */
export async function freeBytes(path: string): Promise<number | null> {
  for (let p = resolve(path); ; p = dirname(p)) {
    try {
      const s = await statfs(p);
      return s.bavail * s.bsize;
    } catch {
      if (dirname(p) === p) return null;
    }
  }
}
