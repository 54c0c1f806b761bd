import { basename, extname } from 'node:path';

/** Frames first, first + step, … up to last (inclusive). */
export interface FrameRange {
  first: number;
  last: number;
  step: number;
}

/** How many frames a range records. */
export function framesIn(r: FrameRange): number {
  return Math.floor((r.last - r.first) / r.step) + 1;
}

/** The range as typed into the frame box: `0-29`, `0-29:2`, `5`. */
export function formatFrameRange(r: FrameRange): string {
  return `${r.first}-${r.last}${r.step > 1 ? `:${r.step}` : ''}`;
}

/**
 * Reads `first-last[:step]` (or one frame) for a file whose frames [0, frames) can be recorded;
 * the range ends at the last frame the step reaches. A string is the problem with the text.
 */
export function parseFrameRange(text: string, frames: number): FrameRange | string {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?(?::\s*(\d+)\s*)?$/.exec(text);
  if (!m) return 'Type first-last, optionally with a step: 0-99 or 0-99:2';
  const first = Number(m[1]);
  const last = m[2] === undefined ? first : Number(m[2]);
  const step = m[3] === undefined ? 1 : Number(m[3]);
  if (step < 1) return 'The step must be 1 or more';
  if (last < first) return `The last frame (${last}) comes before the first (${first})`;
  if (last >= frames) return `The last frame that can be recorded is ${frames - 1}`;
  return { first, last: first + Math.floor((last - first) / step) * step, step };
}

/** `walk_0-29.webm`: the file's name and the frames recorded. */
export function videoName(inputPath: string, r: FrameRange): string {
  return `${basename(inputPath, extname(inputPath))}_${r.first}-${r.last}.webm`;
}

/** VP8 frames have even sides here (4:2:0 halves them): the nearest even size, at least 2 × 2. */
export function evenSize(width: number, height: number): [number, number] {
  const even = (v: number) => Math.max(2, 2 * Math.round(v / 2));
  return [even(width), even(height)];
}

/** `width` × `height` scaled down (never up) to fit in `maxWidth` × `maxHeight`, even. */
export function fitSize(width: number, height: number, maxWidth: number, maxHeight: number): [number, number] {
  const scale = Math.min(1, maxWidth / width, maxHeight / height);
  return evenSize(width * scale, height * scale);
}
