import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import { el, type Child } from './dom';

/** A native-looking table (vscode-elements) from header labels and rows of cells. */
export function table(headers: string[], rows: Child[][], attrs: Record<string, string> = {}): HTMLElement {
  return el(
    'vscode-table',
    { zebra: true, 'bordered-columns': true, resizable: true, ...attrs },
    el('vscode-table-header', { slot: 'header' }, ...headers.map((h) => el('vscode-table-header-cell', {}, h))),
    el(
      'vscode-table-body',
      { slot: 'body' },
      ...rows.map((cells) => el('vscode-table-row', {}, ...cells.map((c) => el('vscode-table-cell', {}, c)))),
    ),
  );
}

/** A two-column "field / value" table. */
export function fieldTable(fields: [string, Child][], attrs: Record<string, string> = {}): HTMLElement {
  return table(['Field', 'Value'], fields.map(([k, v]) => [k, v ?? '—']), attrs);
}
