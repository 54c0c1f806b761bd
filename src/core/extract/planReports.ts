import { basename } from 'node:path';
import { formatBytes } from '../formatBytes';
import { escapeControl } from '../printable';
import type { SmcFile } from '../smc/smcFile';
import type { SmcInventory } from '../smc/smcInventory';
import { formatFrameRanges } from '../smc/smcKeys';
import { describeCameras, describeFrames, describePreset, type ResolvedOptions } from './extractOptions';
import { planTotals, type ExtractPlan, type FileGroup, type PlannedFile } from './planTypes';

/*
 * The text files of an extraction. Their content depends only on the files read and the options, never
 * on the run (no timestamps, no "skipped" counts), so an interrupted and resumed extraction leaves the
 * same tree as an uninterrupted one, and their sizes are part of the exact estimate.
 */

export const TOOL_NAME = 'Body Capture Viewer (bodycap)';

/** metadata/info.json: what the file says about the actor, the capture and its contents. */
export function infoJson(files: SmcFile[], inventories: (SmcInventory | null)[]): string {
  const primary = files[0]!.header;
  const value = {
    actor_id: primary.actorId,
    performance_part: primary.performancePart,
    performance_kind: files[0]!.performanceKind,
    capture_date: primary.captureDate,
    actor: {
      age: primary.actorInfo.age,
      gender: primary.actorInfo.gender,
      color: primary.actorInfo.color,
      height_cm: primary.actorInfo.height,
      weight_kg: primary.actorInfo.weight,
    },
    camera_info: {
      num_device: primary.cameraInfo.numDevice,
      num_frame: primary.cameraInfo.numFrame,
      resolution_height_width: primary.cameraInfo.resolution,
    },
    sources: files.map((f, i) => ({ file: basename(f.path), kind: f.fileKind, bytes: f.fileSize, contents: contents(inventories[i] ?? null) })),
  };
  return `${JSON.stringify(value, null, 2)}\n`;
}

function contents(inv: SmcInventory | null) {
  if (!inv) return null;
  const kp2 = inv.keypoints2d;
  return {
    camera_groups: inv.cameraIds,
    color: inv.color && { cameras: inv.color.cameras, images: inv.color.images, frames: inv.color.frames, bytes: inv.color.bytes },
    mask: inv.mask && { cameras: inv.mask.cameras, images: inv.mask.images, frames: inv.mask.frames, bytes: inv.mask.bytes },
    audio: inv.audio && {
      dtype: inv.audio.dtype,
      shape: inv.audio.shape,
      sample_rate: inv.audio.sampleRate,
      duration_s: inv.audio.durationSeconds,
    },
    calibration_cameras: inv.calibration?.cameraIds ?? null,
    keypoints2d_cameras: kp2 ? kp2.cameras.map((c) => c.id) : null,
    keypoints3d_frames: inv.keypoints3d?.frames.length ?? null,
    flame_frames: inv.flame?.frames.length ?? null,
    flame_parameters: inv.flame ? inv.flame.keys : null,
    uv_texture_frames: inv.uvTexture?.frames.length ?? null,
    scan: inv.scan && { vertices: inv.scan.vertexCount, faces: inv.scan.faceCount },
    scan_mask_cameras: inv.scanMask?.cameraIds ?? null,
    other_members: inv.other,
    warnings: inv.warnings.map((w) => w.message),
  };
}

/** metadata/info.txt: the same, for people. */
export function infoText(files: SmcFile[], inventories: (SmcInventory | null)[]): string {
  const h = files[0]!.header;
  const a = h.actorInfo;
  const lines = [
    `Actor ${h.actorId}, performance ${h.performancePart} (${files[0]!.performanceKind}), captured ${h.captureDate}`,
    `Age ${a.age ?? '—'}, gender ${a.gender ?? '—'}, colour ${a.color ?? '—'}, height ${a.height ?? '—'} cm, weight ${a.weight ?? '—'} kg`,
    `Cameras (num_device) ${h.cameraInfo.numDevice}, frames (num_frame) ${h.cameraInfo.numFrame}, resolution ${h.cameraInfo.resolution[1]} × ${h.cameraInfo.resolution[0]} (width × height)`,
  ];
  for (const [i, f] of files.entries()) {
    const inv = inventories[i];
    lines.push('', `${basename(f.path)} (${f.fileKind}, ${formatBytes(f.fileSize)})`);
    if (!inv) continue;
    if (inv.color)
      lines.push(`  colour images: ${inv.color.images} (${inv.color.cameras} cameras, ${inv.color.frames} frames), ${formatBytes(inv.color.bytes)}`);
    if (inv.mask) lines.push(`  masks: ${inv.mask.images} (${inv.mask.cameras} cameras, ${inv.mask.frames} frames), ${formatBytes(inv.mask.bytes)}`);
    if (inv.audio) lines.push(`  audio: ${inv.audio.shape.join(' × ')} ${inv.audio.dtype} at ${inv.audio.sampleRate ?? '?'} Hz`);
    if (inv.calibration) lines.push(`  calibration: ${inv.calibration.cameraIds.length} cameras`);
    if (inv.keypoints2d) lines.push(`  2D landmarks: cameras ${inv.keypoints2d.cameras.map((c) => c.id).join(', ')}`);
    if (inv.keypoints3d) lines.push(`  3D landmarks: ${inv.keypoints3d.frames.length} frames`);
    if (inv.flame) lines.push(`  FLAME: ${inv.flame.frames.length} frames, parameters ${Object.keys(inv.flame.keys).join(', ')}`);
    if (inv.uvTexture) lines.push(`  UV textures: ${inv.uvTexture.frames.length} frames`);
    if (inv.scan) lines.push(`  scan mesh: ${inv.scan.vertexCount ?? '?'} vertices, ${inv.scan.faceCount ?? '?'} faces`);
    if (inv.scanMask) lines.push(`  scan masks: ${inv.scanMask.cameraIds.length} cameras`);
  }
  return `${lines.join('\n')}\n`;
}

const FOLDER_NOTES: [FileGroup, string, string][] = [
  ['metadata', 'metadata/', 'info.json and info.txt: actor, capture and what the file holds'],
  ['calibration', 'calibration/', 'all_cameras.json / all_cameras.npz (camera_ids, K, D, RT) and cam_XX.npz; RT is camera-to-world, metres'],
  ['images', 'images/cam_XX/', 'frame_XXXXXX.jpg: the stored colour JPEGs, byte for byte (not decoded or re-encoded)'],
  ['masks', 'masks/cam_XX/', 'frame_XXXXXX.png: the stored mask PNGs, byte for byte'],
  ['audio', 'audio/', 'audio.wav (32-bit float WAV) and audio_data.npz (audio as stored, sample_rate)'],
  ['keypoints2d', 'keypoints2d/', 'cam_XX.npz: frames (F,), valid (F,), keypoints (F, 106, 2) pixels; NaN where valid is False'],
  ['keypoints3d', 'keypoints3d/', 'all_frames.npz: frames, valid, keypoints (F, 106, 3) world metres'],
  ['flame', 'flame/', 'all_frames.npz: frames, valid and one (F, ...) array per FLAME parameter'],
  ['uv', 'uv_texture/', 'frame_XXXXXX.<ext>: the stored UV textures, byte for byte'],
  ['scan', 'scan_mesh/', 'mesh.ply: the scan as binary little-endian PLY (float32 xyz, triangles)'],
  ['scan_mask', 'scan_mask/', 'cam_XX.<ext>: the stored scan masks, byte for byte'],
  ['visualization', 'visualization/', 'a contact sheet of the cameras at one frame and a landmark overlay (JPEG previews)'],
];

/** extraction_info.txt: what was extracted from where, with which options, and what data is missing. */
export function extractionInfoText(plan: Omit<ExtractPlan, 'files'>, files: readonly PlannedFile[], version: string): string {
  const p = plan.performance;
  const o: ResolvedOptions = plan.options;
  const totals = planTotals(files);
  const lines = [
    `Extraction of performance ${p.actorId}_${p.part} (${p.kind}) by ${TOOL_NAME} ${version}`,
    '',
    'Sources:',
    `  anno: ${p.anno ? basename(p.anno) : '(none found)'}`,
    `  raw:  ${p.raw ? basename(p.raw) : '(none found)'}`,
    '',
    o.layout === 'separate'
      ? 'Layout: separate. from_anno/ holds what the anno file stores, from_raw/ what the raw file stores;\n' +
        'visualization/ and these two reports combine both.'
      : 'Layout: combined. Everything in one tree, whichever file stored it.',
    '',
    `Preset: ${describePreset(o)}`,
    `Parts: ${[...o.parts].join(', ')}`,
    `Cameras: ${describeCameras(o.cameras)} → ${plan.cameras.length ? `${plan.cameras.length} (${compactIds(plan.cameras)})` : 'none'}`,
    `Frames: ${describeFrames(o.frames)} → ${plan.frames.length} frame${plan.frames.length === 1 ? '' : 's'}` +
      (plan.frames.length ? ` (${plan.frames[0]}…${plan.frames[plan.frames.length - 1]})` : ''),
    '',
    `Files: ${totals.files.toLocaleString('en-US')} plus this report and size_summary.txt, ${totals.bytes.toLocaleString('en-US')} bytes` +
      (totals.exact ? '' : ' (previews estimated)'),
    '',
    'Folders:',
    ...FOLDER_NOTES.filter(([group]) => files.some((f) => f.group === group)).map(([, folder, what]) => `  ${folder.padEnd(16)} ${what}`),
    '',
    'File names carry the frame ids of the file (frame_000012 is frame 12), zero-padded to 6 digits, and the',
    'camera ids (cam_25). Arrays load with numpy.load (no pickles); frame rows without data are NaN with valid False.',
    '',
    plan.notes.length ? 'Missing or unusual data:' : 'Missing or unusual data: none found.',
    ...plan.notes.map((n) => `  - ${escapeControl(n)}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** size_summary.txt: files and bytes per part and per top folder. */
export function sizeSummaryText(files: readonly PlannedFile[]): string {
  const totals = planTotals(files);
  const rows = totals.byGroup.map((g) => [g.group, g.files.toLocaleString('en-US'), g.bytes.toLocaleString('en-US'), formatBytes(g.bytes)]);
  rows.push(['total', totals.files.toLocaleString('en-US'), totals.bytes.toLocaleString('en-US'), formatBytes(totals.bytes)]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['part', 'files', 'bytes', ''][i]!.length));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    'Size of this extraction (this file and extraction_info.txt not included)' + (totals.exact ? '' : '; previews estimated'),
    '',
    line(['part', 'files', 'bytes', '']),
    ...rows.map(line),
    '',
  ].join('\n');
}

/** Camera ids as compact ranges ("0-17, 25") when they are numbers, else listed. */
function compactIds(ids: readonly string[]): string {
  return ids.every((id) => /^\d+$/.test(id)) ? formatFrameRanges(ids.map(Number), Infinity) : ids.map(escapeControl).join(', ');
}
