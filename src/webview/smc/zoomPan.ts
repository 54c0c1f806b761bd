import { clampPan, IDENTITY, panBy, wheelFactor, zoomAt, type Size, type ZoomTransform } from './zoomMath';

/**
 * One zoom/pan transform shared by every image pane that shows it (side-by-side cameras move
 * together, so the same region of each is compared).
 */
export class SharedZoom {
  private t: ZoomTransform = IDENTITY;
  private readonly listeners: ((t: ZoomTransform) => void)[] = [];

  get transform(): ZoomTransform {
    return this.t;
  }

  get isFit(): boolean {
    return this.t.scale === 1 && this.t.tx === 0 && this.t.ty === 0;
  }

  set(t: ZoomTransform): void {
    this.t = t;
    for (const l of this.listeners) l(t);
  }

  reset(): void {
    this.set(IDENTITY);
  }

  /** Calls `listener` on every change until the returned function is called. */
  onChange(listener: (t: ZoomTransform) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }
}

/** What a pane's viewport offers to zoom into: its size and the largest useful scale. */
export type ZoomLimits = () => { viewport: Size; maxScale: number } | null;

/**
 * Wheel zoom about the cursor and drag-to-pan on `viewport`. The transform is applied by the
 * owner (to one element holding the image and every overlay), so canvases keep image resolution.
 */
export function attachZoomPan(viewport: HTMLElement, zoom: SharedZoom, limits: ZoomLimits): void {
  viewport.addEventListener(
    'wheel',
    (e) => {
      const lim = limits();
      if (!lim || e.ctrlKey) return;
      e.preventDefault();
      const r = viewport.getBoundingClientRect();
      zoom.set(zoomAt(zoom.transform, wheelFactor(e.deltaY, e.deltaMode), e.clientX - r.left, e.clientY - r.top, lim.viewport, lim.maxScale));
    },
    { passive: false },
  );
  let drag: { x: number; y: number; id: number } | null = null;
  viewport.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 || zoom.isFit) return;
    drag = { x: e.clientX, y: e.clientY, id: e.pointerId };
    viewport.setPointerCapture(e.pointerId);
    viewport.classList.add('dragging');
  });
  viewport.addEventListener('pointermove', (e) => {
    const lim = limits();
    if (drag?.id !== e.pointerId || !lim) return;
    zoom.set(panBy(zoom.transform, e.clientX - drag.x, e.clientY - drag.y, lim.viewport));
    drag = { ...drag, x: e.clientX, y: e.clientY };
  });
  const end = (e: PointerEvent) => {
    if (drag?.id !== e.pointerId) return;
    drag = null;
    viewport.classList.remove('dragging');
  };
  viewport.addEventListener('pointerup', end);
  viewport.addEventListener('pointercancel', end);
}

/** Shows the transform on the element that holds the image and its overlays. */
export function applyTransform(stage: HTMLElement, t: ZoomTransform, viewport: Size): void {
  const c = clampPan(t, viewport);
  stage.style.transform = c.scale === 1 && c.tx === 0 && c.ty === 0 ? '' : `translate(${c.tx}px, ${c.ty}px) scale(${c.scale})`;
}
