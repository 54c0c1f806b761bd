import * as THREE from 'three';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { SmcCameraCalibration, SmcMesh } from '../../protocol/smcProtocol';
import { el } from '../common/dom';
import { LatestOnly, STALE } from '../common/latestReply';
import { Scene3d, themeColor } from '../common/scene3d';
import type { SmcContext, SmcViewState } from './context';

/** Depth of the drawn camera frustums, metres (the rig's cameras stand 1.1-1.6 m from the head). */
const FRUSTUM_DEPTH = 0.12;
type Layer = keyof SmcViewState['layers'];

/**
 * The 3D tab: the calibrated camera rig (a labelled frustum per camera; clicking one opens its
 * image), the current frame's 3D landmarks and FLAME vertices (following the timeline), and the
 * static scan mesh. RenderMe360's world has y pointing down, so the view's up is -y.
 */
export class RigView {
  readonly element: HTMLElement;
  /** The 3D view (Export Video… records it). */
  readonly scene3d: Scene3d;
  private readonly rig = new THREE.Group();
  private readonly head = new THREE.Group();
  private readonly layers: Record<Layer, THREE.Object3D> = {
    rig: this.rig,
    keypoints: new THREE.Group(),
    flame: new THREE.Group(),
    scan: new THREE.Group(),
  };
  private readonly pickables: THREE.Object3D[] = [];
  private readonly status: HTMLElement;
  /** What the colours mean, and what the current frame lacks. */
  private readonly legend: HTMLElement;
  private readonly landmarksKey: HTMLElement;
  /** Says why a clicked camera cannot be opened. */
  private readonly message: HTMLElement;
  private visible = false;
  /** The points shown are those of the frame asked for last. */
  private readonly latest = new LatestOnly();
  private scanRequested = false;
  private fitted = false;

  constructor(private readonly ctx: SmcContext) {
    this.scene3d = new Scene3d({ up: [0, -1, 0], viewFrom: [0, -0.35, -1] });
    this.status = el('span', { class: 'detail-info', id: 'rig-status' });
    const c = ctx.contents;
    const available: Record<Layer, boolean> = {
      rig: c.calibratedCameras.length > 0,
      keypoints: c.hasKeypoints3d,
      flame: !!c.flame?.parameters.some((p) => p.name === 'verts'),
      scan: c.scan !== null,
    };
    const labels: Record<Layer, string> = {
      rig: `Cameras (${c.calibratedCameras.length})`,
      keypoints: '3D landmarks',
      flame: 'FLAME vertices',
      scan: c.scan ? `Scan mesh (${c.scan.vertices.toLocaleString('en-US')} vertices)` : 'Scan mesh',
    };
    const boxes = (Object.keys(labels) as Layer[])
      .filter((l) => available[l])
      .map((l) => {
        const box = el('vscode-checkbox', { label: labels[l], checked: ctx.state.get('layers')[l], id: `layer-${l}` }) as HTMLElement & { checked: boolean };
        box.addEventListener('change', () => {
          ctx.state.set({ layers: { ...ctx.state.get('layers'), [l]: box.checked } });
          this.applyLayers();
          void this.update();
        });
        return box;
      });
    const fitRig = el('vscode-button', { secondary: true, icon: 'screen-full', id: 'fit-rig' }, 'Fit rig');
    fitRig.addEventListener('click', () => this.scene3d.fit(this.rig.children.length ? this.rig : this.head));
    const fitHead = el('vscode-button', { secondary: true, icon: 'zoom-in', id: 'fit-head' }, 'Fit head');
    fitHead.addEventListener('click', () => this.scene3d.fit(this.head, 1.4));
    this.landmarksKey = el('span', { class: 'legend-landmarks', id: 'legend-3d-landmarks' });
    const frontal = c.keypoints2dCameras;
    this.legend = el(
      'div',
      { class: 'rig-legend', id: 'rig-legend' },
      available.rig && frontal.length > 0
        ? el('span', { class: 'legend-frontal', id: 'legend-frontal' }, '■ ', `cameras with 2D landmarks (${cameraRange(frontal)})`)
        : null,
      available.rig ? el('span', { class: 'legend-camera' }, '■ ', frontal.length > 0 ? 'other cameras' : 'cameras') : null,
      available.keypoints ? this.landmarksKey : null,
      available.flame ? el('span', { class: 'legend-flame' }, '● ', 'FLAME vertices') : null,
    );
    this.message = el('p', { class: 'note rig-message', id: 'rig-message', role: 'status', hidden: true });
    this.element = el(
      'section',
      { class: 'rig-view' },
      el('div', { class: 'toolbar' }, ...boxes, el('span', { class: 'spacer' }), this.status, fitHead, fitRig),
      el('p', { class: 'note scene3d-help' }, 'Drag to orbit, right-drag to pan, scroll to zoom. Click a camera or its label to open its image.'),
      this.legend,
      this.message,
      this.scene3d.element,
    );
    if (!this.scene3d.ok) return;
    this.head.add(this.layers.keypoints, this.layers.flame, this.layers.scan);
    this.scene3d.scene.add(this.rig, this.head);
    this.scene3d.setGrid(2);
    this.scene3d.onViewChange(() => ctx.state.set({ view3d: this.scene3d.view }));
    this.scene3d.onPick(
      () => this.pickables,
      (o) => this.openCamera(o.userData.camera as string),
    );
    this.applyLayers();
  }

  show(): void {
    this.visible = true;
    void this.update();
    if (!this.rig.children.length && this.ctx.contents.calibratedCameras.length > 0) void this.loadRig();
    this.scene3d.requestRender();
  }

  hide(): void {
    this.visible = false;
  }

  onFrame(): Promise<void> | void {
    if (this.visible) return this.update();
  }

  private applyLayers(): void {
    const on = this.ctx.state.get('layers');
    for (const [name, obj] of Object.entries(this.layers)) obj.visible = on[name as Layer];
    this.scene3d.requestRender();
  }

  private async loadRig(): Promise<void> {
    try {
      const cameras = await this.ctx.host.request('calibration', null);
      this.buildRig(cameras);
      this.fitInitialView();
    } catch (err) {
      this.status.textContent = `Calibration unreadable: ${(err as Error)?.message ?? err}`;
    }
  }

  private buildRig(cameras: SmcCameraCalibration[]): void {
    if (!this.scene3d.ok) return;
    const [w, h] = this.ctx.imageSize;
    const frontal = new Set(this.ctx.contents.keypoints2dCameras);
    const colour = (id: string) =>
      new THREE.Color(themeColor(frontal.has(id) ? '--vscode-charts-orange' : '--vscode-charts-blue', frontal.has(id) ? '#d18616' : '#3794ff'));
    for (const cam of cameras) {
      const { K, RT } = cam;
      const [fx, , cx] = K[0]!;
      const fy = K[1]![1]!;
      const cy = K[1]![2]!;
      if (!fx || !fy) continue;
      const c2w = new THREE.Matrix4().set(...(RT.flat() as Parameters<THREE.Matrix4['set']>));
      const centre = new THREE.Vector3().setFromMatrixPosition(c2w);
      const corners = [
        [0, 0],
        [w, 0],
        [w, h],
        [0, h],
      ].map(([u, v]) => new THREE.Vector3(((u! - cx!) / fx) * FRUSTUM_DEPTH, ((v! - cy) / fy) * FRUSTUM_DEPTH, FRUSTUM_DEPTH).applyMatrix4(c2w));
      const lines: THREE.Vector3[] = [];
      corners.forEach((p, i) => lines.push(centre, p, p, corners[(i + 1) % 4]!));
      const material = new THREE.LineBasicMaterial({ color: colour(cam.id) });
      const frustum = new THREE.LineSegments(new THREE.BufferGeometry().setFromPoints(lines), material);
      // The image plane, faintly filled, is what a click hits.
      const plane = new THREE.Mesh(
        new THREE.BufferGeometry().setFromPoints([corners[0]!, corners[1]!, corners[2]!, corners[0]!, corners[2]!, corners[3]!]),
        new THREE.MeshBasicMaterial({ color: colour(cam.id), transparent: true, opacity: 0.12, side: THREE.DoubleSide, depthWrite: false }),
      );
      plane.userData.camera = cam.id;
      this.pickables.push(plane);
      const hasImages = this.ctx.contents.cameras.some((c) => c.id === cam.id);
      const label = this.scene3d.label(cam.id, centre, {
        className: `${frontal.has(cam.id) ? 'frontal' : ''}${hasImages ? '' : ' no-images'}`,
        title: hasImages ? `Open camera ${cam.id}` : `Camera ${cam.id} has no images in this file`,
        onClick: () => this.openCamera(cam.id),
      });
      this.rig.add(frustum, plane, label);
    }
    this.status.textContent = `${cameras.length} calibrated cameras`;
    this.scene3d.requestRender();
  }

  /** Opens a camera's image in the Cameras tab, or says why it has none (calibrated but no images). */
  private openCamera(id: string): void {
    const hasImages = this.ctx.contents.cameras.some((c) => c.id === id);
    this.message.hidden = hasImages;
    this.message.textContent = hasImages ? '' : `Camera ${id} has no images in this file.`;
    if (hasImages) this.ctx.openCamera(id);
  }

  private fitInitialView(): void {
    if (this.fitted) return;
    this.fitted = true;
    const saved = this.ctx.state.get('view3d');
    if (saved) this.scene3d.view = saved;
    else this.scene3d.fit(this.rig.children.length ? this.rig : this.head);
  }

  /** The current frame's landmarks and FLAME vertices, and the scan once. */
  private async update(): Promise<void> {
    if (!this.scene3d.ok) return;
    const turn = this.latest.begin();
    const frame = this.ctx.playback.frame;
    const on = this.ctx.state.get('layers');
    const c = this.ctx.contents;
    const { host } = this.ctx;
    if (on.scan && c.scan && !this.scanRequested) {
      this.scanRequested = true;
      void host.request('scanMesh', null).then((m) => m && this.setScan(m));
    }
    const replies = await turn.wait(
      Promise.all([
        on.keypoints && c.hasKeypoints3d ? host.request('keypoints3d', { frame }) : Promise.resolve(undefined),
        on.flame && c.flame?.parameters.some((p) => p.name === 'verts') ? host.request('flameVertices', { frame }) : Promise.resolve(undefined),
      ]),
    );
    if (replies === STALE) return;
    const [kp, verts] = replies;
    if (kp !== undefined) this.setPoints(this.layers.keypoints, kp, '--vscode-charts-green', 0.008);
    if (kp !== undefined || !on.keypoints) {
      this.landmarksKey.textContent = !on.keypoints ? '● 3D landmarks (hidden)' : kp ? `● 3D landmarks (${kp.length / 3})` : '● no 3D landmarks in this frame';
      this.landmarksKey.classList.toggle('absent', on.keypoints && !kp);
    }
    if (verts !== undefined) this.setPoints(this.layers.flame, verts?.positions ?? null, '--vscode-charts-purple', 0.0025);
    // Without a calibrated rig, frame the head once its data is there.
    if (this.ctx.contents.calibratedCameras.length === 0) this.fitInitialView();
    this.element.dataset.loadedFrame = String(frame);
    this.scene3d.requestRender();
  }

  private setPoints(group: THREE.Object3D, positions: Float32Array | null, colourVar: string, size: number): void {
    let points = group.children[0] as THREE.Points | undefined;
    if (!positions) {
      if (points) points.visible = false;
      return;
    }
    if (!points) {
      points = new THREE.Points(
        new THREE.BufferGeometry(),
        new THREE.PointsMaterial({ color: new THREE.Color(themeColor(colourVar, '#89d185')), size, sizeAttenuation: true }),
      );
      group.add(points);
    }
    points.visible = true;
    points.geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
    points.geometry.computeBoundingSphere();
    points.geometry.computeBoundingBox();
  }

  private setScan(mesh: SmcMesh): void {
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(mesh.positions, 3));
    if (mesh.indices) geometry.setIndex(new THREE.BufferAttribute(mesh.indices, 1));
    geometry.computeVertexNormals();
    const material = new THREE.MeshStandardMaterial({ color: 0xb8b8b8, roughness: 0.8, side: THREE.DoubleSide, transparent: true, opacity: 0.85 });
    this.layers.scan.add(new THREE.Mesh(geometry, material), new THREE.HemisphereLight(0xffffff, 0x444444, 1.6));
    const light = new THREE.DirectionalLight(0xffffff, 1.2);
    light.position.set(0, -1, -1);
    this.layers.scan.add(light);
    this.scene3d.requestRender();
  }
}

/** "18–32" for a run of consecutive camera ids, else the ids listed. */
function cameraRange(ids: string[]): string {
  const n = ids.map(Number);
  const consecutive = n.every((v, i) => i === 0 || v === n[i - 1]! + 1);
  return consecutive && ids.length > 2 ? `${ids[0]}–${ids[ids.length - 1]}` : ids.join(', ');
}
