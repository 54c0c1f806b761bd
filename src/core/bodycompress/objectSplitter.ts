import { InputError } from '../errors';
import { MsgpackFormatError } from './msgpack';

/*
 * Finds where each msgpack object of a decoded stream ends without decoding it (lengths are read,
 * payloads jumped over), so that indexing runs at the speed of the xz decoder.
 */

/** Result of `skipObject` when the bytes end first. */
export const INCOMPLETE = -1;

/**
 * Where the object starting at `pos` ends or, when the bytes end first, the position the buffer
 * must reach at least before a retry can succeed.
 */
export type ScanResult = { complete: true; end: number } | { complete: false; need: number };

/** The end position of the object starting at `pos`, or INCOMPLETE. Throws MsgpackFormatError. */
export function skipObject(b: Uint8Array, pos: number, end = b.length): number {
  const r = scanObject(b, pos, end);
  return r.complete ? r.end : INCOMPLETE;
}

/** Like `skipObject`, telling also how far the bytes must go when incomplete. Throws MsgpackFormatError. */
export function scanObject(b: Uint8Array, pos: number, end = b.length): ScanResult {
  let remaining = 1; // items still to skip (a map entry counts as two)
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  while (remaining > 0) {
    if (pos >= end) return incomplete(pos + remaining);
    const t = b[pos]!;
    remaining--;
    let head = 1;
    let payload = 0;
    if (t <= 0x7f || t >= 0xe0 || (t >= 0xc0 && t <= 0xc3)) {
      if (t === 0xc1) throw new MsgpackFormatError('invalid msgpack type byte 0xc1');
    } else if (t <= 0x8f) remaining += 2 * (t & 0x0f);
    else if (t <= 0x9f) remaining += t & 0x0f;
    else if (t <= 0xbf) payload = t & 0x1f;
    else {
      const lenBytes = LEN_BYTES[t - 0xc4] ?? 0;
      head = 1 + lenBytes;
      if (pos + head > end) return incomplete(pos + head + remaining);
      const n = lenBytes === 0 ? 0 : lenBytes === 1 ? b[pos + 1]! : lenBytes === 2 ? view.getUint16(pos + 1) : view.getUint32(pos + 1);
      switch (t) {
        case 0xc4:
        case 0xc5:
        case 0xc6:
        case 0xd9:
        case 0xda:
        case 0xdb:
          payload = n;
          break;
        case 0xc7:
        case 0xc8:
        case 0xc9:
          payload = n + 1;
          break;
        case 0xca:
          payload = 4;
          break;
        case 0xcb:
          payload = 8;
          break;
        case 0xcc:
          payload = 1;
          break;
        case 0xcd:
          payload = 2;
          break;
        case 0xce:
          payload = 4;
          break;
        case 0xcf:
          payload = 8;
          break;
        case 0xd0:
          payload = 1;
          break;
        case 0xd1:
          payload = 2;
          break;
        case 0xd2:
          payload = 4;
          break;
        case 0xd3:
          payload = 8;
          break;
        case 0xd4:
          payload = 2;
          break;
        case 0xd5:
          payload = 3;
          break;
        case 0xd6:
          payload = 5;
          break;
        case 0xd7:
          payload = 9;
          break;
        case 0xd8:
          payload = 17;
          break;
        case 0xdc:
        case 0xdd:
          remaining += n;
          break;
        case 0xde:
        case 0xdf:
          remaining += 2 * n;
          break;
      }
    }
    pos += head + payload;
  }
  return pos <= end ? { complete: true, end: pos } : incomplete(pos);
}

/** Bytes of the length field after each type byte from 0xc4 on (0 = none / fixed payload). */
const LEN_BYTES: Record<number, number> = {
  0: 1,
  1: 2,
  2: 4, // bin 8/16/32
  3: 1,
  4: 2,
  5: 4, // ext 8/16/32
  21: 1,
  22: 2,
  23: 4, // str 8/16/32
  24: 2,
  25: 4, // array 16/32
  26: 2,
  27: 4, // map 16/32
};

function incomplete(need: number): ScanResult {
  return { complete: false, need };
}

/**
 * Accumulates decoded chunks and hands out complete top-level objects with their offsets in the
 * decoded data. Memory is bounded by the largest object (objects beyond `maxObjectBytes` are
 * refused as corrupt, like the reference's 100 MiB buffer limit).
 */
export class ObjectSplitter {
  private buf = new Uint8Array(1 << 20);
  private head = 0;
  private tail = 0;
  /** Decoded offset of buf[0]. */
  private base = 0;
  private toSkip: number;
  /** Don't retry a parse before the buffer reaches this many bytes after `head`. */
  private retryAt = 0;

  constructor(
    skipBytes: number,
    private readonly maxObjectBytes: number,
  ) {
    this.toSkip = skipBytes;
  }

  push(chunk: Uint8Array): void {
    if (this.toSkip > 0) {
      const n = Math.min(this.toSkip, chunk.length);
      this.toSkip -= n;
      this.base += n;
      chunk = chunk.subarray(n);
      if (chunk.length === 0) return;
    }
    if (this.head === this.tail) {
      this.base += this.head;
      this.head = this.tail = 0;
    }
    if (this.tail + chunk.length > this.buf.length) {
      const live = this.tail - this.head;
      const target = Math.max(live + chunk.length, 1 << 20);
      const next = target <= this.buf.length && this.head > 0 ? this.buf : new Uint8Array(Math.max(target, this.buf.length * 2));
      next.set(this.buf.subarray(this.head, this.tail), 0);
      this.base += this.head;
      this.buf = next;
      this.head = 0;
      this.tail = live;
    }
    this.buf.set(chunk, this.tail);
    this.tail += chunk.length;
  }

  /**
   * The next complete object (a view valid until the next `push`), or null until more data comes.
   * `atEnd` (no more data will come) retries a parse that was postponed.
   */
  next(atEnd = false): { offset: number; bytes: Uint8Array } | null {
    if (this.head === this.tail || (!atEnd && this.tail - this.head < this.retryAt)) return null;
    const r = scanObject(this.buf, this.head, this.tail);
    if (!r.complete) {
      const need = r.need - this.head;
      if (need > this.maxObjectBytes) {
        throw new InputError('corrupt', `An object in the data would be larger than ${this.maxObjectBytes} bytes; the data is corrupt`);
      }
      // Retry when the needed bytes are there, or the buffer doubled (lengths deep inside may be bigger).
      this.retryAt = Math.max(need, 2 * (this.tail - this.head));
      return null;
    }
    this.retryAt = 0;
    const start = this.head;
    this.head = r.end;
    return { offset: this.base + start, bytes: this.buf.subarray(start, r.end) };
  }

  /** Decoded bytes received after the last complete object. */
  get pendingBytes(): number {
    return this.tail - this.head;
  }

  /** Decoded bytes seen so far (including skipped ones). */
  get decodedBytes(): number {
    return this.base + this.tail;
  }
}
