import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError, inputErrorFromFs } from '../errors';
import { indexSmcFolder } from '../smc/smcFolder';
import { findPartner, parseSmcFileName } from '../smc/smcNames';

/** One performance to extract: the file to open and its partner (null: none; undefined: look for it). */
export interface PerformanceInput {
  /** `<actor>_<part>` from the file name, or the file name. */
  label: string;
  primary: string;
  partner: string | null;
}

/**
 * The performances named by files and folders: a file is one performance (paired with its partner
 * found on disk), a folder every performance under it (paired by name across the tree). Giving both
 * files of a pair, or a file inside a given folder, names the performance once.
 */
export async function resolveInputs(paths: readonly string[]): Promise<{ performances: PerformanceInput[]; problems: string[] }> {
  const byLabel = new Map<string, PerformanceInput>();
  const problems: string[] = [];
  const add = (p: PerformanceInput) => {
    if (!byLabel.has(p.label)) byLabel.set(p.label, p);
  };
  for (const path of paths) {
    let isDir: boolean;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch (err) {
      throw inputErrorFromFs(err, path);
    }
    if (isDir) {
      const index = await indexSmcFolder(path, { readHeaders: false });
      for (const p of index.performances) {
        const files = [p.raw?.path, p.anno?.path].filter((f): f is string => !!f);
        add({ label: `${p.actorId}_${p.part}`, primary: files[0]!, partner: files[1] ?? null });
      }
      for (const u of index.unrecognized) problems.push(`${u}: the name is not <actor>_<part>_<anno|raw>.smc; extract it on its own`);
      for (const e of index.errors) problems.push(`${e.path}: ${e.message}`);
      if (index.performances.length === 0) problems.push(`${path}: no SMC performance found`);
    } else {
      const name = parseSmcFileName(path);
      if (!name && !path.toLowerCase().endsWith('.smc')) throw new InputError('unsupported', `${path} is not an .smc file`);
      add({ label: name ? `${name.actorId}_${name.part}` : basename(path), primary: path, partner: await findPartner(path) });
    }
  }
  return { performances: [...byLabel.values()], problems };
}
