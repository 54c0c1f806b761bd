import type { BodyCompressHostEvents, BodyCompressRequests } from '../../protocol/bodyCompressProtocol';
import { showErrorPage } from '../common/errorPage';
import { errorText } from '../common/errorText';
import { connectHost } from '../common/host';
import { BodyCompressPage } from './page';
import { exportVideo } from '../common/videoRecorder';

/** The answer to Export Video… while the file cannot be shown. */
const NOTHING_TO_RECORD = {
  targets: [],
  reason: 'this file cannot be shown, so there is nothing to record.',
  frames: 0,
  current: 0,
  fps: 30,
  viewSize: [2, 2] as [number, number],
};

// For the benchmark's breakdown of the first paint: the bundle has been fetched, parsed and evaluated.
performance.mark('bodycompress-script-start');
const host = connectHost<BodyCompressRequests, BodyCompressHostEvents>();
const reopen = () => void host.request('reopenWith', null);
let page: BodyCompressPage | null = null;
/** The comparison the host has open for this editor: a page rebuilt after a reload shows it again. */
let comparison: BodyCompressHostEvents['compare'] = null;

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
  if (comparison) page.tools.setComparison(comparison);
  performance.mark('bodycompress-page-built');
}

host.on('index', (s) => page?.setIndex(s));
host.on('reloaded', () => void start().catch(failed));
host.on('facesChanged', () => page?.refreshFaces());
host.on('screenshotRequested', () => void page?.screenshot());
host.on('videoExportRequested', () => void (page ? exportVideo(host, page.videoCapture()) : host.request('exportVideo', NOTHING_TO_RECORD).catch(failed)));
host.on('sourceVideoChanged', () => void page?.loadSourceVideo());
host.on('compare', (c) => {
  comparison = c;
  page?.tools.setComparison(c);
});

function failed(err: unknown): void {
  showErrorPage('Something went wrong', errorText(err), reopen);
}

start().catch(failed);
