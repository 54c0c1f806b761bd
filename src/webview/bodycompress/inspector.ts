import '@vscode-elements/elements/dist/vscode-tree/index.js';
import '@vscode-elements/elements/dist/vscode-tree-item/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import type { BodyCompressFrame, BodyCompressIndexState, BodyCompressOpened } from '../../protocol/bodyCompressProtocol';
import { formatBytes } from '../../core/formatBytes';
import { el } from '../common/dom';
import { linePlot, type LinePlot } from '../common/linePlot';
import { fieldTable, table } from '../common/table';

/** Points of the persons-per-frame chart (long files are shown as the most people per bucket). */
const CHART_POINTS = 600;
/** Members of a metadata dict or list listed at one level. */
const MAX_TREE_CHILDREN = 500;

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
      section('Metadata', metadataTree(opened.metadata, metadataOpen, onMetadataOpen)),
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

  /** The frame shown in the 3D view. */
  setFrame(f: BodyCompressFrame, fps: number): void {
    const people = f.persons.length;
    const rows: [string, HTMLElement | string][] = [
      ['Frame', el('span', { id: 'frame-number' }, `${n(f.index)} (${(f.index / fps).toFixed(2)} s)`)],
      ['People', el('span', { id: 'frame-persons' }, String(people))],
      ['Vertices, joints per person', people ? `${n(f.vertexCount)}, ${n(f.jointCount)}` : '—'],
      ['First vertex (mm)', el('code', { id: 'first-vertex', class: 'values' }, f.firstVertex ? f.firstVertex.join('  ') : '—')],
    ];
    this.frameInfo.replaceChildren(fieldTable(rows));
    this.frameInfo.dataset.frame = String(f.index);
    this.keys.replaceChildren(
      table(
        ['Key', 'Type', 'Shape', 'Value'],
        f.keys.map((k) => [k.key, k.type, k.shape, k.value ? el('code', { class: 'values' }, k.value) : '']),
        { id: 'frame-keys', class: 'wrap-cells' },
        ['26%', '14%', '18%', '42%'],
      ),
    );
    this.marker = f.index;
    this.chart?.setMarker(f.index);
  }

  /** The frame could not be read: says why in the frame section. */
  setFrameError(frame: number, message: string): void {
    this.frameInfo.replaceChildren(el('p', { class: 'error-message', id: 'frame-error' }, `Frame ${n(frame)} cannot be shown: ${message}`));
    this.frameInfo.dataset.frame = String(frame);
    this.keys.replaceChildren();
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
      title: `People in each of ${n(this.chartFrames)} frames`,
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

/** The metadata (typed JSON) as a tree: dicts and lists open up, arrays show dtype, shape and small values. */
function metadataTree(value: unknown, open: string[], onOpen: (open: string[]) => void): HTMLElement {
  const tree = el('vscode-tree', { id: 'metadata-tree', 'indent-guides': 'onHover' });
  const openSet = new Set(open);
  const add = (parent: HTMLElement, key: string, v: unknown, path: string) => {
    const item = el('vscode-tree-item', { 'data-path': path }, key, el('span', { slot: 'description' }, describe(v)));
    parent.append(item);
    const children = childrenOf(v);
    if (children.length) {
      children.slice(0, MAX_TREE_CHILDREN).forEach(([k, c]) => add(item, k, c, `${path}/${k}`));
      if (children.length > MAX_TREE_CHILDREN) item.append(el('vscode-tree-item', { class: 'more' }, `… ${n(children.length - MAX_TREE_CHILDREN)} more`));
      if (openSet.has(path)) item.setAttribute('open', '');
      new MutationObserver(() => {
        if (item.hasAttribute('open')) openSet.add(path);
        else openSet.delete(path);
        onOpen([...openSet]);
      }).observe(item, { attributes: true, attributeFilter: ['open'] });
    }
  };
  const top = childrenOf(value);
  if (top.length === 0) return el('p', { class: 'note', id: 'metadata-tree' }, `Metadata: ${describe(value)}`);
  top.slice(0, MAX_TREE_CHILDREN).forEach(([k, c]) => add(tree, k, c, k));
  return tree;
}

type Json = Record<string, unknown>;

/** Members of a dict (plain object), list or non-str-keyed map; arrays and scalars have none. */
function childrenOf(v: unknown): [string, unknown][] {
  if (Array.isArray(v)) return v.map((x, i) => [`[${i}]`, x]);
  if (typeof v !== 'object' || v === null) return [];
  const o = v as Json;
  if (o.$type === 'map') return (o.items as [unknown, unknown][]).map(([k, x]) => [describe(k), x]);
  if (typeof o.$type === 'string' || typeof o.$note === 'string') return [];
  return Object.entries(o);
}

/** A one-line description: the value itself for scalars, type and size for containers and arrays. */
function describe(v: unknown): string {
  if (v === null) return 'None';
  if (typeof v === 'string') return JSON.stringify(v.length > 300 ? `${v.slice(0, 300)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `list, ${n(v.length)} items`;
  const o = v as Json;
  switch (o.$type) {
    case 'ndarray': {
      const values = Array.isArray(o.values)
        ? ` = [${(o.values as unknown[]).slice(0, 12).join(', ')}${(o.values as unknown[]).length > 12 ? ', …' : ''}]`
        : '';
      return `${String(o.dtype)} (${(o.shape as number[]).join(', ')})${values}`;
    }
    case 'npscalar':
      return `numpy ${String(o.dtype)} ${String(o.value)}`;
    case 'int':
    case 'float':
      return String(o.value);
    case 'bytes':
      return `bytes (${Math.floor((String(o.b64).length * 3) / 4)} B)`;
    case 'complex':
      return `${String(o.real)}+${String(o.imag)}j`;
    case 'map':
      return `dict, ${n((o.items as unknown[]).length)} items`;
    case 'ext':
      return `msgpack ext ${String(o.type)}`;
    default:
      if (typeof o.$note === 'string') return o.$note;
      return `dict, ${n(Object.keys(o).length)} items`;
  }
}
