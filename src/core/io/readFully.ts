import { read, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/*
 * One positioned read may return fewer bytes than asked for; these loop until `length` bytes are
 * in `out` or the file ends. They return how many bytes were read, so that each caller words a
 * short read (a truncated or changed file) itself; read errors pass through unchanged.
 */

/** Reads `length` bytes at `position` into the start of `out`; fewer only at the end of the file. */
export async function readFully(file: FileHandle | number, out: Uint8Array, position: number, length = out.length): Promise<number> {
  let done = 0;
  while (done < length) {
    const n =
      typeof file === 'number'
        ? await readFd(file, out, done, length - done, position + done)
        : (await file.read(out, done, length - done, position + done)).bytesRead;
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** `readFully` with blocking reads (page caches and worker threads that may block). */
export function readFullySync(fd: number, out: Uint8Array, position: number, length = out.length): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, out, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

function readFd(fd: number, out: Uint8Array, offset: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => read(fd, out, offset, length, position, (err, n) => (err ? reject(err) : resolve(n))));
}
