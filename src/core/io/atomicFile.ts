import { createWriteStream, renameSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * Every output file is written under a temporary name in the same folder and renamed when
 * complete, so an interrupted or cancelled job never leaves a half-written file under the real
 * name. Temporary names start with `.` and end with `.partial` so they are easy to clean up.
 */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.partial`);
}

export function isTemporaryPath(path: string): boolean {
  return /^\..+\.[0-9a-f]{8}\.partial$/.test(basename(path));
}

/**
 * Removes temporary files (`.name.xxxxxxxx.partial`) left in these folders by a cancelled or crashed
 * run, and returns the paths of the other files there.
 */
export async function removeTemporaryFiles(dirs: readonly string[]): Promise<Set<string>> {
  const others = new Set<string>();
  for (const d of dirs) {
    let names: string[];
    try {
      names = await readdir(d);
    } catch {
      continue;
    }
    for (const n of names) {
      if (isTemporaryPath(n)) await rm(join(d, n), { force: true });
      else others.add(join(d, n));
    }
  }
  return others;
}

/** Removes what interrupted writes of `path` left beside it (its temporary names), once `path` is complete. */
export async function removeStaleTemporaries(path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith(prefix) && isTemporaryPath(n) && n.length === prefix.length + 16) await rm(join(dirname(path), n), { force: true });
}

/** Writes `data` to `path` atomically (temporary file + rename). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = temporaryPathFor(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * The blocking form of writeFileAtomic for worker threads that copy with synchronous I/O (the
 * folder must exist).
 */
export function writeFileAtomicSync(path: string, data: Uint8Array): void {
  const tmp = temporaryPathFor(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export interface AtomicWriteStream {
  /** The temporary file's stream; write to it, then `commit()` or `abort()`. */
  stream: WriteStream;
  tempPath: string;
  /** Closes the stream and renames the temporary file to the final path. */
  commit(): Promise<void>;
  /** Closes the stream and deletes the temporary file. Safe to call more than once. */
  abort(): Promise<void>;
}

/** A write stream for large outputs with the same temporary-name-then-rename guarantee. */
export async function createAtomicWriteStream(path: string): Promise<AtomicWriteStream> {
  await mkdir(dirname(path), { recursive: true });
  const tempPath = temporaryPathFor(path);
  const stream = createWriteStream(tempPath, { flags: 'wx' });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  const close = () =>
    new Promise<void>((resolve, reject) => {
      if (stream.closed) {
        resolve();
        return;
      }
      stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
  return {
    stream,
    tempPath,
    async commit() {
      await close();
      await rename(tempPath, path);
    },
    async abort() {
      stream.destroy();
      await rm(tempPath, { force: true });
    },
  };
}
