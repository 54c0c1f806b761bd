import type { BodyCompressHostEvents, BodyCompressRequests, BodyCompressSummary } from '../../protocol/bodyCompressProtocol';
import { el, render } from '../shared/dom';
import { showErrorPage } from '../shared/errorPage';
import { connectHost } from '../shared/host';
import { fieldTable } from '../shared/table';

const host = connectHost<BodyCompressRequests, BodyCompressHostEvents>();
const reopen = () => void host.request('reopenWith', null);

function showSummary(s: BodyCompressSummary): void {
  render(
    el('header', { class: 'page-header' }, el('h1', {}, s.fileName), el('p', { class: 'subtitle' }, 'BodyCompress body-mesh sequence')),
    fieldTable(
      [
        ['Format version', s.version ? s.version.join('.') : '0.1 (legacy, no header)'],
        ['Frames (header)', s.length === null ? 'not recorded' : String(s.length)],
        ['File size', `${(s.fileSize / 1024).toFixed(1)} KiB`],
      ],
      { id: 'bodycompress-summary' },
    ),
  );
}

async function main(): Promise<void> {
  const result = await host.request('summary', null);
  if (result.ok) showSummary(result.value);
  else {
    const title = result.code === 'not-bodycompress' || result.code === 'not-xz' ? 'Not a BodyCompress file' : 'This file cannot be shown';
    showErrorPage(title, result.message, reopen);
  }
}

main().catch((err: unknown) => showErrorPage('Something went wrong', String(err), reopen));
