import { InputError } from '../errors';
import type { PerformanceKind } from '../smc/smcHeader';
import { formatFrameRanges } from '../smc/smcKeys';

/** What an extraction can write, one folder each (see `partFolder`). */
export const EXTRACT_PARTS = [
  'metadata',
  'calibration',
  'images',
  'masks',
  'audio',
  'keypoints2d',
  'keypoints3d',
  'flame',
  'uv',
  'scan',
  'scan_mask',
  'visualization',
] as const;
export type ExtractPart = (typeof EXTRACT_PARTS)[number];

export type ExtractLayout = 'separate' | 'combined';
export const PRESETS = ['full', 'sample', 'avatar'] as const;
export type PresetName = (typeof PRESETS)[number];

/** Cameras to extract: every one, the ids listed (numbers match "05" and "5"), or n spread around the head. */
export type CameraSpec = { kind: 'all' } | { kind: 'ids'; ids: string[] } | { kind: 'spread'; count: number };

/** Frame ids to extract: start ≤ id < end, every `step`-th from start; or n frames spread over the take. */
export type FrameSpec = { kind: 'range'; start: number; end: number | null; step: number } | { kind: 'spread'; count: number };

/** What the user asked for; unset fields come from the preset (default `full`). */
export interface ExtractRequest {
  preset?: PresetName;
  layout?: ExtractLayout;
  parts?: ExtractPart[];
  cameras?: CameraSpec;
  frames?: FrameSpec;
}

/** A request resolved for one performance (presets depend on the performance kind). */
export interface ResolvedOptions {
  preset: PresetName;
  /** The request named no preset but chose parts, cameras or frames itself (the picker's Custom…). */
  custom: boolean;
  /** What the request set itself instead of taking it from the preset. */
  chosen: ('parts' | 'cameras' | 'frames')[];
  layout: ExtractLayout;
  parts: Set<ExtractPart>;
  cameras: CameraSpec;
  frames: FrameSpec;
}

const ALL_FRAMES: FrameSpec = { kind: 'range', start: 0, end: null, step: 1 };
const ALL_CAMERAS: CameraSpec = { kind: 'all' };
const DATA_PARTS = EXTRACT_PARTS.filter((p) => p !== 'visualization');

/**
 * The presets. Full: everything stored (visualization is opt-in: it decodes JPEGs). Sample: every part
 * for 4 cameras and 3 frames, plus the contact sheet, to look before a long run. Avatar research:
 * speech takes audio and ~12 cameras around the head every 10th frame; expressions take FLAME, UV,
 * landmarks and calibration for all frames; head rotations take the cameras and landmarks.
 */
export function presetOptions(preset: PresetName, kind: PerformanceKind): Omit<ResolvedOptions, 'layout' | 'custom' | 'chosen'> {
  switch (preset) {
    case 'full':
      return { preset, parts: new Set(DATA_PARTS), cameras: ALL_CAMERAS, frames: ALL_FRAMES };
    case 'sample':
      return { preset, parts: new Set(EXTRACT_PARTS), cameras: { kind: 'spread', count: 4 }, frames: { kind: 'spread', count: 3 } };
    case 'avatar': {
      const every10th: FrameSpec = { kind: 'range', start: 0, end: null, step: 10 };
      const around: CameraSpec = { kind: 'spread', count: 12 };
      if (kind === 'expression') {
        return { preset, parts: new Set(['metadata', 'calibration', 'flame', 'uv', 'keypoints2d', 'keypoints3d']), cameras: ALL_CAMERAS, frames: ALL_FRAMES };
      }
      if (kind === 'speech') return { preset, parts: new Set(['metadata', 'calibration', 'audio', 'images']), cameras: around, frames: every10th };
      return { preset, parts: new Set(['metadata', 'calibration', 'images', 'keypoints2d', 'keypoints3d']), cameras: around, frames: every10th };
    }
  }
}

export function resolveOptions(request: ExtractRequest, kind: PerformanceKind): ResolvedOptions {
  const base = presetOptions(request.preset ?? 'full', kind);
  const chosen = (['parts', 'cameras', 'frames'] as const).filter((k) => request[k] !== undefined);
  return {
    preset: base.preset,
    custom: request.preset === undefined && chosen.length > 0,
    chosen,
    layout: request.layout ?? 'separate',
    parts: request.parts ? new Set(request.parts) : base.parts,
    cameras: request.cameras ?? base.cameras,
    frames: request.frames ?? base.frames,
  };
}

/** `images,masks,uv` → parts; `all` → every data part. Throws InputError naming unknown parts. */
export function parseParts(text: string): ExtractPart[] {
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (names.includes('all')) return [...DATA_PARTS];
  const unknown = names.filter((n) => !(EXTRACT_PARTS as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) {
    throw new InputError(
      'invalid-value',
      `Unknown part${unknown.length === 1 ? '' : 's'} ${unknown.join(', ') || '(none given)'}; use ${EXTRACT_PARTS.join(', ')}`,
    );
  }
  return [...new Set(names)] as ExtractPart[];
}

/** `0-59`, `18,25,30-32`, `all`, or `spread:12`. */
export function parseCameras(text: string): CameraSpec {
  const t = text.trim().toLowerCase();
  if (t === 'all' || t === '') return ALL_CAMERAS;
  const spread = /^spread:(\d+)$/.exec(t);
  if (spread) {
    const count = Number(spread[1]);
    if (count < 1) throw new InputError('invalid-value', 'spread:N needs N ≥ 1');
    return { kind: 'spread', count };
  }
  const ids: string[] = [];
  for (const item of t
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(item);
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (b < a || b - a > 10_000) throw new InputError('invalid-value', `Camera range ${item} is empty or too long`);
      for (let i = a; i <= b; i++) ids.push(String(i));
    } else if (/^\d+$/.test(item)) ids.push(String(Number(item)));
    else throw new InputError('invalid-value', `"${item}" is not a camera number or range (use e.g. 0-59 or 18,25,30-32)`);
  }
  return { kind: 'ids', ids: [...new Set(ids)] };
}

/** Python-style `start:end:step` over frame ids (parts optional), a single frame id, `all`, or `spread:N`. */
export function parseFrames(text: string): FrameSpec {
  const t = text.trim().toLowerCase();
  if (t === 'all' || t === '' || t === ':') return ALL_FRAMES;
  const spread = /^spread:(\d+)$/.exec(t);
  if (spread) {
    const count = Number(spread[1]);
    if (count < 1) throw new InputError('invalid-value', 'spread:N needs N ≥ 1');
    return { kind: 'spread', count };
  }
  const parts = t.split(':');
  const num = (s: string | undefined, what: string): number | null => {
    if (s === undefined || s.trim() === '') return null;
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n < 0) throw new InputError('invalid-value', `Frames: ${what} must be a whole number ≥ 0 (got "${s}")`);
    return n;
  };
  if (parts.length === 1) {
    const f = num(parts[0], 'the frame')!;
    return { kind: 'range', start: f, end: f + 1, step: 1 };
  }
  if (parts.length > 3) throw new InputError('invalid-value', 'Frames take start:end:step');
  const start = num(parts[0], 'start') ?? 0;
  const end = num(parts[1], 'end');
  const step = num(parts[2], 'step') ?? 1;
  if (step < 1) throw new InputError('invalid-value', 'Frames: step must be at least 1');
  return { kind: 'range', start, end, step };
}

/** The frame ids of `timeline` (ascending) that `spec` selects. */
export function selectFrames(spec: FrameSpec, timeline: readonly number[]): number[] {
  if (spec.kind === 'spread') {
    if (timeline.length <= spec.count) return [...timeline];
    if (spec.count === 1) return [timeline[0]!];
    const picks = new Set<number>();
    for (let i = 0; i < spec.count; i++) picks.add(timeline[Math.round((i * (timeline.length - 1)) / (spec.count - 1))]!);
    return [...picks].sort((a, b) => a - b);
  }
  return timeline.filter((f) => f >= spec.start && (spec.end === null || f < spec.end) && (f - spec.start) % spec.step === 0);
}

/**
 * The preset as extraction_info.txt names it: "sample"; "avatar, with the cameras chosen"; or for a
 * request that named no preset, "custom (parts, cameras and frames chosen)" (the lines after it list them).
 */
export function describePreset(o: Pick<ResolvedOptions, 'preset' | 'custom' | 'chosen'>): string {
  if (o.chosen.length === 0) return o.preset;
  const list = o.chosen.length === 1 ? o.chosen[0]! : `${o.chosen.slice(0, -1).join(', ')} and ${o.chosen.at(-1)!}`;
  return o.custom ? `custom (${list} chosen; the rest as in ${o.preset})` : `${o.preset}, with the ${list} chosen`;
}

/** Human text for a selection, for extraction_info.txt and the UI. */
export function describeCameras(spec: CameraSpec): string {
  return spec.kind === 'all'
    ? 'all'
    : spec.kind === 'spread'
      ? `${spec.count} spread around the head`
      : formatFrameRanges(
          spec.ids.map(Number).sort((a, b) => a - b),
          Infinity,
        );
}

export function describeFrames(spec: FrameSpec): string {
  if (spec.kind === 'spread') return `${spec.count} spread over the take`;
  if (spec.start === 0 && spec.end === null && spec.step === 1) return 'all';
  return `${spec.start}:${spec.end ?? ''}${spec.step !== 1 ? `:${spec.step}` : ''}`;
}
