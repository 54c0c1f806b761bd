import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { SmcAudioTrack } from '../../protocol/smcProtocol';
import { el } from '../common/dom';
import { themeColor } from '../common/scene3d';
import { fieldTable } from '../common/table';
import type { PlaybackClock } from '../common/playbackController';
import type { SmcContext } from './context';

/** Waveform buckets: one per device pixel of a wide editor. */
const BUCKETS = 2048;

/**
 * The Audio tab of speech parts: facts, the waveform with a playhead at the timeline's frame, and
 * sound. The track plays through an <audio> element from a WAV the host builds; while the timeline
 * plays, the audio is its clock, so frames follow the sound.
 */
export class AudioView {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly status: HTMLElement;
  private readonly audio: HTMLAudioElement;
  private track: SmcAudioTrack | null = null;
  private loading = false;

  constructor(private readonly ctx: SmcContext) {
    const a = ctx.contents.audio;
    this.canvas = el('canvas', { class: 'waveform', id: 'waveform', 'aria-label': 'Waveform; click to seek' });
    this.status = el('span', { class: 'detail-info', id: 'audio-status' }, 'Loading the track…');
    this.audio = el('audio', { preload: 'auto', id: 'audio-element' });
    const play = el('vscode-button', { icon: 'debug-start', id: 'audio-play' }, 'Play');
    play.addEventListener('click', () => ctx.playback.toggle());
    ctx.playback.onStateChange(() => {
      play.textContent = ctx.playback.playing ? 'Pause' : 'Play';
      play.setAttribute('icon', ctx.playback.playing ? 'debug-pause' : 'debug-start');
    });
    const sound = el('vscode-checkbox', { label: 'Play sound with the timeline', checked: ctx.state.get('sound'), id: 'audio-sound' }) as HTMLElement & {
      checked: boolean;
    };
    sound.addEventListener('change', () => {
      ctx.state.set({ sound: sound.checked });
      this.attachClock();
    });
    this.canvas.addEventListener('click', (e) => {
      if (!this.track) return;
      const rect = this.canvas.getBoundingClientRect();
      const seconds = ((e.clientX - rect.left) / rect.width) * this.track.durationSeconds;
      ctx.playback.seek(Math.floor(seconds * ctx.playback.fps));
    });
    new ResizeObserver(() => this.draw()).observe(this.canvas);
    this.element = el(
      'section',
      { class: 'audio-view' },
      a
        ? fieldTable(
            [
              ['Duration', a.durationSeconds === null ? 'unknown' : `${a.durationSeconds.toFixed(3)} s`],
              ['Sample rate', a.sampleRate === null ? 'unknown' : `${a.sampleRate.toLocaleString('en-US')} Hz`],
              ['Channels', String(a.channels)],
              ['Samples per channel', a.sampleCount.toLocaleString('en-US')],
              ['Stored as', a.dtype],
              ['Video', `${ctx.contents.frameCount} frames at ${ctx.contents.fps} fps = ${(ctx.contents.frameCount / ctx.contents.fps).toFixed(3)} s`],
            ],
            { id: 'audio-info' },
          )
        : null,
      el('div', { class: 'toolbar' }, play, sound, this.status),
      this.canvas,
      this.audio,
    );
  }

  show(): void {
    if (!this.track && !this.loading) void this.load();
    this.draw();
  }

  onFrame(): void {
    this.draw();
  }

  private async load(): Promise<void> {
    this.loading = true;
    try {
      const track = await this.ctx.host.request('audio', { buckets: BUCKETS });
      if (!track) {
        this.status.textContent = 'This file holds no audio.';
        return;
      }
      this.track = track;
      this.audio.src = URL.createObjectURL(new Blob([track.wav as Uint8Array<ArrayBuffer>], { type: 'audio/wav' }));
      this.status.textContent = `${track.durationSeconds.toFixed(3)} s · ${track.channels} ch · ${track.sampleRate.toLocaleString('en-US')} Hz`;
      this.canvas.dataset.loaded = 'true';
      this.attachClock();
      this.draw();
    } catch (err) {
      this.status.textContent = `The audio cannot be played: ${(err as Error)?.message ?? err}`;
    } finally {
      this.loading = false;
    }
  }

  private attachClock(): void {
    if (!this.track) return;
    const audio = this.audio;
    const clock: PlaybackClock = {
      start(seconds, speed) {
        audio.playbackRate = speed;
        audio.currentTime = seconds;
        if (seconds < audio.duration || Number.isNaN(audio.duration)) void audio.play().catch(() => undefined);
      },
      stop() {
        audio.pause();
      },
      time() {
        return audio.paused || audio.ended ? null : audio.currentTime;
      },
    };
    this.ctx.playback.setClock(this.ctx.state.get('sound') ? clock : null);
  }

  private draw(): void {
    const canvas = this.canvas;
    const dpr = window.devicePixelRatio;
    const w = Math.round(canvas.clientWidth * dpr);
    const h = Math.round(canvas.clientHeight * dpr);
    if (w === 0 || h === 0) return;
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    const ctx = canvas.getContext('2d')!;
    ctx.clearRect(0, 0, w, h);
    const t = this.track;
    if (!t) return;
    const mid = h / 2;
    ctx.fillStyle = themeColor('--vscode-charts-blue', '#3794ff');
    const n = t.peaksMin.length;
    for (let x = 0; x < w; x++) {
      const b0 = Math.floor((x * n) / w);
      const b1 = Math.max(b0 + 1, Math.floor(((x + 1) * n) / w));
      let lo = 0;
      let hi = 0;
      for (let b = b0; b < b1 && b < n; b++) {
        lo = Math.min(lo, t.peaksMin[b]!);
        hi = Math.max(hi, t.peaksMax[b]!);
      }
      ctx.fillRect(x, mid - hi * mid, 1, Math.max(1, (hi - lo) * mid));
    }
    ctx.fillStyle = themeColor('--vscode-editorLineNumber-foreground', '#858585');
    ctx.fillRect(0, mid, w, Math.max(1, dpr / 2));
    const seconds = this.ctx.playback.frame / this.ctx.playback.fps;
    const x = Math.min(w - 1, (seconds / t.durationSeconds) * w);
    ctx.fillStyle = themeColor('--vscode-charts-red', '#f14c4c');
    ctx.fillRect(Math.round(x), 0, Math.max(2, dpr * 2), h);
  }
}
