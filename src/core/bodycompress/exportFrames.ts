import { mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../errors';
import { quoteName } from '../printable';
import { removeTemporaryFiles, writeFileAtomic } from '../io/atomicFile';
import type { NdArray } from '../numpy/ndarray';
import { writeNpz } from '../numpy/npz';
import { writeObj } from '../writers/obj';
import { writePly } from '../writers/ply';
import { frameArrays, personsOf } from './frameArrays';
import { toJsonValue } from './pyValues';
import { openBodyCompress } from './reader';

/*
 * BodyCompress frames out to files (`bodycap export`, the editor's Export Frames…): metadata.json,
 * then one .npz per frame (every array, camera fields as `camera.*`) or one .ply/.obj mesh per
 * person and frame. Each file is written under a temporary name and renamed.
 */

export const EXPORT_FORMATS = ['npz', 'ply', 'obj'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Python-style frame selection; `end` may be Infinity (to the last frame). */
export interface FrameRange {
  start: number;
  end: number;
  step: number;
}

export const ALL_FRAMES: FrameRange = { start: 0, end: Infinity, step: 1 };

/** Python-style `start:end:step` (parts optional), or a single frame number. */
export function parseFrameRange(text: string): FrameRange {
  const bad = (why: string) => new InputError('invalid-value', `Frames "${text}": ${why}`);
  const parts = text.trim().split(':');
  const num = (s: string | undefined, name: string, dflt: number) => {
    if (s === undefined || s.trim() === '') return dflt;
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n < 0) throw bad(`${name} must be a whole number ≥ 0 (got "${s.trim()}")`);
    return n;
  };
  if (parts.length === 1) {
    const i = num(parts[0], 'the frame', NaN);
    if (Number.isNaN(i)) throw bad('give start:end:step or a frame number');
    return { start: i, end: i + 1, step: 1 };
  }
  if (parts.length > 3) throw bad('give start:end:step');
  const range = { start: num(parts[0], 'start', 0), end: num(parts[1], 'end', Infinity), step: num(parts[2], 'step', 1) };
  if (range.step < 1) throw bad('step must be at least 1');
  return range;
}

/** `start:end:step` as parseFrameRange reads it (`0:` for all frames). */
export function formatFrameRange(r: FrameRange): string {
  return `${r.start}:${r.end === Infinity ? '' : r.end}${r.step === 1 ? '' : `:${r.step}`}`;
}

/** Frame files being written at once while decoding goes on. */
const WRITES_IN_FLIGHT = 8;

export const frameFileStem = (i: number) => `frame_${String(i).padStart(6, '0')}`;
const EXPORTED_NAME = /^(frame_\d{6}(_person_\d+)?\.(npz|ply|obj)|metadata\.json)$/;

/** Files in `dir` an export there could replace (earlier exports); [] when the folder does not exist. */
export async function existingExportFiles(dir: string, format: ExportFormat): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => EXPORTED_NAME.test(n) && (n === 'metadata.json' || n.endsWith(`.${format}`)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export interface ExportProgress {
  /** Frames exported so far, and the last one's number. */
  frames: number;
  frame: number;
  files: number;
  /** Frames the file's header announces (null for legacy files). */
  claimedFrames: number | null;
}

export interface ExportOptions {
  format?: ExportFormat;
  range?: FrameRange;
  /** Aborting stops the export and removes the files it wrote. */
  signal?: AbortSignal;
  onProgress?(p: ExportProgress): void;
  /** Template faces for bodies of a vertex count (null: none), written into .ply/.obj meshes; asked once per count. */
  faces?(vertexCount: number): Promise<Uint32Array | null>;
}

export interface ExportResult {
  frames: number;
  files: number;
  /** Keys whose arrays were left out (a name from the file that cannot name an .npz member), with why. */
  leftOut: string[];
}

/** Exports the frames of `path` in `range` into `outDir` (created if needed). */
export async function exportFrames(path: string, outDir: string, options: ExportOptions = {}): Promise<ExportResult> {
  const format = options.format ?? 'npz';
  const range = options.range ?? ALL_FRAMES;
  const { signal } = options;
  const written: string[] = [];
  const leftOut = new Map<string, string>();
  let frames = 0;
  let createdDir: string | undefined;
  // The same faces for every frame of a vertex count (the editor draws them so).
  const facesByCount = new Map<number, Promise<Uint32Array | null>>();
  const facesFor = (vertexCount: number) => {
    let f = facesByCount.get(vertexCount);
    if (!f) facesByCount.set(vertexCount, (f = options.faces?.(vertexCount) ?? Promise.resolve(null)));
    return f;
  };
  // Files are written while the next frames decode, a few at once (each small: temporary name, then rename).
  const writes = new Set<Promise<void>>();
  let writeFailure: { err: unknown } | null = null;
  const write = async (target: string, writeIt: () => Promise<void>) => {
    while (writes.size >= WRITES_IN_FLIGHT) await Promise.race(writes);
    if (writeFailure) throw writeFailure.err;
    const p: Promise<void> = writeIt()
      .then(
        () => void written.push(target),
        (err: unknown) => void (writeFailure ??= { err }),
      )
      .finally(() => writes.delete(p));
    writes.add(p);
  };
  const writesDone = async () => {
    await Promise.all(writes);
    if (writeFailure) throw writeFailure.err;
  };
  try {
    const file = await openBodyCompress(path, { index: false });
    try {
      createdDir = await mkdir(outDir, { recursive: true });
      // Temporary files of an export that was killed there; every file is rewritten anyway.
      await removeTemporaryFiles([outDir]);
      const meta = join(outDir, 'metadata.json');
      await write(meta, () => writeFileAtomic(meta, JSON.stringify(toJsonValue(file.metadata, Infinity), null, 2) + '\n'));
      for await (const frame of file.frames({ ...range, signal })) {
        const stem = join(outDir, frameFileStem(frame.index));
        if (format === 'npz') {
          const arrays = frameArrays(frame, (name, why) => {
            if (!leftOut.has(name)) leftOut.set(name, `The key ${quoteName(name)} cannot name an array in an .npz (${why}); it is left out`);
          });
          await write(`${stem}.npz`, () => writeNpz(`${stem}.npz`, arrays));
        } else {
          const people = personsOf(frame.values.get('vertices') as NdArray | undefined);
          const faces = people.length ? await facesFor(people[0]!.length / 3) : null;
          for (const [p, vertices] of people.entries()) {
            const target = `${stem}_person_${p}.${format}`;
            const mesh = { vertices, faces, comment: `${path} frame ${frame.index} person ${p} (mm)` };
            await write(target, () => (format === 'ply' ? writePly(target, mesh) : writeObj(target, mesh)));
          }
        }
        frames++;
        options.onProgress?.({ frames, frame: frame.index, files: written.length, claimedFrames: file.claimedFrames });
        signal?.throwIfAborted();
      }
      await writesDone();
    } finally {
      await file.close();
    }
    if (frames === 0 && range.start > 0) {
      throw new InputError('not-found', `No frame in ${formatFrameRange(range)} exists in ${path}`);
    }
    return { frames, files: written.length, leftOut: [...leftOut.values()] };
  } catch (err) {
    await Promise.all(writes);
    if (signal?.aborted) {
      for (const f of written) await rm(f, { force: true });
      // Folders this export created go too, if they are empty now.
      for (let d = resolve(outDir); createdDir && d.startsWith(createdDir); d = dirname(d)) {
        if (
          !(await rmdir(d).then(
            () => true,
            () => false,
          )) ||
          d === createdDir
        )
          break;
      }
    }
    throw err;
  }
}
