import { contactSheetLayout, thumbnailAt } from '../../core/extract/contactSheetLayout';
import type { SmcImageKind } from '../../protocol/smcProtocol';
import { errorText } from '../common/errorText';
import type { SmcContext } from './context';
import { drawLayers } from './imageTiles';

/** The sheet's background and the label boxes (the extraction's preview uses the same grey). */
const BACKGROUND = '#181818';

/**
 * Export Contact Sheet: every camera at the current frame as one PNG grid (the extraction's layout,
 * contactSheetLayout.ts), in the Cameras tab's image mode, each thumbnail labelled with its camera
 * id; composed here from the thumbnails the editor decodes, and saved by the host.
 */
export async function exportContactSheet(ctx: SmcContext, setStatus: (text: string) => void): Promise<void> {
  const { contents: c, playback, state, host } = ctx;
  const frame = playback.frame;
  const mode = state.get('mode');
  const kinds: SmcImageKind[] = mode === 'overlay' ? ['color', 'mask'] : [mode];
  const [w, h] = ctx.imageSize;
  const layout = contactSheetLayout(c.cameras.length, h, w);
  const sheet = document.createElement('canvas');
  sheet.width = layout.width;
  sheet.height = layout.height;
  const out = sheet.getContext('2d')!;
  out.fillStyle = BACKGROUND;
  out.fillRect(0, 0, sheet.width, sheet.height);
  const tile = document.createElement('canvas');
  tile.width = layout.thumbWidth;
  tile.height = layout.thumbHeight;
  const font = Math.max(10, Math.round(layout.thumbHeight / 12));
  let missing = 0;
  setStatus(`Composing the contact sheet of ${c.cameras.length} cameras…`);
  for (const [i, cam] of c.cameras.entries()) {
    const [x, y] = thumbnailAt(layout, i);
    let note = '';
    try {
      const images = await Promise.all(
        kinds.map((kind) => ctx.image(`${kind}/${cam.id}/${frame}`, () => host.request('image', { camera: cam.id, kind, frame }), layout.thumbWidth)),
      );
      if (images.every((b) => b)) {
        tile.getContext('2d')!.clearRect(0, 0, tile.width, tile.height);
        drawLayers(tile, images as ImageBitmap[]);
        out.drawImage(tile, x, y);
      } else note = 'no image';
    } catch (err) {
      note = `unreadable: ${errorText(err)}`;
    }
    if (note) missing++;
    label(out, note ? `${cam.id} · ${note}` : cam.id, x, y, font);
  }
  const blob = await new Promise<Blob | null>((resolve) => sheet.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the sheet could not be encoded as PNG');
  const { saved } = await host.request('saveContactSheet', { png: new Uint8Array(await blob.arrayBuffer()), frame });
  const gaps = missing ? ` (${missing} of ${c.cameras.length} cameras without an image)` : '';
  setStatus(saved ? `Saved ${saved}${gaps}` : '');
}

/** The camera id in the thumbnail's top-left corner, light on a dark box so it reads on any image. */
function label(out: CanvasRenderingContext2D, text: string, x: number, y: number, size: number): void {
  out.font = `${size}px sans-serif`;
  out.textBaseline = 'top';
  const pad = Math.round(size / 4);
  const width = out.measureText(text).width;
  out.fillStyle = 'rgba(0, 0, 0, 0.7)';
  out.fillRect(x, y, width + 2 * pad, size + 2 * pad);
  out.fillStyle = '#ffffff';
  out.fillText(text, x + pad, y + pad);
}
