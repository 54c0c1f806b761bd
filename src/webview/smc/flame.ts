import type { SmcFlameFrame } from '../../protocol/smcProtocol';
import { el } from '../common/dom';
import { errorText } from '../common/errorText';
import { LatestOnly, STALE } from '../common/latestReply';
import { linePlot, type LinePlot } from '../common/linePlot';
import { table } from '../common/table';
import type { SmcContext } from './context';

/** Parameters in reading order: the poses, translation, then identity and expression. */
const ORDER = ['global_pose', 'neck_pose', 'jaw_pose', 'left_eye_pose', 'right_eye_pose', 'trans', 'exp', 'shape'];
const DESCRIPTION: Record<string, string> = {
  global_pose: 'global rotation (axis-angle, rad)',
  neck_pose: 'neck rotation (axis-angle, rad)',
  jaw_pose: 'jaw rotation (axis-angle, rad)',
  left_eye_pose: 'left eye rotation (axis-angle, rad)',
  right_eye_pose: 'right eye rotation (axis-angle, rad)',
  trans: 'translation (m)',
  exp: 'expression coefficients',
  shape: 'identity (shape) coefficients',
};
/** Values shown per table cell before "…". */
const SHOWN_VALUES = 12;

/**
 * The FLAME tab: the current frame's parameters as a table, and every small parameter as a line
 * plot over all frames (a marker follows the timeline; clicking a plot seeks to that frame).
 */
export class FlameView {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly tableHolder: HTMLElement;
  private readonly plotGrid: HTMLElement;
  private readonly plots: LinePlot[] = [];
  private visible = false;
  /** The table shows the frame asked for last. */
  private readonly latest = new LatestOnly();
  private plotsLoaded = false;

  constructor(private readonly ctx: SmcContext) {
    this.title = el('h2', { id: 'flame-title' }, 'FLAME parameters');
    this.tableHolder = el('div', { class: 'flame-table' });
    this.plotGrid = el('div', { class: 'plot-grid', id: 'flame-plots' });
    this.element = el('section', { class: 'flame-view' }, this.title, this.tableHolder, el('h2', {}, 'Over all frames'), this.plotGrid);
  }

  show(): void {
    this.visible = true;
    if (!this.plotsLoaded) {
      this.plotsLoaded = true;
      void this.loadPlots();
    }
    void this.update();
  }

  hide(): void {
    this.visible = false;
  }

  onFrame(): Promise<void> | void {
    for (const p of this.plots) p.setMarker(this.ctx.playback.frame);
    if (this.visible) return this.update();
  }

  private async update(): Promise<void> {
    const frame = this.ctx.playback.frame;
    try {
      const f = await this.latest.run(() => this.ctx.host.request('flameFrame', { frame }));
      if (f === STALE) return;
      this.renderTable(frame, f);
    } catch (err) {
      this.tableHolder.replaceChildren(el('p', { class: 'error-message' }, errorText(err)));
    }
  }

  private renderTable(frame: number, f: SmcFlameFrame | null): void {
    this.title.textContent = `FLAME parameters · frame ${frame}`;
    if (!f) {
      this.tableHolder.replaceChildren(el('p', { class: 'note' }, `No FLAME parameters for frame ${frame}.`));
      return;
    }
    const params = [...f.parameters].sort((a, b) => rank(a.name) - rank(b.name));
    const rows = params.map((p) => {
      const shown = Array.from(p.values.slice(0, SHOWN_VALUES), (v) => formatValue(v)).join('  ');
      const more = p.values.length > SHOWN_VALUES ? `  … (${p.values.length} values)` : '';
      return [el('span', { title: DESCRIPTION[p.name] ?? '' }, p.name), `[${p.shape.join(', ')}]`, el('code', { class: 'values' }, shown + more)];
    });
    this.tableHolder.replaceChildren(
      table(['Parameter', 'Shape', 'Values'], rows, { id: 'flame-table', class: 'flame-values wrap-cells' }, ['16%', '9%', '75%']),
    );
    this.tableHolder.dataset.loadedFrame = String(frame);
  }

  private async loadPlots(): Promise<void> {
    const params = (this.ctx.contents.flame?.parameters ?? []).filter((p) => p.plottable).sort((a, b) => rank(a.name) - rank(b.name));
    for (const p of params) {
      try {
        const s = await this.ctx.host.request('flameSeries', { name: p.name });
        if (!s) continue;
        const labels = s.width === 3 ? ['x', 'y', 'z'] : Array.from({ length: s.width }, (_, i) => `#${i}`);
        const series = labels.map((label, j) => ({ label, values: Array.from({ length: s.frames.length }, (_, i) => s.data[i * s.width + j]!) }));
        const plot = linePlot({
          title: `${p.name} — ${DESCRIPTION[p.name] ?? `${s.width} values`}`,
          x: s.frames,
          series,
          legendLimit: 3,
          onPick: (frame) => this.ctx.playback.seek(frame),
        });
        plot.setMarker(this.ctx.playback.frame);
        plot.element.dataset.parameter = p.name;
        this.plots.push(plot);
        this.plotGrid.append(plot.element);
      } catch (err) {
        this.plotGrid.append(el('p', { class: 'error-message' }, `${p.name}: ${(err as Error)?.message ?? err}`));
      }
    }
  }
}

function rank(name: string): number {
  const i = ORDER.indexOf(name);
  return i < 0 ? ORDER.length : i;
}

function formatValue(v: number): string {
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-4) ? v.toExponential(3) : v.toFixed(4);
}
