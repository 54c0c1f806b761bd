import { el } from '../common/dom';
import { errorText } from '../common/errorText';
import { exportVideo } from '../common/videoRecorder';
import type { CamerasView } from './cameras';
import type { RigView } from './rig';
import { exportContactSheet } from './contactSheet';
import type { SmcContext, SmcHost } from './context';
import { SmcVideoCapture } from './videoCapture';

/**
 * Answers the host's Export Video… and Export Contact Sheet for the SMC page: before the
 * performance is shown (or for a plain HDF5 file) with why there is nothing to export.
 */
export class SmcExports {
  private page: { ctx: SmcContext; cameras: () => CamerasView | undefined; rig: () => RigView | undefined } | null = null;
  /** One line on the timeline bar: progress and where the export went. */
  readonly status = el('span', { class: 'index-status export-status', id: 'export-status', role: 'status' });
  private busy = false;

  constructor(private readonly host: SmcHost) {
    host.on('videoExportRequested', () => void this.run(() => this.video()));
    host.on('contactSheetRequested', () => void this.run(() => this.sheet()));
  }

  /** The performance page is up: exports use its context and Cameras tab. */
  attach(ctx: SmcContext, cameras: () => CamerasView | undefined, rig: () => RigView | undefined): void {
    this.page = { ctx, cameras, rig };
  }

  private async video(): Promise<void> {
    const p = this.page;
    if (!p) {
      await this.host.request('exportVideo', {
        targets: [],
        reason: 'this file holds no camera images to record.',
        frames: 0,
        current: 0,
        fps: 30,
        viewSize: [2, 2],
      });
      return;
    }
    await exportVideo(this.host, new SmcVideoCapture(p.ctx, p.cameras(), p.rig(), (text) => this.setStatus(text)));
  }

  private async sheet(): Promise<void> {
    const p = this.page;
    if (!p || p.ctx.contents.cameras.length === 0) {
      this.setStatus('No contact sheet: this file holds no camera images.');
      return;
    }
    await exportContactSheet(p.ctx, (text) => this.setStatus(text));
  }

  /** One export at a time (a second command while one runs is ignored); failures are said on the page. */
  private async run(work: () => Promise<void>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await work();
    } catch (err) {
      this.setStatus(`The export failed: ${errorText(err)}`);
    } finally {
      this.busy = false;
    }
  }

  private setStatus(text: string): void {
    this.status.textContent = text;
  }
}
