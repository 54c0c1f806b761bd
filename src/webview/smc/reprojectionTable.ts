import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import type { SmcReprojectionTable } from '../../protocol/smcProtocol';
import { el } from '../common/dom';
import { errorText } from '../common/errorText';
import { LatestOnly, STALE } from '../common/latestReply';
import { table } from '../common/table';
import type { SmcContext } from './context';

const px = (v: number | null) => (v === null ? '—' : v.toFixed(2));
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * "Reprojection error by camera": every calibrated camera's landmark error at the current frame
 * (the frame's 3D landmarks projected through the camera vs its detected 2D landmarks), worst first,
 * with the cameras far above the median flagged, so a bad calibration stands out. Computed by the
 * host; a click on a row opens that camera.
 */
export class ReprojectionTable {
  readonly element: HTMLElement & { open: boolean };
  private readonly summary: HTMLElement;
  private readonly body: HTMLElement;
  private readonly latest = new LatestOnly();
  /** The frame shown, or -1 when the table must be asked for again once opened. */
  private shownFrame = -1;

  constructor(
    private readonly ctx: SmcContext,
    private readonly open: (camera: string) => void,
  ) {
    const c = ctx.contents;
    this.summary = el('p', { class: 'detail-info', id: 'reprojection-summary' });
    this.body = el('div', { class: 'reprojection-body' });
    this.element = el(
      'vscode-collapsible',
      {
        heading: 'Reprojection error by camera',
        id: 'reprojection-errors',
        class: 'reprojection-errors',
        open: true,
        hidden: !(c.hasKeypoints3d && c.keypoints2dCameras.length > 0 && c.calibratedCameras.length > 0),
      },
      this.summary,
      this.body,
    );
    this.element.addEventListener('vsc-collapsible-toggle', () => void this.update());
  }

  /** Shows the current frame's table (asked for only while the section is open and shown). */
  async update(): Promise<void> {
    const frame = this.ctx.playback.frame;
    if (this.element.hidden || !this.element.open || frame === this.shownFrame) return;
    this.element.dataset.loadedFrame = '';
    try {
      const t = await this.latest.run(() => this.ctx.host.request('reprojectionErrors', { frame }));
      if (t === STALE) return;
      this.render(frame, t);
    } catch (err) {
      this.summary.textContent = `The reprojection errors of frame ${frame} cannot be computed: ${errorText(err)}`;
      this.body.replaceChildren();
    }
    this.shownFrame = frame;
    this.element.dataset.loadedFrame = String(frame);
  }

  private render(frame: number, t: SmcReprojectionTable | null): void {
    if (!t) {
      this.summary.textContent = `Frame ${frame} has no 3D landmarks, so no reprojection error can be computed.`;
      this.body.replaceChildren();
      return;
    }
    const compared = t.rows.filter((r) => r.meanError !== null);
    const flagged = t.rows.filter((r) => r.flagged).map((r) => r.camera);
    this.summary.textContent = [
      `Frame ${frame}: the 3D landmarks projected through each camera vs its detected 2D landmarks`,
      `${compared.length} of ${plural(t.rows.length, 'calibrated camera')} with 2D landmarks`,
      t.median === null ? 'nothing to compare' : `median of the mean errors ${px(t.median)} px`,
      flagged.length === 0
        ? 'no camera stands out'
        : `${plural(flagged.length, 'camera')} far above the median (more than 3× and 2 px over it): ${flagged.join(', ')}`,
    ].join(' · ');
    // Cameras without 2D landmarks cannot be compared: one row names them all, after the ranked ones.
    const missing = t.rows.filter((r) => r.meanError === null).map((r) => r.camera);
    const rows = [
      ...compared.map((r) => [r.camera, String(r.landmarks), px(r.meanError), px(r.maxError), r.flagged ? '⚠ far above the median' : '']),
      ...(missing.length > 0 ? [[cameraRanges(missing), '0', '—', '—', `${plural(missing.length, 'camera')}, no 2D landmarks`]] : []),
    ];
    const node = table(['Camera', 'Landmarks', 'Mean (px)', 'Max (px)', ''], rows, { id: 'reprojection-table', class: 'reprojection-table' }, [
      '20%',
      '14%',
      '14%',
      '14%',
      '38%',
    ]);
    compared.forEach((r, i) => {
      const row = node.querySelectorAll('vscode-table-row')[i] as HTMLElement | undefined;
      if (!row) return;
      row.dataset.camera = r.camera;
      row.tabIndex = 0;
      row.title = `Open camera ${r.camera}`;
      row.classList.add('camera-row');
      if (r.flagged) row.classList.add('flagged');
      row.addEventListener('click', () => this.openCamera(r.camera));
      row.addEventListener('keydown', (e) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        e.preventDefault();
        this.openCamera(r.camera);
      });
    });
    this.body.replaceChildren(node);
  }

  /** Opens the camera large, with the page scrolled back up to it. */
  private openCamera(camera: string): void {
    this.open(camera);
    window.scrollTo({ top: 0 });
  }
}

/** Camera ids as ranges of consecutive numbers: "00–17, 33–59". */
export function cameraRanges(ids: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < ids.length;) {
    let j = i;
    while (j + 1 < ids.length && Number(ids[j + 1]) === Number(ids[j]) + 1) j++;
    out.push(j > i ? `${ids[i]}–${ids[j]}` : ids[i]!);
    i = j + 1;
  }
  return out.join(', ');
}
