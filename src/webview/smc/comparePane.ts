import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { SmcImageKind } from '../../protocol/smcProtocol';
import { el } from '../common/dom';
import { errorText } from '../common/errorText';
import { ImagePane } from './imagePane';
import type { SharedZoom } from './zoomPan';

type Select = HTMLElement & { value: string };

/**
 * A further camera beside the large one (side by side at the same frame): a camera picker above an
 * image pane that shares the large image's zoom and pan.
 */
export class ComparePane {
  readonly element: HTMLElement;
  readonly pane: ImagePane;
  private readonly select: Select;
  private readonly message: HTMLElement;

  constructor(index: number, cameras: string[], camera: string, zoom: SharedZoom, onPick: (camera: string) => void) {
    this.pane = new ImagePane(zoom, { image: `compare-image-${index}`, readout: `compare-readout-${index}` });
    this.select = el(
      'vscode-single-select',
      { class: 'compare-camera', 'aria-label': `Camera in pane ${index + 1}` },
      ...cameras.map((id) => el('vscode-option', { value: id, selected: id === camera }, `Camera ${id}`)),
    );
    this.select.addEventListener('change', () => onPick(this.select.value));
    this.message = el('span', { class: 'detail-info compare-message' });
    this.element = el(
      'div',
      { class: 'compare-pane', id: `compare-pane-${index}`, 'data-camera': camera },
      el('div', { class: 'pane-caption' }, this.select, this.message, this.pane.readout),
      this.pane.viewport,
    );
  }

  get camera(): string {
    return this.element.dataset.camera!;
  }

  /** Shows `camera`'s images of one frame (the layers of the current mode), or why there are none. */
  draw(camera: string, frame: number, kinds: SmcImageKind[], images: (ImageBitmap | null)[] | Error): void {
    this.element.dataset.camera = camera;
    if (this.select.value !== camera) this.select.value = camera;
    const missing = images instanceof Error ? null : kinds.find((_, i) => !images[i]);
    if (images instanceof Error || missing) {
      this.pane.clear();
      this.message.textContent =
        images instanceof Error ? `unreadable: ${errorText(images)}` : `no ${missing === 'color' ? 'colour image' : 'mask'} for frame ${frame}`;
    } else {
      this.pane.show(kinds.map((kind, i) => ({ kind, bitmap: images[i]! })));
      this.message.textContent = '';
    }
    this.element.dataset.loadedFrame = String(frame);
  }
}
