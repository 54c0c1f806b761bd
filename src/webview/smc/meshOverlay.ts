import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { SmcFlameWireframe, SmcProjectedMesh } from '../../protocol/smcProtocol';
import { el } from '../common/dom';
import { errorText } from '../common/errorText';
import { themeColor } from '../common/scene3d';
import type { SmcContext } from './context';
import { toCanvas } from './imageCoordinates';

/** What one camera and frame show: each mesh projected, or why it is not. */
export interface ProjectedMeshes {
  camera: string;
  flame: SmcProjectedMesh | null;
  scan: SmcProjectedMesh | null;
  /** Set when a mesh could not be projected (unreadable data); shown in the legend. */
  problem: string | null;
}

/**
 * The FLAME vertices of the current frame (points) and the scan (a wireframe) projected through the
 * large camera's calibration by the host (the same projection as the landmarks, distortion included),
 * drawn into a canvas of their own under the landmarks. Like the landmark canvas it covers the image
 * at its on-screen size, so marks keep their size at any zoom.
 */
export class MeshOverlay {
  readonly canvas: HTMLCanvasElement;
  /** The two checkboxes, next to the landmark ones. */
  readonly controls: HTMLElement;
  /** Legend entries for what is drawn (or why not), for the landmark legend's row. */
  readonly legend: HTMLElement = el('span', { class: 'mesh-legend', id: 'mesh-legend' });
  private shown: ProjectedMeshes | null = null;
  /** The static scan, projected once per camera. */
  private readonly scans = new Map<string, Promise<SmcProjectedMesh | null>>();
  /** FLAME's edges when the user set its faces (bodyCapture.templateFaces); points otherwise. */
  private flameFaces: SmcFlameWireframe = { status: 'none' };

  constructor(
    private readonly ctx: SmcContext,
    private readonly redraw: () => void,
  ) {
    this.canvas = el('canvas', { class: 'detail-overlay', id: 'camera-mesh-overlay', 'aria-hidden': 'true' });
    const box = (id: string, label: string, key: 'showFlame' | 'showScan', hidden: boolean) => {
      const b = el('vscode-checkbox', { id, label, checked: ctx.state.get(key), hidden }) as HTMLElement & { checked: boolean };
      b.addEventListener('change', () => {
        ctx.state.set({ [key]: b.checked });
        this.renderLegend();
        this.redraw();
      });
      return b;
    };
    this.controls = el(
      'span',
      { class: 'toolbar-group' },
      box('show-flame', 'FLAME mesh', 'showFlame', !this.hasFlame),
      box('show-scan', 'Scan', 'showScan', !this.hasScan),
    );
    const vertexCount = ctx.contents.flame?.parameters.find((p) => p.name === 'verts')?.shape[0];
    if (vertexCount) void this.loadFlameFaces(vertexCount);
  }

  private async loadFlameFaces(vertexCount: number): Promise<void> {
    try {
      this.flameFaces = await this.ctx.host.request('flameFaces', { vertexCount });
    } catch (err) {
      this.flameFaces = { status: 'error', path: '', message: errorText(err) };
    }
    this.legend.dataset.faces = this.flameFaces.status;
    this.renderLegend();
    this.redraw();
  }

  private get hasFlame(): boolean {
    return this.ctx.contents.flame?.parameters.some((p) => p.name === 'verts') ?? false;
  }

  private get hasScan(): boolean {
    return this.ctx.contents.scan !== null;
  }

  /** Whether this camera can show either mesh (it needs a calibration). */
  applies(camera: string | null): boolean {
    return camera !== null && (this.hasFlame || this.hasScan) && this.ctx.contents.calibratedCameras.includes(camera);
  }

  /** Asks the host for both projections; never rejects (a failure becomes `problem`). */
  async fetch(camera: string, frame: number): Promise<ProjectedMeshes | null> {
    if (!this.applies(camera)) return null;
    const { host } = this.ctx;
    let scan = this.scans.get(camera);
    if (!scan && this.hasScan) {
      scan = host.request('projectedScan', { camera });
      this.scans.set(camera, scan);
      void scan.catch(() => this.scans.delete(camera));
    }
    const [flame, scanMesh] = await Promise.allSettled([this.hasFlame ? host.request('projectedFlame', { camera, frame }) : null, scan ?? null]);
    const failed = [flame, scanMesh].find((r) => r.status === 'rejected');
    return {
      camera,
      flame: flame.status === 'fulfilled' ? flame.value : null,
      scan: scanMesh.status === 'fulfilled' ? scanMesh.value : null,
      problem: failed ? `The meshes cannot be projected: ${errorText(failed.reason)}` : null,
    };
  }

  set(meshes: ProjectedMeshes | null): void {
    this.shown = meshes;
    this.renderLegend();
  }

  private renderLegend(): void {
    const m = this.shown;
    if (!m) {
      this.legend.replaceChildren();
      return;
    }
    const { state } = this.ctx;
    const parts: HTMLElement[] = [];
    const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
    if (this.hasFlame && state.get('showFlame')) {
      const f = this.flameFaces;
      const vertices = m.flame ? count(m.flame.points.length / 2, 'vertex', 'vertices') : '';
      parts.push(
        el(
          'span',
          { class: 'legend-flame', id: 'legend-flame' },
          f.status === 'ok' ? '△ ' : '● ',
          !m.flame
            ? 'no FLAME vertices in this frame'
            : f.status === 'ok'
              ? `FLAME wireframe (${vertices}, faces from ${f.path.split(/[\\/]/).pop()})`
              : `FLAME (${vertices} as points: no faces in the file or in bodyCapture.templateFaces)`,
        ),
      );
      if (f.status === 'error') parts.push(el('span', { class: 'error-message', id: 'flame-faces-error' }, `FLAME faces not used: ${f.message}`));
    }
    if (this.hasScan && state.get('showScan') && m.scan) {
      const edges = (m.scan.edges?.length ?? 0) / 2;
      const thinned = edges < m.scan.totalEdges ? `, ${count(edges, 'edge')} of ${count(m.scan.totalEdges, 'edge')} drawn` : '';
      parts.push(el('span', { class: 'legend-scan', id: 'legend-scan' }, '▱ ', `scan (${count(m.scan.points.length / 2, 'vertex', 'vertices')}${thinned})`));
    }
    if (m.problem) parts.push(el('span', { class: 'error-message' }, m.problem));
    this.legend.replaceChildren(...parts);
  }

  /**
   * Draws into a canvas of `width` × `height` pixels at `s` canvas pixels per image pixel (the
   * stage sets its CSS size, as for the landmark canvas); `dpr` canvas pixels make one screen pixel.
   */
  draw(width: number, height: number, s: number, dpr: number): void {
    const canvas = this.canvas;
    // Called on every frame shown: reallocate the canvas only when its size changed.
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const g = canvas.getContext('2d')!;
    g.clearRect(0, 0, width, height);
    const m = this.shown;
    if (!m || width === 0) return;
    const { state } = this.ctx;
    const scan = state.get('showScan') ? m.scan : null;
    if (scan?.edges) {
      g.strokeStyle = themeColor('--vscode-charts-purple', '#b180d7');
      g.lineWidth = dpr;
      g.globalAlpha = 0.7;
      strokeEdges(g, scan.points, scan.edges, s);
      g.globalAlpha = 1;
    }
    const flame = state.get('showFlame') ? m.flame : null;
    const faces = this.flameFaces;
    if (flame && faces.status === 'ok') {
      g.strokeStyle = themeColor('--vscode-charts-blue', '#3794ff');
      g.lineWidth = dpr;
      strokeEdges(g, flame.points, faces.edges, s);
    } else if (flame) {
      // One path of 2-pixel squares (each covers at least one screen pixel fully): one fill for 5,000 vertices.
      g.fillStyle = themeColor('--vscode-charts-blue', '#3794ff');
      const r = dpr;
      const p = flame.points;
      g.beginPath();
      for (let i = 0; i + 1 < p.length; i += 2) {
        const x = toCanvas(p[i]!, s);
        const y = toCanvas(p[i + 1]!, s);
        if (Number.isFinite(x + y)) g.rect(x - r, y - r, 2 * r, 2 * r);
      }
      g.fill();
    }
  }
}

/** Lines between projected points (x, y pairs in image pixels), one path; edges with a point behind the camera are left out. */
function strokeEdges(g: CanvasRenderingContext2D, p: Float32Array, e: Uint32Array, s: number): void {
  g.beginPath();
  for (let i = 0; i + 1 < e.length; i += 2) {
    const ax = toCanvas(p[2 * e[i]!]!, s);
    const ay = toCanvas(p[2 * e[i]! + 1]!, s);
    const bx = toCanvas(p[2 * e[i + 1]!]!, s);
    const by = toCanvas(p[2 * e[i + 1]! + 1]!, s);
    if (!Number.isFinite(ax + ay + bx + by)) continue;
    g.moveTo(ax, ay);
    g.lineTo(bx, by);
  }
  g.stroke();
}
