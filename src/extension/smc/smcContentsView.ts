import { RENDERME360_FPS } from '../../core/bodycompress/defaults';
import { formatBytes } from '../../core/formatBytes';
import type { SmcHeader } from '../../core/smc/smcHeader';
import type { SmcInventory } from '../../core/smc/smcInventory';
import { sortCameraIds } from '../../core/smc/smcKeys';
import { partHolder, type SmcPart } from '../../core/smc/smcParts';
import type { PerformanceInventory } from '../../core/smc/smcPerformance';
import { inventoryRows, type InventoryWording } from '../../core/smc/smcSummary';
import type { SmcCameraRow, SmcFileKind, SmcFlameParameter, SmcPartRow, SmcViewModel } from '../../protocol/smcProtocol';

/** FLAME parameters with at most this many values per frame are plotted over frames. */
const MAX_PLOTTED_VALUES = 100;

/** What the views need from both files' inventories: parts, warnings, cameras, frame range. */
export function smcViewModel(header: SmcHeader, inv: PerformanceInventory): SmcViewModel {
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
  // A part as the file that holds it has it: the file the reads of the views will ask first.
  const held = <P extends SmcPart>(part: P, has?: (i: SmcInventory) => boolean): SmcInventory[P] | null => {
    const kind = partHolder(inv, part, has);
    return kind ? inv[kind]![part] : null;
  };
  const flame = held('flame');
  const scan = held('scan');
  const audio = held('audio');
  return {
    parts: [...(inv.anno ? partRows('anno', inv.anno) : []), ...(inv.raw ? partRows('raw', inv.raw) : [])],
    warnings: inv.warnings.map((w) => ({ severity: w.severity, code: w.code, message: w.message })),
    cameras: sortCameraIds([...cameras.keys()]).map((id) => cameras.get(id)!),
    frameCount: Math.max(header.cameraInfo.numFrame, lastFrame + 1),
    fps: RENDERME360_FPS,
    hasColor: files.some((i) => i.color !== null),
    hasMask: files.some((i) => i.mask !== null),
    keypoints2dCameras:
      held('keypoints2d')
        ?.cameras.filter((c) => c.frames.length > 0)
        .map((c) => c.id) ?? [],
    hasKeypoints3d: files.some((i) => (i.keypoints3d?.frames.length ?? 0) > 0),
    calibratedCameras: held('calibration', (i) => (i.calibration?.cameraIds.length ?? 0) > 0)?.cameraIds ?? [],
    flame: flame && {
      frames: flame.frames.length,
      parameters: Object.entries(flame.keys).map(([name, k]): SmcFlameParameter => {
        const values = (k.shape ?? []).reduce((a, b) => a * b, 1);
        return { name, shape: k.shape ?? [], dtype: k.dtype, plottable: values > 0 && values <= MAX_PLOTTED_VALUES };
      }),
    },
    uvTextureFrames: held('uvTexture')?.frames.length ?? 0,
    scan: scan?.vertexCount != null && scan.faceCount !== null ? { vertices: scan.vertexCount, faces: scan.faceCount } : null,
    scanMaskCameras: held('scanMask', (i) => (i.scanMask?.cameraIds.length ?? 0) > 0)?.cameraIds ?? [],
    audio: audio && {
      channels: audio.channels,
      sampleRate: audio.sampleRate,
      sampleCount: audio.sampleCount,
      durationSeconds: audio.durationSeconds,
      dtype: audio.dtype,
    },
  };
}

const n = (v: number) => v.toLocaleString('en-US');
const images = (p: { images: number; cameras: number; frames: number }) => `${n(p.images)} images: ${n(p.cameras)} cameras × ${n(p.frames)} frames`;

/** How the overview words the inventory table's rows. */
const PART_ROWS: InventoryWording = {
  parts: {
    color: (c) => ['Colour images (JPEG)', images(c)],
    mask: (c) => ['Masks (PNG)', images(c)],
    calibration: (c) => ['Calibration (K, D, RT)', `${n(c.cameras)} cameras`],
    keypoints2d: (k) => ['2D keypoints', `${n(k.cameras)} cameras × ${n(k.frames)} frames${k.emptyFrames ? `, ${n(k.emptyFrames)} empty` : ''}`],
    keypoints3d: (k) => ['3D keypoints', `${n(k.frames)} frames`],
    flame: (f) => ['FLAME parameters', `${n(f.frames)} frames × ${f.parameters.length} parameters`],
    uvTexture: (u) => ['UV textures', `${n(u.frames)} frames`],
    scan: (s) => ['Scan mesh', `${n(s.vertices ?? 0)} vertices, ${n(s.faces ?? 0)} faces`],
    scanMask: (s) => ['Scan masks', `${n(s.cameras)} cameras`],
    audio: (a) => {
      const rate = a.sampleRate === null ? 'unknown rate' : `${n(a.sampleRate)} Hz`;
      const duration = a.durationSeconds === null ? '' : `, ${a.durationSeconds.toFixed(2)} s`;
      return ['Audio', `${a.channels} ch, ${rate}${duration}`];
    },
  },
  file: (datasets) => ['Whole file', `${n(datasets)} datasets`],
};

/** The overview's inventory rows of one file: what each part holds and its size. */
function partRows(file: SmcFileKind, inv: SmcInventory): SmcPartRow[] {
  return inventoryRows(inv, PART_ROWS).map((r) => ({
    part: r.label,
    file,
    count: r.count,
    size: formatBytes(r.bytes),
    stored: r.storedBytes === null ? 'unknown' : formatBytes(r.storedBytes),
  }));
}
