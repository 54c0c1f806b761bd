import type { SmcFolderIndex, SmcPerformanceRow } from './smcFolder';
import type { SmcHeader } from './smcHeader';
import type { SmcInventory } from './smcInventory';

/*
 * What the CLI (`bodycap info`) and the extension (the SMC editor's overview, Explore SMC Folder)
 * both show of a file's inventory and of a folder index, computed once here; each only words it.
 */

interface Sized {
  bytes: number;
  storedBytes: number | null;
}

/** What parts a file holds, with counts and sizes: a compact, JSON-friendly view of the inventory. */
export interface SmcPartSummary {
  color: ({ cameras: number; images: number; frames: number } & Sized) | null;
  mask: ({ cameras: number; images: number; frames: number } & Sized) | null;
  audio: ({ sampleRate: number | null; channels: number; sampleCount: number; durationSeconds: number | null; dtype: string } & Sized) | null;
  calibration: ({ cameras: number } & Sized) | null;
  keypoints2d: ({ cameras: number; frames: number; emptyFrames: number; missingFrames: number } & Sized) | null;
  keypoints3d: ({ frames: number; emptyFrames: number; missingFrames: number } & Sized) | null;
  flame: ({ frames: number; parameters: string[] } & Sized) | null;
  uvTexture: ({ frames: number } & Sized) | null;
  scan: ({ vertices: number | null; faces: number | null } & Sized) | null;
  scanMask: ({ cameras: number } & Sized) | null;
}

export function partSummary(inv: SmcInventory): SmcPartSummary {
  const sized = (p: Sized): Sized => ({ bytes: p.bytes, storedBytes: p.storedBytes });
  const kp2 = inv.keypoints2d;
  return {
    color: inv.color,
    mask: inv.mask,
    audio: inv.audio && {
      sampleRate: inv.audio.sampleRate,
      channels: inv.audio.channels,
      sampleCount: inv.audio.sampleCount,
      durationSeconds: inv.audio.durationSeconds,
      dtype: inv.audio.dtype,
      ...sized(inv.audio),
    },
    calibration: inv.calibration && { cameras: inv.calibration.cameraIds.length, ...sized(inv.calibration) },
    keypoints2d: kp2 && {
      cameras: kp2.cameras.length,
      frames: new Set(kp2.cameras.flatMap((c) => c.frames)).size,
      emptyFrames: kp2.cameras.reduce((n, c) => n + c.emptyFrames.length, 0),
      missingFrames: kp2.cameras.reduce((n, c) => n + c.missingFrames.length, 0),
      ...sized(kp2),
    },
    keypoints3d: inv.keypoints3d && {
      frames: inv.keypoints3d.frames.length,
      emptyFrames: inv.keypoints3d.emptyFrames.length,
      missingFrames: inv.keypoints3d.missingFrames.length,
      ...sized(inv.keypoints3d),
    },
    flame: inv.flame && { frames: inv.flame.frames.length, parameters: Object.keys(inv.flame.keys), ...sized(inv.flame) },
    uvTexture: inv.uvTexture && { frames: inv.uvTexture.frames.length, ...sized(inv.uvTexture) },
    scan: inv.scan && { vertices: inv.scan.vertexCount, faces: inv.scan.faceCount, ...sized(inv.scan) },
    scanMask: inv.scanMask && { cameras: inv.scanMask.cameraIds.length, ...sized(inv.scanMask) },
  };
}

/** How a front end words the row of each part: its label and count, from the part's summary. */
export type PartRowWording = { [P in keyof SmcPartSummary]?: (summary: NonNullable<SmcPartSummary[P]>) => [label: string, count: string] };

/** How a front end words a file's inventory table: the part rows, in their order, and the whole-file row. */
export interface InventoryWording {
  parts: PartRowWording;
  file: (datasets: number) => [label: string, count: string];
}

/** One row of a file's inventory table: a part the file holds, or the whole file. */
export interface InventoryRow {
  label: string;
  count: string;
  bytes: number;
  storedBytes: number | null;
}

/**
 * A file's inventory table: a row per part the file holds, in the order `wording.parts` lists them
 * (a part it leaves out gets no row), then the whole file (`wording.file`, given the dataset count).
 */
export function inventoryRows(inv: SmcInventory, wording: InventoryWording): InventoryRow[] {
  const summary = partSummary(inv);
  const rows: InventoryRow[] = [];
  const add = <P extends keyof SmcPartSummary>(part: P, word: PartRowWording[P]) => {
    const s = summary[part];
    if (!s || !word) return;
    const [label, count] = word(s);
    rows.push({ label, count, bytes: s.bytes, storedBytes: s.storedBytes });
  };
  for (const part of Object.keys(wording.parts) as (keyof SmcPartSummary)[]) add(part, wording.parts[part]);
  const [label, count] = wording.file(inv.datasets);
  rows.push({ label, count, bytes: inv.bytes, storedBytes: inv.storedBytes });
  return rows;
}

/** The header a performance of a folder index is described by: the anno file's, else the raw file's. */
export function performanceHeader(p: SmcPerformanceRow): SmcHeader | null {
  return p.anno?.header ?? p.raw?.header ?? null;
}

/** Bytes of a performance's files. */
export function performanceBytes(p: SmcPerformanceRow): number {
  return (p.anno?.size ?? 0) + (p.raw?.size ?? 0);
}

/** The files of a folder index's performances, and their bytes. */
export function folderTotals(index: SmcFolderIndex): { files: number; bytes: number } {
  let files = 0;
  for (const p of index.performances) files += Number(p.anno !== null) + Number(p.raw !== null);
  return { files, bytes: index.performances.reduce((n, p) => n + performanceBytes(p), 0) };
}

/** Frames per camera and image kind: {"00": {"color": 110, "mask": 0}, ...}. */
export function cameraFrameCounts(inv: SmcInventory): Map<string, { color: number; mask: number }> {
  return new Map(inv.cameras.map((c) => [c.id, { color: c.color?.frames.length ?? 0, mask: c.mask?.frames.length ?? 0 }]));
}

/** Cameras with gaps: {"03": {"color": [2, 3]}}; empty when every camera has every frame. */
export function missingFramesByCamera(inv: SmcInventory): Map<string, { color?: number[]; mask?: number[] }> {
  const out = new Map<string, { color?: number[]; mask?: number[] }>();
  for (const c of inv.cameras) {
    for (const kind of ['color', 'mask'] as const) {
      const missing = c[kind]?.missingFrames;
      if (!missing || missing.length === 0) continue;
      if (!out.has(c.id)) out.set(c.id, {});
      out.get(c.id)![kind] = missing;
    }
  }
  return out;
}
