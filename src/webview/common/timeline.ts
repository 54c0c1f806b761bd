import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { el } from './dom';
import { PLAYBACK_SPEEDS, type PlaybackController, type PlaybackTicker } from './playbackController';

/** Playback in a page moves on with the display's frames. */
export const animationFrames: PlaybackTicker = {
  now: () => performance.now(),
  nextFrame: (step) => requestAnimationFrame(step),
};

/**
 * The controls of a PlaybackController: a frame slider showing how far the reachable frames go,
 * play/pause, single-frame steps, speed and loop. The keyboard (Space, Left/Right, Home/End) works
 * anywhere on the page except in text fields (and Left/Right in the controls that use them: selects,
 * radio groups, trees).
 */
export class Timeline {
  readonly element: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly label: HTMLElement;
  private readonly playButton: HTMLElement;
  private readonly availableBar: HTMLElement;

  constructor(private readonly playback: PlaybackController) {
    const p = playback;
    this.slider = el('input', {
      type: 'range',
      min: 0,
      max: Math.max(0, p.frameCount - 1),
      step: 1,
      value: p.frame,
      class: 'timeline-slider',
      'aria-label': 'Frame',
    });
    this.slider.addEventListener('input', () => p.seek(Number(this.slider.value)));
    this.playButton = el('vscode-toolbar-button', { icon: 'debug-start', label: 'Play (Space)', class: 'timeline-play', id: 'timeline-play' });
    this.playButton.addEventListener('click', () => p.toggle());
    const stepBack = el('vscode-toolbar-button', { icon: 'chevron-left', label: 'Previous frame (Left)', id: 'timeline-prev' });
    stepBack.addEventListener('click', () => p.step(-1));
    const stepForward = el('vscode-toolbar-button', { icon: 'chevron-right', label: 'Next frame (Right)', id: 'timeline-next' });
    stepForward.addEventListener('click', () => p.step(1));
    const speedSelect = el(
      'vscode-single-select',
      { class: 'timeline-speed', 'aria-label': 'Playback speed' },
      ...PLAYBACK_SPEEDS.map((s) => el('vscode-option', { value: String(s), selected: s === p.speed }, `${s}×`)),
    ) as HTMLElement & { value: string };
    speedSelect.addEventListener('change', () => p.setSpeed(Number(speedSelect.value)));
    const loopBox = el('vscode-checkbox', { label: 'Loop', checked: p.loop, class: 'timeline-loop' }) as HTMLElement & { checked: boolean };
    loopBox.addEventListener('change', () => p.setLoop(loopBox.checked));
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
      speedSelect,
      loopBox,
    );
    p.onChange(() => this.update());
    this.update();
    document.addEventListener('keydown', (e) => this.onKey(e));
    // Left/Right step frames wherever the focus is (tab headers, buttons, plots), before the focused
    // control sees them; only controls that need the arrows themselves keep them.
    window.addEventListener('keydown', (e) => this.onArrow(e), { capture: true });
  }

  private update(): void {
    const { frame, frameCount, available, fps, playing } = this.playback;
    const last = Math.max(0, frameCount - 1);
    if (this.slider.max !== String(last)) this.slider.max = String(last);
    this.slider.value = String(frame);
    this.availableBar.hidden = available >= frameCount;
    this.availableBar.style.width = `${frameCount > 1 ? (100 * Math.max(0, available - 1)) / (frameCount - 1) : 100}%`;
    const t = (f: number) => (f / fps).toFixed(2);
    this.label.textContent = `Frame ${frame} / ${last} · ${t(frame)} s / ${t(last)} s`;
    this.playButton.setAttribute('icon', playing ? 'debug-pause' : 'debug-start');
    this.playButton.setAttribute('label', playing ? 'Pause (Space)' : 'Play (Space)');
  }

  private onArrow(e: KeyboardEvent): void {
    if ((e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') || e.altKey || e.ctrlKey || e.metaKey) return;
    if (!this.element.isConnected || this.element.hidden || this.element.closest('[hidden]')) return;
    if (e.composedPath().some(usesArrowKeys)) return;
    e.preventDefault();
    e.stopPropagation();
    this.playback.step((e.key === 'ArrowLeft' ? -1 : 1) * (e.shiftKey ? 10 : 1));
  }

  private onKey(e: KeyboardEvent): void {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || !this.element.isConnected) return;
    if (isTextInput(e.composedPath()[0])) return;
    const p = this.playback;
    const last = p.lastReachable;
    const actions: Record<string, () => void> = {
      ' ': () => p.toggle(),
      Home: () => {
        p.pause();
        p.seek(0);
      },
      End: () => {
        p.pause();
        p.seek(last);
      },
    };
    const action = actions[e.key];
    if (!action || this.element.closest('[hidden]') || this.element.hidden) return;
    e.preventDefault();
    action();
  }
}

/** Controls whose arrow keys move within them: text fields, selects, radio groups, trees. */
const ARROW_KEY_CONTROLS = new Set(['VSCODE-TEXTFIELD', 'VSCODE-TEXTAREA', 'VSCODE-SINGLE-SELECT', 'VSCODE-MULTI-SELECT', 'VSCODE-RADIO-GROUP', 'VSCODE-TREE']);

function usesArrowKeys(target: EventTarget): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return ARROW_KEY_CONTROLS.has(target.tagName) || isTextInput(target);
}

/** Keys typed into text fields and selects are theirs, not the timeline's. */
function isTextInput(target: EventTarget | undefined): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return target.type !== 'range' && target.type !== 'checkbox';
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || target.isContentEditable;
}
