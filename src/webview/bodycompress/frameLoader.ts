import type { BodyCompressFrame } from '../../protocol/bodyCompressProtocol';

/** Decoded frames kept in the page: enough for playback to run ahead, a few MB for 5 people. */
const CACHED_FRAMES = 24;
/** Weight of the newest fetch time in the running estimate of how long a frame takes to arrive. */
const LATENCY_WEIGHT = 0.2;

/**
 * Frames from the host, one request per frame: recently shown and prefetched frames are kept,
 * and a frame already on its way is not asked for twice. Uncertainties are fetched only while the
 * colour map needs them. Keeps a running estimate of how long a frame takes to arrive, which
 * playback uses to ask for the frames it will need.
 */
export class FrameLoader {
  private readonly cache = new Map<number, BodyCompressFrame>();
  private readonly inflight = new Map<number, Promise<BodyCompressFrame>>();
  private withUncertainties: boolean;
  /** Bumped when cached frames stop being good enough (uncertainties turned on). */
  private generation = 0;
  /** Milliseconds a frame takes to arrive (running estimate). */
  latencyMs = 50;

  constructor(
    private readonly fetch: (frame: number, uncertainties: boolean) => Promise<BodyCompressFrame>,
    uncertainties: boolean,
  ) {
    this.withUncertainties = uncertainties;
  }

  /** Keeps a frame that arrived another way (the first frame comes with the file's facts). */
  put(frame: BodyCompressFrame): void {
    this.cache.delete(frame.index);
    this.cache.set(frame.index, frame);
    for (const k of this.cache.keys()) {
      if (this.cache.size <= CACHED_FRAMES) break;
      this.cache.delete(k);
    }
  }

  /** Cached frames without uncertainties are dropped when they become needed. */
  setUncertainties(on: boolean): void {
    if (on === this.withUncertainties) return;
    this.withUncertainties = on;
    if (on) {
      for (const [k, f] of this.cache) if (f.persons.some((p) => p.vertices && !p.vertexUncertainties)) this.cache.delete(k);
      this.inflight.clear();
      this.generation++;
    }
  }

  cached(i: number): BodyCompressFrame | undefined {
    return this.cache.get(i);
  }

  /** The cached frame with the highest number in [from, to], if any. */
  latestCached(from: number, to: number): BodyCompressFrame | undefined {
    let best: BodyCompressFrame | undefined;
    for (const [i, f] of this.cache) if (i >= from && i <= to && (!best || i > best.index)) best = f;
    return best;
  }

  /** Whether frame i is cached or on its way. */
  has(i: number): boolean {
    return this.cache.has(i) || this.inflight.has(i);
  }

  /** Requests on their way. */
  get pending(): number {
    return this.inflight.size;
  }

  get(i: number): Promise<BodyCompressFrame> {
    const hit = this.cache.get(i);
    if (hit) {
      this.put(hit);
      return Promise.resolve(hit);
    }
    const pending = this.inflight.get(i);
    if (pending) return pending;
    const generation = this.generation;
    const started = performance.now();
    const done = () => {
      if (this.inflight.get(i) === p) this.inflight.delete(i);
    };
    const p: Promise<BodyCompressFrame> = this.fetch(i, this.withUncertainties).then(
      (f) => {
        done();
        this.latencyMs += LATENCY_WEIGHT * (performance.now() - started - this.latencyMs);
        if (generation === this.generation) this.put(f);
        return f;
      },
      (err: unknown) => {
        done();
        throw err;
      },
    );
    this.inflight.set(i, p);
    return p;
  }

  /** Asks for a frame that will be needed soon (playback); errors are left to a later `get`. */
  prefetch(i: number): void {
    if (!this.has(i)) void this.get(i).catch(() => undefined);
  }
}
