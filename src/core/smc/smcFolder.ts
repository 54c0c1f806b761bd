import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, errorMessage, inputErrorFromFs } from '../errors';
import { Hdf5File } from '../hdf5/hdf5File';
import { performanceKindOf, readSmcHeader, type PerformanceKind, type SmcHeader } from './smcHeader';
import { comparePartNames, parseSmcFileName, STANDARD_PARTS } from './smcNames';

/** One `.smc` file found in a folder tree. */
export interface SmcFileRow {
  path: string;
  size: number;
  /** Read when the index reads headers and the file is a valid SMC. */
  header?: SmcHeader;
  /** Number of camera groups under /Camera. */
  cameraGroups?: number;
  /** Why the file is not usable (truncated, not an SMC, ...). */
  error?: { code: string; message: string };
}

/** One performance: its anno and raw files, paired by name. */
export interface SmcPerformanceRow {
  actorId: string;
  part: string;
  performanceKind: PerformanceKind;
  anno: SmcFileRow | null;
  raw: SmcFileRow | null;
  /** Unpaired, unreadable, or the two files' headers disagree. */
  problems: string[];
}

export interface SmcSubjectRow {
  actorId: string;
  parts: string[];
  /** Standard parts (e0-e11, s1_all-s6_all, h0) with neither file present. */
  missingParts: string[];
}

export interface SmcFolderIndex {
  root: string;
  performances: SmcPerformanceRow[];
  subjects: SmcSubjectRow[];
  /** `.smc` files whose names do not follow `<actor>_<part>_<anno|raw>.smc`. */
  unrecognized: string[];
  /** The same files' rows (header or error when headers are read), to say why they are listed apart. */
  unrecognizedRows: SmcFileRow[];
  /** Folders that could not be listed. */
  errors: { path: string; message: string }[];
}

export interface SmcFolderOptions {
  /** Open each file for its header (~3 ms per file; default true). */
  readHeaders?: boolean;
  /** Folder levels to descend (default 8). */
  maxDepth?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Every performance under `root`, paired by name across the folder tree (the release keeps anno and
 * raw files in separate `anno/<actor>/` and `raw/<actor>/` folders), with a summary row each.
 * Hidden folders and node_modules are skipped; symbolic links to folders are not followed.
 */
export async function indexSmcFolder(root: string, options: SmcFolderOptions = {}): Promise<SmcFolderIndex> {
  try {
    if (!(await stat(root)).isDirectory()) throw new InputError('unsupported', `${root} is not a folder`);
  } catch (err) {
    throw inputErrorFromFs(err, root);
  }
  const errors: SmcFolderIndex['errors'] = [];
  const files = await findSmcFiles(root, options.maxDepth ?? 8, errors);
  const byKey = new Map<string, SmcPerformanceRow>();
  const unrecognized: string[] = [];
  const unrecognizedRows: SmcFileRow[] = [];
  let done = 0;
  for (const path of files) {
    const name = parseSmcFileName(path);
    const row = await fileRow(path, options.readHeaders ?? true);
    options.onProgress?.(++done, files.length);
    if (!name) {
      unrecognized.push(path);
      unrecognizedRows.push(row);
      continue;
    }
    const key = `${name.actorId}\u0000${name.part}`;
    let perf = byKey.get(key);
    if (!perf) {
      perf = { actorId: name.actorId, part: name.part, performanceKind: performanceKindOf(name.part), anno: null, raw: null, problems: [] };
      byKey.set(key, perf);
    }
    if (perf[name.kind]) perf.problems.push(`duplicate ${name.kind} file ${path}`);
    else perf[name.kind] = row;
  }
  const performances = [...byKey.values()].sort((a, b) => (a.actorId < b.actorId ? -1 : a.actorId > b.actorId ? 1 : comparePartNames(a.part, b.part)));
  for (const p of performances) p.problems.push(...rowProblems(p));
  return { root, performances, subjects: subjectsOf(performances), unrecognized, unrecognizedRows, errors };
}

async function findSmcFiles(root: string, maxDepth: number, errors: SmcFolderIndex['errors']): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, depth: number) => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      errors.push({ path: dir, message: errorMessage(inputErrorFromFs(err, dir)) });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < maxDepth && !e.name.startsWith('.') && e.name !== 'node_modules') await walk(p, depth + 1);
      } else if ((e.isFile() || e.isSymbolicLink()) && e.name.toLowerCase().endsWith('.smc')) {
        out.push(p);
      }
    }
  };
  await walk(root, 0);
  return out;
}

async function fileRow(path: string, readHeader: boolean): Promise<SmcFileRow> {
  let size = 0;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    const e = inputErrorFromFs(err, path);
    return { path, size, error: { code: e instanceof InputError ? e.code : 'internal', message: errorMessage(e) } };
  }
  if (!readHeader) return { path, size };
  let file: Hdf5File | undefined;
  try {
    file = await Hdf5File.open(path);
    return { path, size, header: readSmcHeader(file), cameraGroups: file.childNames('/Camera')?.length ?? 0 };
  } catch (err) {
    return { path, size, error: { code: err instanceof InputError ? err.code : 'internal', message: errorMessage(err) } };
  } finally {
    file?.close();
  }
}

function rowProblems(p: SmcPerformanceRow): string[] {
  const out: string[] = [];
  if (!p.anno) out.push('no anno file');
  if (!p.raw) out.push('no raw file');
  // Short codes here; the full message is in the file row's error.
  for (const [kind, f] of [
    ['anno', p.anno],
    ['raw', p.raw],
  ] as const)
    if (f?.error) out.push(`${kind} file ${f.error.code}`);
  const a = p.anno?.header;
  const r = p.raw?.header;
  if (a && r) {
    if (a.cameraInfo.numFrame !== r.cameraInfo.numFrame) out.push(`num_frame differs: anno ${a.cameraInfo.numFrame}, raw ${r.cameraInfo.numFrame}`);
    if (a.actorId !== r.actorId || a.performancePart !== r.performancePart) out.push('the files name different performances inside');
  }
  for (const [kind, h] of [
    ['anno', a],
    ['raw', r],
  ] as const) {
    if (h && (h.actorId !== p.actorId || h.performancePart !== p.part)) {
      out.push(`the ${kind} file says ${h.actorId}_${h.performancePart} inside`);
    }
  }
  return out;
}

function subjectsOf(performances: SmcPerformanceRow[]): SmcSubjectRow[] {
  const parts = new Map<string, string[]>();
  for (const p of performances) parts.set(p.actorId, [...(parts.get(p.actorId) ?? []), p.part]);
  return [...parts].map(([actorId, list]) => ({
    actorId,
    parts: list,
    missingParts: STANDARD_PARTS.filter((s) => !list.includes(s)),
  }));
}
