import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { pyFloatRepr } from '../../core/numpy/floatFormat';
import type { Hdf5DatasetView, Hdf5SliceView } from '../../protocol/smcProtocol';
import { el } from '../common/dom';
import { errorText } from '../common/errorText';
import { LatestOnly, STALE } from '../common/latestReply';
import { linePlot } from '../common/linePlot';
import type { SmcHost } from './context';
import { heatmap } from './heatmap';

/** A table page: rows × columns of the displayed plane. */
const PAGE_ROWS = 100;
const PAGE_COLS = 20;
/** The host reads at most this much per slice (smcDatasetValues.ts); heatmaps and plots stride to fit. */
const MAX_SLICE_BYTES = 4 * 2 ** 20;
/** Cells per heatmap axis and points of a line plot, at most (more would not show on screen). */
const MAX_HEATMAP_AXIS = 1024;
const MAX_PLOT_POINTS = 4096;

const fmt = (n: number) => n.toLocaleString('en-US');
const ordinal = (n: number) => `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th')}`;
/** Plot and legend labels: numpy's shortest digits, at most 6 significant. */
const short = (v: number) =>
  Number.isFinite(v) && v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-4) ? v.toExponential(3) : pyFloatRepr(Number(v.toPrecision(6)));

/** Which plane of an N-D dataset is shown: the axes along rows and columns, and an index on every other axis. */
interface Plane {
  rowAxis: number;
  colAxis: number | null;
  index: number[];
  row0: number;
  col0: number;
}

/**
 * The values of one dataset in the Structure view, read lazily page by page: scalars inline, JPEG/PNG
 * byte datasets as an image, 1-D numbers as a line plot, 2-D and N-D numbers as a heatmap of a plane
 * (axes and other indices chosen by the user), and every dataset of rank ≥ 1 as a paged table.
 */
export class DatasetValuesView {
  readonly element = el('section', { class: 'dataset-values', id: 'structure-values' });
  private readonly shape: number[];
  private readonly plane: Plane;
  private readonly controls = el('div', { class: 'values-controls' });
  private readonly chart = el('div', { class: 'values-chart' });
  private readonly tablePart = el('div', { class: 'values-table-part' });
  private readonly chartTurn = new LatestOnly();
  private readonly tableTurn = new LatestOnly();

  constructor(
    private readonly host: SmcHost,
    private readonly file: number,
    private readonly path: string,
    private readonly d: Hdf5DatasetView,
  ) {
    this.shape = d.shape ?? [];
    const rank = this.shape.length;
    this.plane = { rowAxis: Math.max(0, rank - 2), colAxis: rank >= 2 ? rank - 1 : null, index: this.shape.map(() => 0), row0: 0, col0: 0 };
    this.element.append(el('h2', {}, 'Values'));
    if (d.shape === null) this.element.append(el('p', { class: 'note' }, 'No values: the dataspace is null.'));
    else if (d.image) void this.showImage(d.image);
    else if (rank === 0) void this.showScalar();
    else if (this.shape.includes(0)) this.element.append(el('p', { class: 'note' }, `No values: the shape (${this.shape.join(', ')}) holds none.`));
    else {
      if (rank >= 3) this.buildControls();
      this.element.append(this.controls, this.chart, this.tablePart);
      this.refresh();
    }
  }

  private slice(start: number[], count: number[], step: number[], text: boolean): Promise<Hdf5SliceView> {
    return this.host.request('datasetSlice', { file: this.file, path: this.path, start, count, step, text });
  }

  private async showScalar(): Promise<void> {
    const out = el('code', { class: 'values', id: 'structure-scalar' }, 'Reading…');
    this.element.append(out);
    try {
      const s = await this.slice([], [], [], true);
      out.textContent = s.text?.[0] ?? '';
    } catch (err) {
      out.replaceWith(el('p', { class: 'error-message' }, errorText(err)));
    }
  }

  private async showImage(format: 'jpeg' | 'png'): Promise<void> {
    const caption = el('p', { class: 'note', id: 'structure-image-caption' }, `Reading the ${format.toUpperCase()} image…`);
    this.element.append(caption);
    try {
      const img = await this.host.request('datasetImage', { file: this.file, path: this.path });
      const url = URL.createObjectURL(new Blob([img.bytes as Uint8Array<ArrayBuffer>], { type: img.mime }));
      const image = el('img', { class: 'structure-image', id: 'structure-image', src: url, alt: `${format.toUpperCase()} image stored in ${this.path}` });
      image.addEventListener('load', () => URL.revokeObjectURL(url), { once: true });
      const size = img.width && img.height ? `${fmt(img.width)} × ${fmt(img.height)} pixels` : 'size unknown';
      caption.textContent = `${format.toUpperCase()} image, ${size}, ${fmt(img.bytes.byteLength)} bytes stored`;
      this.element.append(image);
    } catch (err) {
      caption.replaceWith(el('p', { class: 'error-message' }, `The image cannot be shown: ${errorText(err)}`));
    }
  }

  /** Axis pickers and index fields for datasets of 3 or more axes. */
  private buildControls(): void {
    const rank = this.shape.length;
    const axisSelect = (id: string, label: string, value: number, onChange: (axis: number) => void) => {
      const select = el(
        'vscode-single-select',
        { id, 'aria-label': label },
        ...this.shape.map((n, i) => el('vscode-option', { value: String(i), selected: i === value }, `axis ${i} (${fmt(n)})`)),
      ) as HTMLElement & { value: string };
      select.addEventListener('change', () => onChange(Number(select.value)));
      return el('label', { class: 'values-axis' }, el('span', {}, label), select);
    };
    const render = () => {
      const p = this.plane;
      const fields = this.shape.flatMap((n, axis) => {
        if (axis === p.rowAxis || axis === p.colAxis) return [];
        const field = el('vscode-textfield', {
          type: 'number',
          min: 0,
          max: n - 1,
          value: String(p.index[axis]),
          id: `values-index-${axis}`,
          'aria-label': `Index on axis ${axis}`,
        }) as HTMLElement & { value: string };
        field.addEventListener('change', () => {
          const v = Math.max(0, Math.min(n - 1, Math.trunc(Number(field.value)) || 0));
          field.value = String(v);
          p.index[axis] = v;
          this.refresh();
        });
        return [el('label', { class: 'values-axis' }, el('span', {}, `axis ${axis} index (0–${fmt(n - 1)})`), field)];
      });
      this.controls.replaceChildren(
        axisSelect('values-row-axis', 'Rows', p.rowAxis, (a) => this.setAxes(a, p.colAxis === a ? p.rowAxis : p.colAxis, render)),
        axisSelect('values-col-axis', 'Columns', p.colAxis ?? rank - 1, (a) => this.setAxes(p.rowAxis === a ? (p.colAxis ?? 0) : p.rowAxis, a, render)),
        ...fields,
      );
    };
    render();
  }

  private setAxes(rowAxis: number, colAxis: number | null, render: () => void): void {
    Object.assign(this.plane, { rowAxis, colAxis, row0: 0, col0: 0 });
    render();
    this.refresh();
  }

  private refresh(): void {
    if (this.d.numeric) void this.showChart();
    void this.showPage();
  }

  /** The slab of the plane: `rows`/`cols` as [start, count, step] on the displayed axes, the fixed index elsewhere. */
  private slab(rows: [number, number, number], cols: [number, number, number] | null): [number[], number[], number[]] {
    const p = this.plane;
    const pick = (axis: number, i: 0 | 1 | 2) => (axis === p.rowAxis ? rows[i] : axis === p.colAxis && cols ? cols[i] : i === 0 ? p.index[axis]! : 1);
    return [this.shape.map((_, a) => pick(a, 0)), this.shape.map((_, a) => pick(a, 1)), this.shape.map((_, a) => pick(a, 2))];
  }

  /** Line plot (1-D) or heatmap (a plane), every value or every n-th one to stay under the read cap. */
  private async showChart(): Promise<void> {
    const turn = this.chartTurn.begin();
    const p = this.plane;
    const nRows = this.shape[p.rowAxis]!;
    const nCols = p.colAxis === null ? 1 : this.shape[p.colAxis]!;
    const maxCells = Math.floor(MAX_SLICE_BYTES / Math.max(1, this.d.itemSize));
    const [step, colStep] = p.colAxis === null ? [Math.ceil(nRows / Math.min(MAX_PLOT_POINTS, maxCells)), 1] : planeSteps(nRows, nCols, maxCells);
    const rows: [number, number, number] = [0, Math.ceil(nRows / step), step];
    const cols: [number, number, number] | null = p.colAxis === null ? null : [0, Math.ceil(nCols / colStep), colStep];
    const every = [step > 1 ? `every ${ordinal(step)} ${p.colAxis === null ? 'value' : 'row'}` : '', colStep > 1 ? `every ${ordinal(colStep)} column` : ''];
    const stepNote =
      step > 1 || colStep > 1
        ? ` · ${every.filter(Boolean).join(' and ')} (at most ${fmt(p.colAxis === null ? MAX_PLOT_POINTS : MAX_HEATMAP_AXIS)} per axis and ${MAX_SLICE_BYTES / 2 ** 20} MiB per slice)`
        : '';
    try {
      const s = await turn.wait(this.slice(...this.slab(rows, cols), false));
      if (s === STALE) return;
      const values = s.numbers ?? new Float64Array(0);
      if (p.colAxis === null) {
        const x = Float64Array.from({ length: rows[1] }, (_, i) => i * step);
        const plot = linePlot({
          title: `${this.path}${stepNote}`,
          x,
          series: [{ label: this.d.dtype, values }],
          legendLimit: 1,
          xLabel: 'index',
          width: 640,
          height: 180,
        });
        plot.element.id = 'structure-line-plot';
        this.chart.replaceChildren(plot.element);
        return;
      }
      const r = rows[1];
      const c = cols![1];
      // The slab comes in axis order: when the row axis follows the column axis, transpose it.
      const plane = p.rowAxis < p.colAxis ? values : transpose(values, c, r);
      const where = this.shape.length > 2 ? ` at ${this.shape.map((_, a) => (a === p.rowAxis || a === p.colAxis ? ':' : String(p.index[a]))).join(', ')}` : '';
      this.chart.replaceChildren(
        el('p', { class: 'note', id: 'structure-heatmap-caption' }, `Heatmap of axis ${p.rowAxis} (rows) × axis ${p.colAxis} (columns)${where}${stepNote}`),
        heatmap({
          values: plane,
          rows: r,
          cols: c,
          indexText: (i, j) => `[${this.shape.map((_, a) => (a === p.rowAxis ? i * step : a === p.colAxis ? j * colStep : p.index[a])).join(', ')}]`,
          format: short,
        }),
      );
    } catch (err) {
      if (turn.current) this.chart.replaceChildren(el('p', { class: 'error-message' }, `The values cannot be plotted: ${errorText(err)}`));
    }
  }

  /** One page of the table: up to PAGE_ROWS × PAGE_COLS values of the plane, with page buttons. */
  private async showPage(): Promise<void> {
    const turn = this.tableTurn.begin();
    const p = this.plane;
    const nRows = this.shape[p.rowAxis]!;
    const nCols = p.colAxis === null ? 1 : this.shape[p.colAxis]!;
    const rows: [number, number, number] = [p.row0, Math.min(PAGE_ROWS, nRows - p.row0), 1];
    const cols: [number, number, number] | null = p.colAxis === null ? null : [p.col0, Math.min(PAGE_COLS, nCols - p.col0), 1];
    try {
      const s = await turn.wait(this.slice(...this.slab(rows, cols), true));
      if (s === STALE) return;
      const text = s.text ?? [];
      const r = rows[1];
      const c = cols?.[1] ?? 1;
      const at = (i: number, j: number) => (p.colAxis === null || p.rowAxis < p.colAxis ? text[i * c + j] : text[j * r + i]) ?? '';
      const head = el('tr', {}, el('th', {}, ''), ...Array.from({ length: c }, (_, j) => el('th', {}, p.colAxis === null ? 'Value' : String(p.col0 + j))));
      const body = Array.from({ length: r }, (_, i) =>
        el('tr', {}, el('th', {}, String(p.row0 + i)), ...Array.from({ length: c }, (_, j) => el('td', {}, at(i, j)))),
      );
      const range = (from: number, n: number, total: number) => `${fmt(from + 1)}–${fmt(from + n)} of ${fmt(total)}`;
      const label = `Rows ${range(p.row0, r, nRows)}${p.colAxis === null ? '' : ` · columns ${range(p.col0, c, nCols)}`}`;
      const button = (id: string, text: string, enabled: boolean, go: () => void) => {
        const b = el('vscode-button', { id, secondary: true, disabled: !enabled }, text);
        b.addEventListener('click', () => {
          go();
          void this.showPage();
        });
        return b;
      };
      const pager = el(
        'div',
        { class: 'values-pager' },
        button('values-prev-rows', '◀ Rows', p.row0 > 0, () => (p.row0 = Math.max(0, p.row0 - PAGE_ROWS))),
        button('values-next-rows', 'Rows ▶', p.row0 + r < nRows, () => (p.row0 += PAGE_ROWS)),
        p.colAxis !== null ? button('values-prev-cols', '◀ Columns', p.col0 > 0, () => (p.col0 = Math.max(0, p.col0 - PAGE_COLS))) : null,
        p.colAxis !== null ? button('values-next-cols', 'Columns ▶', p.col0 + c < nCols, () => (p.col0 += PAGE_COLS)) : null,
        el('span', { id: 'values-page-label' }, label),
      );
      this.tablePart.replaceChildren(
        pager,
        el(
          'div',
          { class: 'values-table-scroll' },
          el('table', { class: 'values-table', id: 'structure-values-table' }, el('thead', {}, head), el('tbody', {}, ...body)),
        ),
      );
    } catch (err) {
      if (turn.current) this.tablePart.replaceChildren(el('p', { class: 'error-message' }, `The values cannot be read: ${errorText(err)}`));
    }
  }
}

/** Row and column steps that fit a plane into MAX_HEATMAP_AXIS cells per axis and `maxCells` in all. */
function planeSteps(nRows: number, nCols: number, maxCells: number): [number, number] {
  let r = Math.ceil(nRows / MAX_HEATMAP_AXIS);
  let c = Math.ceil(nCols / MAX_HEATMAP_AXIS);
  // Thin the axis that shows more cells until the slice fits.
  while (Math.ceil(nRows / r) * Math.ceil(nCols / c) > maxCells) {
    if (Math.ceil(nRows / r) >= Math.ceil(nCols / c)) r++;
    else c++;
  }
  return [r, c];
}

/** rows × cols values (row by row) turned into cols × rows. */
function transpose(values: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j]!;
  return out;
}
