import * as THREE from 'three';
import type { BodyCompressFrame, BodyCompressPointRef } from '../../protocol/bodyCompressProtocol';
import { el } from '../common/dom';
import type { Scene3d } from '../common/scene3d';

/** How close (pixels) the pointer must come to a point to pick it. */
const PICK_RADIUS_PX = 10;
/** A second click within this time makes a double-click (the usual system setting's order). */
const DOUBLE_CLICK_MS = 300;
/** A press that moves further than this is an orbit or pan, not a click. */
const CLICK_SLOP_PX = 4;

/** A point under the pointer: which one, where it is (mm) and its uncertainty (mm) when known. */
export interface PickedPoint extends BodyCompressPointRef {
  frame: number;
  xyz: [number, number, number];
  uncertaintyMm: number | null;
}

/** What can be picked now: the frame drawn and which of its points are on screen. */
export interface PickSource {
  frame(): BodyCompressFrame | null;
  hidden(): ReadonlySet<number>;
  /** Whether vertices (points or mesh) and joints are drawn. */
  drawn(): { vertices: boolean; joints: boolean };
}

const fmt = (v: number) => v.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** The readout's text for a picked point: "Person 1 · joint 3 · x 12.5  y -3.0  z 4,012.0 mm · ±23.0 mm". */
export function pickText(p: PickedPoint): string {
  const [x, y, z] = p.xyz;
  const u = p.uncertaintyMm === null ? '' : ` · uncertainty ${fmt(p.uncertaintyMm)} mm`;
  return `Person ${p.person + 1} · ${p.kind} ${p.index} · x ${fmt(x)}, y ${fmt(y)}, z ${fmt(z)} mm${u}`;
}

/**
 * Hover and click picking in the 3D view: the drawn vertex or joint nearest the pointer on screen
 * (points projected with the view's camera; joints win within the radius, as they are drawn on top),
 * shown in a small readout by the cursor; a click pins it. Nothing is computed until the pointer
 * moves over the view, and at most once per animation frame.
 */
export class PointPicker {
  /** Carries the points' transform (mm → scene metres): added to the body layer by the page. */
  readonly anchor = new THREE.Group();
  readonly readout = el('div', { class: 'pick-readout', id: 'pick-readout', role: 'status', hidden: true });
  private pending: { x: number; y: number } | null = null;
  private scheduled = false;
  private down: { x: number; y: number } | null = null;
  private current: PickedPoint | null = null;
  private pinTimer: number | undefined;

  constructor(
    private readonly scene3d: Scene3d,
    private readonly source: PickSource,
    onPin: (p: PickedPoint) => void,
  ) {
    const target = scene3d.element;
    target.append(this.readout);
    target.addEventListener('pointermove', (e) => {
      this.pending = { x: e.clientX, y: e.clientY };
      if (this.scheduled) return;
      this.scheduled = true;
      requestAnimationFrame(() => {
        this.scheduled = false;
        if (this.pending) this.hover(this.pending.x, this.pending.y);
      });
    });
    target.addEventListener('pointerleave', () => {
      this.pending = null;
      this.show(null, 0, 0);
    });
    target.addEventListener('pointerdown', (e) => (this.down = { x: e.clientX, y: e.clientY }));
    target.addEventListener('pointerup', (e) => {
      const d = this.down;
      this.down = null;
      if (!d || Math.hypot(e.clientX - d.x, e.clientY - d.y) > CLICK_SLOP_PX) return;
      const p = this.pick(e.clientX, e.clientY);
      // Pin once it is clear this is no double-click (that focuses a person, and must not pin).
      window.clearTimeout(this.pinTimer);
      if (p) this.pinTimer = window.setTimeout(() => onPin(p), DOUBLE_CLICK_MS);
    });
    target.addEventListener('dblclick', () => window.clearTimeout(this.pinTimer));
  }

  /** The point under client position (x, y), or null. */
  pick(clientX: number, clientY: number): PickedPoint | null {
    const f = this.source.frame();
    const canvas = this.scene3d.ok ? this.scene3d.renderer.domElement : null;
    if (!f || !canvas) return null;
    const rect = canvas.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) return null;
    const camera = this.scene3d.camera;
    this.anchor.updateWorldMatrix(true, false);
    const toClip = new THREE.Matrix4().multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse).multiply(this.anchor.matrixWorld);
    const e = toClip.elements;
    const px = clientX - rect.left;
    const py = clientY - rect.top;
    const hidden = this.source.hidden();
    const drawn = this.source.drawn();
    let best: { ref: BodyCompressPointRef; d: number } | null = null;
    const scan = (points: Float32Array, person: number, kind: 'vertex' | 'joint') => {
      for (let i = 0; i + 2 < points.length; i += 3) {
        const x = points[i]!;
        const y = points[i + 1]!;
        const z = points[i + 2]!;
        const w = e[3] * x + e[7] * y + e[11] * z + e[15];
        if (!(w > 0)) continue;
        const sx = ((e[0] * x + e[4] * y + e[8] * z + e[12]) / w + 1) * 0.5 * rect.width;
        const sy = (1 - (e[1] * x + e[5] * y + e[9] * z + e[13]) / w) * 0.5 * rect.height;
        const d = Math.hypot(sx - px, sy - py);
        if (d <= PICK_RADIUS_PX && (!best || d < best.d)) best = { ref: { person, kind, index: i / 3 }, d };
      }
    };
    f.persons.forEach((p, person) => {
      if (hidden.has(person)) return;
      if (drawn.joints && p.joints) scan(p.joints, person, 'joint');
    });
    if (!best) {
      f.persons.forEach((p, person) => {
        if (!hidden.has(person) && drawn.vertices && p.vertices) scan(p.vertices, person, 'vertex');
      });
    }
    const found = best as { ref: BodyCompressPointRef; d: number } | null;
    return found ? pointOf(f, found.ref) : null;
  }

  /** The point hovered now, if any. */
  get hovered(): PickedPoint | null {
    return this.current;
  }

  private hover(x: number, y: number): void {
    const p = this.pick(x, y);
    const rect = this.scene3d.element.getBoundingClientRect();
    this.show(p, x - rect.left, y - rect.top);
  }

  private show(p: PickedPoint | null, x: number, y: number): void {
    this.current = p;
    this.readout.hidden = !p;
    if (!p) return;
    this.readout.textContent = pickText(p);
    this.readout.dataset.person = String(p.person);
    this.readout.dataset.kind = p.kind;
    this.readout.dataset.index = String(p.index);
    this.readout.dataset.frame = String(p.frame);
    // Below and right of the cursor, kept inside the view (CSSOM, which the CSP allows).
    const w = this.scene3d.element.clientWidth;
    const fits = x + 14 + this.readout.offsetWidth <= w;
    this.readout.style.left = `${Math.round(fits ? x + 14 : Math.max(0, w - this.readout.offsetWidth))}px`;
    this.readout.style.top = `${Math.round(y + 18)}px`;
  }
}

/** The picked point `ref` of frame `f`: its position and (for vertices, when loaded) uncertainty. */
export function pointOf(f: BodyCompressFrame, ref: BodyCompressPointRef): PickedPoint | null {
  const p = f.persons[ref.person];
  const pts = ref.kind === 'joint' ? p?.joints : p?.vertices;
  const i = ref.index * 3;
  if (!pts || i + 3 > pts.length) return null;
  const u = ref.kind === 'vertex' ? p?.vertexUncertainties?.[ref.index] : undefined;
  return { ...ref, frame: f.index, xyz: [pts[i]!, pts[i + 1]!, pts[i + 2]!], uncertaintyMm: u === undefined ? null : u * 1000 };
}
