import type { BodyCompressHostEvents, BodyCompressRequests } from '../../protocol/bodyCompressProtocol';
import { showErrorPage } from '../common/errorPage';
import { errorText } from '../common/errorText';
import { connectHost } from '../common/host';
import { BodyCompressPage } from './page';

const host = connectHost<BodyCompressRequests, BodyCompressHostEvents>();
const reopen = () => void host.request('reopenWith', null);
let page: BodyCompressPage | null = null;

/** Opens (or after a change on disk, reopens) the file and builds the page; view settings carry over. */
async function start(): Promise<void> {
  const opened = await host.request('open', null);
  // For the benchmark's breakdown: how much of the first paint is waiting for the host.
  performance.mark('bodycompress-open-reply');
  page?.dispose();
  page = null;
  if (!opened.ok) {
    const title = opened.code === 'not-bodycompress' || opened.code === 'not-xz' ? 'Not a BodyCompress file' : 'This file cannot be shown';
    showErrorPage(title, opened.message, reopen);
    return;
  }
  page = new BodyCompressPage(host, opened.value);
}

host.on('index', (s) => page?.setIndex(s));
host.on('reloaded', () => void start().catch(failed));
host.on('facesChanged', () => page?.refreshFaces());
host.on('screenshotRequested', () => void page?.screenshot());

function failed(err: unknown): void {
  showErrorPage('Something went wrong', errorText(err), reopen);
}

start().catch(failed);
