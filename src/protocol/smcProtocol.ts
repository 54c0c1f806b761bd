import { commonRequests, type Loaded } from './common';
import { request, type NoEvents } from './rpc';

/**
 * Messages between the SMC editor's webview and the extension host. The host reads lazily and
 * answers one view's needs at a time; images travel as their stored bytes (JPEG/PNG) and numeric
 * arrays as typed arrays, so nothing is JSON-encoded number by number.
 */

export type SmcFileKind = 'anno' | 'raw';
export type SmcPerformanceKind = 'expression' | 'speech' | 'head' | 'unknown';
export type SmcImageKind = 'color' | 'mask';

/** What the editor opened: a RenderMe360 performance, or a valid HDF5 file that is not one. */
export type SmcDocumentInfo = ({ kind: 'smc' } & SmcOverview) | ({ kind: 'hdf5' } & Hdf5DocumentInfo);

export interface SmcOverview {
  fileName: string;
  fileKind: SmcFileKind;
  actorId: string;
  performancePart: string;
  performanceKind: SmcPerformanceKind;
  captureDate: string;
  actorInfo: {
    age: number | null;
    color: string | null;
    gender: string | null;
    height: number | null;
    weight: number | null;
  };
  cameraInfo: { numDevice: number; numFrame: number; resolution: [number, number] };
  /** The opened file first, then its partner when it was found and opened. */
  files: SmcOpenFile[];
  /** Why no partner is used ("No raw file found…", or why it failed to open); null when paired. */
  partnerNote: string | null;
}

export interface SmcOpenFile {
  name: string;
  kind: SmcFileKind;
  /** Formatted size, e.g. "3.1 GB". */
  size: string;
  role: 'opened' | 'partner';
}

export interface Hdf5DocumentInfo {
  fileName: string;
  size: string;
  /** Why the file is shown as plain HDF5 (e.g. which SMC attributes are missing). */
  notice: string;
}

/** Everything the views need to lay themselves out, from both files' inventories (no payload read). */
export interface SmcViewModel {
  /** One row per part and file, for the overview's inventory table. */
  parts: SmcPartRow[];
  warnings: SmcWarningRow[];
  /** Cameras holding colour images or masks, in numeric order. */
  cameras: SmcCameraRow[];
  /** Frames on the timeline: [0, frameCount). */
  frameCount: number;
  fps: number;
  hasColor: boolean;
  hasMask: boolean;
  /** Cameras with 2D landmarks (18-32 in real files). */
  keypoints2dCameras: string[];
  hasKeypoints3d: boolean;
  /** Calibrated cameras. */
  calibratedCameras: string[];
  flame: { frames: number; parameters: SmcFlameParameter[] } | null;
  uvTextureFrames: number;
  scan: { vertices: number; faces: number } | null;
  scanMaskCameras: string[];
  audio: SmcAudioInfo | null;
}

export interface SmcPartRow {
  part: string;
  file: SmcFileKind;
  count: string;
  size: string;
  stored: string;
}

export interface SmcWarningRow {
  severity: 'warning' | 'info';
  code: string;
  message: string;
}

export interface SmcCameraRow {
  id: string;
  colorFrames: number;
  maskFrames: number;
}

export interface SmcFlameParameter {
  name: string;
  shape: number[];
  dtype: string;
  /** Small per-frame vectors (poses, trans, shape, exp) are plotted; verts and albedos are not. */
  plottable: boolean;
}

export interface SmcAudioInfo {
  channels: number;
  sampleRate: number | null;
  sampleCount: number;
  durationSeconds: number | null;
  dtype: string;
}

/** An image as stored in the file (complete JPEG/PNG bytes); the webview decodes it. */
export interface SmcImage {
  bytes: Uint8Array;
  mime: 'image/jpeg' | 'image/png' | 'application/octet-stream';
  /** From the image header; null if it could not be read. */
  width: number | null;
  height: number | null;
}

/** A camera's landmarks in one frame, in pixels of the stored image. */
export interface SmcKeypointOverlay {
  /** Detected 2D landmarks (x, y pairs), or null when the camera/frame has none. */
  detected: Float32Array | null;
  /** The frame's 3D landmarks projected through this camera's calibration (NaN behind the camera). */
  projected: Float32Array | null;
  /** Mean distance in pixels between detected and projected points, where both exist. */
  meanError: number | null;
}

export interface SmcCameraCalibration {
  id: string;
  K: number[][];
  D: number[];
  /** 4×4 camera-to-world, metres. */
  RT: number[][];
}

export interface SmcFlameFrame {
  frame: number;
  /** Every parameter except the large verts/albedos arrays. */
  parameters: { name: string; shape: number[]; values: Float64Array }[];
}

export interface SmcFlameSeries {
  name: string;
  frames: number[];
  /** Values per frame. */
  width: number;
  /** frames.length × width values, row by row. */
  data: Float64Array;
}

export interface SmcMesh {
  /** x, y, z triples, world metres. */
  positions: Float32Array;
  /** Triangles as vertex indices; null for a point cloud. */
  indices: Uint32Array | null;
}

export interface SmcAudioTrack {
  /** A float32 WAV of the whole track (the samples as stored), for an <audio> element. */
  wav: Uint8Array;
  sampleRate: number;
  channels: number;
  durationSeconds: number;
  /** Waveform envelope: per bucket, min and max over all channels. */
  peaksMin: Float32Array;
  peaksMax: Float32Array;
}

/** One HDF5 object for the structure view, with its direct members (their values are never read). */
export interface Hdf5NodeView {
  path: string;
  name: string;
  kind: string;
  target?: string;
  attributes: { name: string; dtype: string; value: string }[];
  dataset?: Hdf5DatasetView;
  /** Groups: every member count, and the first members (see `listed`). */
  childCount?: number;
  children?: Hdf5ChildView[];
}

export interface Hdf5ChildView {
  name: string;
  path: string;
  kind: string;
  childCount?: number;
  dataset?: Hdf5DatasetView;
}

export interface Hdf5DatasetView {
  dtype: string;
  shape: number[] | null;
  layout: string;
  chunks: number[] | null;
  filters: string[];
  size: string;
  stored: string;
}

/** Requests the SMC webview sends to the host. Camera ids and frames are validated by the host. */
export const smcRequests = {
  ...commonRequests,
  open: request<null, Loaded<SmcDocumentInfo>>(),
  contents: request<null, SmcViewModel>(),
  image: request<{ camera: string; kind: SmcImageKind; frame: number }, SmcImage | null>(),
  keypoints: request<{ camera: string; frame: number }, SmcKeypointOverlay>(),
  calibration: request<null, SmcCameraCalibration[]>(),
  keypoints3d: request<{ frame: number }, Float32Array | null>(),
  flameVertices: request<{ frame: number }, SmcMesh | null>(),
  scanMesh: request<null, SmcMesh | null>(),
  flameFrame: request<{ frame: number }, SmcFlameFrame | null>(),
  flameSeries: request<{ name: string }, SmcFlameSeries | null>(),
  uvTexture: request<{ frame: number }, SmcImage | null>(),
  scanMask: request<{ camera: string }, SmcImage | null>(),
  audio: request<{ buckets: number }, SmcAudioTrack | null>(),
  /** One object of one open file (0: the opened file, 1: its partner) and its members. */
  structure: request<{ file: number; path: string }, Hdf5NodeView>(),
  copyText: request<{ text: string }, null>(),
};
export type SmcRequests = typeof smcRequests;

/** Events the host pushes to the SMC webview. */
export type SmcHostEvents = NoEvents;
