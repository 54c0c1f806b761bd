import { commonRequests, type Loaded } from './common';
import { request, type EventMap } from './rpc';
import { videoExportRequests } from './videoExportProtocol';

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
  /** Why `detected` is (not) there: the camera has no Keypoints2d group, the frame is missing, or it is empty (no detection). */
  detectedState: 'present' | 'no-group' | 'missing-frame' | 'empty';
  /** Whether this camera is calibrated (else nothing can be projected, whatever the 3D landmarks). */
  calibrated: boolean;
  /** The frame's 3D landmarks projected through this camera's calibration (NaN behind the camera). */
  projected: Float32Array | null;
  /** Mean distance in pixels between detected and projected points, where both exist. */
  meanError: number | null;
}

/** One camera's landmark reprojection error at a frame (3D landmarks projected vs detected 2D). */
export interface SmcReprojectionRow {
  camera: string;
  /** Detected 2D landmarks in this frame (0 when the camera has none). */
  landmarks: number;
  /** Mean / largest distance in pixels; null when nothing can be compared. */
  meanError: number | null;
  maxError: number | null;
  /** Far above the median over the cameras (see smcReprojection.ts). */
  flagged: boolean;
}

/** FLAME's wireframe from the user's `bodyCapture.templateFaces` faces file for the vertex count (FLAME files hold no faces). */
export type SmcFlameWireframe = { status: 'none' } | { status: 'ok'; path: string; edges: Uint32Array } | { status: 'error'; path: string; message: string };

/** Every calibrated camera's reprojection error at one frame, worst first. */
export interface SmcReprojectionTable {
  frame: number;
  rows: SmcReprojectionRow[];
  /** Median of the cameras' mean errors, or null when no camera could be compared. */
  median: number | null;
}

/** A mesh projected through one camera: image pixels, and which points to join. */
export interface SmcProjectedMesh {
  /** x, y pairs in pixels of the stored image; NaN for points behind the camera. */
  points: Float32Array;
  /** Vertex index pairs of the wireframe (possibly a subset, see `totalEdges`); null: points only. */
  edges: Uint32Array | null;
  /** The mesh's distinct edges before thinning out. */
  totalEdges: number;
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

/** FLAME's albedo texture of one frame as 8-bit RGBA (see core/smc/albedoImage). */
export interface SmcAlbedo {
  width: number;
  height: number;
  rgba: Uint8Array;
  /** Smallest and largest stored value. */
  range: [number, number];
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
  /** Bytes per element (sizes slices against the read cap). */
  itemSize: number;
  /** Numbers the views can plot (integers, floats, booleans, enums). */
  numeric: boolean;
  /** A selected 1-D uint8 dataset whose bytes start like a JPEG or PNG file (absent for members). */
  image?: 'jpeg' | 'png';
  shape: number[] | null;
  layout: string;
  chunks: number[] | null;
  filters: string[];
  size: string;
  stored: string;
}

/** Values of a hyperslab of a dataset, in row-major order of the slab. */
export interface Hdf5SliceView {
  shape: number[];
  /** Every value as a number (NaN where none), for plots and heatmaps; null for strings and records. */
  numbers: Float64Array | null;
  /** Every value as numpy's str() prints it, when asked for. */
  text: string[] | null;
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
  /** Every calibrated camera's landmark reprojection error at the frame; null without 3D landmarks or calibration. */
  reprojectionErrors: request<{ frame: number }, SmcReprojectionTable | null>(),
  /** The frame's FLAME vertices projected through the camera (points). */
  projectedFlame: request<{ camera: string; frame: number }, SmcProjectedMesh | null>(),
  /** The scan mesh projected through the camera, as a wireframe. */
  projectedScan: request<{ camera: string }, SmcProjectedMesh | null>(),
  /** The distinct edges of FLAME's faces, when the user set a faces file for this vertex count. */
  flameFaces: request<{ vertexCount: number }, SmcFlameWireframe>(),
  flameFrame: request<{ frame: number }, SmcFlameFrame | null>(),
  flameSeries: request<{ name: string }, SmcFlameSeries | null>(),
  flameAlbedo: request<{ frame: number }, SmcAlbedo | null>(),
  uvTexture: request<{ frame: number }, SmcImage | null>(),
  scanMask: request<{ camera: string }, SmcImage | null>(),
  audio: request<{ buckets: number }, SmcAudioTrack | null>(),
  /** One object of one open file (0: the opened file, 1: its partner) and its members. */
  structure: request<{ file: number; path: string }, Hdf5NodeView>(),
  /** A hyperslab of a dataset's values (a table page, a heatmap slice), at most 4 MiB. */
  datasetSlice: request<{ file: number; path: string; start: number[]; count: number[]; step: number[]; text: boolean }, Hdf5SliceView>(),
  /** A dataset of JPEG/PNG bytes as an image. */
  datasetImage: request<{ file: number; path: string }, SmcImage>(),
  copyText: request<{ text: string }, null>(),
  /** Export Video… (videoExportProtocol.ts). */
  ...videoExportRequests,
  /** Saves the PNG contact sheet of every camera at `frame` (asks where; the default is the workspace's screenshots/ folder). */
  saveContactSheet: request<{ png: Uint8Array; frame: number }, { saved: string | null }>(),
};
export type SmcRequests = typeof smcRequests;

/** Events the host pushes to the SMC webview. */
export interface SmcHostEvents extends EventMap {
  /** The "Export Video" command was run for this editor: answer with exportVideo. */
  videoExportRequested: null;
  /** The "Export Contact Sheet" command was run for this editor: answer with saveContactSheet. */
  contactSheetRequested: null;
}
