import '@vscode-elements/elements/dist/vscode-tree/index.js';
import '@vscode-elements/elements/dist/vscode-tree-item/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-split-layout/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { Hdf5ChildView, Hdf5DatasetView, Hdf5NodeView } from '../../protocol/smcProtocol';
import { copyButton } from '../common/clipboard';
import { el } from '../common/dom';
import { errorText } from '../common/errorText';
import { LatestOnly, STALE } from '../common/latestReply';
import { fieldTable, table } from '../common/table';
import type { SmcHost } from './context';
import { DatasetValuesView } from './datasetValues';
import { h5pySnippet } from './h5pySnippet';

export interface StructureState {
  file: number;
  path: string;
  open: string[];
}

/** Opened groups remembered across hiding the tab. */
const MAX_REMEMBERED_OPEN = 200;

/**
 * The Structure tab: the HDF5 tree of each open file (groups expand lazily, one level per
 * request) and the selected object's details: dtype, shape, layout, filters, stored size and
 * attributes. Works for any HDF5 file, also one that is not an SMC.
 */
export class StructureView {
  readonly element: HTMLElement;
  private readonly tree: HTMLElement;
  private readonly details: HTMLElement;
  private readonly items = new Map<string, HTMLElement>();
  /** Answers by path for the current file: the root, and a group opened then selected, are asked for once. */
  private readonly nodes = new Map<string, Promise<Hdf5NodeView>>();
  private loaded = false;
  private readonly filter: HTMLElementTagNameMap['vscode-textfield'];
  private readonly filterCount: HTMLElement;
  /** The details show the node selected last, however the answers arrive. */
  private readonly selection = new LatestOnly();

  constructor(
    private readonly host: SmcHost,
    private readonly files: { name: string; kind?: string }[],
    private readonly state: StructureState,
    private readonly save: (s: Partial<StructureState>) => void,
  ) {
    this.tree = el('vscode-tree', { id: 'structure-tree', 'indent-guides': 'onHover' });
    this.filter = el('vscode-textfield', { id: 'structure-filter', placeholder: 'Filter names', 'aria-label': 'Filter names' });
    this.filterCount = el('span', { class: 'note', id: 'structure-filter-count' });
    this.filter.addEventListener('input', () => this.applyFilter());
    this.details = el('div', { class: 'structure-details', id: 'structure-details' });
    const picker =
      files.length > 1
        ? el(
            'vscode-single-select',
            { id: 'structure-file', 'aria-label': 'File' },
            ...files.map((f, i) => el('vscode-option', { value: String(i), selected: i === state.file }, `${f.name}${f.kind ? ` (${f.kind})` : ''}`)),
          )
        : null;
    picker?.addEventListener('change', () => {
      const file = Number((picker as HTMLElement & { value: string }).value);
      this.save({ file, path: '/', open: [] });
      Object.assign(this.state, { file, path: '/', open: [] });
      void this.loadRoot();
    });
    this.tree.addEventListener('vsc-tree-select', (e) => {
      // vscode-elements 2.5 sends the selected items as the detail itself (its typings say { selectedItems }).
      const detail = (e as CustomEvent<HTMLElement[] | { selectedItems: HTMLElement[] }>).detail;
      const item = (Array.isArray(detail) ? detail : (detail?.selectedItems ?? []))[0];
      const path = item?.dataset.hdf5Path;
      if (path) void this.select(path);
    });
    this.element = el(
      'section',
      { class: 'structure-view' },
      picker ? el('div', { class: 'toolbar' }, el('span', {}, 'File'), picker) : null,
      el(
        'vscode-split-layout',
        { class: 'structure-split', 'initial-handle-position': '45%', 'fixed-pane': 'start' },
        el('div', { slot: 'start', class: 'structure-tree-pane' }, el('div', { class: 'structure-filter' }, this.filter, this.filterCount), this.tree),
        el('div', { slot: 'end', class: 'structure-details-pane' }, this.details),
      ),
    );
  }

  show(): void {
    if (this.loaded) return;
    this.loaded = true;
    void this.loadRoot();
  }

  private async loadRoot(): Promise<void> {
    this.items.clear();
    this.nodes.clear();
    this.tree.replaceChildren();
    try {
      const root = await this.node('/');
      const item = this.item({ name: root.name, path: '/', kind: 'group', childCount: root.childCount ?? 0 }, this.files[this.state.file]?.name ?? '/');
      this.tree.append(item);
      this.fill(item, root);
      item.setAttribute('open', '');
      // Re-open what was open before, parents first (paths sort that way).
      for (const path of [...this.state.open].sort()) {
        const it = this.items.get(path);
        if (it) {
          await this.expand(it);
          it.setAttribute('open', '');
        }
      }
      await this.select(this.items.has(this.state.path) ? this.state.path : '/');
      this.items.get(this.state.path)?.setAttribute('selected', '');
      this.tree.dataset.loaded = 'true';
    } catch (err) {
      this.details.replaceChildren(el('p', { class: 'error-message' }, `The structure cannot be read: ${(err as Error)?.message ?? err}`));
    }
  }

  private item(c: Hdf5ChildView, label = c.name): HTMLElement {
    const description = c.dataset ? datasetSummary(c.dataset) : c.kind === 'group' ? members(c.childCount ?? 0) : c.kind;
    const icon = c.kind === 'group' ? 'symbol-namespace' : c.kind === 'dataset' ? 'symbol-array' : 'link';
    const item = el(
      'vscode-tree-item',
      { 'data-hdf5-path': c.path },
      el('vscode-icon', { name: icon, slot: 'icon-branch' }),
      el('vscode-icon', { name: icon, slot: 'icon-branch-opened' }),
      el('vscode-icon', { name: icon, slot: 'icon-leaf' }),
      label,
      el('span', { slot: 'description' }, description),
    );
    this.items.set(c.path, item);
    if (c.kind === 'group' && (c.childCount ?? 0) > 0) {
      // A placeholder makes it expandable; the members are asked for when it is opened.
      item.append(el('vscode-tree-item', { class: 'placeholder' }, 'Loading…'));
      new MutationObserver(() => {
        if (item.hasAttribute('open')) void this.expand(item);
        this.rememberOpen(c.path, item.hasAttribute('open'));
      }).observe(item, { attributes: true, attributeFilter: ['open'] });
    }
    return item;
  }

  private async expand(item: HTMLElement): Promise<void> {
    if (item.dataset.expanded) return;
    item.dataset.expanded = 'true';
    try {
      const node = await this.node(item.dataset.hdf5Path!);
      this.fill(item, node);
    } catch (err) {
      item.replaceChildren(...[...item.children].filter((c) => c.tagName !== 'VSCODE-TREE-ITEM'));
      item.append(el('vscode-tree-item', {}, `Cannot list: ${(err as Error)?.message ?? err}`));
    }
  }

  private fill(item: HTMLElement, node: Hdf5NodeView): void {
    for (const c of [...item.children]) if (c.tagName === 'VSCODE-TREE-ITEM') c.remove();
    item.dataset.expanded = 'true';
    for (const child of node.children ?? []) item.append(this.item(child));
    const listed = node.children?.length ?? 0;
    if ((node.childCount ?? 0) > listed) {
      item.append(el('vscode-tree-item', { class: 'more' }, `… ${((node.childCount ?? 0) - listed).toLocaleString('en-US')} more members not listed`));
    }
    if (this.filter.value) this.applyFilter();
  }

  /**
   * Shows the listed members whose name contains the filter text (any case) and the groups above
   * them; members of groups never opened are not searched (the tree is read one group at a time).
   */
  private applyFilter(): void {
    const query = this.filter.value.trim().toLowerCase();
    let matches = 0;
    const visit = (item: Element): boolean => {
      let shown = false;
      for (const child of item.children) if (child.tagName === 'VSCODE-TREE-ITEM' && (child as HTMLElement).dataset.hdf5Path && visit(child)) shown = true;
      const path = (item as HTMLElement).dataset.hdf5Path;
      if (path === undefined) return shown;
      const name = path === '/' ? '' : (path.split('/').at(-1) ?? '');
      const match = query !== '' && name.toLowerCase().includes(query);
      if (match) matches++;
      const keep = query === '' || match || shown || path === '/';
      item.classList.toggle('filtered-out', !keep);
      return match || shown;
    };
    visit(this.tree);
    for (const extra of this.tree.querySelectorAll('vscode-tree-item.more, vscode-tree-item.placeholder')) extra.classList.toggle('filtered-out', query !== '');
    this.filterCount.textContent = query ? `${matches.toLocaleString('en-US')} match${matches === 1 ? '' : 'es'} in the opened groups` : '';
  }

  private node(path: string): Promise<Hdf5NodeView> {
    let node = this.nodes.get(path);
    if (!node) {
      const asked = this.host.request('structure', { file: this.state.file, path });
      this.nodes.set(path, asked);
      // A failed request is not remembered: asking again may succeed.
      asked.catch(() => this.nodes.get(path) === asked && this.nodes.delete(path));
      node = asked;
    }
    return node;
  }

  /** The selected object: its fields, copy buttons, its values (datasets) and its attributes. */
  private detailsOf(n: Hdf5NodeView): HTMLElement[] {
    const write = (text: string) => this.host.request('copyText', { text });
    const [title, ...rest] = detailsFields(n);
    const buttons = el(
      'div',
      { class: 'structure-copy' },
      copyButton('Copy Path', () => n.path, write, { id: 'structure-copy-path' }),
      copyButton('Copy h5py Snippet', () => h5pySnippet(n.path, n.kind), write, { id: 'structure-copy-snippet', title: h5pySnippet(n.path, n.kind) }),
    );
    const values = n.dataset ? new DatasetValuesView(this.host, this.state.file, n.path, n.dataset).element : null;
    // Fields, then values (what one looks for first in a dataset), then attributes.
    return [title!, buttons, rest[0]!, ...(values ? [values] : []), ...rest.slice(1)];
  }

  private rememberOpen(path: string, open: boolean): void {
    const set = new Set(this.state.open);
    if (open) set.add(path);
    else set.delete(path);
    this.state.open = [...set].slice(-MAX_REMEMBERED_OPEN);
    this.save({ open: this.state.open });
  }

  private async select(path: string): Promise<void> {
    const turn = this.selection.begin();
    this.state.path = path;
    this.save({ path });
    try {
      const node = await turn.wait(this.node(path));
      if (node === STALE) return;
      this.details.replaceChildren(...this.detailsOf(node));
      this.details.dataset.path = path;
    } catch (err) {
      this.details.replaceChildren(el('p', { class: 'error-message' }, errorText(err)));
    }
  }
}

function members(n: number): string {
  return `${n.toLocaleString('en-US')} member${n === 1 ? '' : 's'}`;
}

function datasetSummary(d: Hdf5DatasetView): string {
  return `${d.dtype} ${d.shape ? `(${d.shape.join(', ')})` : 'null'} · ${d.size}`;
}

function detailsFields(n: Hdf5NodeView): HTMLElement[] {
  const fields: [string, string][] = [
    ['Path', n.path],
    ['Kind', n.kind],
  ];
  if (n.target) fields.push(['Link target', n.target]);
  if (n.childCount !== undefined) fields.push(['Members', n.childCount.toLocaleString('en-US')]);
  const d = n.dataset;
  if (d) {
    fields.push(
      ['Type', d.dtype],
      ['Shape', d.shape ? `(${d.shape.join(', ')})` : 'null dataspace'],
      ['Layout', d.layout + (d.chunks ? `, chunks (${d.chunks.join(', ')})` : '')],
      ['Filters', d.filters.length ? d.filters.join(', ') : 'none'],
      ['Size', d.size],
      ['Stored', d.stored],
    );
  }
  return [
    el('h2', {}, n.path),
    fieldTable(fields, { id: 'structure-fields' }),
    el('h2', {}, `Attributes (${n.attributes.length})`),
    n.attributes.length
      ? table(
          ['Name', 'Type', 'Value'],
          n.attributes.map((a) => [a.name, a.dtype, el('code', { class: 'values' }, a.value)]),
          { id: 'structure-attributes', class: 'wrap-cells' },
          ['28%', '17%', '55%'],
        )
      : el('p', { class: 'note' }, 'None.'),
  ];
}
