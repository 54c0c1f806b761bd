import type { SmcCameraCalibration } from '../../protocol/smcProtocol';
import { copyButton } from '../common/clipboard';
import { el } from '../common/dom';
import { table } from '../common/table';
import type { SmcContext } from './context';

/**
 * The Calibration tab: K, D and RT (camera-to-world, metres) of every camera in a table, each row
 * and the whole rig copyable as JSON in the reference reader's layout ({camera: {K, D, RT}}).
 */
export class CalibrationView {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private loaded = false;

  constructor(private readonly ctx: SmcContext) {
    this.body = el('div', { class: 'calibration-body' }, el('p', { class: 'loading' }, 'Reading the calibration…'));
    this.element = el('section', { class: 'calibration-view' }, this.body);
  }

  show(): void {
    if (this.loaded) return;
    this.loaded = true;
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const cameras = await this.ctx.host.request('calibration', null);
      if (cameras.length === 0) {
        this.body.replaceChildren(el('p', { class: 'note' }, 'These files hold no calibration.'));
        return;
      }
      const write = (text: string) => this.ctx.host.request('copyText', { text });
      const all = () => cameraJson(cameras);
      this.body.replaceChildren(
        el(
          'div',
          { class: 'toolbar' },
          copyButton('Copy all as JSON', all, write, { id: 'copy-calibration' }),
          el(
            'span',
            { class: 'detail-info' },
            `${cameras.length} cameras · K in pixels of the stored images · D = (k1, k2, p1, p2, k3) · RT camera-to-world in metres (world y points down)`,
          ),
        ),
        table(
          ['Camera', 'K (intrinsics)', 'D', 'RT (camera-to-world)', 'Centre (m)', ''],
          cameras.map((c) => [
            c.id,
            matrix(c.K, 2),
            matrix(
              c.D.map((v) => [v]),
              4,
            ),
            matrix(c.RT, 4),
            matrix(
              c.RT.slice(0, 3).map((r) => [r[3]!]),
              3,
            ),
            copyButton('JSON', () => cameraJson([c]), write, { 'data-camera': c.id }),
          ]),
          { id: 'calibration-table', class: 'calibration-table' },
          ['7%', '26%', '12%', '31%', '11%', '13%'],
        ),
      );
    } catch (err) {
      this.body.replaceChildren(el('p', { class: 'error-message' }, `The calibration cannot be read: ${(err as Error)?.message ?? err}`));
    }
  }
}

/**
 * {"00": {"K": …, "D": …, "RT": …}, …} in camera order. Written by hand: JSON.stringify of an object
 * would put "10".."59" before "00".."09" (JavaScript lists integer-like keys first).
 */
function cameraJson(cameras: SmcCameraCalibration[]): string {
  const entries = cameras.map((c) => {
    const fields = [`"K": ${JSON.stringify(c.K)}`, `"D": ${JSON.stringify(c.D)}`, `"RT": ${JSON.stringify(c.RT)}`];
    return `  ${JSON.stringify(c.id)}: {\n    ${fields.join(',\n    ')}\n  }`;
  });
  return `{\n${entries.join(',\n')}\n}`;
}

/** A matrix as aligned rows of numbers. */
function matrix(m: number[][], digits: number): HTMLElement {
  return el('div', { class: 'matrix' }, ...m.map((row) => el('div', { class: 'matrix-row' }, ...row.map((v) => el('span', {}, fixed(v, digits))))));
}

function fixed(v: number, digits: number): string {
  return (Object.is(v, -0) ? 0 : v).toFixed(digits);
}
