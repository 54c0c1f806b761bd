import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { MessagePort, Worker } from 'node:worker_threads';
import { startWorker } from '../io/workerThreads';
import type { FromBlockHelper, ToBlockHelper } from './blockDecodeProtocol';
import { readXzLayout, streamOfBlocks, XZ_HEADER_MAGIC, type SourcePiece, type XzBlock, type XzLayout } from './xzContainer';
import { decodeXz, XZ_CORRUPT, XzDecodeError, type XzEngine } from './xzDecode';

/*
 * Decoding the frame region with every core. The system xz does it itself (`--threads=0` decodes
 * the blocks of a stream in parallel, see xzDecode.ts). The bundled engines decode one block at a
 * time per thread, so here the region's xz blocks (known from the container's indexes, see
 * xzContainer.ts) are handed out as small valid streams: one decodes in this thread, the others
 * on helper threads, and their bytes come out in file order. At most one unit per decoder is
 * decoded ahead of the one being read, so memory stays bounded by a few blocks.
 */

/** Consecutive blocks of a stream are decoded as one unit until it holds this much decoded data. */
const UNIT_BYTES = 16 << 20;
/** Decoded bytes a helper collects before sending them (fewer messages than the engines' 64 KiB pieces). */
const SEND_BYTES = 1 << 20;
/** How long a stopped helper may take to close its file before its thread is ended anyway. */
const STOP_GRACE_MS = 2000;
/** Blocks larger than this are not decoded ahead (xz -T0 writes 24 MiB blocks at -5, 96 MiB at -8). */
const MAX_BLOCK_BYTES = 100 << 20;

/**
 * The decoded bytes of `pieces`: with a bundled engine over a whole multi-block region (one file
 * range to the end) when `parallel`, decoded by block on every core; otherwise as decodeXz does.
 * Same bytes and same failures either way (blocks before a damaged one are delivered whole).
 */
export async function* decodeRegion(
  path: string,
  pieces: SourcePiece[],
  engine: XzEngine,
  parallel: boolean,
  onInput?: (bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  const only = pieces.length === 1 ? pieces[0]! : null;
  const threads = availableParallelism();
  const wanted = parallel && engine !== 'xz' && threads > 1;
  const units = wanted && only && 'start' in only && only.end === Infinity ? await blockUnits(path, only.start) : null;
  if (!units || units.length < 2) {
    yield* decodeXz(path, pieces, engine, onInput, parallel);
    return;
  }
  yield* decodeUnits(path, units, engine, Math.min(threads, units.length), onInput);
}

/**
 * The region from `start` to the end of the file as units of whole blocks (each a valid stream),
 * or null when its streams cannot be walked (a truncated or damaged file is decoded in one pass,
 * which finds and words the damage).
 */
async function blockUnits(path: string, start: number): Promise<SourcePiece[][] | null> {
  const h = await open(path, 'r');
  let layout: XzLayout;
  try {
    layout = await readXzLayout(h, start, (await h.stat()).size);
    if (!layout.complete || layout.streams[0]?.fileOffset !== start || layout.blocks.some((b) => b.uncompressedSize > MAX_BLOCK_BYTES)) return null;
    // The walk checked the first stream header; the others are checked here (a one-pass decode reads them all).
    const head = new Uint8Array(12);
    for (const s of layout.streams.slice(1)) {
      if ((await h.read(head, 0, 12, s.fileOffset)).bytesRead !== 12 || !XZ_HEADER_MAGIC.every((b, i) => head[i] === b)) return null;
      if (head[6] !== s.flags[0] || head[7] !== s.flags[1]) return null;
    }
  } finally {
    await h.close();
  }
  const units: SourcePiece[][] = [];
  for (const s of layout.streams) {
    let group: XzBlock[] = [];
    let bytes = 0;
    for (const b of s.blocks) {
      group.push(b);
      bytes += b.uncompressedSize;
      if (bytes >= UNIT_BYTES) {
        units.push(streamOfBlocks(s, group));
        group = [];
        bytes = 0;
      }
    }
    if (group.length) units.push(streamOfBlocks(s, group));
  }
  return units;
}

/** What one unit decoded so far. */
interface UnitOutput {
  chunks: Uint8Array[];
  done: boolean;
  error: Error | null;
}

interface Decoder {
  busy: boolean;
  run(seq: number, pieces: SourcePiece[]): void;
  stop(): Promise<void>;
}

async function* decodeUnits(
  path: string,
  units: SourcePiece[][],
  engine: XzEngine,
  decoders: number,
  onInput?: (bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  const outputs = new Map<number, UnitOutput>();
  let wake: (() => void) | null = null;
  const changed = () => {
    wake?.();
    wake = null;
  };
  const received = (seq: number, f: (o: UnitOutput) => void) => {
    const o = outputs.get(seq);
    if (o) f(o);
    changed();
  };
  let stopping = false;
  const pool: Decoder[] = [localDecoder(path, engine, received, onInput, () => stopping)];
  for (let k = 1; k < decoders; k++) pool.push(helperDecoder(received, path, engine, onInput));
  let next = 0;
  let current = 0;
  /** Starts units on idle decoders, at most one per decoder ahead of the one being read. */
  const assign = () => {
    for (const d of pool) {
      if (d.busy || next >= units.length || next >= current + pool.length) continue;
      outputs.set(next, { chunks: [], done: false, error: null });
      d.run(next, units[next]!);
      next++;
    }
  };
  try {
    for (current = 0; current < units.length; current++) {
      assign();
      const o = outputs.get(current)!;
      for (;;) {
        const chunk = o.chunks.shift();
        if (chunk) {
          yield chunk;
          continue;
        }
        if (o.done) break;
        await new Promise<void>((resolve) => (wake = resolve));
        assign();
      }
      outputs.delete(current);
      if (o.error) throw o.error;
    }
  } finally {
    stopping = true;
    await Promise.all(pool.map((d) => d.stop()));
  }
}

/** Decodes units in this thread (the first one at once, with no thread to start first). */
function localDecoder(
  path: string,
  engine: XzEngine,
  received: (seq: number, f: (o: UnitOutput) => void) => void,
  onInput: ((bytes: number) => void) | undefined,
  stopping: () => boolean,
): Decoder {
  let running: Promise<void> = Promise.resolve();
  const d: Decoder = {
    busy: false,
    run(seq, pieces) {
      d.busy = true;
      running = (async () => {
        const gen = decodeXz(path, pieces, engine, onInput);
        let error: Error | null = null;
        try {
          for await (const chunk of gen) {
            received(seq, (o) => o.chunks.push(chunk));
            if (stopping()) break;
          }
        } catch (err) {
          error = unitFailure(err as Error);
        }
        d.busy = false;
        received(seq, (o) => {
          o.done = true;
          o.error = error;
        });
      })();
    },
    stop: () => running,
  };
  return d;
}

/** Decodes units on a helper thread of its own (started at once, ended by `stop`). */
function helperDecoder(
  received: (seq: number, f: (o: UnitOutput) => void) => void,
  path: string,
  engine: XzEngine,
  onInput: ((bytes: number) => void) | undefined,
): Decoder {
  let worker: Worker | null = startWorker(__dirname, 'bodycompressWorker', { workerData: { role: 'blocks' } });
  const exited = new Promise<void>((resolve) => worker!.once('exit', () => resolve()));
  let failure: Error | null = null;
  let seqNow = -1;
  const d: Decoder = {
    busy: false,
    run(seq, pieces) {
      d.busy = true;
      seqNow = seq;
      if (failure || !worker) {
        received(seq, (o) => {
          o.done = true;
          o.error = failure ?? new Error('The block decoder stopped');
        });
        return;
      }
      worker.postMessage({ type: 'unit', seq, path, engine, pieces } satisfies ToBlockHelper);
    },
    async stop() {
      const w = worker;
      worker = null;
      if (!w) return;
      w.postMessage({ type: 'stop' } satisfies ToBlockHelper);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)))]);
      clearTimeout(timer);
      await w.terminate();
    },
  };
  const fail = (err: Error) => {
    failure ??= err;
    if (d.busy) {
      d.busy = false;
      received(seqNow, (o) => {
        o.done = true;
        o.error = failure;
      });
    }
  };
  worker.on('message', (msg: FromBlockHelper) => {
    if (msg.type === 'data') {
      onInput?.(msg.inputBytes);
      received(msg.seq, (o) => o.chunks.push(msg.bytes));
    } else if (msg.type === 'end') {
      onInput?.(msg.inputBytes);
      d.busy = false;
      const e = msg.error;
      received(msg.seq, (o) => {
        o.done = true;
        o.error = !e ? null : e.reason === 'internal' ? new Error(e.message) : unitFailure(new XzDecodeError(e.reason, e.message));
      });
    }
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`A block decoder thread stopped (exit code ${code})`)));
  return d;
}

/**
 * A unit's data ending early is damage, not a cut file: the file's indexes say the block is
 * whole, so its compressed data claims more than the block holds (a one-pass decoder would read
 * on into what follows and find it corrupt).
 */
function unitFailure(err: Error): Error {
  return err instanceof XzDecodeError && err.reason === 'truncated' ? new XzDecodeError('corrupt', XZ_CORRUPT) : err;
}

/** The helper thread's side: decodes the units it is sent, one at a time, until 'stop'. */
export function runBlockHelper(port: MessagePort): void {
  let stop = false;
  let queue: Promise<void> = Promise.resolve();
  const unit = async (msg: Extract<ToBlockHelper, { type: 'unit' }>) => {
    if (stop) return;
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let input = 0;
    const send = () => {
      if (pendingBytes === 0) return;
      const bytes = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
      // A copy when the engine's chunk shares its buffer with other data (transferring would detach that too).
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
      port.postMessage({ type: 'data', seq: msg.seq, bytes: own, inputBytes: input } satisfies FromBlockHelper, [own.buffer as ArrayBuffer]);
      pending = [];
      pendingBytes = 0;
      input = 0;
    };
    let error: { reason: 'internal' | XzDecodeError['reason']; message: string } | undefined;
    const gen = decodeXz(msg.path, msg.pieces, msg.engine, (n) => (input += n));
    try {
      for await (const chunk of gen) {
        if (stop) break;
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= SEND_BYTES) send();
      }
    } catch (err) {
      error =
        err instanceof XzDecodeError ? { reason: err.reason, message: err.message } : { reason: 'internal', message: String((err as Error)?.stack ?? err) };
    }
    if (stop) return;
    send();
    port.postMessage({ type: 'end', seq: msg.seq, inputBytes: input, error } satisfies FromBlockHelper);
  };
  port.on('message', (msg: ToBlockHelper) => {
    if (msg.type === 'stop') {
      stop = true;
      // Once the unit being decoded has closed its file, the thread ends (nothing keeps it alive).
      void queue.then(() => port.close());
      return;
    }
    queue = queue.then(() => unit(msg));
  });
}
