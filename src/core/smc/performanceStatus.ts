import { basename } from 'node:path';
import { errorMessage } from '../errors';
import type { SmcFileRow, SmcPerformanceRow } from './smcFolder';
import type { SmcInventory, SmcWarning } from './smcInventory';
import { SmcPerformance } from './smcPerformance';

/*
 * Whether the performances of a folder index can be used, and why not, in words a user acts on
 * ("raw: truncated at 45 %", "no anno partner"), for Explore SMC Folder and the extraction pick. The
 * warnings are the SMC editor's own (SmcPerformance.inventory()), so both count the same.
 */

/** A performance as Explore SMC Folder and the extraction pick show it. */
export interface PerformanceStatus {
  /** At least one of its files is a readable SMC: extraction and the editor work (with what it holds). */
  usable: boolean;
  /** Why a file of it cannot be used, or its partner is missing; empty when both files are fine. */
  reasons: string[];
  /** The warnings the SMC editor shows for it (null when no file opens). */
  warnings: SmcWarning[] | null;
  /** Camera groups with colour images or masks (audio-only groups not counted), per file kind. */
  cameras: { anno: number | null; raw: number | null };
}

/** Why a file cannot be opened, in a few words: "truncated at 45 %", "not an HDF5 file". */
export function fileReason(error: { code: string; message: string }): string {
  switch (error.code) {
    case 'truncated': {
      // "it has 333,498 bytes but its HDF5 header says 741,108": the share present, rounded down.
      const m = /has ([\d,]+) bytes but its HDF5 header says ([\d,]+)/.exec(error.message);
      const [has, says] = m ? [m[1]!, m[2]!].map((n) => Number(n.replace(/,/g, ''))) : [];
      return has !== undefined && says ? `truncated at ${Math.floor((has / says) * 100)} %` : 'truncated';
    }
    case 'not-hdf5':
      return 'not an HDF5 file';
    case 'not-smc':
      return 'an HDF5 file, but not a RenderMe360 SMC';
    case 'empty':
      return 'empty (0 bytes)';
    case 'corrupt':
      return 'damaged (its HDF5 structure cannot be read)';
    case 'unreadable':
      return 'cannot be read (permission denied)';
    case 'not-found':
      return 'gone (deleted while reading)';
    default:
      return error.message;
  }
}

/** Why a `.smc` file whose name does not pair it is listed apart: its content's problem first. */
export function unpairedReason(row: SmcFileRow): string {
  if (row.error) return fileReason(row.error);
  const h = row.header;
  const says = h ? ` (it holds ${h.actorId}_${h.performancePart})` : '';
  return `not paired: the name does not end in _anno.smc or _raw.smc${says}; open it on its own`;
}

/** Reasons from the folder index alone: missing partners and files that do not open. */
export function pairReasons(p: SmcPerformanceRow): string[] {
  const out: string[] = [];
  for (const kind of ['anno', 'raw'] as const) {
    const f = p[kind];
    const other = kind === 'anno' ? 'raw' : 'anno';
    if (!f && p[other]) out.push(`no ${kind} partner`);
    else if (f?.error) out.push(`${kind}: ${fileReason(f.error)}`);
  }
  return out;
}

const imageCameras = (inv: SmcInventory | null) => (inv ? inv.cameras.filter((c) => c.color !== null || c.mask !== null).length : null);

/**
 * Opens a performance of a folder index as the SMC editor does (its files paired as the index paired
 * them) and reads its inventory: usable or not with the reasons, the editor's warnings, the cameras.
 */
export async function performanceStatus(p: SmcPerformanceRow): Promise<PerformanceStatus> {
  const reasons = pairReasons(p);
  const readable = [p.anno, p.raw].filter((f): f is SmcFileRow => f !== null && !f.error);
  const primary = readable[0];
  if (!primary) return { usable: false, reasons, warnings: null, cameras: { anno: null, raw: null } };
  const partner = [p.anno, p.raw].find((f) => f && f !== primary)?.path ?? null;
  let perf: SmcPerformance | undefined;
  try {
    perf = await SmcPerformance.open(primary.path, { partner });
    const inv = await perf.inventory();
    return { usable: true, reasons, warnings: inv.warnings, cameras: { anno: imageCameras(inv.anno), raw: imageCameras(inv.raw) } };
  } catch (err) {
    // The header read while indexing, the file changed since or its structure fails deeper down.
    return { usable: false, reasons: [...reasons, `${basename(primary.path)}: ${errorMessage(err)}`], warnings: null, cameras: { anno: null, raw: null } };
  } finally {
    perf?.close();
  }
}
