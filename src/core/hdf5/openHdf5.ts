import type * as H5 from 'h5wasm';
import { InputError } from '../errors';
import { HDF5_SIGNATURE, inputFileSize, readBytesAt, startsWith } from '../io/fileHead';
import { parseSuperblock, SUPERBLOCK_READ_SIZE, type Hdf5Superblock } from './superblock';

export type { Hdf5Superblock } from './superblock';
export type H5Module = typeof import('h5wasm');
export type H5File = H5.File;

let h5wasmPromise: Promise<H5Module> | undefined;

/**
 * h5wasm (ESM, wasm embedded) loaded once per process; NODERAWFS reads host files directly.
 * HDF5 errors are turned into thrown JS errors: the default handler writes HDF5-DIAG stacks straight
 * to file descriptor 2, which would break the CLI's one-line error contract and clutter the extension log.
 * The price: a throw skips h5wasm's own cleanup, so a file that failed may stay open inside HDF5 until
 * the process ends. The native reader keeps h5py-layout files away from h5wasm, which limits this.
 */
export function loadH5wasm(): Promise<H5Module> {
  h5wasmPromise ??= (async () => {
    const mod = await import('h5wasm/node');
    const module = await mod.ready;
    module.activate_throwing_error_handler();
    return mod;
  })();
  return h5wasmPromise;
}

/** The useful line of an HDF5-DIAG error stack ("H5Dopen2(): unable to open dataset"), or the message. */
export function hdf5ErrorMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  if (!text.startsWith('HDF5-DIAG')) return text;
  // The deepest frame names the root cause; its "minor:" line says what went wrong.
  const frames = [...text.matchAll(/#\d+: .*? in (\w+\(\)): (.*)/g)];
  const minors = [...text.matchAll(/minor: (.*)/g)];
  const deepest = frames.at(-1);
  const detail = minors.at(-1)?.[1]?.trim();
  if (!deepest) return 'HDF5 error';
  return `${deepest[1]} ${deepest[2]!.trim()}${detail ? ` (${detail})` : ''}`;
}

export interface Hdf5HeaderCheck {
  size: number;
  superblock: Hdf5Superblock;
}

/**
 * Validates the HDF5 signature and superblock from a few bytes, before h5wasm touches the file:
 * h5wasm does not throw on a bad file, and a truncated file is only noticed deep into a read.
 */
export async function checkHdf5Header(path: string): Promise<Hdf5HeaderCheck> {
  const size = await inputFileSize(path);

  for (let off = 0; off + 8 <= size; off = off === 0 ? 512 : off * 2) {
    const head = await readBytesAt(path, off, SUPERBLOCK_READ_SIZE);
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
    if (superblock.rootObjectAddress !== undefined && superblock.rootObjectAddress >= size) {
      throw new InputError('corrupt', `The HDF5 superblock points past the end of the file; it is corrupt: ${path}`);
    }
    return { size, superblock };
  }
  throw new InputError('not-hdf5', `Not an HDF5 file (no HDF5 signature found): ${path}`);
}

/**
 * Opens `path` read-only with the loaded h5wasm module; its two failure modes (a thrown HDF5 error,
 * or file id < 0) become `corrupt`. Callers check the header first (checkHdf5Header) and close the file.
 */
export function openH5wasmFile(h5: H5Module, path: string): H5File {
  let file: H5File;
  try {
    file = guardH5wasm(() => new h5.File(path, 'r'));
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError('corrupt', `HDF5 could not open the file, it is probably corrupt (${hdf5ErrorMessage(err)}): ${path}`);
  }
  if (file.file_id < 0n) {
    throw new InputError('corrupt', `The HDF5 library could not open the file; it is probably corrupt: ${path}`);
  }
  return file;
}

let h5wasmAborted = false;

/**
 * Runs an h5wasm call. On some damaged structures the HDF5 library calls abort(), which kills the
 * wasm instance for the rest of the process: report that file as corrupt, and every later call as
 * impossible until a restart, instead of failing with a raw runtime error.
 */
export function guardH5wasm<T>(fn: () => T): T {
  if (h5wasmAborted) {
    throw new InputError('unsupported', 'The HDF5 library stopped after an earlier damaged file; restart (reload the window) to read this file');
  }
  try {
    return fn();
  } catch (err) {
    if (/\bAborted\(/.test(err instanceof Error ? err.message : String(err))) {
      h5wasmAborted = true;
      throw new InputError('corrupt', 'The HDF5 library gave up on the file; it is damaged');
    }
    throw err;
  }
}
