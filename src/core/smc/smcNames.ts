import { stat } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import type { SmcFileKind } from './smcHeader';

/** What a file name says: `<actor>_<part>_<anno|raw>.smc`, e.g. 0026_s1_all_raw.smc. */
export interface SmcFileName {
  actorId: string;
  /** e0..e11, s1_all..s6_all, h0, h1_<wig>, ... (may contain underscores). */
  part: string;
  kind: SmcFileKind;
}

export function parseSmcFileName(fileName: string): SmcFileName | null {
  const m = /^([^_]+)_(.+)_(anno|raw)\.smc$/i.exec(basename(fileName));
  if (!m) return null;
  return { actorId: m[1]!, part: m[2]!, kind: m[3]!.toLowerCase() as SmcFileKind };
}

/** The parts a subject of the 21-subject release has, besides wig parts h1_<code>. */
export const STANDARD_PARTS = [...Array.from({ length: 12 }, (_, i) => `e${i}`), ...Array.from({ length: 6 }, (_, i) => `s${i + 1}_all`), 'h0'];

/** Sort order of parts: expressions, head rotations, speech; numbers numerically. */
export function comparePartNames(a: string, b: string): number {
  const key = (p: string) => {
    const m = /^([a-z]+)(\d+)(.*)$/i.exec(p);
    const group = { e: 0, h: 1, s: 2 }[m?.[1]?.toLowerCase() as 'e' | 'h' | 's'] ?? 3;
    return [group, m ? Number(m[2]) : Number.MAX_SAFE_INTEGER, m?.[3] ?? p] as const;
  };
  const [ga, na, ra] = key(a);
  const [gb, nb, rb] = key(b);
  return ga - gb || na - nb || (ra < rb ? -1 : ra > rb ? 1 : 0);
}

/**
 * Where the other half of a performance may be, most likely first: the same folder, then the release
 * layout `<root>/anno/<actor>/X_anno.smc` ↔ `<root>/raw/<actor>/X_raw.smc` (also without the actor folder).
 */
export function partnerCandidates(path: string): string[] {
  const parsed = parseSmcFileName(path);
  if (!parsed) return [];
  const otherKind: SmcFileKind = parsed.kind === 'anno' ? 'raw' : 'anno';
  const name = basename(path);
  // Keep the suffix's case: 0026_e0_ANNO.smc pairs with 0026_e0_RAW.smc.
  const suffix = /_(anno|raw)\.smc$/i.exec(name)![0];
  const partnerSuffix = suffix === suffix.toUpperCase() ? `_${otherKind.toUpperCase()}.SMC` : `_${otherKind}.smc`;
  const partnerName = name.slice(0, -suffix.length) + partnerSuffix;
  const dir = dirname(path);
  const out = [join(dir, partnerName)];
  const parts = dir.split(sep);
  // A folder named after the kind ("anno") one or two levels up has a sibling named after the other kind.
  for (let up = 1; up <= 2 && up < parts.length; up++) {
    const folder = parts[parts.length - up]!;
    if (folder.toLowerCase() !== parsed.kind) continue;
    const renamed = folder === folder.toUpperCase() ? otherKind.toUpperCase() : otherKind;
    const root = parts.slice(0, parts.length - up).join(sep) || sep;
    const between = parts.slice(parts.length - up + 1);
    out.push(join(root, renamed, ...between, partnerName));
    if (between.length === 0) out.push(join(root, renamed, parsed.actorId, partnerName));
    else out.push(join(root, renamed, partnerName));
  }
  return [...new Set(out)];
}

/** The partner file of `path` if one exists on disk, else null. */
export async function findPartner(path: string): Promise<string | null> {
  for (const candidate of partnerCandidates(path)) {
    try {
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // not there; try the next layout
    }
  }
  return null;
}
