/*
 * How a pinned point's path is sampled: pages of frames, decimated on long files so a plot never
 * holds more than a few thousand samples. Pure (the webview picks the step, the host reads pages).
 */

/** Frames sampled per page at most: a page is one request and a plot update. */
export const TRAJECTORY_PAGE = 256;
/**
 * Frames a page spans at most: a pass decodes every frame it spans (xz is sequential), so on a
 * decimated long file a page stays a few seconds of decoding and the plot grows steadily.
 */
export const PAGE_SPAN = 4096;
/** Samples in a whole plot: more frames than this are decimated (every n-th frame). */
export const TRAJECTORY_SAMPLES = 2048;

/** Samples per page at `step`: TRAJECTORY_PAGE, fewer when they would span more than PAGE_SPAN frames. */
export function pageSamples(step: number): number {
  return Math.max(16, Math.min(TRAJECTORY_PAGE, Math.floor(PAGE_SPAN / step)));
}

/** The sampling step that keeps `frames` frames within TRAJECTORY_SAMPLES samples. */
export function trajectoryStep(frames: number): number {
  return Math.max(1, Math.ceil(frames / TRAJECTORY_SAMPLES));
}
