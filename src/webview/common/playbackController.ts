/**
 * An external clock for playback, e.g. an audio element: while it runs, playback shows the frame
 * at its time, so picture and sound stay together.
 */
export interface PlaybackClock {
  /** Starts at `seconds` (playback speed applies). */
  start(seconds: number, speed: number): void;
  stop(): void;
  /** Seconds while running; null once it has stopped or ended (playback then keeps time itself). */
  time(): number | null;
}

/** Where playback gets the time and its next step from: in a page, performance.now and requestAnimationFrame. */
export interface PlaybackTicker {
  now(): number;
  /** Calls `step` once, with the time, when the next picture is due. */
  nextFrame(step: (now: number) => void): void;
}

export interface PlaybackOptions {
  frameCount: number;
  fps: number;
  frame?: number;
  speed?: number;
  loop?: boolean;
  /**
   * Frames [0, available) can be shown now; the rest are not reachable yet (a file still being
   * indexed). Defaults to all.
   */
  available?: number;
}

/** What a frame listener may return: a promise makes playback wait for it (frames are skipped). */
export type FrameListener = (frame: number) => void | Promise<void>;

export const PLAYBACK_SPEEDS: readonly number[] = [0.25, 0.5, 1, 2];

/**
 * Playback of numbered frames at a frame rate, without any DOM (the Timeline is its view): the
 * frame shown, play/pause, speed, loop, single-frame steps. Playback keeps real time: while a
 * frame listener is still drawing, frames are skipped rather than slowed down. The frame count
 * may grow, and only the first `available` frames may be reachable yet: playback then waits at
 * the last reachable frame.
 */
export class PlaybackController {
  private frameValue: number;
  private playingValue = false;
  private speedValue: number;
  private loopValue: boolean;
  private frameCountValue: number;
  private availableValue: number;
  private clock: PlaybackClock | null = null;
  private clockRunning = false;
  private readonly frameListeners = new Set<FrameListener>();
  private readonly stateListeners = new Set<() => void>();
  private readonly changeListeners = new Set<() => void>();
  /** Frame listeners still drawing. */
  private pending = 0;
  /** Playback origin: the frame and time when play started (or the clock took over). */
  private origin = { frame: 0, at: 0 };
  readonly fps: number;

  constructor(
    options: PlaybackOptions,
    private readonly ticker: PlaybackTicker,
  ) {
    this.frameCountValue = Math.max(0, options.frameCount);
    this.availableValue = Math.min(options.available ?? options.frameCount, options.frameCount);
    this.frameValue = clamp(options.frame ?? 0, 0, Math.max(0, Math.min(this.frameCountValue - 1, this.availableValue - 1)));
    this.speedValue = PLAYBACK_SPEEDS.includes(options.speed ?? 1) ? (options.speed ?? 1) : 1;
    this.loopValue = options.loop ?? true;
    this.fps = options.fps;
  }

  get frame(): number {
    return this.frameValue;
  }

  get frameCount(): number {
    return this.frameCountValue;
  }

  /** Frames [0, available) can be shown now. */
  get available(): number {
    return this.availableValue;
  }

  /** The last frame that can be shown now. */
  get lastReachable(): number {
    return Math.max(0, Math.min(this.frameCountValue, this.availableValue) - 1);
  }

  get playing(): boolean {
    return this.playingValue;
  }

  get speed(): number {
    return this.speedValue;
  }

  get loop(): boolean {
    return this.loopValue;
  }

  /** Called on every frame change, with the new frame. Returns an unsubscribe function. */
  onFrame(listener: FrameListener): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  /** Called when play/pause, speed or loop change (for saving them). */
  onStateChange(listener: () => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Called whenever what a view shows may have changed: frame, playing, frame count, reach. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** The file turned out to have `frameCount` frames (known once it has been read to the end). */
  setFrameCount(frameCount: number): void {
    this.frameCountValue = Math.max(0, frameCount);
    this.setAvailable(Math.min(this.availableValue, frameCount));
    if (this.frameValue > this.lastReachable) this.show(this.lastReachable);
  }

  /** Frames [0, available) became reachable (more of the file was indexed). */
  setAvailable(available: number): void {
    this.availableValue = clamp(available, 0, this.frameCountValue);
    this.changed();
  }

  /** Attaches (or with null detaches) an external clock such as an audio track. */
  setClock(clock: PlaybackClock | null): void {
    this.clock?.stop();
    this.clock = clock;
    if (this.playingValue) this.restartClock();
  }

  /** Jumps to `frame` (rounded, clamped to what is reachable); playback continues from there. */
  seek(frame: number): void {
    const f = clamp(Math.round(frame), 0, this.lastReachable);
    if (this.playingValue) {
      this.origin = { frame: f, at: this.ticker.now() };
      this.restartClock();
    }
    this.show(f);
  }

  /** Pauses and moves `delta` frames. */
  step(delta: number): void {
    this.pause();
    this.seek(this.frameValue + delta);
  }

  play(): void {
    if (this.playingValue || this.frameCountValue <= 1) return;
    if (this.frameValue >= this.frameCountValue - 1) this.show(0);
    this.playingValue = true;
    this.origin = { frame: this.frameValue, at: this.ticker.now() };
    this.restartClock();
    this.changed();
    this.notifyState();
    this.ticker.nextFrame(this.tick);
  }

  pause(): void {
    if (!this.playingValue) return;
    this.playingValue = false;
    this.clock?.stop();
    this.changed();
    this.notifyState();
  }

  toggle(): void {
    if (this.playingValue) this.pause();
    else this.play();
  }

  /** One of PLAYBACK_SPEEDS; returns false (and changes nothing) for any other. */
  setSpeed(speed: number): boolean {
    if (!PLAYBACK_SPEEDS.includes(speed)) return false;
    this.speedValue = speed;
    if (this.playingValue) {
      this.origin = { frame: this.frameValue, at: this.ticker.now() };
      this.restartClock();
    }
    this.notifyState();
    return true;
  }

  setLoop(loop: boolean): void {
    this.loopValue = loop;
    this.notifyState();
  }

  private restartClock(): void {
    this.clockRunning = false;
    this.clock?.start(this.origin.frame / this.fps, this.speedValue);
  }

  private readonly tick = (now: number): void => {
    if (!this.playingValue) return;
    const fps = this.fps;
    const frameCount = this.frameCountValue;
    const clockTime = this.clock?.time() ?? null;
    // A clock that stops before the video ends (audio shorter than the frames): keep time from here.
    if (clockTime === null && this.clockRunning) this.origin = { frame: this.frameValue, at: now };
    this.clockRunning = clockTime !== null;
    const seconds = clockTime ?? this.origin.frame / fps + ((now - this.origin.at) / 1000) * this.speedValue;
    let target = Math.floor(seconds * fps + 1e-6);
    // Not indexed that far yet: wait at the last reachable frame (time goes on from there).
    if (target > this.lastReachable && this.lastReachable < frameCount - 1) {
      target = this.lastReachable;
      this.origin = { frame: target, at: now };
      this.restartClock();
    }
    if (target >= frameCount) {
      if (!this.loopValue) {
        this.show(frameCount - 1);
        this.pause();
        return;
      }
      target = 0;
      this.origin = { frame: 0, at: now };
      this.restartClock();
    }
    if (target !== this.frameValue && this.pending === 0) this.show(target);
    this.ticker.nextFrame(this.tick);
  };

  private show(frame: number): void {
    if (frame === this.frameValue) {
      this.changed();
      return;
    }
    this.frameValue = frame;
    this.changed();
    for (const l of this.frameListeners) {
      const r = l(frame);
      if (r instanceof Promise) {
        this.pending++;
        void r.catch(() => undefined).finally(() => this.pending--);
      }
    }
  }

  private changed(): void {
    for (const l of this.changeListeners) l();
  }

  private notifyState(): void {
    for (const l of this.stateListeners) l();
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
