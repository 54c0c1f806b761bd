import type { BodyCompressFrame } from '../../protocol/bodyCompressProtocol';
import type { PlaybackController } from '../common/playbackController';
import type { FrameLoader } from './frameLoader';

/**
 * Frame requests on their way at once while playing: enough to cover a round trip with one frame
 * each (fewer would make playback skip frames even when the host keeps up: with 3 in flight and a
 * 150 ms round trip, at most 20 frames a second arrive), and a bound so a slow host is not flooded.
 */
const PLAY_IN_FLIGHT_MIN = 3;
const PLAY_IN_FLIGHT_MAX = 12;

/** Where the frames go: the page draws them, or says why one cannot be shown. */
export interface FrameSink {
  /** The number of the frame on screen, if any. */
  shownFrame(): number | null;
  draw(frame: BodyCompressFrame): void;
  failed(frame: number, message: string): void;
}

/**
 * Fetches and draws the frames playback reaches. Stepping and scrubbing: one frame at a time;
 * while one is on its way, newer wishes replace older ones. Playing: asks a few frames ahead, so
 * playback keeps real time and drops frames when they cannot come fast enough.
 */
export class FrameFollower {
  private wanted: number | null = null;
  private loading: Promise<void> | null = null;
  /** Playback: the last frame asked for ahead. */
  private playRequested = -1;
  private disposed = false;

  constructor(
    private readonly loader: FrameLoader,
    private readonly playback: PlaybackController,
    private readonly sink: FrameSink,
  ) {}

  /**
   * Shows frame `f`. Stepping and scrubbing: returns when it is drawn (or failed). Playing: never
   * waits; draws the newest frame that has arrived up to `f`, and keeps asking ahead for the
   * frames that will be due when the answers arrive.
   */
  show(f: number): Promise<void> | void {
    if (this.playback.playing) {
      this.playFrame(f);
      return;
    }
    const cached = this.loader.cached(f);
    if (cached && !this.loading) {
      this.sink.draw(cached);
      return Promise.resolve();
    }
    this.wanted = f;
    this.loading ??= this.loadWanted().finally(() => {
      this.loading = null;
      if (this.wanted !== null && !this.disposed) void this.show(this.wanted);
    });
    return this.loading;
  }

  dispose(): void {
    this.disposed = true;
  }

  private playFrame(f: number): void {
    const p = this.playback;
    const loader = this.loader;
    const drawn = this.sink.shownFrame() ?? -1;
    // Time went back (a loop, or a jump while playing): start over from there.
    if (f < drawn || f < this.playRequested - 2 * p.fps) this.playRequested = f - 1;
    const ready = loader.latestCached(f < drawn ? 0 : drawn + 1, f);
    if (ready && !this.loading) this.sink.draw(ready);
    else if (!ready && drawn < 0) loader.prefetch(f);
    // Ask for what will be due when the answer arrives, spaced so that what arrives can be shown.
    const perFrameMs = 1000 / (p.fps * p.speed);
    const lead = Math.ceil(loader.latencyMs / perFrameMs);
    const inFlight = Math.min(PLAY_IN_FLIGHT_MAX, Math.max(PLAY_IN_FLIGHT_MIN, lead + 1));
    const stride = Math.max(1, Math.ceil(loader.latencyMs / inFlight / perFrameMs));
    for (let k = 0; k < 2 * inFlight && loader.pending < inFlight; k++) {
      let next = Math.max(f + lead, this.playRequested + stride);
      if (next >= p.available) {
        // Past the end: from the start again when looping over a fully indexed file, else stop asking.
        if (!p.loop || p.available < p.frameCount) break;
        next %= p.available;
      }
      this.playRequested = next;
      loader.prefetch(next);
    }
  }

  /** Fetches the newest wanted frame until none is left (frames wanted meanwhile replace each other). */
  private async loadWanted(): Promise<void> {
    while (this.wanted !== null && !this.disposed) {
      const f = this.wanted;
      this.wanted = null;
      try {
        const frame = await this.loader.get(f);
        if (!this.disposed) this.sink.draw(frame);
      } catch (err) {
        if (!this.disposed && this.wanted === null) this.sink.failed(f, (err as Error)?.message ?? String(err));
      }
    }
  }
}
