import type { SourcePiece } from './xzContainer';
import type { XzEngine, XzFailure } from './xzDecode';

/*
 * Messages between a reader (main thread) and a decode worker. A worker runs one job at a time:
 * decompress some pieces of the file, split the decoded bytes into msgpack objects, report where
 * each object lies (the frame index) and send the bytes of the objects the reader asked for.
 */

/** Objects are numbered by "ordinal": the frame number, negative for objects before the frames. */
export interface DeliverRange {
  from: number;
  to: number;
  step: number;
}

export interface JobSpec {
  id: number;
  path: string;
  engine: XzEngine;
  pieces: SourcePiece[];
  /** Decoded bytes to drop before the first object. */
  skipBytes: number;
  /** Ordinal of the first object after `skipBytes`. */
  firstOrdinal: number;
  /** Objects whose bytes are sent. */
  deliver: DeliverRange;
  /** Report offset/length/summary of every object with ordinal >= 0. */
  index: boolean;
  /** Stop (and end the job) before this ordinal. */
  stopAt: number;
  /**
   * With `stopAt`: decode this many bytes past the end of the last object before ending, and
   * report a failure met on the way (so damage just after the objects is seen by every engine).
   */
  stopMargin?: number;
  /** Pause before this ordinal until `resume`. */
  pauseAt: number;
  /** Unacknowledged payload bytes allowed in flight before the worker waits for `ack`. */
  window: number;
  maxObjectBytes: number;
  /** Report the sha256 of the decoded bytes after `skipBytes` (to verify a written file). */
  hash?: boolean;
  /** A pass over the whole frame region: the bundled engines may decode its xz blocks on every core (parallelDecode.ts). */
  parallel?: boolean;
}

export type ToWorker =
  | { type: 'start'; job: JobSpec }
  | { type: 'resume'; id: number; pauseAt: number; deliver: DeliverRange }
  | { type: 'ack'; id: number; bytes: number }
  | { type: 'cancel'; id: number };

export interface ObjectBatch {
  /** Ordinal of entry 0; entries are consecutive. */
  first: number;
  /** Decoded offset (from the start of the job's decoded data) and length of each object. */
  offsets: Float64Array;
  lengths: Float64Array;
  persons: Int32Array;
  /** Key-signature id per object (see the `keys` message), -1 when not a map. */
  keySigs: Int32Array;
}

export type FromWorker =
  | { type: 'objects'; id: number; batch: ObjectBatch | null; payloads: { ordinal: number; offset: number; bytes: Uint8Array }[] }
  | { type: 'keys'; id: number; sig: number; keys: string[] }
  | { type: 'progress'; id: number; compressedBytes: number; decodedBytes: number }
  | { type: 'paused'; id: number; next: number }
  | {
      type: 'end';
      id: number;
      /** Ordinal after the last complete object. */
      next: number;
      /** Decoded bytes seen, skipped ones included (and with `stopMargin`, those decoded past the objects). */
      decodedBytes: number;
      /** Decoded bytes after the last complete object (an object cut short). */
      trailingBytes: number;
      /** With `hash`: sha256 (hex) of every decoded byte after `skipBytes`. */
      sha256?: string;
      error?: { reason: XzFailure | 'msgpack' | 'internal'; message: string };
    };
