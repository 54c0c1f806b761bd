import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { el } from './dom';

/**
 * An external clock for playback, e.g. an audio element: while it runs, the timeline shows the frame
 * at its time, so picture and sound stay together.
 */
export interface TimelineClock {
  /** Starts at `seconds` (playback speed applies). */
  start(seconds: number, speed: number): void;
  stop(): void;
  /** Seconds while running; null once it has stopped or ended (the timeline then keeps time itself). */
  time(): number | null;
}

export interface TimelineOptions {
  frameCount: number;
  fps: number;
  frame?: number;
  speed?: number;
  loop?: boolean;
  /**
   * Frames [0, available) can be shown now; the rest are not reachable yet (a file still being
   * indexed). Defaults to all. The track shows how far it reaches.
   */
  available?: number;
}

/** What a frame listener may return: a promise makes playback wait for it (frames are skipped). */
type FrameListener = (frame: number) => void | Promise<unknown>;

const SPEEDS = [0.25, 0.5, 1, 2];

/**
 * A frame slider with play/pause at a frame rate, speed, loop and single-frame steps; the keyboard
 * (Space, Left/Right, Home/End) works anywhere on the page except in text fields. Playback keeps
 * real time: while a listener is still drawing, frames are skipped rather than slowed down. The
 * frame count may grow, and only the first `available` frames may be reachable yet: playback
 * then waits at the last reachable frame.
 */
export class Timeline {
  readonly element: HTMLElement;
  private frameValue: number;
  private playingValue = false;
  private speedValue: number;
  private loopValue: boolean;
  private clock: TimelineClock | null = null;
  private clockRunning = false;
  private readonly listeners = new Set<FrameListener>();
  private readonly stateListeners = new Set<() => void>();
  private pending = 0;
  /** Playback origin: the frame and time when play started (or the clock took over). */
  private origin = { frame: 0, at: 0 };
  private readonly slider: HTMLInputElement;
  private readonly label: HTMLElement;
  private readonly playButton: HTMLElement;
  private readonly speedSelect: HTMLElement & { value: string };
  private readonly loopBox: HTMLElement & { checked: boolean };
  private readonly availableBar: HTMLElement;
  private availableValue: number;

  constructor(private readonly options: TimelineOptions) {
    const last = Math.max(0, options.frameCount - 1);
    this.availableValue = Math.min(options.available ?? options.frameCount, options.frameCount);
    this.frameValue = clamp(options.frame ?? 0, 0, Math.max(0, Math.min(last, this.availableValue - 1)));
    this.speedValue = SPEEDS.includes(options.speed ?? 1) ? (options.speed ?? 1) : 1;
    this.loopValue = options.loop ?? true;
    this.slider = el('input', {
      type: 'range',
      min: 0,
      max: last,
      step: 1,
      value: this.frameValue,
      class: 'timeline-slider',
      'aria-label': 'Frame',
    });
    this.slider.addEventListener('input', () => this.seek(Number(this.slider.value)));
    this.playButton = el('vscode-toolbar-button', { icon: 'debug-start', label: 'Play (Space)', class: 'timeline-play', id: 'timeline-play' });
    this.playButton.addEventListener('click', () => this.toggle());
    const stepBack = el('vscode-toolbar-button', { icon: 'chevron-left', label: 'Previous frame (Left)', id: 'timeline-prev' });
    stepBack.addEventListener('click', () => this.step(-1));
    const stepForward = el('vscode-toolbar-button', { icon: 'chevron-right', label: 'Next frame (Right)', id: 'timeline-next' });
    stepForward.addEventListener('click', () => this.step(1));
    this.speedSelect = el(
      'vscode-single-select',
      { class: 'timeline-speed', 'aria-label': 'Playback speed' },
      ...SPEEDS.map((s) => el('vscode-option', { value: String(s), selected: s === this.speedValue }, `${s}×`)),
    ) as HTMLElement & { value: string };
    this.speedSelect.addEventListener('change', () => {
      this.setSpeed(Number(this.speedSelect.value));
    });
    this.loopBox = el('vscode-checkbox', { label: 'Loop', checked: this.loopValue, class: 'timeline-loop' }) as HTMLElement & { checked: boolean };
    this.loopBox.addEventListener('change', () => {
      this.loopValue = this.loopBox.checked;
      this.notifyState();
    });
    this.label = el('span', { class: 'timeline-label', id: 'timeline-label', 'aria-live': 'off' });
    this.availableBar = el('div', { class: 'timeline-available', id: 'timeline-available', 'aria-hidden': 'true' });
    this.element = el(
      'div',
      { class: 'timeline', role: 'group', 'aria-label': 'Timeline' },
      stepBack,
      this.playButton,
      stepForward,
      el('div', { class: 'timeline-track' }, this.slider, this.availableBar),
      this.label,
      this.speedSelect,
      this.loopBox,
    );
    this.setAvailable(this.availableValue);
    document.addEventListener('keydown', (e) => this.onKey(e));
  }

  get frame(): number {
    return this.frameValue;
  }

  get frameCount(): number {
    return this.options.frameCount;
  }

  get fps(): number {
    return this.options.fps;
  }

  /** Frames [0, available) can be shown now. */
  get available(): number {
    return this.availableValue;
  }

  /** The file turned out to have `frameCount` frames (known once it has been read to the end). */
  setFrameCount(frameCount: number): void {
    this.options.frameCount = Math.max(0, frameCount);
    this.slider.max = String(Math.max(0, frameCount - 1));
    this.setAvailable(Math.min(this.availableValue, frameCount));
    if (this.frameValue > this.lastReachable) this.show(this.lastReachable);
  }

  /** Frames [0, available) became reachable (more of the file was indexed). */
  setAvailable(available: number): void {
    this.availableValue = clamp(available, 0, this.options.frameCount);
    const { frameCount } = this.options;
    this.availableBar.hidden = this.availableValue >= frameCount;
    this.availableBar.style.width = `${frameCount > 1 ? (100 * Math.max(0, this.availableValue - 1)) / (frameCount - 1) : 100}%`;
    this.updateUi();
  }

  /** The last frame that can be shown now. */
  private get lastReachable(): number {
    return Math.max(0, Math.min(this.options.frameCount, this.availableValue) - 1);
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
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called when play/pause, speed or loop change (for saving them). */
  onStateChange(listener: () => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Attaches (or with null detaches) an external clock such as an audio track. */
  setClock(clock: TimelineClock | null): void {
    this.clock?.stop();
    this.clock = clock;
    if (this.playingValue) this.restartClock();
  }

  /** Jumps to `frame` (clamped); playback continues from there. */
  seek(frame: number): void {
    const f = clamp(Math.round(frame), 0, this.lastReachable);
    if (this.playingValue) {
      this.origin = { frame: f, at: performance.now() };
      this.restartClock();
    }
    this.show(f);
  }

  step(delta: number): void {
    this.pause();
    this.seek(this.frameValue + delta);
  }

  play(): void {
    if (this.playingValue || this.options.frameCount <= 1) return;
    if (this.frameValue >= this.options.frameCount - 1) this.show(0);
    this.playingValue = true;
    this.origin = { frame: this.frameValue, at: performance.now() };
    this.restartClock();
    this.updateUi();
    this.notifyState();
    requestAnimationFrame(this.tick);
  }

  pause(): void {
    if (!this.playingValue) return;
    this.playingValue = false;
    this.clock?.stop();
    this.updateUi();
    this.notifyState();
  }

  toggle(): void {
    if (this.playingValue) this.pause();
    else this.play();
  }

  setSpeed(speed: number): void {
    if (!SPEEDS.includes(speed)) return;
    this.speedValue = speed;
    this.speedSelect.value = String(speed);
    if (this.playingValue) {
      this.origin = { frame: this.frameValue, at: performance.now() };
      this.restartClock();
    }
    this.notifyState();
  }

  private restartClock(): void {
    this.clockRunning = false;
    this.clock?.start(this.origin.frame / this.options.fps, this.speedValue);
  }

  private readonly tick = (now: number) => {
    if (!this.playingValue) return;
    const { fps, frameCount } = this.options;
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
    requestAnimationFrame(this.tick);
  };

  private show(frame: number): void {
    if (frame === this.frameValue && this.slider.valueAsNumber === frame) {
      this.updateUi();
      return;
    }
    this.frameValue = frame;
    this.updateUi();
    for (const l of this.listeners) {
      const r = l(frame);
      if (r instanceof Promise) {
        this.pending++;
        void r.catch(() => undefined).finally(() => this.pending--);
      }
    }
  }

  private updateUi(): void {
    const { fps, frameCount } = this.options;
    this.slider.value = String(this.frameValue);
    const t = (f: number) => (f / fps).toFixed(2);
    this.label.textContent = `Frame ${this.frameValue} / ${Math.max(0, frameCount - 1)} · ${t(this.frameValue)} s / ${t(Math.max(0, frameCount - 1))} s`;
    this.playButton.setAttribute('icon', this.playingValue ? 'debug-pause' : 'debug-start');
    this.playButton.setAttribute('label', this.playingValue ? 'Pause (Space)' : 'Play (Space)');
  }

  private notifyState(): void {
    for (const l of this.stateListeners) l();
  }

  private onKey(e: KeyboardEvent): void {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || !this.element.isConnected) return;
    if (isTextInput(e.composedPath()[0])) return;
    const last = this.lastReachable;
    const actions: Record<string, () => void> = {
      ' ': () => this.toggle(),
      ArrowLeft: () => this.step(e.shiftKey ? -10 : -1),
      ArrowRight: () => this.step(e.shiftKey ? 10 : 1),
      Home: () => (this.pause(), this.seek(0)),
      End: () => (this.pause(), this.seek(last)),
    };
    const action = actions[e.key];
    if (!action || this.element.closest('[hidden]') || this.element.hidden) return;
    e.preventDefault();
    action();
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Keys typed into text fields and selects are theirs, not the timeline's. */
function isTextInput(target: EventTarget | undefined): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return target.type !== 'range' && target.type !== 'checkbox';
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || target.isContentEditable;
}
