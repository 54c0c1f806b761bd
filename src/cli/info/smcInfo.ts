import { basename, relative } from 'node:path';
import { SmcFile } from '../../core/smc/smcFile';
import { indexSmcFolder, type SmcFileRow, type SmcFolderIndex } from '../../core/smc/smcFolder';
import { findPartner } from '../../core/smc/smcNames';
import {
  cameraFrameCounts,
  folderTotals,
  inventoryRows,
  missingFramesByCamera,
  partSummary,
  performanceHeader,
  type InventoryWording,
} from '../../core/smc/smcSummary';
import type { CliIo } from '../command';
import { formatBytes } from '../../core/formatBytes';
import { formatFields, formatTable, printJson } from '../output';

/** `bodycap info <file.smc>`: header, inventory of what the file holds, partner file and warnings. */
export async function smcInfo(path: string, json: boolean, io: CliIo): Promise<void> {
  const file = await SmcFile.open(path);
  try {
    const h = file.header;
    const inv = await file.inventory();
    const pair = await findPartner(path);
    const contents = partSummary(inv);
    if (json) {
      printJson(io, {
        format: 'smc',
        path,
        fileSize: file.fileSize,
        fileKind: file.fileKind,
        actorId: h.actorId,
        performancePart: h.performancePart,
        performanceKind: file.performanceKind,
        captureDate: h.captureDate,
        actorInfo: h.actorInfo,
        cameraInfo: h.cameraInfo,
        cameras: cameraFrameCounts(inv),
        missingFrames: missingFramesByCamera(inv),
        contents,
        datasets: inv.datasets,
        bytes: inv.bytes,
        storedBytes: inv.storedBytes,
        pair,
        warnings: inv.warnings,
      });
      return;
    }
    const [height, width] = h.cameraInfo.resolution;
    const a = h.actorInfo;
    const actor = [
      a.gender,
      a.age != null ? `${a.age} y` : null,
      a.color,
      a.height != null ? `${a.height} cm` : null,
      a.weight != null ? `${a.weight} kg` : null,
    ]
      .filter((x) => x != null)
      .join(', ');
    io.out(
      formatFields([
        ['File', `${path} (${formatBytes(file.fileSize)})`],
        ['Format', `RenderMe360 SMC (${file.fileKind})`],
        ['Actor', actor ? `${h.actorId} (${actor})` : h.actorId],
        ['Performance', `${h.performancePart} (${file.performanceKind})`],
        ['Capture date', h.captureDate],
        ['Cameras', `${inv.cameraIds.length} camera groups (num_device ${h.cameraInfo.numDevice})`],
        ['Frames', h.cameraInfo.numFrame],
        ['Resolution', `${width} x ${height}`],
        ['Pair', pair ? relative(process.cwd(), pair) || basename(pair) : 'none found'],
      ]),
    );
    const rows = inventoryRows(inv, CONTENT_ROWS).map((r) => [r.label, r.count, formatBytes(r.bytes)]);
    io.out(`\n${formatTable(['Contents', 'Count', 'Size'], rows)}`);
    if (inv.warnings.length > 0) {
      io.out(`\nWarnings\n${inv.warnings.map((w) => `  ${w.severity === 'warning' ? '!' : 'i'} ${w.message}`).join('\n')}\n`);
    }
  } finally {
    file.close();
  }
}

/** How `bodycap info` words the inventory table's rows. */
const CONTENT_ROWS: InventoryWording = {
  parts: {
    color: (c) => ['colour images', `${c.images} (${c.cameras} cameras, ${c.frames} frames)`],
    mask: (c) => ['masks', `${c.images} (${c.cameras} cameras, ${c.frames} frames)`],
    audio: (a) => ['audio', `${a.durationSeconds?.toFixed(2) ?? '?'} s, ${a.channels} ch, ${a.sampleRate ?? '?'} Hz, ${a.dtype}`],
    calibration: (c) => ['calibration', `${c.cameras} cameras`],
    keypoints2d: (k) => ['2D keypoints', `${k.cameras} cameras, ${k.frames} frames`],
    keypoints3d: (k) => ['3D keypoints', `${k.frames} frames`],
    flame: (f) => ['FLAME', `${f.frames} frames, ${f.parameters.length} parameters`],
    uvTexture: (u) => ['UV textures', `${u.frames} frames`],
    scan: (s) => ['scan mesh', `${s.vertices ?? '?'} vertices, ${s.faces ?? '?'} faces`],
    scanMask: (s) => ['scan masks', `${s.cameras} cameras`],
  },
  file: (datasets) => ['total', `${datasets} datasets`],
};

/** `bodycap info <folder>`: every performance under the folder, paired, one row each. */
export async function smcFolderInfo(path: string, json: boolean, io: CliIo): Promise<void> {
  const index = await indexSmcFolder(path);
  if (json) {
    printJson(io, { format: 'smc-folder', ...folderJson(index) });
    return;
  }
  const totals = folderTotals(index);
  io.out(
    formatFields([
      ['Folder', path],
      ['Subjects', index.subjects.length],
      ['Performances', `${index.performances.length} (${totals.files} files, ${formatBytes(totals.bytes)})`],
    ]),
  );
  if (index.performances.length > 0) {
    const rows = index.performances.map((p) => {
      const h = performanceHeader(p);
      return [
        p.actorId,
        p.part,
        p.performanceKind,
        h ? String(h.cameraInfo.numFrame) : '—',
        fileCell(p.anno),
        fileCell(p.raw),
        p.problems.length === 0 ? 'ok' : p.problems.join('; '),
      ];
    });
    io.out(`\n${formatTable(['Actor', 'Part', 'Kind', 'Frames', 'Anno', 'Raw', 'Status'], rows)}`);
  }
  const notes: string[] = [];
  for (const s of index.subjects) {
    if (s.missingParts.length > 0) notes.push(`subject ${s.actorId} lacks ${s.missingParts.join(', ')}`);
  }
  for (const u of index.unrecognized) notes.push(`not named <actor>_<part>_<anno|raw>.smc: ${u}`);
  for (const e of index.errors) notes.push(`cannot list ${e.path}: ${e.message}`);
  if (notes.length > 0) io.out(`\nNotes\n${notes.map((n) => `  ${n}`).join('\n')}\n`);
  if (index.performances.length === 0 && index.unrecognized.length === 0) io.out('\nNo .smc files found.\n');
}

function fileCell(f: SmcFileRow | null): string {
  if (!f) return '—';
  return f.error ? `${formatBytes(f.size)} (${f.error.code})` : formatBytes(f.size);
}

function folderJson(index: SmcFolderIndex) {
  const file = (f: SmcFileRow | null) =>
    f && {
      path: f.path,
      size: f.size,
      ...(f.error ? { error: f.error } : {}),
      ...(f.cameraGroups !== undefined ? { cameraGroups: f.cameraGroups } : {}),
    };
  return {
    root: index.root,
    subjects: index.subjects,
    performances: index.performances.map((p) => {
      const h = performanceHeader(p);
      return {
        actorId: p.actorId,
        performancePart: p.part,
        performanceKind: p.performanceKind,
        captureDate: h?.captureDate ?? null,
        cameraInfo: h?.cameraInfo ?? null,
        anno: file(p.anno),
        raw: file(p.raw),
        problems: p.problems,
      };
    }),
    unrecognized: index.unrecognized,
    errors: index.errors,
  };
}
