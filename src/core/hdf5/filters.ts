import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Hdf5Filter } from './types';

/**
 * Which HDF5 filters (per-chunk compression and checks) the values can be read through.
 *
 * The HDF5 library in h5wasm has the standard filters built in. The others come as HDF5 filter
 * plugins compiled for h5wasm (the npm package h5wasm-plugins: LZF, bzip2, Blosc, Blosc2, Zstandard,
 * LZ4, Bitshuffle, ZFP, JPEG, BitGroom, BitRound), which the library loads from a folder on first
 * use. The bundles carry that folder as `h5plugins/` next to them (esbuild.mjs copies it); sources
 * run under tsx find it in node_modules.
 */

/** Filters the HDF5 library in h5wasm applies without plugins (szip through libaec). */
const BUILT_IN: ReadonlyMap<number, string> = new Map([
  [1, 'deflate'],
  [2, 'shuffle'],
  [3, 'fletcher32'],
  [4, 'szip'],
  [5, 'nbit'],
  [6, 'scaleoffset'],
]);

/** The plugins of h5wasm-plugins, by filter id: file `libH5Z<file>.so`, and the filter's usual name. */
const PLUGINS: ReadonlyMap<number, { file: string; name: string }> = new Map([
  [307, { file: 'bz2', name: 'bzip2' }],
  [32000, { file: 'lzf', name: 'lzf' }],
  [32001, { file: 'blosc', name: 'blosc' }],
  [32004, { file: 'lz4', name: 'lz4' }],
  [32008, { file: 'bshuf', name: 'bitshuffle' }],
  [32013, { file: 'zfp', name: 'zfp' }],
  [32015, { file: 'zstd', name: 'zstd' }],
  [32019, { file: 'jpeg', name: 'jpeg' }],
  [32022, { file: 'bitgroom', name: 'bitgroom' }],
  [32023, { file: 'bitround', name: 'bitround' }],
  [32026, { file: 'blosc2', name: 'blosc2' }],
]);

/**
 * Registered HDF5 filters (The HDF Group's list) that no reader here has, so a refusal can name them.
 * A filter that is neither here nor above is named by its id and the name the file gives it.
 */
const OTHER_NAMES: ReadonlyMap<number, string> = new Map([
  [32002, 'mafisc'],
  [32003, 'snappy'],
  [32005, 'apax'],
  [32006, 'cbf'],
  [32007, 'jpeg-xr'],
  [32009, 'spdp'],
  [32010, 'lpc-rice'],
  [32011, 'ccsds-123'],
  [32012, 'jpeg-ls'],
  [32014, 'fpzip'],
  [32016, 'b3d'],
  [32017, 'sz'],
  [32018, 'fcidecomp'],
  [32020, 'vbz'],
  [32021, 'fapec'],
  [32024, 'sz3'],
  [32025, 'delta-rice'],
  [32027, 'flac'],
  [32028, 'h5z-sperr'],
  [32029, 'trpx'],
]);

/** The usual name of filter `id` (the file's own name for it as a fallback). */
export function filterName(id: number, fileName = ''): string {
  return BUILT_IN.get(id) ?? PLUGINS.get(id)?.name ?? OTHER_NAMES.get(id) ?? (fileName || `filter ${id}`);
}

let pluginDir: string | null | undefined;

/**
 * The folder holding the h5wasm filter plugins, or null when it is missing (then only the built-in
 * filters are available). Bundles: `h5plugins/` next to the bundle; sources: h5wasm-plugins in node_modules.
 */
export function h5wasmPluginDir(): string | null {
  if (pluginDir !== undefined) return pluginDir;
  const candidates = [join(__dirname, 'h5plugins'), ...nodeModulesCandidates(__dirname, join('h5wasm-plugins', 'plugins'))];
  pluginDir = candidates.find((dir) => existsSync(join(dir, 'libH5Zlzf.so'))) ?? null;
  return pluginDir;
}

/** `node_modules/<rel>` in `from` and every folder above it, nearest first. */
export function nodeModulesCandidates(from: string, rel: string): string[] {
  const out: string[] = [];
  for (let dir = from; ; dir = dirname(dir)) {
    out.push(join(dir, 'node_modules', rel));
    if (dirname(dir) === dir) return out;
  }
}

/** True when the values of a dataset with filter `id` can be decoded here. */
export function filterAvailable(id: number): boolean {
  if (BUILT_IN.has(id)) return true;
  const plugin = PLUGINS.get(id);
  const dir = h5wasmPluginDir();
  return plugin !== undefined && dir !== null && existsSync(join(dir, `libH5Z${plugin.file}.so`));
}

/**
 * Why values stored through `filters` cannot be decoded here, naming the first missing filter, or
 * null when every filter is available.
 */
export function missingFilterReason(filters: readonly Hdf5Filter[]): string | null {
  const missing = filters.find((f) => !filterAvailable(f.id));
  if (!missing) return null;
  const name = filterName(missing.id, missing.name);
  const known = PLUGINS.has(missing.id) ? ' (its plugin is missing from this installation)' : '';
  return `its values are stored through the HDF5 filter "${name}" (id ${missing.id})${known}, which this reader cannot decode`;
}

/**
 * Filters whose output a chunk's stored bytes bound: deflate at about 1032:1 (LZF and LZ4 far
 * less; shuffle, fletcher32 and N-bit barely change the size).
 */
const BOUNDED = new Set([1, 2, 3, 5, 32000, 32004]);
const BOUNDED_RATIO = 1100;

/**
 * At most how many times its stored size a chunk expands through `filters`: 1100 for the bounded
 * ones, Infinity when one can turn a few bytes into a whole chunk (scaleoffset and szip on constant
 * data, bzip2, Zstandard, Blosc, ZFP, ...), where only the read size limit applies.
 */
export function maxExpansion(filters: readonly Hdf5Filter[]): number {
  return filters.every((f) => BOUNDED.has(f.id)) ? BOUNDED_RATIO : Infinity;
}
