import '@vscode-elements/elements/dist/vscode-button/index.js';
import * as THREE from 'three';
import { compareFrames, pointDistances, type CompareBasis } from '../../core/bodycompress/compareStats';
import { trajectoryStep } from '../../core/bodycompress/trajectorySampling';
import type { BodyCompressComparePage, BodyCompressComparison, BodyCompressFrame } from '../../protocol/bodyCompressProtocol';
import { el } from '../common/dom';
import { linePlot } from '../common/linePlot';
import { themeColor } from '../common/scene3d';
import { colorLegend, scaleMax } from './colorMap';
import { plural } from '../../core/plural';

const n = (v: number) => v.toLocaleString('en-US');
const mm = (v: number) => `${Number(v.toPrecision(3)).toLocaleString('en-US')} mm`;

export interface CompareHost {
  frame(frame: number): Promise<BodyCompressFrame | null>;
  stats(from: number, step: number): Promise<BodyCompressComparePage | null>;
  stop(): void;
}

/**
 * Comparing with a second file: its people drawn over this file's (small points in the editor's
 * foreground colour), this file's vertices coloured by the distance to the matched person of the
 * second (a fixed scale with its legend, in mm), and the per-frame mean and maximum distance per
 * person over the frames both files have. People are matched per frame by their centroids (least
 * total distance); bodies of different vertex counts are compared on their joints.
 */
export class CompareOverlay {
  readonly layer = new THREE.Group();
  readonly element = el('section', { class: 'compare-panel', id: 'compare-panel', 'aria-label': 'Comparison', hidden: true });
  private readonly message = el('p', { class: 'detail-info', id: 'compare-message', role: 'status' });
  private readonly legend = el('div', { class: 'legend-box', id: 'compare-legend' });
  private readonly plotSlot = el('div', { class: 'compare-plot', id: 'compare-plot' });
  private info: BodyCompressComparison | null = null;
  private other: BodyCompressFrame | null = null;
  private basis: CompareBasis = null;
  /** Per person slot of the frame shown: distance per vertex in metres (the colour map's unit). */
  private distances: (Float32Array | null)[] = [];
  private scaleMm: number | null = null;
  private generation = 0;
  private statsStarted = false;
  private own = { frames: 0, done: false };
  /** Vertex counts of the two frames compared last, for saying why they are compared on joints. */
  private vertexCounts: [number, number] | null = null;
  private readonly material: THREE.PointsMaterial;

  constructor(
    private readonly host: CompareHost,
    /** The comparison changed what the 3D view shows: redraw. */
    private readonly changed: () => void,
    private readonly seek: (frame: number) => void,
  ) {
    this.material = new THREE.PointsMaterial({
      color: new THREE.Color(themeColor('--vscode-editor-foreground', '#cccccc')),
      size: 2,
      sizeAttenuation: false,
      transparent: true,
      opacity: 0.85,
    });
    const stop = el(
      'vscode-button',
      { id: 'stop-compare', icon: 'close', secondary: true, title: 'Stop comparing and hide the second file' },
      'Stop comparing',
    );
    stop.addEventListener('click', () => host.stop());
    this.element.append(el('div', { class: 'toolbar' }, this.message, el('span', { class: 'spacer' }), this.legend, stop), this.plotSlot);
  }

  get active(): boolean {
    return this.info !== null;
  }

  /** The host's `compare` event: a comparison started or its file was indexed further (null: it stopped). */
  setComparison(info: BodyCompressComparison | null, own: { frames: number; done: boolean; length: number | null }, shown: BodyCompressFrame | null): void {
    const started = !this.info && info;
    this.info = info;
    if (!info) {
      this.generation++;
      this.element.hidden = true;
      this.statsStarted = false;
      this.scaleMm = null;
      this.setOther(null, null);
      this.plotSlot.replaceChildren();
      this.legend.replaceChildren();
      this.changed();
      return;
    }
    this.element.hidden = false;
    if (started && shown) void this.follow(shown);
    this.updateMessage(own);
    this.maybeStartStats(own);
  }

  /** This file's index moved on (the common frames may be known now). */
  ownIndexed(own: { frames: number; done: boolean; length: number | null }): void {
    if (!this.info) return;
    this.updateMessage(own);
    this.maybeStartStats(own);
  }

  /** Fetches the second file's frame for the frame drawn and compares them. */
  async follow(f: BodyCompressFrame): Promise<void> {
    if (!this.info) return;
    const gen = ++this.generation;
    let other: BodyCompressFrame | null;
    try {
      other = await this.host.frame(f.index);
    } catch {
      other = null;
    }
    if (gen !== this.generation || !this.info) return;
    this.setOther(f, other);
    this.updateMessage(this.own);
    this.changed();
  }

  /**
   * The frame as the 3D view should draw it while comparing: vertex "uncertainties" replaced by the
   * distances (metres, like uncertainties), with the top of the scale; unchanged otherwise.
   */
  decorate(f: BodyCompressFrame): { frame: BodyCompressFrame; scaleMax: number } | null {
    if (!this.info || this.basis !== 'vertices' || this.other === null || this.scaleMm === null || this.other.index !== f.index) return null;
    const persons = f.persons.map((p, i) => ({ ...p, vertexUncertainties: this.distances[i] ?? null }));
    return { frame: { ...f, persons }, scaleMax: this.scaleMm / 1000 };
  }

  dispose(): void {
    this.generation++;
    this.clearLayer();
    this.material.dispose();
  }

  private setOther(f: BodyCompressFrame | null, other: BodyCompressFrame | null): void {
    this.other = other;
    this.clearLayer();
    this.distances = [];
    this.basis = null;
    if (!f || !other) {
      this.element.dataset.basis = '';
      return;
    }
    for (const p of other.persons) {
      const pts = p.vertices?.length ? p.vertices : p.joints;
      if (!pts?.length) continue;
      const g = new THREE.BufferGeometry();
      g.setAttribute('position', new THREE.BufferAttribute(pts, 3));
      const points = new THREE.Points(g, this.material);
      points.frustumCulled = false;
      this.layer.add(points);
    }
    const c = compareFrames(f, other);
    this.basis = c.basis;
    this.vertexCounts = [f.vertexCount, other.vertexCount];
    this.element.dataset.basis = c.basis ?? 'none';
    if (c.basis === 'vertices') {
      this.distances = f.persons.map((p, i) => {
        const q = c.match[i]! >= 0 ? other.persons[c.match[i]!]?.vertices : null;
        if (!p.vertices || !q) return null;
        const d = pointDistances(p.vertices, q);
        for (let k = 0; k < d.length; k++) d[k] = d[k]! / 1000;
        return d;
      });
      if (this.scaleMm === null) {
        const all = this.distances.filter((d): d is Float32Array => !!d);
        if (all.length) {
          const joined = new Float32Array(all.reduce((s, d) => s + d.length, 0));
          let o = 0;
          for (const d of all) {
            joined.set(d, o);
            o += d.length;
          }
          // The scale is fixed on the first compared frame, so colours compare across frames.
          this.scaleMm = scaleMax(joined) * 1000;
          this.legend.replaceChildren(colorLegend(`Distance to ${this.info?.fileName ?? 'the other file'}`, '0 mm', mm(this.scaleMm)));
        }
      }
    }
    this.element.dataset.matched = Array.from(c.match).join(',');
  }

  private clearLayer(): void {
    for (const o of this.layer.children) (o as THREE.Points).geometry.dispose();
    this.layer.clear();
  }

  private updateMessage(own: { frames: number; done: boolean }): void {
    this.own = own;
    const info = this.info;
    if (!info) return;
    const theirs = info.index.frames;
    const parts = [`Comparing with ${info.fileName} (drawn as small points).`];
    if (!own.done || !info.index.done) parts.push(`Indexing: ${plural(own.frames, 'frame')} here and ${plural(theirs, 'frame')} there so far.`);
    else if (own.frames === theirs) parts.push(`Both files have ${plural(theirs, 'frame')}: all are compared.`);
    else {
      const common = Math.min(own.frames, theirs);
      parts.push(
        `The files differ in length (this file ${plural(own.frames, 'frame')}, ${info.fileName} ${plural(theirs, 'frame')}): frames 0–${n(Math.max(0, common - 1))}, the ${plural(common, 'frame')} both have, are compared.`,
      );
    }
    parts.push('People are matched per frame by their centroids (least total distance).');
    const counts = this.vertexCounts;
    if (this.basis === 'joints' && counts) {
      parts.push(`This frame is compared on its joints: the bodies have ${n(counts[0])} and ${n(counts[1])} vertices, so vertices are not coloured.`);
    } else if (this.basis === null && counts && this.other) parts.push('This frame cannot be compared: no common vertex or joint count.');
    if (info.index.error) parts.push(`${info.fileName}: ${info.index.error}.`);
    this.message.textContent = parts.join(' ');
    this.element.dataset.state = own.done && info.index.done ? 'indexed' : 'indexing';
  }

  /** Once both files are indexed: the distance plot over their common frames, a page at a time. */
  private maybeStartStats(own: { frames: number; done: boolean }): void {
    const info = this.info;
    if (!info || this.statsStarted || !own.done || !info.index.done) return;
    this.statsStarted = true;
    const common = Math.min(own.frames, info.index.frames);
    if (common === 0) {
      this.plotSlot.replaceChildren(el('p', { class: 'detail-info' }, 'The two files have no frame in common.'));
      return;
    }
    void this.readStats(common, this.generation);
  }

  private async readStats(common: number, gen0: number): Promise<void> {
    const step = trajectoryStep(common);
    const x: number[] = [];
    const rows: { mean: Float32Array; max: Float32Array; persons: number }[] = [];
    const basis = { vertices: 0, joints: 0, none: 0 };
    let differ = 0;
    let from: number | null = 0;
    const alive = () => this.info !== null && this.statsStarted && gen0 <= this.generation;
    try {
      while (from !== null && alive()) {
        const page: BodyCompressComparePage | null = await this.host.stats(from, step);
        if (!page || !alive()) return;
        page.frames.forEach((f, k) => {
          x.push(f);
          rows.push({
            mean: page.mean.subarray(k * page.persons, (k + 1) * page.persons),
            max: page.max.subarray(k * page.persons, (k + 1) * page.persons),
            persons: page.persons,
          });
        });
        basis.vertices += page.basis.vertices;
        basis.joints += page.basis.joints;
        basis.none += page.basis.none;
        differ += page.personCountsDiffer;
        from = page.next;
        this.drawStats(x, rows, step, basis, differ, from !== null);
      }
    } catch (err) {
      if (alive())
        this.plotSlot.replaceChildren(el('p', { class: 'detail-info' }, `The distances could not be read: ${(err as Error)?.message ?? String(err)}`));
    }
  }

  private drawStats(
    x: number[],
    rows: { mean: Float32Array; max: Float32Array; persons: number }[],
    step: number,
    basis: { vertices: number; joints: number; none: number },
    differ: number,
    more: boolean,
  ): void {
    const persons = rows.reduce((m, r) => Math.max(m, r.persons), 0);
    const series = [];
    for (let p = 0; p < persons; p++) {
      const mean = rows.map((r) => r.mean[p] ?? NaN);
      // A person never matched has no line (the summary says so).
      if (!mean.some(Number.isFinite)) continue;
      series.push({ label: `Person ${p + 1} mean`, values: mean });
      series.push({ label: `Person ${p + 1} max`, values: rows.map((r) => r.max[p] ?? NaN) });
    }
    const sampled = step > 1 ? `, every ${n(step)}th frame` : '';
    const plot = linePlot({
      title: `Distance per person (mm) over frames 0–${n(x[x.length - 1] ?? 0)}${sampled}`,
      x,
      series,
      legendLimit: 8,
      onPick: (f) => this.seek(f),
      width: 480,
      height: 140,
    });
    const notes: string[] = [];
    const total = basis.vertices + basis.joints + basis.none;
    if (basis.vertices === total) notes.push('Compared on vertices.');
    else {
      if (basis.joints) notes.push(`${plural(basis.joints, 'frame')} compared on joints: the vertex counts differ.`);
      if (basis.none) notes.push(`${plural(basis.none, 'frame')} not compared: no common vertex or joint count.`);
    }
    if (differ) notes.push(`${plural(differ, 'frame')} with different numbers of people: people without a partner have no distance.`);
    // Summary values for the reader (and the tests): the mean of the per-frame means, per person.
    const summary = Array.from({ length: persons }, (_, p) => {
      const v = rows.map((r) => r.mean[p] ?? NaN).filter(Number.isFinite);
      return v.length ? `Person ${p + 1}: mean ${mm(v.reduce((a, b) => a + b, 0) / v.length)}` : `Person ${p + 1}: no partner`;
    });
    const info = el('p', { class: 'detail-info', id: 'compare-summary' }, [...summary, ...notes].join(' · ') + (more ? ' (reading…)' : ''));
    this.plotSlot.replaceChildren(plot.element, info);
    this.plotSlot.dataset.samples = String(x.length);
    this.plotSlot.dataset.done = String(!more);
  }
}
