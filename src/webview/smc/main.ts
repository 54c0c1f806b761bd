import '@vscode-elements/elements/dist/vscode-badge/index.js';
import type { SmcHostEvents, SmcOverview, SmcRequests } from '../../protocol/smcProtocol';
import { el, render } from '../shared/dom';
import { showErrorPage } from '../shared/errorPage';
import { connectHost, keepScrollPosition } from '../shared/host';
import { fieldTable } from '../shared/table';

const host = connectHost<SmcRequests, SmcHostEvents>();

const KIND_LABEL: Record<SmcOverview['performanceKind'], string> = {
  expression: 'expression',
  speech: 'speech',
  head: 'head rotation',
  unknown: 'unknown kind',
};

function fmt(v: number | string | null, unit = ''): string {
  return v === null || v === '' ? '—' : `${v}${unit}`;
}

function showOverview(o: SmcOverview): void {
  const [h, w] = o.cameraInfo.resolution;
  render(
    el(
      'header',
      { class: 'page-header' },
      el('h1', {}, `Actor ${o.actorId} · ${o.performancePart}`, ' ', el('vscode-badge', { variant: 'default' }, o.fileKind)),
      el('p', { class: 'subtitle' }, `${KIND_LABEL[o.performanceKind]} performance captured ${o.captureDate} · ${o.fileName}`),
    ),
    el(
      'section',
      { class: 'overview' },
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
      el('h2', {}, 'Capture'),
      fieldTable(
        [
          ['Cameras (num_device)', String(o.cameraInfo.numDevice)],
          ['Frames (num_frame)', String(o.cameraInfo.numFrame)],
          ['Resolution (W × H)', `${w} × ${h}`],
        ],
        { id: 'camera-info' },
      ),
    ),
  );
}

async function main(): Promise<void> {
  const result = await host.request('overview', null);
  if (result.ok) {
    showOverview(result.value);
    keepScrollPosition();
  } else showErrorPage('This file cannot be shown as a RenderMe360 capture', result.message, () => void host.request('reopenWith', null));
}

main().catch((err: unknown) => showErrorPage('Something went wrong', String(err), () => void host.request('reopenWith', null)));
