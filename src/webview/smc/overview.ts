import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import type { SmcOverview, SmcViewModel } from '../../protocol/smcProtocol';
import { el } from '../common/dom';
import { fieldTable, table } from '../common/table';

const KIND_LABEL: Record<SmcOverview['performanceKind'], string> = {
  expression: 'expression',
  speech: 'speech',
  head: 'head rotation',
  unknown: 'unknown kind',
};

function fmt(v: number | string | null, unit = ''): string {
  return v === null || v === '' ? '—' : `${v}${unit}`;
}

/** The page header: who, which part, when, and which file(s). */
export function pageHeader(o: SmcOverview): HTMLElement {
  return el(
    'header',
    { class: 'page-header' },
    el('h1', {}, `Actor ${o.actorId} · ${o.performancePart}`, ' ', ...o.files.map((f) => el('vscode-badge', { variant: 'default', title: f.name }, f.kind))),
    el('p', { class: 'subtitle' }, `${KIND_LABEL[o.performanceKind]} performance captured ${o.captureDate} · ${o.files.map((f) => f.name).join(' + ')}`),
  );
}

/**
 * The Overview tab: actor and capture facts (from the header, shown at once), then the open files,
 * an inventory of the parts present and the warnings (from the inventory, filled in when it arrives).
 */
export class OverviewView {
  readonly element: HTMLElement;
  private readonly later: HTMLElement;

  constructor(o: SmcOverview) {
    const [h, w] = o.cameraInfo.resolution;
    this.later = el('div', { class: 'overview-contents' }, el('p', { class: 'loading' }, el('vscode-progress-ring', {}), ' Reading what the files hold…'));
    this.element = el(
      'section',
      { class: 'overview' },
      el(
        'div',
        { class: 'overview-columns' },
        el(
          'div',
          {},
          el('h2', {}, 'Actor'),
          fieldTable(
            [
              ['Actor ID', o.actorId],
              ['Performance part', `${o.performancePart} (${KIND_LABEL[o.performanceKind]})`],
              ['Capture date', o.captureDate],
              ['Age', fmt(o.actorInfo.age)],
              ['Gender', fmt(o.actorInfo.gender)],
              ['Height', fmt(o.actorInfo.height, ' cm')],
              ['Weight', fmt(o.actorInfo.weight, ' kg')],
              ['Colour', fmt(o.actorInfo.color)],
            ],
            { id: 'actor-info' },
          ),
        ),
        el(
          'div',
          {},
          el('h2', {}, 'Capture'),
          fieldTable(
            [
              ['Cameras (num_device)', String(o.cameraInfo.numDevice)],
              ['Frames (num_frame)', String(o.cameraInfo.numFrame)],
              ['Resolution (W × H)', `${w} × ${h}`],
            ],
            { id: 'camera-info' },
          ),
          el('h2', {}, 'Files'),
          table(
            ['File', 'Kind', 'Size', ''],
            o.files.map((f) => [f.name, f.kind, f.size, f.role === 'opened' ? 'opened' : 'partner']),
            { id: 'files' },
            ['50%', '12%', '16%', '22%'],
          ),
          o.partnerNote
            ? el('p', { class: 'note', id: 'partner-note' }, el('span', { class: 'codicon codicon-info', 'aria-hidden': 'true' }), ' ', o.partnerNote)
            : null,
        ),
      ),
      this.later,
    );
  }

  setContents(c: SmcViewModel): void {
    this.later.replaceChildren(
      el('h2', {}, 'Contents'),
      table(
        ['Part', 'File', 'What', 'Size', 'Stored'],
        c.parts.map((p) => [p.part, p.file, p.count, p.size, p.stored]),
        { id: 'inventory', class: 'inventory-table' },
        ['22%', '8%', '40%', '15%', '15%'],
      ),
      el('h2', {}, `Warnings${c.warnings.length ? ` (${c.warnings.length})` : ''}`),
      c.warnings.length === 0
        ? el('p', { class: 'note', id: 'warnings' }, 'None: the data agrees with itself.')
        : el(
            'ul',
            { class: 'warnings', id: 'warnings' },
            ...c.warnings.map((w) =>
              el(
                'li',
                { class: `warning-${w.severity}`, 'data-code': w.code },
                el('span', { class: `codicon codicon-${w.severity === 'warning' ? 'warning' : 'info'}`, 'aria-hidden': 'true' }),
                ' ',
                w.message,
              ),
            ),
          ),
    );
  }

  setError(message: string): void {
    this.later.replaceChildren(el('p', { class: 'error-message' }, `The file's contents could not be listed: ${message}`));
  }
}
