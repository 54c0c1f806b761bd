import { commonRequests, type Loaded } from './common';
import { request, type EventMap } from './rpc';
import { videoExportRequests } from './videoExportProtocol';
import type { ComparePage } from '../core/bodycompress/compareStats';
import type { ValueView } from '../core/bodycompress/valueViewModel';

export type { ValueView };

/**
 * Messages between the BodyCompress editor's webview and the extension host. The host decodes
 * (in worker threads) and sends one frame at a time; body arrays travel as Float32Arrays (binary),
 * one per person, so the webview never holds more than the frames it shows.
 */

/** What the editor shows as soon as the file is open: facts, metadata and the first frame. */
export interface BodyCompressOpened {
  fileName: string;
  fileSize: number;
  format: 'v0.2' | 'v0.1';
  /** [0, 2, 1] for v0.2 files, null for legacy v0.1 files. */
  version: number[] | null;
  /** Frame count from the header (v0.2) or legacy metadata, or null when the file does not record it. */
  length: number | null;
  /** Frames per second: the metadata's `fps`, else 30. */
  fps: number;
  fpsFromFile: boolean;
  /** World up from the metadata's `world_up`, else from the first frame's camera `up`; null when neither says. */
  worldUp: [number, number, number] | null;
  /** The metadata as typed JSON (arrays as dtype/shape, with their values when small). */
  metadata: unknown;
  /** The metadata as the inspector's tree shows it (values as Python prints them). */
  metadataView: ValueView;
  index: BodyCompressIndexState;
  /** Frame 0, or null when the file has none (or none that decodes). */
  firstFrame: BodyCompressFrame | null;
  /** Why the first frame is missing (e.g. the file is truncated before it), or null. */
  firstFrameError: string | null;
}

/** How far background indexing has got. */
export interface BodyCompressIndexState {
  /** Frames indexed so far (all of them once `done`). Frames below this can be shown. */
  frames: number;
  done: boolean;
  /** Share of the compressed frame data read so far (0-1). */
  fraction: number;
  /** Most people seen in one frame so far (0 when none). */
  maxPersons: number;
  /** Set when indexing stopped early: the file is truncated or corrupt after `frames` frames. */
  error: string | null;
  /** The one thing to say about the file (not finalized, no frames, cut off, ...): the editor's banner; absent or null when all is well. */
  status?: BodyCompressFileStatus | null;
}

/** What a file holds and lacks (core/bodycompress/fileStatus.ts): `error` frames are missing, `warning` something is off, `info` valid but empty. */
export interface BodyCompressFileStatus {
  level: 'error' | 'warning' | 'info';
  message: string;
}

/** One person of a frame, in the file's units (vertices and joints in mm, uncertainties in m). */
export interface BodyCompressPerson {
  /** x, y, z per vertex. */
  vertices: Float32Array | null;
  joints: Float32Array | null;
  /** One per vertex; only when asked for (`uncertainties: true`). */
  vertexUncertainties: Float32Array | null;
}

/** A frame's camera (spec §5.4): world-to-camera rotation, optical centre, intrinsics. */
export interface BodyCompressCamera {
  /** Row-major 3×3 world-to-camera rotation. */
  R: number[];
  /** Optical centre in world coordinates (mm). */
  loc: number[];
  /** Row-major 3×3 intrinsic matrix (pixels). */
  K: number[];
  up: number[];
  /** Image width and height in pixels: the camera's `image_size` when stored, else estimated from the principal point ((W-1)/2, (H-1)/2 in NLF). */
  imageSize: [number, number];
  /** Whether imageSize is an estimate (the camera does not store its image size). */
  imageSizeEstimated: boolean;
  /** Lens distortion coefficients as stored (OpenCV order k1, k2, p1, p2, k3, …; 4 = fisheye), null when none. */
  distcoef?: number[] | null;
}

/** One key of a frame for the inspector. */
export interface BodyCompressKeyRow {
  key: string;
  /** numpy dtype (`<f4`) or the Python type (`str`, `dict`, ...). */
  type: string;
  /** `(N, 6890, 3)`, or '' for scalars and plain values. */
  shape: string;
  /** The value as Python prints it (numpy's summary for big arrays), '' for a dict listed field by field. */
  value: string;
  /** Why the value is not shown (`pickled object array, not decoded`), else ''. */
  note: string;
}

export interface BodyCompressFrame {
  index: number;
  persons: BodyCompressPerson[];
  /** Vertices and joints per person (0 when the frame has none). */
  vertexCount: number;
  jointCount: number;
  camera: BodyCompressCamera | null;
  keys: BodyCompressKeyRow[];
  /** The first vertex of the first person, as the shortest float32 decimals; null without people. */
  firstVertex: [string, string, string] | null;
  /** The frame's 2D person boxes in image pixels (NLF's `boxes`): x, y, width, height, confidence (NaN when not stored) per box. */
  boxes?: Float32Array;
}

/** Triangles for bodies of one vertex count, from the `bodyCapture.templateFaces` setting. */
export type BodyCompressFaces = { status: 'none' } | { status: 'ok'; path: string; indices: Uint32Array } | { status: 'error'; path: string; message: string };

/** A vertex or joint of a person slot (index in the frame), for picking and pinned plots. */
export interface BodyCompressPointRef {
  person: number;
  kind: 'vertex' | 'joint';
  index: number;
}

/** One page of a pinned point's path: sampled frames and the point in each (mm; NaN where absent). */
export interface BodyCompressTrajectoryPage {
  frames: Int32Array;
  xyz: Float32Array;
  /** First frame of the next page, or null after the last. */
  next: number | null;
}

/** The second file of a comparison (Compare with BodyCompress File…), as far as it is indexed. */
export interface BodyCompressComparison {
  fileName: string;
  length: number | null;
  index: BodyCompressIndexState;
}

/** Per-frame distances (mm) between the matched people of the two files, one page of sampled common frames. */
export type BodyCompressComparePage = ComparePage;

/** Requests the BodyCompress webview sends to the host. */
export const bodyCompressRequests = {
  ...commonRequests,
  /** Export Video… (videoExportProtocol.ts). */
  ...videoExportRequests,
  open: request<null, Loaded<BodyCompressOpened>>(),
  /** An indexed frame; uncertainties only when asked for (they are a third of the bytes). */
  frame: request<{ frame: number; uncertainties: boolean }, BodyCompressFrame>(),
  /** People per frame for indexed frames [from, index.frames). */
  personCounts: request<{ from: number }, Int16Array>(),
  faces: request<{ vertexCount: number }, BodyCompressFaces>(),
  /** Saves a PNG of the 3D view (asks where; the default is the workspace's screenshots/ folder). */
  saveScreenshot: request<{ png: Uint8Array; frame: number }, { saved: string | null }>(),
  /** Runs Export Frames… with `start:end` preset. */
  exportFrames: request<{ start: number; end: number | null }, null>(),
  /** A page of a point's path over the indexed frames: every `step`-th frame from `from`. */
  trajectory: request<BodyCompressPointRef & { from: number; step: number }, BodyCompressTrajectoryPage>(),
  /** Runs Compare with BodyCompress File… for this editor (asks which file). */
  compareWith: request<null, null>(),
  stopCompare: request<null, null>(),
  /** Frame `frame` of the compared file; null when not comparing or that file has no such frame. */
  compareFrame: request<{ frame: number }, BodyCompressFrame | null>(),
  /** A page of per-frame distances over the common indexed frames; null when not comparing. */
  compareStats: request<{ from: number; step: number }, BodyCompressComparePage | null>(),
  /** The frames' source video (metadata `video_path`, or what the user picked): what it is; its bytes come with the next two. */
  sourceVideo: request<null, BodyCompressSourceVideo>(),
  /** Bytes [start, end) of the source video (at most 8 MiB), for the webview's demuxer; `served` counts the bytes sent for it so far. */
  sourceVideoBytes: request<{ token: number; start: number; end: number }, { bytes: Uint8Array; served: number }>(),
  /** The bytes of image `index` of the source's frame folder. */
  sourceImage: request<{ token: number; index: number }, Uint8Array>(),
  /** Runs "Set Source Video..." for this editor (the answer comes as `sourceVideoChanged`). */
  pickSourceVideo: request<null, null>(),
};

/**
 * Where the images behind the through-camera view come from (a video of `size` bytes, or a folder of
 * images in frame order); or why there are none. `token` names this answer in the byte requests: a
 * source picked since makes them fail instead of reading another file.
 */
export interface BodyCompressSourceVideo {
  source: { kind: 'video'; path: string; size: number; token: number } | { kind: 'images'; path: string; names: string[]; token: number } | null;
  /** One line saying why there is no source (null when there is one, or when the file names none). */
  message: string | null;
}
export type BodyCompressRequests = typeof bodyCompressRequests;

export interface BodyCompressHostEvents extends EventMap {
  index: BodyCompressIndexState;
  /** The file changed on disk and was opened again: ask for `open` again. */
  reloaded: null;
  /** The template faces setting changed: ask for faces again. */
  facesChanged: null;
  /** The "Save Screenshot" command was run for this editor. */
  screenshotRequested: null;
  /** The "Export Video" command was run for this editor: answer with exportVideo. */
  videoExportRequested: null;
  /** A comparison started, its second file was indexed further, or it stopped (null). */
  compare: BodyCompressComparison | null;
  /** The source video was set or forgotten: ask for `sourceVideo` again. */
  sourceVideoChanged: null;
}
