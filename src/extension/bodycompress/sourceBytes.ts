import { open, stat } from 'node:fs/promises';

/*
 * The bytes of a BodyCompress file's source video (or of one image of its frame folder), read on
 * the extension host for the webview, which demuxes and decodes them itself (videoBackdrop.ts):
 * the host may be remote, and the video is never read whole. Each read opens the file, checks it
 * is still the one the page was told about, and reads only the asked-for range with a positional
 * read. No vscode import: unit-tested on real files.
 */

/** Bytes one request may ask for: the demuxer's reads are a few KiB to a few MiB. */
export const MAX_RANGE_BYTES = 8 * 2 ** 20;
/** Largest frame image sent whole (a 4K PNG is ~25 MB). */
export const MAX_IMAGE_BYTES = 64 * 2 ** 20;

/** The file as the page was told about it: reads fail when it changed since. */
export interface ServedFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/** A file's identity now, or a clear error when it is not there. */
export async function servedFile(path: string): Promise<ServedFile> {
  const s = await stat(path).catch(() => null);
  if (!s?.isFile()) throw new Error(`${path} is gone`);
  return { path, size: s.size, mtimeMs: s.mtimeMs };
}

/**
 * Reads bytes [start, end) of `file` (end clipped to its size). Throws one line when the range is
 * not one the page may ask for (negative, empty, over the cap, beyond the end) or when the file was
 * removed or changed since the page was told its size.
 */
export async function readRange(file: ServedFile, start: number, end: number): Promise<Uint8Array> {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end <= start)
    throw new Error(`Bad byte range ${start}-${end} of ${file.path}`);
  if (end - start > MAX_RANGE_BYTES)
    throw new Error(`Byte range ${start}-${end} of ${file.path} is over the ${MAX_RANGE_BYTES / 2 ** 20} MiB a request may read`);
  if (start >= file.size) throw new Error(`Byte range ${start}-${end} is beyond the end of ${file.path} (${file.size} bytes)`);
  const length = Math.min(end, file.size) - start;
  const handle = await open(file.path, 'r').catch(() => {
    throw new Error(`${file.path} is gone`);
  });
  try {
    await checkUnchanged(file, handle);
    const bytes = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await handle.read(bytes, done, length - done, start + done);
      if (bytesRead === 0) throw new Error(`${file.path} changed on disk (it is shorter now): open it again`);
      done += bytesRead;
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

/** Reads a whole (image) file, up to MAX_IMAGE_BYTES. */
export async function readWhole(path: string): Promise<Uint8Array> {
  const file = await servedFile(path);
  if (file.size > MAX_IMAGE_BYTES) throw new Error(`${path} is ${(file.size / 2 ** 20).toFixed(0)} MiB, over the ${MAX_IMAGE_BYTES / 2 ** 20} MiB of an image`);
  if (file.size === 0) throw new Error(`${path} is empty`);
  const whole = new Uint8Array(file.size);
  for (let at = 0; at < file.size; at += MAX_RANGE_BYTES) whole.set(await readRange(file, at, Math.min(file.size, at + MAX_RANGE_BYTES)), at);
  return whole;
}

async function checkUnchanged(file: ServedFile, handle: Awaited<ReturnType<typeof open>>): Promise<void> {
  const s = await handle.stat();
  if (s.size !== file.size || s.mtimeMs !== file.mtimeMs) throw new Error(`${file.path} changed on disk since it was opened: open it again`);
}
