import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { SmcAlbedo, SmcFlameFrame, SmcFlameSeries } from '../../protocol/smcProtocol';
import { el } from '../common/dom';
import { errorText } from '../common/errorText';
import { LatestOnly, STALE } from '../common/latestReply';
import { linePlot, type LinePlot } from '../common/linePlot';
import { table } from '../common/table';
import type { SmcContext } from './context';
import { formatIndexList, parseIndexList } from './indexList';

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
  verts: 'FLAME mesh vertices (world metres), drawn in the 3D tab',
  albedos: 'albedo texture, shown below as an image',
};
/** Values shown per table cell before "…". */
const SHOWN_VALUES = 12;
/** Coefficient vectors (exp, shape) plot these at first; the user picks others. */
const DEFAULT_COEFFICIENTS = '0-4';

/**
 * The FLAME tab: the current frame's parameters as a table, and every small parameter as a line
 * plot over all frames (a marker follows the timeline; clicking a plot seeks to that frame).
 */
export class FlameView {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly tableHolder: HTMLElement;
  private readonly plotGrid: HTMLElement;
  private readonly plots = new Map<string, LinePlot>();
  private readonly albedoCanvas: HTMLCanvasElement;
  private readonly albedoInfo: HTMLElement;
  private readonly hasAlbedo: boolean;
  private visible = false;
  /** The table shows the frame asked for last. */
  private readonly latest = new LatestOnly();
  private readonly latestAlbedo = new LatestOnly();
  private plotsLoaded = false;

  constructor(private readonly ctx: SmcContext) {
    this.title = el('h2', { id: 'flame-title' }, 'FLAME parameters');
    this.tableHolder = el('div', { class: 'flame-table' });
    this.plotGrid = el('div', { class: 'plot-grid', id: 'flame-plots' });
    this.albedoCanvas = el('canvas', { class: 'texture-image', id: 'flame-albedo' });
    this.albedoInfo = el('span', { class: 'detail-info', id: 'flame-albedo-info' });
    this.hasAlbedo = !!ctx.contents.flame?.parameters.some((p) => p.name === 'albedos');
    this.element = el(
      'section',
      { class: 'flame-view' },
      this.title,
      this.tableHolder,
      this.hasAlbedo
        ? el(
            'div',
            { class: 'texture-section' },
            el('div', { class: 'toolbar' }, el('h2', {}, 'Albedo texture'), this.albedoInfo),
            el('div', { class: 'texture-frame' }, this.albedoCanvas),
          )
        : null,
      el('h2', {}, 'Over all frames'),
      this.plotGrid,
    );
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
    for (const p of this.plots.values()) p.setMarker(this.ctx.playback.frame);
    if (this.visible) return this.update();
  }

  private async update(): Promise<void> {
    const frame = this.ctx.playback.frame;
    const albedo = this.hasAlbedo ? this.updateAlbedo(frame) : undefined;
    try {
      const f = await this.latest.run(() => this.ctx.host.request('flameFrame', { frame }));
      if (f !== STALE) this.renderTable(frame, f);
    } catch (err) {
      this.tableHolder.replaceChildren(el('p', { class: 'error-message' }, errorText(err)));
    }
    await albedo;
  }

  private async updateAlbedo(frame: number): Promise<void> {
    try {
      const a = await this.latestAlbedo.run(() => this.ctx.host.request('flameAlbedo', { frame }));
      if (a === STALE) return;
      this.drawAlbedo(frame, a);
    } catch (err) {
      this.albedoCanvas.width = this.albedoCanvas.height = 0;
      this.albedoInfo.textContent = `The albedo texture of frame ${frame} cannot be shown: ${errorText(err)}`;
    }
  }

  private drawAlbedo(frame: number, a: SmcAlbedo | null): void {
    const canvas = this.albedoCanvas;
    if (!a) {
      canvas.width = canvas.height = 0;
      this.albedoInfo.textContent = `No albedo texture in frame ${frame}`;
      return;
    }
    if (canvas.width !== a.width || canvas.height !== a.height) {
      canvas.width = a.width;
      canvas.height = a.height;
    }
    canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(a.rgba), a.width, a.height), 0, 0);
    const [lo, hi] = a.range;
    const scale = hi > 1.5 ? 'as 0-255' : 'scaled ×255';
    this.albedoInfo.textContent = `${a.width} × ${a.height} · frame ${frame} · values ${formatValue(lo)} to ${formatValue(hi)} ${scale}, channels as R, G, B`;
    canvas.dataset.loadedFrame = String(frame);
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
    // The large arrays (vertices, albedo) are listed with what they are; their values are shown elsewhere.
    for (const p of this.ctx.contents.flame?.parameters ?? []) {
      if (params.some((q) => q.name === p.name) || p.plottable) continue;
      rows.push([el('span', {}, p.name), `[${p.shape.join(', ')}]`, el('span', { class: 'note' }, `${p.dtype} · ${DESCRIPTION[p.name] ?? 'not shown'}`)]);
    }
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
        if (s) this.plotGrid.append(s.width > 3 ? this.coefficientPlot(s) : this.plot(s, [0, 1, 2].slice(0, s.width)));
      } catch (err) {
        this.plotGrid.append(el('p', { class: 'error-message' }, `${p.name}: ${(err as Error)?.message ?? err}`));
      }
    }
    this.plotGrid.dataset.loaded = '';
  }

  /** One plot of the chosen columns of a series (x, y, z for 3-vectors; #i for coefficients). */
  private plot(s: SmcFlameSeries, columns: number[]): HTMLElement {
    const label = (j: number) => (s.width === 3 ? 'xyz'[j]! : `#${j}`);
    const series = columns.map((j) => ({ label: label(j), values: Array.from({ length: s.frames.length }, (_, i) => s.data[i * s.width + j]!) }));
    const plot = linePlot({
      title: `${s.name} — ${DESCRIPTION[s.name] ?? `${s.width} values`}`,
      x: s.frames,
      series,
      legendLimit: 6,
      onPick: (frame) => this.ctx.playback.seek(frame),
    });
    plot.setMarker(this.ctx.playback.frame);
    plot.element.dataset.parameter = s.name;
    this.plots.set(s.name, plot);
    return plot.element;
  }

  /** A coefficient vector's plot with a field choosing which coefficients it draws. */
  private coefficientPlot(s: SmcFlameSeries): HTMLElement {
    const field = el('vscode-textfield', {
      id: `coefficients-${s.name}`,
      value: DEFAULT_COEFFICIENTS,
      'aria-label': `${s.name} coefficients to plot`,
      title: 'Coefficients to plot, e.g. 0-4, 10 or all',
    }) as HTMLElement & { value: string };
    const problem = el('span', { class: 'field-problem', role: 'status' });
    const holder = el('div', { class: 'coefficient-plot', 'data-parameter': s.name });
    const draw = () => {
      const picked = parseIndexList(field.value, s.width);
      if (!Array.isArray(picked)) {
        problem.textContent = picked.error;
        return;
      }
      problem.textContent = '';
      holder.replaceChildren(this.plot(s, picked));
      holder.dataset.coefficients = formatIndexList(picked);
    };
    field.addEventListener('change', draw);
    field.addEventListener('keydown', (e) => e.key === 'Enter' && draw());
    draw();
    return el('div', { class: 'coefficient-choice' }, el('label', { class: 'toolbar' }, `${s.name}: coefficients (of ${s.width})`, field, problem), holder);
  }
}

function rank(name: string): number {
  const i = ORDER.indexOf(name);
  return i < 0 ? ORDER.length : i;
}

function formatValue(v: number): string {
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-4) ? v.toExponential(3) : v.toFixed(4);
}
