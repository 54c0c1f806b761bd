import { basename, relative } from 'node:path';
import { SmcFile } from '../../core/smc/smcFile';
import { indexSmcFolder, type SmcFileRow, type SmcFolderIndex } from '../../core/smc/smcFolder';
import type { SmcInventory } from '../../core/smc/smcInventory';
import { findPartner } from '../../core/smc/smcNames';
import { cameraFrameCounts, contentsOf, missingFramesByCamera, type SmcContents } from '../../core/smc/smcSummary';
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
    const contents = contentsOf(inv);
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
    const actor = [a.gender, a.age != null ? `${a.age} y` : null, a.color, a.height != null ? `${a.height} cm` : null, a.weight != null ? `${a.weight} kg` : null]
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
    io.out(`\n${formatTable(['Contents', 'Count', 'Size'], contentRows(contents, inv))}`);
    if (inv.warnings.length > 0) {
      io.out(`\nWarnings\n${inv.warnings.map((w) => `  ${w.severity === 'warning' ? '!' : 'i'} ${w.message}`).join('\n')}\n`);
    }
  } finally {
    file.close();
  }
}

function contentRows(c: SmcContents, inv: SmcInventory): string[][] {
  const rows: string[][] = [];
  const add = (label: string, count: string, part: { bytes: number } | null) => {
    if (part) rows.push([label, count, formatBytes(part.bytes)]);
  };
  add('colour images', c.color ? `${c.color.images} (${c.color.cameras} cameras, ${c.color.frames} frames)` : '', c.color);
  add('masks', c.mask ? `${c.mask.images} (${c.mask.cameras} cameras, ${c.mask.frames} frames)` : '', c.mask);
  add(
    'audio',
    c.audio ? `${c.audio.durationSeconds?.toFixed(2) ?? '?'} s, ${c.audio.channels} ch, ${c.audio.sampleRate ?? '?'} Hz, ${c.audio.dtype}` : '',
    c.audio,
  );
  add('calibration', c.calibration ? `${c.calibration.cameras} cameras` : '', c.calibration);
  add('2D keypoints', c.keypoints2d ? `${c.keypoints2d.cameras} cameras, ${c.keypoints2d.frames} frames` : '', c.keypoints2d);
  add('3D keypoints', c.keypoints3d ? `${c.keypoints3d.frames} frames` : '', c.keypoints3d);
  add('FLAME', c.flame ? `${c.flame.frames} frames, ${c.flame.parameters.length} parameters` : '', c.flame);
  add('UV textures', c.uvTexture ? `${c.uvTexture.frames} frames` : '', c.uvTexture);
  add('scan mesh', c.scan ? `${c.scan.vertices ?? '?'} vertices, ${c.scan.faces ?? '?'} faces` : '', c.scan);
  add('scan masks', c.scanMask ? `${c.scanMask.cameras} cameras` : '', c.scanMask);
  rows.push(['total', `${inv.datasets} datasets`, formatBytes(inv.bytes)]);
  return rows;
}

/** `bodycap info <folder>`: every performance under the folder, paired, one row each. */
export async function smcFolderInfo(path: string, json: boolean, io: CliIo): Promise<void> {
  const index = await indexSmcFolder(path);
  if (json) {
    printJson(io, { format: 'smc-folder', ...folderJson(index) });
    return;
  }
  const files = index.performances.flatMap((p) => [p.anno, p.raw]).filter((f): f is SmcFileRow => f !== null);
  const total = files.reduce((n, f) => n + f.size, 0);
  io.out(
    formatFields([
      ['Folder', path],
      ['Subjects', index.subjects.length],
      ['Performances', `${index.performances.length} (${files.length} files, ${formatBytes(total)})`],
    ]),
  );
  if (index.performances.length > 0) {
    const rows = index.performances.map((p) => {
      const h = p.anno?.header ?? p.raw?.header;
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
      const h = p.anno?.header ?? p.raw?.header;
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
