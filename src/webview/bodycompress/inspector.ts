import '@vscode-elements/elements/dist/vscode-tree/index.js';
import '@vscode-elements/elements/dist/vscode-tree-item/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import type { BodyCompressFrame, BodyCompressIndexState, BodyCompressKeyRow, BodyCompressOpened, ValueView } from '../../protocol/bodyCompressProtocol';
import { formatBytes } from '../../core/formatBytes';
import { el } from '../common/dom';
import { linePlot, type LinePlot } from '../common/linePlot';
import { fieldTable, table } from '../common/table';

/** Points of the persons-per-frame chart (long files are shown as the most people per bucket). */
const CHART_POINTS = 600;

const n = (v: number) => v.toLocaleString('en-US');

/**
 * The inspector beside the 3D view: the file's facts, the current frame (people, first vertex,
 * every key with dtype, shape and small values), a chart of people per frame, and the metadata
 * as a tree.
 */
export class Inspector {
  readonly element: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly frameInfo: HTMLElement;
  private readonly keys: HTMLElement;
  private readonly chartBox: HTMLElement;
  private chart: LinePlot | null = null;
  private counts = new Int16Array(0);
  private chartFrames = 0;
  private marker = 0;
  /** The frame section's value spans (null while it shows an error). */
  private fields: ReturnType<Inspector['frameFields']> | null = null;
  /** Keys, types and shapes of the key table shown, and its value cells. */
  private keysLayout = '';
  private valueCells: HTMLElement[] = [];

  constructor(
    private readonly opened: BodyCompressOpened,
    private readonly onPickFrame: (frame: number) => void,
    metadataOpen: string[],
    onMetadataOpen: (open: string[]) => void,
  ) {
    this.summary = el('div', { class: 'inspector-summary' });
    this.frameInfo = el('div', { id: 'frame-info', class: 'frame-info' });
    this.keys = el('div', { class: 'frame-keys' });
    this.chartBox = el('div', { id: 'persons-chart', class: 'persons-chart' }, el('p', { class: 'note' }, 'Counting people while the file is indexed…'));
    this.element = el(
      'aside',
      { class: 'inspector', 'aria-label': 'Inspector' },
      section('File', this.summary),
      section('Frame', this.frameInfo, this.keys),
      section('People per frame', this.chartBox),
      section('Metadata', metadataTree(opened.metadataView, metadataOpen, onMetadataOpen)),
    );
    this.setIndex(opened.index);
  }

  /** The file's facts, with how far indexing has got. */
  setIndex(index: BodyCompressIndexState): void {
    const o = this.opened;
    const frames = index.done
      ? `${n(index.frames)}${index.error ? ' (the rest cannot be read)' : ''}`
      : `${n(index.frames)} so far (${Math.floor(index.fraction * 100)} % read)`;
    const fieldsList: [string, string][] = [
      ['Format version', o.version ? o.version.join('.') : '0.1 (legacy, no header)'],
      ['Frames (header)', o.length === null ? 'not recorded' : n(o.length)],
      ['Frames (indexed)', frames],
      ['Frame rate', `${o.fps} fps${o.fpsFromFile ? '' : ' (not in the metadata; assumed)'}`],
      ['Most people in a frame', index.frames ? n(index.maxPersons) : '—'],
      ['File size', formatBytes(o.fileSize)],
    ];
    this.summary.replaceChildren(fieldTable(fieldsList, { id: 'bodycompress-summary' }));
  }

  /**
   * The frame shown in the 3D view. While the frame's keys stay the same, stepping and playing
   * change only the text of the tables, so the inspector keeps its scroll position, open groups
   * and the column widths the user dragged (a new table would start from the defaults).
   */
  setFrame(f: BodyCompressFrame, fps: number): void {
    const people = f.persons.length;
    const fields = (this.fields ??= this.frameFields());
    fields.frame.textContent = `${n(f.index)} (${(f.index / fps).toFixed(2)} s)`;
    fields.persons.textContent = String(people);
    fields.sizes.textContent = people ? `${n(f.vertexCount)}, ${n(f.jointCount)}` : '—';
    fields.firstVertex.textContent = f.firstVertex ? f.firstVertex.join('  ') : '—';
    this.frameInfo.dataset.frame = String(f.index);
    this.setKeys(f.keys);
    this.marker = f.index;
    this.chart?.setMarker(f.index);
  }

  private frameFields(): { frame: HTMLElement; persons: HTMLElement; sizes: HTMLElement; firstVertex: HTMLElement } {
    const fields = {
      frame: el('span', { id: 'frame-number' }),
      persons: el('span', { id: 'frame-persons' }),
      sizes: el('span', {}),
      firstVertex: el('code', { id: 'first-vertex', class: 'values' }),
    };
    this.frameInfo.replaceChildren(
      fieldTable([
        ['Frame', fields.frame],
        ['People', fields.persons],
        ['Vertices, joints per person', fields.sizes],
        ['First vertex (mm)', fields.firstVertex],
      ]),
    );
    return fields;
  }

  private setKeys(keys: BodyCompressKeyRow[]): void {
    const layout = keys.map((k) => `${k.key}\u0000${k.type}\u0000${k.shape}\u0000${k.note}`).join('\u0001');
    if (layout !== this.keysLayout || this.valueCells.length !== keys.length) {
      this.valueCells = keys.map((k) => el('vscode-table-cell', {}, valueCell(k.value, k.note)));
      const t = table(
        ['Key', 'Type', 'Shape', 'Value'],
        keys.map((k) => [k.key, k.type, k.shape, '']),
        { id: 'frame-keys', class: 'wrap-cells' },
        ['20%', '18%', '12%', '50%'],
      );
      t.querySelectorAll('vscode-table-row').forEach((row, i) => row.lastElementChild?.replaceWith(this.valueCells[i]!));
      this.keys.replaceChildren(t);
      this.keysLayout = layout;
      return;
    }
    keys.forEach((k, i) => {
      const cell = this.valueCells[i]!;
      if (cell.textContent !== k.value) cell.replaceChildren(valueCell(k.value, k.note));
    });
  }

  /** The frame could not be read: says why in the frame section. */
  setFrameError(frame: number, message: string): void {
    this.frameInfo.replaceChildren(el('p', { class: 'error-message', id: 'frame-error' }, `Frame ${n(frame)} cannot be shown: ${message}`));
    this.frameInfo.dataset.frame = String(frame);
    this.fields = null;
    this.keys.replaceChildren();
    this.keysLayout = '';
  }

  /** Adds people counts of frames [counted, counted + counts.length) and redraws the chart. */
  addCounts(counts: Int16Array): void {
    if (counts.length === 0 && this.chart) return;
    const all = new Int16Array(this.chartFrames + counts.length);
    all.set(this.counts.subarray(0, this.chartFrames));
    all.set(counts, this.chartFrames);
    this.counts = all;
    this.chartFrames = all.length;
    if (this.chartFrames === 0) return;
    // The most people per bucket, so no frame with people disappears in a long file.
    const buckets = Math.min(CHART_POINTS, this.chartFrames);
    const x = new Float64Array(buckets);
    const y = new Float64Array(buckets);
    for (let b = 0; b < buckets; b++) {
      const from = Math.floor((b * this.chartFrames) / buckets);
      const to = Math.max(from + 1, Math.floor(((b + 1) * this.chartFrames) / buckets));
      let most = -1;
      for (let i = from; i < to; i++) most = Math.max(most, this.counts[i]!);
      x[b] = from;
      y[b] = most < 0 ? Number.NaN : most;
    }
    this.chart = linePlot({
      title: this.chartFrames === 1 ? 'People in the one frame' : `People in each of ${n(this.chartFrames)} frames`,
      x,
      series: [{ label: 'people', values: y }],
      onPick: this.onPickFrame,
      width: 340,
      height: 110,
    });
    this.chart.setMarker(this.marker);
    this.chartBox.replaceChildren(this.chart.element);
    this.chartBox.dataset.frames = String(this.chartFrames);
  }

  get countedFrames(): number {
    return this.chartFrames;
  }
}

function section(title: string, ...content: HTMLElement[]): HTMLElement {
  return el('section', { class: 'inspector-section' }, el('h2', {}, title), ...content);
}

/** A value cell: the text as Python prints it (numpy's columns kept), or why it is not shown. */
function valueCell(text: string, note: string): HTMLElement | string {
  if (note) return el('em', { class: 'note' }, note);
  return text ? el('pre', { class: 'values py-value' }, text) : '';
}

/** The metadata as a tree: dicts and lists open up, other values as Python prints them. */
function metadataTree(root: ValueView, open: string[], onOpen: (open: string[]) => void): HTMLElement {
  const tree = el('vscode-tree', { id: 'metadata-tree', 'indent-guides': 'onHover' });
  const openSet = new Set(open);
  const add = (parent: HTMLElement, v: ValueView, path: string) => {
    const item = el('vscode-tree-item', { 'data-key-path': path }, v.key, el('span', { slot: 'description', title: v.text || v.note }, describe(v)));
    parent.append(item);
    if (v.children?.length) {
      v.children.forEach((c) => add(item, c, `${path}/${c.key}`));
      if (v.more) item.append(el('vscode-tree-item', { class: 'more' }, `… ${n(v.more)} more`));
      if (openSet.has(path)) item.setAttribute('open', '');
      new MutationObserver(() => {
        if (item.hasAttribute('open')) openSet.add(path);
        else openSet.delete(path);
        onOpen([...openSet]);
      }).observe(item, { attributes: true, attributeFilter: ['open'] });
    }
  };
  if (!root.children?.length) return el('p', { class: 'note', id: 'metadata-tree' }, `Metadata: ${describe(root)}`);
  root.children.forEach((c) => add(tree, c, c.key));
  if (root.more) tree.append(el('vscode-tree-item', { class: 'more' }, `… ${n(root.more)} more`));
  return tree;
}

/**
 * One line for a tree item: `dict, 3 items`; numpy values with dtype and shape
 * (`<c8 (2,) = [1.+2.j 3.-1.j]`, line breaks as spaces); other values as Python prints them.
 */
function describe(v: ValueView): string {
  if (v.children) return `${v.type}, ${v.shape}`;
  const numpy = v.shape !== '';
  const head = numpy ? `${v.type}${v.shape === '()' ? '' : ` ${v.shape}`}` : '';
  if (v.note) return `${head}: ${v.note}`;
  const text = v.text.replace(/\n+ */g, ' ');
  return numpy ? `${head} = ${text}` : text;
}
