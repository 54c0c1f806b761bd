import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type * as THREE from 'three';
import type { BodyCompressComparison, BodyCompressFrame, BodyCompressIndexState } from '../../protocol/bodyCompressProtocol';
import { el } from '../common/dom';
import type { Scene3d } from '../common/scene3d';
import type { BodyCompressHost } from './bodyCompressHost';
import { CompareOverlay } from './compare';
import { pickText, PointPicker, pointOf } from './picking';
import { PinnedPoint } from './pinnedPoint';
import { Trails } from './trails';

/** Trail length bounds (frames each side): beyond 10 the ghosts hide the body they are meant to judge. */
const MAX_TRAIL = 10;
const DEFAULT_TRAIL = 3;

/** What the tools need from the page. */
export interface ToolsPage {
  scene3d: Scene3d;
  /** Adds a layer drawn in the bodies' coordinates (mm). */
  addLayer(layer: THREE.Object3D): void;
  frame(): BodyCompressFrame | null;
  hidden(): ReadonlySet<number>;
  drawn(): { vertices: boolean; joints: boolean };
  /** Frames that can be shown (indexed) and whether indexing is done. */
  index(): BodyCompressIndexState;
  claimedLength: number | null;
  fps: number;
  seek(frame: number): void;
  /** The tools changed what the 3D view shows (distance colours): draw the frame again. */
  redraw(): void;
  requestRender(): void;
}

type Field = HTMLElement & { value: string };
type Checkbox = HTMLElement & { checked: boolean };

/**
 * The viewer tools of the BodyCompress editor, in one row above the 3D view and panels below it:
 * picking (hover readout, click to pin a point and plot its path), trails of the frames around
 * the one shown, and comparing with a second file. The page calls `drew` for each frame drawn;
 * with every tool off that costs nothing.
 */
export class BodyTools {
  readonly toolbar: HTMLElement;
  readonly panels: HTMLElement;
  private readonly picker: PointPicker;
  private readonly pinned: PinnedPoint;
  private readonly trails: Trails;
  private readonly compare: CompareOverlay;
  private readonly trailBox: Checkbox;
  private readonly trailField: Field;
  private readonly trailStatus = el('span', { class: 'detail-info', id: 'trail-status', role: 'status' });
  private readonly compareButton: HTMLElement;

  constructor(
    host: BodyCompressHost,
    private readonly page: ToolsPage,
  ) {
    this.picker = new PointPicker(page.scene3d, page, (p) => void this.pinned.pin(p, page.index().frames));
    this.pinned = new PinnedPoint(
      (ref, from, step) => host.request('trajectory', { ...ref, from, step }),
      (f) => page.seek(f),
      page.fps,
    );
    this.trails = new Trails(
      (frame) => host.request('frame', { frame, uncertainties: false }),
      () => page.requestRender(),
      (text) => (this.trailStatus.textContent = text),
    );
    this.compare = new CompareOverlay(
      {
        frame: (frame) => host.request('compareFrame', { frame }),
        stats: (from, step) => host.request('compareStats', { from, step }),
        stop: () => void host.request('stopCompare', null),
      },
      () => page.redraw(),
      (f) => page.seek(f),
    );
    for (const layer of [this.picker.anchor, this.trails.layer, this.compare.layer]) page.addLayer(layer);

    this.trailBox = el('vscode-checkbox', {
      id: 'show-trails',
      label: 'Trails',
      title: 'Faded copies of the frames before and after, and each joint’s path through them',
    });
    this.trailField = el('vscode-textfield', {
      id: 'trail-length',
      type: 'number',
      min: 1,
      max: MAX_TRAIL,
      value: String(DEFAULT_TRAIL),
      'aria-label': 'Trail frames on each side',
      title: `Frames on each side (1–${MAX_TRAIL})`,
    });
    this.trailBox.addEventListener('change', () => this.updateTrails());
    this.trailField.addEventListener('change', () => this.updateTrails());
    this.compareButton = el(
      'vscode-button',
      { id: 'compare-with', icon: 'diff', secondary: true, title: 'Overlay a second BodyCompress file and plot the distances' },
      'Compare…',
    );
    this.compareButton.addEventListener('click', () => void host.request('compareWith', null));
    this.toolbar = el(
      'div',
      { class: 'toolbar tools-toolbar' },
      this.trailBox,
      this.trailField,
      el('span', { class: 'detail-info' }, 'frames each side'),
      this.trailStatus,
      this.compareButton,
    );
    this.panels = el('div', { class: 'tool-panels' }, this.pinned.element, this.compare.element);
  }

  /** The page drew `f` (the frame as read, before any distance colours). */
  drew(f: BodyCompressFrame): void {
    this.pinned.setFrame(f.index);
    if (this.trailBox.checked) this.trails.follow(f, this.trailLength(), this.page.index().frames, this.page.hidden());
    if (this.compare.active) void this.compare.follow(f);
    // The readout follows the frame under a resting pointer.
    const h = this.picker.hovered;
    if (h) {
      const p = pointOf(f, h);
      if (p) this.picker.readout.textContent = pickText(p);
    }
  }

  /** The frame with distance colours while comparing (and the top of their scale), else null. */
  decorate(f: BodyCompressFrame): { frame: BodyCompressFrame; scaleMax: number } | null {
    return this.compare.decorate(f);
  }

  indexed(s: BodyCompressIndexState): void {
    this.compare.ownIndexed({ frames: s.frames, done: s.done, length: this.page.claimedLength });
  }

  setComparison(c: BodyCompressComparison | null): void {
    const s = this.page.index();
    this.compare.setComparison(c, { frames: s.frames, done: s.done, length: this.page.claimedLength }, this.page.frame());
  }

  dispose(): void {
    this.pinned.unpin();
    this.trails.dispose();
    this.compare.dispose();
  }

  private trailLength(): number {
    const v = Math.round(Number(this.trailField.value));
    return Number.isFinite(v) ? Math.min(MAX_TRAIL, Math.max(1, v)) : DEFAULT_TRAIL;
  }

  private updateTrails(): void {
    const f = this.page.frame();
    const n = this.trailBox.checked ? this.trailLength() : 0;
    if (f) this.trails.follow(f, n, this.page.index().frames, this.page.hidden());
  }
}
