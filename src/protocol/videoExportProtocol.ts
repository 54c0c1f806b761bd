import { request } from './rpc';

/**
 * Export Video… (both editors): the host asks the webview (event `videoExportRequested`), the
 * webview says what it can record (`exportVideo`), the host asks the user how and where and
 * answers with a plan, then the webview records frame by frame and streams the WebM to the host
 * (`videoWrite`), which writes it under a temporary name and renames it at `videoFinish`.
 */

/** Something the webview can record, e.g. the 3D view as shown, a turntable, a camera with its overlays. */
export interface VideoTarget {
  id: string;
  label: string;
  detail: string;
  /** The picture's own size in pixels (a camera image), or null for a 3D view (drawn at any size). */
  nativeSize: [number, number] | null;
}

/** What the webview offers to record. */
export interface VideoExportOffer {
  /** Empty when there is nothing to record now; `reason` then says why. */
  targets: VideoTarget[];
  reason: string | null;
  /** Frames [0, frames) can be recorded now. */
  frames: number;
  /** The frame shown. */
  current: number;
  fps: number;
  /** The view's size on screen, device pixels. */
  viewSize: [number, number];
}

/** How to record, as the user chose. Frames first, first + step, … up to last. */
export interface VideoExportPlan {
  id: number;
  target: string;
  first: number;
  last: number;
  step: number;
  width: number;
  height: number;
  fps: number;
  /** Where it will be saved, for the page's status line. */
  path: string;
}

/** Why the webview should stop recording: the user cancelled, or writing failed (the host has said so). */
export type VideoStop = 'cancelled' | 'failed' | null;

export const videoExportRequests = {
  /** Asks the user what, which frames, what size and where; null when they backed out. */
  exportVideo: request<VideoExportOffer, VideoExportPlan | null>(),
  /** `done` frames of the plan are encoded. */
  videoProgress: request<{ id: number; done: number }, { stop: VideoStop }>(),
  /** Bytes of the WebM at `position` (the muxer goes back to fill in sizes). */
  videoWrite: request<{ id: number; position: number; data: Uint8Array }, { stop: VideoStop }>(),
  /** The recording ended: complete (error null: the file gets its name) or not (it is removed). */
  videoFinish: request<{ id: number; error: string | null }, { saved: string | null }>(),
};
