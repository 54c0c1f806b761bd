import * as THREE from 'three';
import type { BodyCompressFrame } from '../../protocol/bodyCompressProtocol';
import { themeColor } from '../common/scene3d';
import { SLOT_COLOURS } from './bodyScene';
import { TrailBuffer } from './trailBuffer';

/** Size of a ghost vertex on screen, pixels (the bodies' own are 3). */
const GHOST_POINT_SIZE = 2;

const n = (v: number) => v.toLocaleString('en-US');

/**
 * Trails, to judge jitter: the N frames before and after the one shown as faded copies of the
 * people's points (fainter the further away), and each joint's path through those frames as a
 * line. Drawn in a layer of the 3D view; nothing is fetched or drawn while trails are off.
 */
export class Trails {
  readonly layer = new THREE.Group();
  private readonly buffer: TrailBuffer<BodyCompressFrame>;
  private centre: BodyCompressFrame | null = null;
  private hidden: ReadonlySet<number> = new Set();
  private count = 0;

  constructor(
    fetch: (frame: number) => Promise<BodyCompressFrame>,
    private readonly changed: () => void,
    /** Tells the page what the trail shows (the status line). */
    private readonly status: (text: string) => void,
  ) {
    this.buffer = new TrailBuffer(fetch, () => this.rebuild());
  }

  /** Follows the frame drawn: `n` frames each side (0 turns trails off). */
  follow(frame: BodyCompressFrame, n: number, available: number, hidden: ReadonlySet<number>): void {
    this.centre = frame;
    this.hidden = hidden;
    this.count = n;
    this.buffer.setWindow(frame.index, n, n > 0 ? available : 0);
    this.rebuild();
  }

  /** Ghost frames drawn now. */
  get ghostCount(): number {
    return this.layer.children.length ? this.buffer.ghosts().length : 0;
  }

  private rebuild(): void {
    this.clear();
    const centre = this.centre;
    if (!centre || this.count === 0) {
      this.status('');
      this.changed();
      return;
    }
    const ghosts = this.buffer.ghosts();
    for (const { offset, frame } of ghosts) {
      const fade = 1 - Math.abs(offset) / (this.count + 1);
      frame.persons.forEach((p, slot) => {
        if (this.hidden.has(slot) || !p.vertices?.length) return;
        const g = new THREE.BufferGeometry();
        g.setAttribute('position', new THREE.BufferAttribute(p.vertices, 3));
        const m = new THREE.PointsMaterial({
          color: slotColour(slot),
          size: GHOST_POINT_SIZE,
          sizeAttenuation: false,
          transparent: true,
          opacity: 0.45 * fade,
        });
        const points = new THREE.Points(g, m);
        points.frustumCulled = false;
        this.layer.add(points);
      });
    }
    this.addJointPaths([...ghosts.map((g) => g.frame), centre].sort((a, b) => a.index - b.index));
    const before = ghosts.filter((g) => g.offset < 0).length;
    const after = ghosts.length - before;
    this.status(
      `Trails: ${n(ghosts.length)} ghost ${ghosts.length === 1 ? 'frame' : 'frames'} (${n(before)} before, ${n(after)} after)` +
        (ghosts.length < this.buffer.size ? `, ${n(this.buffer.size - ghosts.length)} loading` : ''),
    );
    this.changed();
  }

  /** Each joint's path through the trail's frames, per person slot. */
  private addJointPaths(frames: BodyCompressFrame[]): void {
    const slots = frames.reduce((m, f) => Math.max(m, f.persons.length), 0);
    for (let slot = 0; slot < slots; slot++) {
      if (this.hidden.has(slot)) continue;
      const segments: number[] = [];
      for (let k = 1; k < frames.length; k++) {
        const a = frames[k - 1]!.persons[slot]?.joints;
        const b = frames[k]!.persons[slot]?.joints;
        if (a?.length !== b?.length || !a || !b) continue;
        for (let i = 0; i + 2 < a.length; i += 3) segments.push(a[i]!, a[i + 1]!, a[i + 2]!, b[i]!, b[i + 1]!, b[i + 2]!);
      }
      if (!segments.length) continue;
      const g = new THREE.BufferGeometry();
      g.setAttribute('position', new THREE.Float32BufferAttribute(segments, 3));
      const lines = new THREE.LineSegments(g, new THREE.LineBasicMaterial({ color: slotColour(slot).offsetHSL(0, 0, -0.22), transparent: true, opacity: 0.9 }));
      lines.frustumCulled = false;
      this.layer.add(lines);
    }
  }

  private clear(): void {
    for (const o of [...this.layer.children]) {
      const x = o as THREE.Points;
      x.geometry.dispose();
      (x.material as THREE.Material).dispose();
    }
    this.layer.clear();
  }

  dispose(): void {
    this.clear();
  }
}

/** The colour of person slot i, as the 3D view draws it. */
export function slotColour(i: number): THREE.Color {
  const [variable, fallback] = SLOT_COLOURS[i % SLOT_COLOURS.length]!;
  const c = new THREE.Color(themeColor(variable, fallback));
  if (i >= SLOT_COLOURS.length) c.offsetHSL(0, 0, 0.15 * Math.floor(i / SLOT_COLOURS.length));
  return c;
}
