import { stat } from 'node:fs/promises';
import type * as H5 from 'h5wasm';
import { InputError, inputErrorFromFs } from '../errors';
import { HDF5_SIGNATURE, readBytesAt, startsWith } from '../io/fileHead';

export type H5Module = typeof import('h5wasm');
export type H5File = H5.File;
export type H5Group = H5.Group;
export type H5Dataset = H5.Dataset;

let h5wasmPromise: Promise<H5Module> | undefined;

/** h5wasm (ESM, wasm embedded) loaded once per process; NODERAWFS reads host files directly. */
export function loadH5wasm(): Promise<H5Module> {
  h5wasmPromise ??= (async () => {
    const mod = (await import('h5wasm/node')) as H5Module;
    await mod.ready;
    return mod;
  })();
  return h5wasmPromise;
}

export interface Hdf5Superblock {
  /** Where the signature is (0 unless the file has a user block). */
  signatureOffset: number;
  version: number;
  /** End-of-file address the writer recorded (absolute), or undefined if it is the undefined address. */
  eofAddress?: number;
}

/**
 * Validates the HDF5 signature and superblock from a few bytes, before h5wasm touches the file:
 * h5wasm does not throw on a bad file, and a truncated file is only noticed deep into a read.
 */
export async function checkHdf5Header(path: string): Promise<{ size: number; superblock: Hdf5Superblock }> {
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new InputError('is-directory', `${path} is a folder, not a file`);
    size = st.size;
  } catch (err) {
    throw inputErrorFromFs(err, path);
  }
  if (size === 0) throw new InputError('empty', `The file is empty (0 bytes): ${path}`);

  for (let off = 0; off + 8 <= size; off = off === 0 ? 512 : off * 2) {
    const head = await readBytesAt(path, off, 64);
    if (!startsWith(head, HDF5_SIGNATURE)) continue;
    const superblock = parseSuperblock(head, off);
    if (!superblock) {
      throw new InputError('corrupt', `The HDF5 superblock is damaged or of an unknown version: ${path}`);
    }
    if (superblock.eofAddress !== undefined && superblock.eofAddress > size) {
      const pct = ((100 * size) / superblock.eofAddress).toFixed(1);
      throw new InputError(
        'truncated',
        `The file is truncated: it has ${size.toLocaleString('en-US')} bytes but its HDF5 header says ` +
          `${superblock.eofAddress.toLocaleString('en-US')} (${pct}% present). Was the download or copy interrupted?`,
      );
    }
    return { size, superblock };
  }
  throw new InputError('not-hdf5', `Not an HDF5 file (no HDF5 signature found): ${path}`);
}

function readUint(bytes: Uint8Array, offset: number, width: number): number | undefined {
  if (offset + width > bytes.length) return undefined;
  let value = 0n;
  let allOnes = true;
  for (let i = width - 1; i >= 0; i--) {
    const b = bytes[offset + i]!;
    if (b !== 0xff) allOnes = false;
    value = (value << 8n) | BigInt(b);
  }
  if (allOnes) return undefined; // the HDF5 "undefined address"
  return Number(value);
}

/** Superblock layouts from the HDF5 file format spec (v0/v1: EOF after 3 addresses; v2/v3: after 2). */
function parseSuperblock(head: Uint8Array, signatureOffset: number): Hdf5Superblock | undefined {
  const version = head[8];
  if (version === 0 || version === 1) {
    const offsetSize = head[13]!;
    if (![2, 4, 8].includes(offsetSize)) return undefined;
    const addrStart = version === 0 ? 24 : 28;
    const base = readUint(head, addrStart, offsetSize) ?? 0;
    const eof = readUint(head, addrStart + 2 * offsetSize, offsetSize);
    return { signatureOffset, version, eofAddress: eof === undefined ? undefined : base + eof };
  }
  if (version === 2 || version === 3) {
    const offsetSize = head[9]!;
    if (![2, 4, 8].includes(offsetSize)) return undefined;
    const base = readUint(head, 12, offsetSize) ?? 0;
    const eof = readUint(head, 12 + 2 * offsetSize, offsetSize);
    return { signatureOffset, version, eofAddress: eof === undefined ? undefined : base + eof };
  }
  return undefined;
}

/** Opens an HDF5 file read-only with h5wasm after the header checks; the caller must close it. */
export async function openHdf5(path: string): Promise<H5File> {
  await checkHdf5Header(path);
  const h5 = await loadH5wasm();
  let file: H5File;
  try {
    file = new h5.File(path, 'r');
  } catch (err) {
    throw new InputError('corrupt', `HDF5 could not open the file (${(err as Error).message}): ${path}`);
  }
  if (file.file_id < 0n) {
    throw new InputError('corrupt', `The HDF5 library could not open the file; it is probably corrupt: ${path}`);
  }
  return file;
}
