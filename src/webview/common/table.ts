import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import { el, type Child } from './dom';

/**
 * A native-looking table (vscode-elements) from header labels and rows of cells; `columns` sets
 * initial column widths ("30%", "120px"), which the user can still resize.
 */
export function table(headers: string[], rows: Child[][], attrs: Record<string, string> = {}, columns?: string[]): HTMLElement {
  const node = el(
    'vscode-table',
    { zebra: true, 'bordered-columns': true, resizable: true, ...attrs },
    el('vscode-table-header', { slot: 'header' }, ...headers.map((h) => el('vscode-table-header-cell', {}, h))),
    el('vscode-table-body', { slot: 'body' }, ...rows.map((cells) => el('vscode-table-row', {}, ...cells.map((c) => el('vscode-table-cell', {}, c))))),
  );
  if (columns) {
    // vscode-table turns the widths into percentages of the width it last measured, and falls back
    // to equal columns while that is 0 (detached, or in a hidden tab): apply them once it has a
    // width, a frame later so that its own resize observer has measured it.
    const sized = new ResizeObserver(() => {
      if (node.clientWidth === 0) return;
      sized.disconnect();
      requestAnimationFrame(() => ((node as HTMLElement & { columns: string[] }).columns = columns));
    });
    sized.observe(node);
  }
  return node;
}

/** A two-column "field / value" table. */
export function fieldTable(fields: [string, Child][], attrs: Record<string, string> = {}): HTMLElement {
  return table(
    ['Field', 'Value'],
    fields.map(([k, v]) => [k, v ?? '—']),
    attrs,
  );
}
