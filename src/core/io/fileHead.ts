import { open, stat } from 'node:fs/promises';
import { InputError, inputErrorFromFs } from '../errors';
import { readFully } from './readFully';

/**
 * The size of an input file, after the checks every reader makes first: it exists, is readable,
 * is a file and is not empty (each failure is an InputError with its own code).
 */
export async function inputFileSize(path: string): Promise<number> {
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new InputError('is-directory', `${path} is a folder, not a file`);
    size = st.size;
  } catch (err) {
    throw inputErrorFromFs(err, path);
  }
  if (size === 0) throw new InputError('empty', `The file is empty (0 bytes): ${path}`);
  return size;
}

/** Reads `length` bytes at `position` (fewer at the end of the file) without reading the rest. */
export async function readBytesAt(path: string, position: number, length: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw inputErrorFromFs(err, path);
  }
  try {
    const buf = new Uint8Array(length);
    return buf.subarray(0, await readFully(handle, buf, position));
  } catch (err) {
    throw inputErrorFromFs(err, path);
  } finally {
    await handle.close();
  }
}

export const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
export const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];

export function startsWith(bytes: Uint8Array, magic: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + magic.length) return false;
  return magic.every((b, i) => bytes[offset + i] === b);
}

/** What a file looks like from its first bytes; used to route `bodycap info` and the editors. */
export type SniffedKind = 'hdf5' | 'xz' | 'empty' | 'other';

export function sniffKind(head: Uint8Array): SniffedKind {
  if (head.length === 0) return 'empty';
  if (startsWith(head, XZ_MAGIC)) return 'xz';
  // HDF5 allows a user block, so the signature may sit at 0, 512, 1024, 2048, ...
  for (let off = 0; off < head.length; off = off === 0 ? 512 : off * 2) {
    if (startsWith(head, HDF5_SIGNATURE, off)) return 'hdf5';
  }
  return 'other';
}

/** Bytes sniffFile reads from the start; the signature checks after them read 8 bytes each. */
const SNIFF_HEAD_BYTES = 4096;

/**
 * What the file at `path` looks like (sniffKind on its head), also finding the HDF5 signature behind a
 * user block larger than the head: HDF5 looks at 0, 512, 1024, 2048, ... up to the end of the file.
 */
export async function sniffFile(path: string): Promise<SniffedKind> {
  const head = await readBytesAt(path, 0, SNIFF_HEAD_BYTES);
  const kind = sniffKind(head);
  if (kind !== 'other' || head.length < SNIFF_HEAD_BYTES) return kind;
  const size = await inputFileSize(path);
  for (let off = SNIFF_HEAD_BYTES; off + HDF5_SIGNATURE.length <= size; off *= 2) {
    if (startsWith(await readBytesAt(path, off, HDF5_SIGNATURE.length), HDF5_SIGNATURE)) return 'hdf5';
  }
  return 'other';
}
