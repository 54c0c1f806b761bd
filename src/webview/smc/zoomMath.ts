/**
 * Zoom and pan of an image shown in a fixed viewport, as pure maths (no DOM, unit-tested). The
 * image is laid out at its "fit" size (base × base·aspect CSS pixels); the view scales it by `scale`
 * and shifts it by (tx, ty) CSS pixels, i.e. a content point p is shown at tx + scale·p.
 */
export interface ZoomTransform {
  scale: number;
  tx: number;
  ty: number;
}

export const IDENTITY: ZoomTransform = { scale: 1, tx: 0, ty: 0 };

/** Zooming out stops at the fit size; zooming in at this many screen pixels per image pixel. */
export const MAX_PIXELS_PER_IMAGE_PIXEL = 32;

export interface Size {
  width: number;
  height: number;
}

/**
 * Scales by `factor` about the viewport point (px, py), so the content under it stays under it,
 * then keeps the content covering the viewport (see clampPan). `maxScale` bounds the zoom.
 */
export function zoomAt(t: ZoomTransform, factor: number, px: number, py: number, viewport: Size, maxScale: number): ZoomTransform {
  const scale = Math.min(Math.max(t.scale * factor, 1), Math.max(1, maxScale));
  const k = scale / t.scale;
  return clampPan({ scale, tx: px - (px - t.tx) * k, ty: py - (py - t.ty) * k }, viewport);
}

/** Moves by (dx, dy) viewport pixels, within the limits of clampPan. */
export function panBy(t: ZoomTransform, dx: number, dy: number, viewport: Size): ZoomTransform {
  return clampPan({ scale: t.scale, tx: t.tx + dx, ty: t.ty + dy }, viewport);
}

/**
 * The content (viewport-sized at scale 1) may not be dragged away from the viewport's edges: the
 * scaled content always covers the viewport, so no empty band appears beside the image.
 */
export function clampPan(t: ZoomTransform, viewport: Size): ZoomTransform {
  const clamp = (v: number, size: number) => Math.min(0, Math.max(size - size * t.scale, v));
  return { scale: t.scale, tx: clamp(t.tx, viewport.width), ty: clamp(t.ty, viewport.height) };
}

/**
 * The image pixel (column, row) under a point given relative to the shown image's top-left corner,
 * with the shown size in the same units; null outside the image.
 */
export function imagePixelAt(x: number, y: number, shown: Size, image: Size): { x: number; y: number } | null {
  if (shown.width <= 0 || shown.height <= 0) return null;
  const ix = Math.floor((x / shown.width) * image.width);
  const iy = Math.floor((y / shown.height) * image.height);
  if (ix < 0 || iy < 0 || ix >= image.width || iy >= image.height) return null;
  return { x: ix, y: iy };
}

/** The viewport point (relative to the viewport) where the centre of image pixel (ix, iy) is shown. */
export function viewportPointOf(ix: number, iy: number, t: ZoomTransform, base: Size, image: Size): { x: number; y: number } {
  return { x: t.tx + t.scale * ((ix + 0.5) * (base.width / image.width)), y: t.ty + t.scale * ((iy + 0.5) * (base.height / image.height)) };
}

/** The wheel's zoom factor: one notch (deltaY ±100) zooms by 1.25×; trackpads give smaller steps. */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const pixels = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.pow(1.25, -Math.max(-3, Math.min(3, pixels / 100)));
}
