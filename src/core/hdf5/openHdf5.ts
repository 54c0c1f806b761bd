import type * as H5 from 'h5wasm';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../errors';
import { HDF5_SIGNATURE, inputFileSize, readBytesAt, startsWith } from '../io/fileHead';
import { h5wasmPluginDir, nodeModulesCandidates } from './filters';
import { parseSuperblock, SUPERBLOCK_READ_SIZE, type Hdf5Superblock } from './superblock';

export type { Hdf5Superblock } from './superblock';
export type H5Module = typeof import('h5wasm');
export type H5File = H5.File;

/**
 * The HDF5 library (h5wasm: ESM, wasm embedded; NODERAWFS reads host files directly), one instance
 * in use per thread, created on first use.
 *
 * HDF5 errors are turned into thrown JS errors: the default handler writes HDF5-DIAG stacks straight
 * to file descriptor 2, which would break the CLI's one-line error contract and clutter the extension log.
 * The price: a throw skips h5wasm's own cleanup, so a file that failed may stay open inside HDF5 until
 * the instance is dropped. The native reader keeps h5py-layout files away from h5wasm, which limits this.
 *
 * On some damaged structures the HDF5 library calls abort(), which leaves its wasm instance in an
 * unknown state: the instance is then dropped and a fresh one created (h5wasm keeps its instance in
 * module state, so each instance is a fresh evaluation of h5wasm's ES module, loaded from the file
 * with a distinct query), and only the file that aborted it is reported as corrupt.
 */
let current: Promise<H5Module> | undefined;
/** The instance in use once it is ready (what synchronous callers switch to after an abort). */
let ready: H5Module | undefined;
/** Instances that aborted: never called again. */
const dead = new WeakSet<H5Module>();
let instances = 0;
/**
 * Fresh instances allowed per thread. Each costs about 20 MB that stays allocated (the module loader
 * keeps every evaluated module); a file that aborts the library again and again gets `unsupported`.
 */
export const MAX_H5WASM_INSTANCES = 32;

/** The h5wasm instance in use, created (or re-created after an abort) when needed. */
export function loadH5wasm(): Promise<H5Module> {
  if (!current) {
    const generation = instances++;
    const created = createInstance(generation).then((mod) => {
      ready = mod;
      return mod;
    });
    current = created;
    // A failed creation is retried by the next caller.
    created.catch(() => {
      if (current === created) current = undefined;
    });
  }
  return current;
}

/** How many h5wasm instances this thread has created (1 until an abort; for tests). */
export function h5wasmInstanceCount(): number {
  return instances;
}

/** True when `mod` aborted: it must not be called again (see h5wasmReplacement). */
export function h5wasmDead(mod: H5Module): boolean {
  return dead.has(mod);
}

/**
 * The instance that replaced `mod` after it aborted (`mod` itself if it did not), or null while the
 * replacement is still being created (callers that can wait use loadH5wasm()).
 */
export function h5wasmReplacement(mod: H5Module): H5Module | null {
  if (!dead.has(mod)) return mod;
  void loadH5wasm().catch(() => undefined);
  return ready && !dead.has(ready) ? ready : null;
}

async function createInstance(generation: number): Promise<H5Module> {
  const url = pathToFileURL(h5wasmEntry()).href + (generation === 0 ? '' : `?instance=${generation}`);
  // The instance binds console.error while it is created (until `ready`) and prints "Aborted(...)"
  // through it on abort; the abort is reported as an error instead, so that line is dropped.
  const consoleError = console.error;
  console.error = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('Aborted(')) return;
    consoleError(...args);
  };
  let mod: H5Module;
  let module: H5Module['Module'];
  try {
    mod = (await import(url)) as H5Module;
    module = await mod.ready;
  } finally {
    console.error = consoleError;
  }
  module.activate_throwing_error_handler();
  const plugins = h5wasmPluginDir();
  if (plugins) module.insert_plugin_search_path(plugins, 0);
  return mod;
}

let entry: string | undefined;

/** h5wasm's Node entry: copied next to the bundles as `h5wasm/` (esbuild.mjs), in node_modules for sources. */
function h5wasmEntry(): string {
  if (entry) return entry;
  const rel = join('h5wasm', 'dist', 'node', 'hdf5_hl.js');
  // Bundles look next to themselves first; sources, and bundles built elsewhere (bench, fuzz), in node_modules.
  const candidates = [join(__dirname, 'h5wasm', 'hdf5_hl.js'), ...nodeModulesCandidates(__dirname, rel)];
  entry = candidates.find((f) => existsSync(f));
  if (!entry) throw new Error(`The HDF5 library (h5wasm) is missing: looked for ${candidates.join(', ')}`);
  return entry;
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
    file = guardH5wasm(h5, () => new h5.File(path, 'r'));
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError('corrupt', `HDF5 could not open the file, it is probably corrupt (${hdf5ErrorMessage(err)}): ${path}`);
  }
  if (file.file_id < 0n) {
    throw new InputError('corrupt', `The HDF5 library could not open the file; it is probably corrupt: ${path}`);
  }
  return file;
}

/**
 * Runs an h5wasm call on instance `mod`. On some damaged structures the HDF5 library calls abort():
 * that file is reported as corrupt, the instance is dropped (a fresh one is created for later
 * calls) and later calls on it are refused instead of running on a library in an unknown state.
 */
export function guardH5wasm<T>(mod: H5Module, fn: () => T): T {
  if (dead.has(mod)) {
    throw new InputError('unsupported', 'The HDF5 library stopped on an earlier damaged file and is restarting; open this file again');
  }
  try {
    return fn();
  } catch (err) {
    if (/\bAborted\(/.test(err instanceof Error ? err.message : String(err))) {
      dead.add(mod);
      if (mod === ready) {
        ready = undefined;
        current = undefined;
        // Start the replacement now, so synchronous callers find it ready soon.
        if (instances < MAX_H5WASM_INSTANCES) void loadH5wasm().catch(() => undefined);
        else {
          current = Promise.reject(tooManyAborts());
          current.catch(() => undefined);
        }
      }
      throw new InputError('corrupt', 'The HDF5 library gave up on the file; it is damaged');
    }
    throw err;
  }
}

function tooManyAborts(): InputError {
  return new InputError(
    'unsupported',
    `The HDF5 library stopped on damaged files ${MAX_H5WASM_INSTANCES} times; restart (reload the window) to read more files`,
  );
}
