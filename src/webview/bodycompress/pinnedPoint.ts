import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { trajectoryStep } from '../../core/bodycompress/trajectorySampling';
import type { BodyCompressPointRef, BodyCompressTrajectoryPage } from '../../protocol/bodyCompressProtocol';
import { el } from '../common/dom';
import { linePlot, type LinePlot } from '../common/linePlot';

const n = (v: number) => v.toLocaleString('en-US');
const ordinal = (k: number) =>
  `${k}${k % 10 === 1 && k % 100 !== 11 ? 'st' : k % 10 === 2 && k % 100 !== 12 ? 'nd' : k % 10 === 3 && k % 100 !== 13 ? 'rd' : 'th'}`;

/** Speed (mm/s) between consecutive samples: distance over the time between their frames; NaN for the first. */
export function speeds(frames: readonly number[], xyz: readonly (readonly number[])[], fps: number): number[] {
  return frames.map((f, k) => {
    if (k === 0) return NaN;
    const d = Math.hypot(xyz[0]![k]! - xyz[0]![k - 1]!, xyz[1]![k]! - xyz[1]![k - 1]!, xyz[2]![k]! - xyz[2]![k - 1]!);
    return d / ((f - frames[k - 1]!) / fps);
  });
}

/**
 * A pinned vertex or joint: its x, y, z (mm) or its speed (mm/s) over the indexed frames in a line
 * plot, read from the host a page at a time (every n-th frame on long files). Pinning another
 * point or unpinning stops asking for pages; clicking the plot seeks there.
 */
export class PinnedPoint {
  readonly element = el('section', { class: 'pinned-point', id: 'pinned-point', 'aria-label': 'Pinned point', hidden: true });
  private readonly status = el('p', { class: 'detail-info', id: 'pinned-status', role: 'status' });
  private readonly plotSlot = el('div', { class: 'pinned-plot' });
  private plot: LinePlot | null = null;
  /** Bumped on every pin and unpin: pages for an older pin are dropped. */
  private generation = 0;
  private marker: number | null = null;
  private readonly speed: HTMLElement & { checked: boolean };
  /** What the plot shows: the samples read so far and how to title them. */
  private shown: { what: string; sampled: string; x: number[]; xyz: number[][] } | null = null;

  constructor(
    private readonly fetch: (ref: BodyCompressPointRef, from: number, step: number) => Promise<BodyCompressTrajectoryPage>,
    private readonly seek: (frame: number) => void,
    private readonly fps: number,
  ) {
    const unpin = el('vscode-button', { id: 'unpin-point', icon: 'close', secondary: true, title: 'Unpin this point' }, 'Unpin');
    unpin.addEventListener('click', () => this.unpin());
    this.speed = el('vscode-checkbox', { id: 'pinned-speed', label: 'Speed', title: 'Plot the speed (mm/s) instead of x, y, z' });
    this.speed.addEventListener('change', () => this.draw());
    this.element.append(el('div', { class: 'toolbar' }, this.status, el('span', { class: 'spacer' }), this.speed, unpin), this.plotSlot);
  }

  /** Pins `ref` and reads its path over the first `frames` frames (the indexed ones). */
  async pin(ref: BodyCompressPointRef, frames: number): Promise<void> {
    const gen = ++this.generation;
    this.element.hidden = false;
    this.plotSlot.replaceChildren();
    this.plot = null;
    const step = trajectoryStep(frames);
    const what = `Person ${ref.person + 1}, ${ref.kind} ${ref.index}`;
    const sampled = step > 1 ? ` (every ${ordinal(step)} frame)` : '';
    const x: number[] = [];
    const xyz: number[][] = [[], [], []];
    this.shown = { what, sampled, x, xyz };
    let from: number | null = 0;
    this.status.textContent = `${what}: reading its path…`;
    try {
      while (from !== null && gen === this.generation) {
        const page: BodyCompressTrajectoryPage = await this.fetch(ref, from, step);
        if (gen !== this.generation) return;
        page.frames.forEach((f, k) => {
          x.push(f);
          for (let a = 0; a < 3; a++) xyz[a]!.push(page.xyz[k * 3 + a]!);
        });
        from = page.next;
        this.draw();
        this.status.textContent =
          from === null
            ? `${what} over ${n(x.length)} ${x.length === 1 ? 'frame' : 'frames'}${sampled}`
            : `${what}: read ${n(x.length)} of ${n(Math.ceil(frames / step))} frames…`;
      }
      this.element.dataset.samples = String(x.length);
    } catch (err) {
      if (gen === this.generation) this.status.textContent = `${what}: its path could not be read: ${(err as Error)?.message ?? String(err)}`;
    }
  }

  unpin(): void {
    this.generation++;
    this.element.hidden = true;
    this.plotSlot.replaceChildren();
    this.plot = null;
    this.shown = null;
    delete this.element.dataset.samples;
  }

  /** Moves the plot's marker to the frame shown. */
  setFrame(f: number): void {
    this.marker = f;
    this.plot?.setMarker(f);
  }

  private draw(): void {
    const s = this.shown;
    if (!s) return;
    const last = s.x.length ? s.x[s.x.length - 1]! : 0;
    const speed = this.speed.checked;
    this.plot = linePlot({
      title: `${s.what}: ${speed ? 'speed (mm/s)' : 'position (mm)'} over frames 0–${n(last)}${s.sampled}`,
      x: s.x,
      series: speed
        ? [{ label: 'speed (mm/s)', values: speeds(s.x, s.xyz, this.fps) }]
        : ['x', 'y', 'z'].map((label, a) => ({ label: `${label} (mm)`, values: s.xyz[a]! })),
      onPick: (f) => this.seek(f),
      width: 480,
      height: 140,
    });
    this.plot.setMarker(this.marker);
    this.plotSlot.replaceChildren(this.plot.element);
  }
}
