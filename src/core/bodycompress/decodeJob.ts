import { createHash } from 'node:crypto';
import { InputError } from '../errors';
import { summarizeFrame } from './frameSummary';
import { MsgpackFormatError } from './msgpack';
import { ObjectSplitter } from './objectSplitter';
import type { DeliverRange, FromWorker, JobSpec, ToWorker } from './decodeWorkerProtocol';
import { decodeRegion } from './parallelDecode';
import { XzDecodeError, type XzFailure } from './xzDecode';

/** Decoded bytes pulled after a msgpack error, looking for the xz damage that caused it. */
const MSGPACK_DRAIN = 4 << 20;

/**
 * The worker side of a decode job (see decodeWorkerProtocol.ts): decompress, split into objects, report
 * the index in batches, send requested objects, respect pause/ack/cancel. Runs inside a worker
 * thread; kept free of worker_threads so it can be read and tested on its own.
 */
export class DecodeJobRunner {
  private job: JobSpec | null = null;
  private cancelled = false;
  private unacked = 0;
  private wake: (() => void) | null = null;
  private pauseAt = Infinity;
  private deliver: DeliverRange = { from: 0, to: 0, step: 1 };
  private keySigs = new Map<string, number>();

  constructor(private readonly post: (msg: FromWorker, transfer?: ArrayBuffer[]) => void) {}

  onMessage(msg: ToWorker): void {
    if (msg.type === 'start') {
      void this.run(msg.job);
      return;
    }
    if (!this.job) return;
    if (msg.id !== this.job.id) return;
    if (msg.type === 'cancel') this.cancelled = true;
    else if (msg.type === 'ack') this.unacked = Math.max(0, this.unacked - msg.bytes);
    else if (msg.type === 'resume') {
      this.pauseAt = msg.pauseAt;
      this.deliver = msg.deliver;
    }
    this.wake?.();
  }

  private waitForMessage(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private wanted(ordinal: number): boolean {
    const d = this.deliver;
    return ordinal >= d.from && ordinal < d.to && (ordinal - d.from) % d.step === 0;
  }

  private async run(job: JobSpec): Promise<void> {
    this.job = job;
    this.announced = new Set();
    this.cancelled = false;
    this.unacked = 0;
    this.pauseAt = job.pauseAt;
    this.deliver = job.deliver;
    let ordinal = job.firstOrdinal;
    let compressed = 0;
    const splitter = new ObjectSplitter(job.skipBytes, job.maxObjectBytes);
    // Index entries are batched: one message per few hundred frames or per 100 ms.
    let batch = { first: 0, offsets: [] as number[], lengths: [] as number[], persons: [] as number[], sigs: [] as number[] };
    let payloads: { ordinal: number; offset: number; bytes: Uint8Array }[] = [];
    let lastFlush = Date.now();
    const flush = () => {
      if (batch.offsets.length === 0 && payloads.length === 0) return;
      const b = batch.offsets.length
        ? {
            first: batch.first,
            offsets: Float64Array.from(batch.offsets),
            lengths: Float64Array.from(batch.lengths),
            persons: Int32Array.from(batch.persons),
            keySigs: Int32Array.from(batch.sigs),
          }
        : null;
      this.post(
        { type: 'objects', id: job.id, batch: b, payloads },
        payloads.map((p) => p.bytes.buffer as ArrayBuffer),
      );
      this.post({ type: 'progress', id: job.id, compressedBytes: compressed, decodedBytes: splitter.decodedBytes });
      batch = { first: ordinal, offsets: [], lengths: [], persons: [], sigs: [] };
      payloads = [];
      lastFlush = Date.now();
    };
    // 'end' is posted only once the decoder has closed the file: the owner may end this thread
    // right after it, and a descriptor left open in an ended thread stays open in the process.
    let ended: FromWorker | null = null;
    const end = (error?: { reason: XzFailure | 'msgpack' | 'internal'; message: string }) => {
      flush();
      const sha256 = hash?.digest('hex');
      const decodedBytes = Math.max(splitter.decodedBytes, pulled);
      ended = { type: 'end', id: job.id, next: ordinal, decodedBytes, trailingBytes: splitter.pendingBytes, sha256, error };
    };
    batch.first = ordinal;
    const hash = job.hash ? createHash('sha256') : null;
    let toSkip = job.skipBytes;
    const gen = decodeRegion(job.path, job.pieces, job.engine, job.parallel === true, (n) => (compressed += n));
    let failure: XzDecodeError | null = null;
    /** Decoded bytes pulled from the decoder (the splitter's count stops growing once the job is drained). */
    let pulled = 0;
    /**
     * Pulls and drops decoded data until `pulled` reaches `target` or the data ends; returns the
     * decoder's failure if it reports one on the way (cancelling stops early, reporting none).
     */
    const drain = async (target: number): Promise<XzDecodeError | null> => {
      while (pulled < target && !this.cancelled) {
        try {
          const r = await gen.next();
          if (r.done) return null;
          pulled += r.value.length;
        } catch (err) {
          if (err instanceof XzDecodeError) return err;
          throw err;
        }
      }
      return null;
    };
    let lastObjectEnd = 0;
    try {
      let atEnd = false;
      for (;;) {
        // Take every complete object already buffered, then pull more data.
        for (;;) {
          if (this.cancelled) {
            end();
            return;
          }
          if (ordinal >= job.stopAt) {
            // With a margin, the decoder goes on a little: damage right after the last object
            // (its stream's check, the next stream's header) is then seen by every engine.
            const after = failure ?? (job.stopMargin ? await drain(lastObjectEnd + job.stopMargin) : null);
            end(after ? { reason: after.reason, message: after.message } : undefined);
            return;
          }
          if (ordinal >= this.pauseAt) {
            flush();
            this.post({ type: 'paused', id: job.id, next: ordinal });
            while (ordinal >= this.pauseAt && !this.cancelled) await this.waitForMessage();
            continue;
          }
          const obj = splitter.next(atEnd);
          if (!obj) break;
          lastObjectEnd = obj.offset + obj.bytes.length;
          if (ordinal >= 0 && job.index) {
            if (batch.offsets.length === 0) batch.first = ordinal;
            const s = summarizeFrame(obj.bytes);
            batch.offsets.push(obj.offset);
            batch.lengths.push(obj.bytes.length);
            batch.persons.push(s ? s.persons : -1);
            batch.sigs.push(s ? this.keySig(s.keys, job.id) : -1);
          }
          if (this.wanted(ordinal)) {
            payloads.push({ ordinal, offset: obj.offset, bytes: obj.bytes.slice() });
            this.unacked += obj.bytes.length;
            flush();
          }
          ordinal++;
          if (batch.offsets.length >= 512 || Date.now() - lastFlush > 100) flush();
          while (this.unacked > job.window && !this.cancelled) await this.waitForMessage();
        }
        if (atEnd) {
          end(failure ? { reason: failure.reason, message: failure.message } : undefined);
          return;
        }
        try {
          const r = await gen.next();
          if (r.done) atEnd = true;
          else {
            pulled += r.value.length;
            if (hash) {
              const skip = Math.min(toSkip, r.value.length);
              toSkip -= skip;
              hash.update(r.value.subarray(skip));
            }
            splitter.push(r.value);
          }
        } catch (err) {
          // Damaged or cut data: first hand out every complete object decoded before it.
          if (!(err instanceof XzDecodeError)) throw err;
          failure = err;
          atEnd = true;
        }
      }
    } catch (err) {
      if (err instanceof MsgpackFormatError || err instanceof InputError) {
        // Bytes that are not msgpack usually come from damaged xz data that the decoder handed
        // out before noticing: report the damage when it shows within a little more data.
        const xzFailure = failure ?? (await drain(pulled + MSGPACK_DRAIN).catch(() => null));
        end(xzFailure ? { reason: xzFailure.reason, message: xzFailure.message } : { reason: 'msgpack', message: err.message });
        return;
      }
      end({ reason: 'internal', message: (err as Error)?.stack ?? String(err) });
    } finally {
      await gen.return(undefined).catch(() => undefined);
      if (ended) this.post(ended);
      this.job = null;
    }
  }

  private keySig(keys: string[], id: number): number {
    const k = keys.join('\u0000');
    let sig = this.keySigs.get(k);
    if (sig === undefined) {
      sig = this.keySigs.size;
      this.keySigs.set(k, sig);
    }
    // Announce each signature once per job (the reader forgets them between jobs).
    if (!this.announced.has(sig)) {
      this.announced.add(sig);
      this.post({ type: 'keys', id, sig, keys });
    }
    return sig;
  }

  private announced = new Set<number>();
}
