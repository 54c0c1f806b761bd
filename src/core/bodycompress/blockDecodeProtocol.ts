import type { SourcePiece } from './xzContainer';
import type { XzEngine, XzFailure } from './xzDecode';

/*
 * Messages between a decode job (decodeJob.ts, in its worker) and the block-decoding helper
 * threads it starts (parallelDecode.ts): each helper decodes whole xz blocks, one unit at a time,
 * and sends the decoded bytes back; the job puts the units back in order.
 */

/** 'stop': end the unit being decoded, close its file and end the thread. */
export type ToBlockHelper = { type: 'unit'; seq: number; path: string; engine: XzEngine; pieces: SourcePiece[] } | { type: 'stop' };

export type FromBlockHelper =
  | { type: 'data'; seq: number; bytes: Uint8Array; inputBytes: number }
  | { type: 'end'; seq: number; inputBytes: number; error?: { reason: XzFailure | 'internal'; message: string } };
