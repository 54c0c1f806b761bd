import { formatBytes } from '../../core/formatBytes';
import type { SmcHeader } from '../../core/smc/smcHeader';
import type { SmcInventory } from '../../core/smc/smcInventory';
import { sortCameraIds } from '../../core/smc/smcKeys';
import type { PerformanceInventory } from '../../core/smc/smcPerformance';
import { contentsOf } from '../../core/smc/smcSummary';
import type { SmcCameraRow, SmcContents, SmcFileKind, SmcFlameParameter, SmcPartRow } from '../../protocol/smcProtocol';

/** RenderMe360 is captured at 30 fps (the dataset's README); the files do not record a rate. */
const SMC_FPS = 30;
/** FLAME parameters with at most this many values per frame are plotted over frames. */
const MAX_PLOTTED_VALUES = 100;

/** What the views need from both files' inventories: parts, warnings, cameras, frame range. */
export function smcContents(header: SmcHeader, inv: PerformanceInventory): SmcContents {
  const files = [inv.anno, inv.raw].filter((i): i is SmcInventory => i !== null);
  const cameras = new Map<string, SmcCameraRow>();
  let lastFrame = -1;
  for (const i of files) {
    for (const c of i.cameras) {
      if (!c.color && !c.mask) continue;
      const row = cameras.get(c.id) ?? { id: c.id, colorFrames: 0, maskFrames: 0 };
      row.colorFrames = Math.max(row.colorFrames, c.color?.frames.length ?? 0);
      row.maskFrames = Math.max(row.maskFrames, c.mask?.frames.length ?? 0);
      cameras.set(c.id, row);
      lastFrame = Math.max(lastFrame, c.color?.frames.at(-1) ?? -1, c.mask?.frames.at(-1) ?? -1);
    }
    for (const part of [i.keypoints3d, i.uvTexture, i.flame]) lastFrame = Math.max(lastFrame, part?.frames.at(-1) ?? -1);
  }
  const first = <T>(get: (i: SmcInventory) => T | null): T | null => {
    for (const i of files) {
      const v = get(i);
      if (v !== null) return v;
    }
    return null;
  };
  const flame = first((i) => i.flame);
  const scan = first((i) => i.scan);
  const audio = first((i) => i.audio);
  return {
    parts: [
      ...(inv.anno ? partRows('anno', inv.anno) : []),
      ...(inv.raw ? partRows('raw', inv.raw) : []),
    ],
    warnings: inv.warnings.map((w) => ({ severity: w.severity, code: w.code, message: w.message })),
    cameras: sortCameraIds([...cameras.keys()]).map((id) => cameras.get(id)!),
    frameCount: Math.max(header.cameraInfo.numFrame, lastFrame + 1),
    fps: SMC_FPS,
    hasColor: files.some((i) => i.color !== null),
    hasMask: files.some((i) => i.mask !== null),
    keypoints2dCameras: first((i) => i.keypoints2d?.cameras.filter((c) => c.frames.length > 0).map((c) => c.id) ?? null) ?? [],
    hasKeypoints3d: files.some((i) => (i.keypoints3d?.frames.length ?? 0) > 0),
    calibratedCameras: first((i) => (i.calibration?.cameraIds.length ? i.calibration.cameraIds : null)) ?? [],
    flame: flame && {
      frames: flame.frames.length,
      parameters: Object.entries(flame.keys).map(([name, k]): SmcFlameParameter => {
        const values = (k.shape ?? []).reduce((a, b) => a * b, 1);
        return { name, shape: k.shape ?? [], dtype: k.dtype, plottable: values > 0 && values <= MAX_PLOTTED_VALUES };
      }),
    },
    uvTextureFrames: first((i) => i.uvTexture?.frames.length ?? null) ?? 0,
    scan: scan && scan.vertexCount !== null && scan.faceCount !== null ? { vertices: scan.vertexCount, faces: scan.faceCount } : null,
    scanMaskCameras: first((i) => (i.scanMask?.cameraIds.length ? i.scanMask.cameraIds : null)) ?? [],
    audio: audio && {
      channels: audio.channels,
      sampleRate: audio.sampleRate,
      sampleCount: audio.sampleCount,
      durationSeconds: audio.durationSeconds,
      dtype: audio.dtype,
    },
  };
}

/** The overview's inventory rows of one file: what each part holds and its size. */
function partRows(file: SmcFileKind, inv: SmcInventory): SmcPartRow[] {
  const c = contentsOf(inv);
  const rows: SmcPartRow[] = [];
  const n = (v: number) => v.toLocaleString('en-US');
  const add = (part: string, count: string, sized: { bytes: number; storedBytes: number | null } | null) => {
    if (!sized) return;
    rows.push({
      part,
      file,
      count,
      size: formatBytes(sized.bytes),
      stored: sized.storedBytes === null ? 'unknown' : formatBytes(sized.storedBytes),
    });
  };
  const images = (p: { images: number; cameras: number; frames: number }) =>
    `${n(p.images)} images: ${n(p.cameras)} cameras × ${n(p.frames)} frames`;
  add('Colour images (JPEG)', c.color ? images(c.color) : '', c.color);
  add('Masks (PNG)', c.mask ? images(c.mask) : '', c.mask);
  add('Calibration (K, D, RT)', c.calibration ? `${n(c.calibration.cameras)} cameras` : '', c.calibration);
  if (c.keypoints2d) {
    const empty = c.keypoints2d.emptyFrames ? `, ${n(c.keypoints2d.emptyFrames)} empty` : '';
    add('2D keypoints', `${n(c.keypoints2d.cameras)} cameras × ${n(c.keypoints2d.frames)} frames${empty}`, c.keypoints2d);
  }
  add('3D keypoints', c.keypoints3d ? `${n(c.keypoints3d.frames)} frames` : '', c.keypoints3d);
  add('FLAME parameters', c.flame ? `${n(c.flame.frames)} frames × ${c.flame.parameters.length} parameters` : '', c.flame);
  add('UV textures', c.uvTexture ? `${n(c.uvTexture.frames)} frames` : '', c.uvTexture);
  add('Scan mesh', c.scan ? `${n(c.scan.vertices ?? 0)} vertices, ${n(c.scan.faces ?? 0)} faces` : '', c.scan);
  add('Scan masks', c.scanMask ? `${n(c.scanMask.cameras)} cameras` : '', c.scanMask);
  if (c.audio) {
    const rate = c.audio.sampleRate === null ? 'unknown rate' : `${n(c.audio.sampleRate)} Hz`;
    const duration = c.audio.durationSeconds === null ? '' : `, ${c.audio.durationSeconds.toFixed(2)} s`;
    add('Audio', `${c.audio.channels} ch, ${rate}${duration}`, c.audio);
  }
  rows.push({
    part: 'Whole file',
    file,
    count: `${n(inv.datasets)} datasets`,
    size: formatBytes(inv.bytes),
    stored: inv.storedBytes === null ? 'unknown' : formatBytes(inv.storedBytes),
  });
  return rows;
}
