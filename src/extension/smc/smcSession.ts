import { basename } from 'node:path';
import { InputError } from '../../core/errors';
import { formatBytes } from '../../core/formatBytes';
import { Hdf5File } from '../../core/hdf5/hdf5File';
import { projectPoints, type CameraCalibration } from '../../core/smc/calibration';
import type { EncodedImage } from '../../core/smc/smcFile';
import { SmcPerformance } from '../../core/smc/smcPerformance';
import { keypoints2dState } from '../../core/smc/landmarkState';
import { albedoImage } from '../../core/smc/albedoImage';
import type { SmcDocumentInfo, SmcImage, SmcKeypointOverlay, SmcMesh, SmcRequests, SmcViewModel } from '../../protocol/smcProtocol';
import { buildAudioTrack } from './smcAudio';
import { smcViewModel } from './smcContentsView';
import { frameParam, hdf5PathParam, intParam, oneOfParam, ParamError } from '../kit/requestParams';
import type { SessionHandlers } from '../kit/sessionHandlers';
import { SmcProjections } from './smcProjections';
import { meanPointDistance } from './smcReprojection';
import { smcNodeView } from './smcStructure';
import { datasetImageView, datasetSliceView } from './smcDatasetValues';
import type { videoExportRequests } from '../../protocol/videoExportProtocol';

/** An opened `.smc`: a performance (the file and its partner), or a valid HDF5 file that is not an SMC. */
export type SmcSource = { kind: 'smc'; perf: SmcPerformance } | { kind: 'hdf5'; file: Hdf5File; notice: string };

/** Opens a performance; a valid HDF5 file without the SMC layout opens as plain HDF5 (structure only). */
export async function openSmcSource(path: string): Promise<SmcSource> {
  try {
    return { kind: 'smc', perf: await SmcPerformance.open(path) };
  } catch (err) {
    if (!(err instanceof InputError) || err.code !== 'not-smc') throw err;
    return { kind: 'hdf5', file: await Hdf5File.open(path), notice: err.message };
  }
}

export function closeSmcSource(source: SmcSource): void {
  if (source.kind === 'smc') source.perf.close();
  else source.file.close();
}

/** Every request but those that need VS Code (the clipboard; `reopenWith` is the kit's). */
type Handlers = SessionHandlers<
  SmcRequests,
  Exclude<keyof SmcRequests, 'reopenWith' | 'copyText' | 'saveContactSheet' | 'flameFaces' | keyof typeof videoExportRequests>
>;

/** Audio envelope buckets the webview may ask for (one per pixel of a wide waveform at most). */
const MAX_AUDIO_BUCKETS = 16_384;
/** FLAME parameters too large for the table (vertices, albedo texture). */
const FLAME_TABLE_EXCLUDED = new Set(['verts', 'albedos']);

/**
 * Answers the SMC webview's requests for one opened file. Every parameter is checked against what
 * the file holds; only the requested parts are read; small derived data (contents, calibration)
 * is computed once per document.
 */
export class SmcSession {
  private contentsPromise?: Promise<SmcViewModel>;
  private calibrationPromise?: Promise<Map<string, CameraCalibration>>;
  private audioPromise?: { buckets: number; track: ReturnType<SmcSession['buildAudio']> };
  private projectionsCache?: SmcProjections;

  constructor(readonly source: SmcSource) {}

  info(): SmcDocumentInfo {
    if (this.source.kind === 'hdf5') {
      const f = this.source.file;
      return { kind: 'hdf5', fileName: basename(f.path), size: formatBytes(f.size), notice: this.source.notice };
    }
    const perf = this.source.perf;
    const h = perf.header;
    const p = perf.primary;
    return {
      kind: 'smc',
      fileName: basename(p.path),
      fileKind: p.fileKind,
      actorId: h.actorId,
      performancePart: h.performancePart,
      performanceKind: perf.performanceKind,
      captureDate: h.captureDate,
      actorInfo: h.actorInfo,
      cameraInfo: h.cameraInfo,
      files: perf.files.map((f, i) => ({
        name: basename(f.path),
        kind: f.fileKind,
        size: formatBytes(f.fileSize),
        role: i === 0 ? 'opened' : 'partner',
      })),
      partnerNote: perf.partnerError
        ? `The partner file ${basename(perf.partnerPath ?? '')} cannot be used: ${perf.partnerError.message}`
        : perf.partner
          ? null
          : `No ${p.fileKind === 'anno' ? 'raw' : 'anno'} file found for this performance, so its ${
              p.fileKind === 'anno' ? 'colour images and audio are' : 'masks and annotations are'
            } not shown`,
    };
  }

  readonly handlers: Handlers = {
    open: async () => ({ ok: true, value: this.info() }),
    contents: async () => this.contents(),
    image: async (params) => {
      const c = await this.contents();
      const camera = cameraParam(params, c);
      const kind = oneOfParam(params, 'kind', ['color', 'mask'] as const, 'image kind');
      const frame = frameParam(params, c.frameCount);
      return smcImage(await this.perf.readImage(camera, kind, frame));
    },
    keypoints: async (params) => {
      const c = await this.contents();
      const camera = cameraParam(params, c);
      const frame = frameParam(params, c.frameCount);
      return this.keypoints(camera, frame);
    },
    calibration: async () => [...(await this.calibrationAll())].map(([id, cal]) => ({ id, ...cal })),
    keypoints3d: async (params) => {
      const frame = frameParam(params, (await this.contents()).frameCount);
      const kp = await this.perf.keypoints3d(frame);
      return kp ? Float32Array.from(kp.data) : null;
    },
    flameVertices: async (params) => {
      const frame = frameParam(params, (await this.contents()).frameCount);
      const verts = await this.perf.flameParameter(frame, 'verts');
      return verts ? { positions: Float32Array.from(verts.data), indices: null } : null;
    },
    scanMesh: async (): Promise<SmcMesh | null> => {
      const mesh = await this.perf.scanMesh();
      return mesh ? { positions: Float32Array.from(mesh.vertices.data), indices: mesh.faces } : null;
    },
    reprojectionErrors: async (params) => this.projections.reprojectionErrors(frameParam(params, (await this.contents()).frameCount)),
    projectedFlame: async (params) => {
      const c = await this.contents();
      return this.projections.projectedFlame(cameraParam(params, c), frameParam(params, c.frameCount));
    },
    projectedScan: async (params) => this.projections.projectedScan(cameraParam(params, await this.contents())),
    flameFrame: async (params) => {
      const c = await this.contents();
      const frame = frameParam(params, c.frameCount);
      const parameters = [];
      for (const p of c.flame?.parameters ?? []) {
        if (FLAME_TABLE_EXCLUDED.has(p.name)) continue;
        const arr = await this.perf.flameParameter(frame, p.name);
        if (arr) parameters.push({ name: p.name, shape: arr.shape, values: Float64Array.from(arr.data) });
      }
      return parameters.length > 0 ? { frame, parameters } : null;
    },
    flameSeries: async (params) => {
      const c = await this.contents();
      const plottable = (c.flame?.parameters ?? []).filter((p) => p.plottable).map((p) => p.name);
      const name = oneOfParam(params, 'name', plottable, 'plottable FLAME parameter');
      const s = await this.perf.flameSeries(name);
      if (!s) return null;
      return { name, frames: s.frames, width: s.frames.length ? s.data.length / s.frames.length : 0, data: s.data };
    },
    flameAlbedo: async (params) => {
      const frame = frameParam(params, (await this.contents()).frameCount);
      const albedo = await this.perf.flameParameter(frame, 'albedos');
      return albedo ? albedoImage(albedo) : null;
    },
    uvTexture: async (params) => {
      const frame = frameParam(params, (await this.contents()).frameCount);
      return smcImage(await this.perf.uvTexture(frame));
    },
    scanMask: async (params) => {
      const camera = oneOfParam(params, 'camera', (await this.contents()).scanMaskCameras, 'scan mask camera');
      return smcImage(await this.perf.scanMask(camera));
    },
    audio: async (params) => {
      const buckets = intParam(params, 'buckets', 1, MAX_AUDIO_BUCKETS);
      // Editors asking at the same time share one build; the WAV is not kept once sent (tens of MB).
      if (this.audioPromise?.buckets !== buckets) {
        const track = this.buildAudio(buckets);
        this.audioPromise = { buckets, track };
        void track
          .catch(() => undefined)
          .finally(() => {
            if (this.audioPromise?.track === track) this.audioPromise = undefined;
          });
      }
      return this.audioPromise.track;
    },
    structure: async (params) => {
      return smcNodeView(this.structureFile(params), hdf5PathParam(params));
    },
    datasetSlice: async (params) => datasetSliceView(this.structureFile(params), params),
    datasetImage: async (params) => datasetImageView(this.structureFile(params), params),
  };

  /** The open file a structure request names (0: the opened file, 1: its partner). */
  private structureFile(params: unknown): Hdf5File {
    const files = this.source.kind === 'smc' ? this.source.perf.files.map((f) => f.hdf5) : [this.source.file];
    return files[intParam(params, 'file', 0, files.length - 1)]!;
  }

  contents(): Promise<SmcViewModel> {
    const perf = this.perf;
    this.contentsPromise ??= perf.inventory().then((inv) => smcViewModel(perf.header, inv));
    return this.contentsPromise;
  }

  private get perf(): SmcPerformance {
    if (this.source.kind !== 'smc') throw new ParamError('This file is not a RenderMe360 SMC; only its structure can be shown');
    return this.source.perf;
  }

  private get projections(): SmcProjections {
    this.projectionsCache ??= new SmcProjections(
      this.perf,
      () => this.calibrationAll(),
      async () => (await this.contents()).keypoints2dCameras,
    );
    return this.projectionsCache;
  }

  private calibrationAll(): Promise<Map<string, CameraCalibration>> {
    this.calibrationPromise ??= this.perf.calibrationAll();
    return this.calibrationPromise;
  }

  private async keypoints(camera: string, frame: number): Promise<SmcKeypointOverlay> {
    const [detected, points3d, cal] = await Promise.all([
      this.perf.keypoints2d(camera, frame),
      this.perf.keypoints3d(frame),
      this.calibrationAll().then((all) => all.get(camera) ?? null),
    ]);
    const projected = points3d && cal ? Float32Array.from(projectPoints(cal, points3d.data)) : null;
    const d = detected ? Float32Array.from(detected.data) : null;
    return {
      detected: d,
      detectedState: d ? 'present' : keypoints2dState(this.perf.filesFor('keypoints2d'), camera, frame),
      calibrated: cal !== null,
      projected,
      meanError: d && projected ? meanPointDistance(d, projected) : null,
    };
  }

  private async buildAudio(buckets: number) {
    const perf = this.perf;
    const info = await perf.audioInfo();
    if (!info) return null;
    if (!info.sampleRate) throw new InputError('corrupt', 'The audio has no valid sample_rate, so it cannot be played');
    const track = await buildAudioTrack(
      {
        sampleCount: info.sampleCount,
        channels: info.channels,
        sampleRate: info.sampleRate,
        read: async (start, count) => (await perf.audio({ start, count }))?.samples ?? new Float32Array(count * info.channels),
      },
      buckets,
    );
    return { ...track, sampleRate: info.sampleRate, channels: info.channels, durationSeconds: info.sampleCount / info.sampleRate };
  }
}

/** A camera id of this performance's cameras. */
function cameraParam(params: unknown, c: SmcViewModel): string {
  return oneOfParam(
    params,
    'camera',
    c.cameras.map((r) => r.id),
    'camera',
  );
}

const MIME = { jpeg: 'image/jpeg', png: 'image/png', unknown: 'application/octet-stream' } as const;

/** The stored bytes in a buffer of their own: a view into a larger buffer would send all of it. */
function smcImage(img: EncodedImage | null): SmcImage | null {
  if (!img) return null;
  const b = img.bytes;
  const bytes = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : b.slice();
  return { bytes, mime: MIME[img.format], width: img.width, height: img.height };
}
