import { NdArray } from '../numpy/ndarray';
import type { PyValue } from './pyValues';
import type { BodyFrame } from './frame';

/** Least-recently-used decoded frames, bounded by the bytes of their arrays. */
export class FrameCache {
  private frames = new Map<number, { frame: BodyFrame; bytes: number }>();
  private total = 0;

  constructor(private readonly maxBytes: number) {}

  get(i: number): BodyFrame | undefined {
    const e = this.frames.get(i);
    if (!e) return undefined;
    this.frames.delete(i);
    this.frames.set(i, e);
    return e.frame;
  }

  has(i: number): boolean {
    return this.frames.has(i);
  }

  set(frame: BodyFrame): void {
    const bytes = frameBytes(frame);
    const old = this.frames.get(frame.index);
    if (old) {
      this.total -= old.bytes;
      this.frames.delete(frame.index);
    }
    this.frames.set(frame.index, { frame, bytes });
    this.total += bytes;
    for (const [k, e] of this.frames) {
      if (this.total <= this.maxBytes || this.frames.size <= 1) break;
      this.frames.delete(k);
      this.total -= e.bytes;
    }
  }

  clear(): void {
    this.frames.clear();
    this.total = 0;
  }

  get bytes(): number {
    return this.total;
  }
}

function frameBytes(frame: BodyFrame): number {
  let n = 256;
  const visit = (v: PyValue) => {
    if (v instanceof NdArray) n += v.bytes.length;
    else if (v instanceof Uint8Array) n += v.length;
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v instanceof Map) v.forEach(visit);
  };
  frame.values.forEach(visit);
  return n;
}
