import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { InputError } from '../errors';
import type { FrameInput } from './frame';
import type { PyValue } from './pyValues';
import { createBodyCompressWriter, type WriteResult, type WriterOptions } from './writer';

/*
 * The one loop behind every BodyCompress-writing command (CLI compress/convert, the extension's
 * Compress and Convert): frames from a source into the writer, with progress, cancellation and
 * the writer's temporary-name / verify / rename guarantee.
 */

/** Frames to write, read lazily from some input (numpy files, an SMC performance). */
export interface FrameSource {
  /** Number of frames the input holds. */
  total: number;
  frames(): AsyncGenerator<FrameInput>;
  /** Metadata that comes with the input (a folder's metadata.json, the SMC's performance), if any. */
  metadata: PyValue | undefined;
  close(): Promise<void>;
}

export interface WriteProgress {
  /** Frames appended so far. */
  done: number;
  total: number;
  /** All frames are in; the file is being finished and decoded again. */
  verifying: boolean;
}

export interface WriteFramesOptions extends WriterOptions {
  /** Aborting stops the job; the output never appears and an existing file there stays (also when aborted while verifying). */
  signal?: AbortSignal;
  onProgress?: (p: WriteProgress) => void;
}

/** Longest stretch of work between yields: reading and quantizing may not hold the event loop (the extension host). */
const SLICE_MS = 25;

/** Writes every frame of `source` to `out`; rejects with the signal's reason when aborted. */
export async function writeFrames(out: string, source: FrameSource, options: WriteFramesOptions = {}): Promise<WriteResult> {
  const { signal, onProgress, ...writerOptions } = options;
  signal?.throwIfAborted();
  const writer = await createBodyCompressWriter(out, writerOptions);
  try {
    let done = 0;
    let sliceStart = Date.now();
    for await (const frame of source.frames()) {
      signal?.throwIfAborted();
      try {
        await writer.append(frame);
      } catch (err) {
        if (err instanceof InputError) throw new InputError(err.code, `Frame ${done}: ${err.message}`);
        throw err;
      }
      done++;
      onProgress?.({ done, total: source.total, verifying: false });
      if (Date.now() - sliceStart > SLICE_MS) {
        await yieldToEventLoop();
        sliceStart = Date.now();
      }
    }
    signal?.throwIfAborted();
    onProgress?.({ done, total: source.total, verifying: true });
    // Cancelled while the file is verified: the writer stops before the rename, so nothing is replaced.
    return await writer.close(signal);
  } finally {
    await writer.abort(); // a no-op once closed
  }
}

/**
 * The metadata to store: `metadata` (or the input's own), with `fps` set when given. fps needs
 * the metadata to be a map (or absent), since it becomes one of its keys.
 */
export function metadataWithFps(metadata: PyValue | undefined, fps: number | undefined): PyValue {
  if (fps === undefined) return metadata ?? null;
  checkFps(fps);
  if (metadata !== undefined && metadata !== null && !(metadata instanceof Map)) {
    throw new InputError('invalid-value', 'The metadata must be a JSON object to record fps in it');
  }
  const m = new Map(metadata ?? []);
  m.set('fps', fps);
  return m;
}

export function checkFps(fps: number): void {
  if (!(fps > 0) || !Number.isFinite(fps)) throw new InputError('invalid-value', `fps must be a positive number (got ${fps})`);
}
