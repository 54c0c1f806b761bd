import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { CSS2DObject, CSS2DRenderer } from 'three/addons/renderers/CSS2DRenderer.js';
import { el } from './dom';
import { intrinsicProjection, letterbox, type Letterbox } from './throughCamera';

export interface SceneView {
  /** Camera position and orbit target, for keeping the view in the page's view state. */
  position: [number, number, number];
  target: [number, number, number];
}

/** Where a camera stands and looks (e.g. a capture camera to look through), in world units. */
export interface CameraPose {
  position: THREE.Vector3;
  quaternion: THREE.Quaternion;
  /** Vertical field of view, degrees. */
  fov: number;
  /**
   * The camera's intrinsics (row-major 3×3 K) and image size in pixels: the view then shows exactly
   * that image, letterboxed in the pane, with the principal point where K puts it.
   */
  intrinsics?: { K: ArrayLike<number>; width: number; height: number };
}

/** How the orbit view projects: with perspective, or orthographic (parallel lines stay parallel; scroll still zooms). */
export type Projection = 'perspective' | 'orthographic';

export interface Scene3dOptions {
  /** World "up" (RenderMe360's world has y pointing down). */
  up?: [number, number, number];
  /** Direction from the content towards the camera when fitting (default: from +z, slightly above). */
  viewFrom?: [number, number, number];
  /**
   * Multisampled edges (default true). Views redrawn many times a second turn it off: without a
   * GPU (software WebGL) it multiplies the cost of every frame.
   */
  antialias?: boolean;
}

/**
 * A three.js view for editor pages: theme-coloured background and grid, orbit controls, labels
 * (CSS2D, so they use the editor font), fitting the camera to the content, resizing with its
 * container, and rendering only when something changed. Without WebGL it shows a clear message
 * instead (`ok` is false and the three.js members are absent).
 */
export class Scene3d {
  readonly element: HTMLElement;
  readonly ok: boolean;
  readonly scene = new THREE.Scene();
  readonly camera = new THREE.PerspectiveCamera(40, 1, 0.01, 100);
  readonly controls!: OrbitControls;
  readonly renderer!: THREE.WebGLRenderer;
  private readonly labels!: CSS2DRenderer;
  private readonly grid = new THREE.Group();
  private readonly changeListeners = new Set<() => void>();
  private frameRequested = false;
  private disposed = false;
  /** The orbit view to return to after looking through a fixed camera. */
  private orbitView: (SceneView & { fov: number }) | null = null;
  private intrinsics: CameraPose['intrinsics'] | null = null;
  private projectionKind: Projection = 'perspective';
  /** A fixed background colour (CSS), or null for the editor's. */
  private backgroundColour: string | null = null;
  private readonly cleanup: (() => void)[] = [];
  /** While recording a video: the picture's size in pixels, in place of the pane's (beginCapture). */
  private captureSize: { width: number; height: number } | null = null;

  constructor(private readonly options: Scene3dOptions = {}) {
    this.element = el('div', { class: 'scene3d' });
    let renderer: THREE.WebGLRenderer;
    try {
      renderer = new THREE.WebGLRenderer({ antialias: options.antialias ?? true, preserveDrawingBuffer: true });
    } catch (err) {
      this.ok = false;
      this.element.append(
        el(
          'div',
          { class: 'scene3d-unavailable', role: 'alert' },
          el('span', { class: 'codicon codicon-warning', 'aria-hidden': 'true' }),
          ` The 3D view is unavailable: WebGL could not be started in this window (${(err as Error)?.message ?? err}).`,
        ),
      );
      return;
    }
    this.ok = true;
    this.renderer = renderer;
    renderer.setPixelRatio(window.devicePixelRatio);
    renderer.domElement.classList.add('scene3d-canvas');
    this.labels = new CSS2DRenderer();
    this.labels.domElement.classList.add('scene3d-labels');
    this.element.append(renderer.domElement, this.labels.domElement);

    this.camera.up.set(...(options.up ?? [0, 1, 0]));
    this.controls = new OrbitControls(this.camera, this.labels.domElement);
    this.controls.enableDamping = false;
    this.controls.addEventListener('change', () => this.requestRender());
    this.controls.addEventListener('end', () => this.changeListeners.forEach((l) => l()));
    this.scene.add(this.grid);
    this.applyTheme();

    const resize = new ResizeObserver(() => this.resize());
    resize.observe(this.element);
    // VS Code swaps body classes (vscode-light / vscode-dark / vscode-high-contrast) on theme changes.
    const theme = new MutationObserver(() => this.applyTheme());
    theme.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
    this.cleanup.push(
      () => resize.disconnect(),
      () => theme.disconnect(),
    );
  }

  /** Called after the user moved the view (end of an orbit, pan or zoom). */
  onViewChange(listener: () => void): void {
    this.changeListeners.add(listener);
  }

  /** Tells the onViewChange listeners that the view was moved on the user's behalf (a preset, a focus). */
  viewChanged(): void {
    this.changeListeners.forEach((l) => l());
  }

  get view(): SceneView {
    if (this.orbitView) return { position: this.orbitView.position, target: this.orbitView.target };
    const p = this.camera.position;
    const t = this.ok ? this.controls.target : new THREE.Vector3();
    return { position: [p.x, p.y, p.z], target: [t.x, t.y, t.z] };
  }

  set view(v: SceneView) {
    if (!this.ok) return;
    if (this.orbitView) {
      this.orbitView = { ...v, fov: this.orbitView.fov };
      return;
    }
    this.camera.position.set(...v.position);
    this.controls.target.set(...v.target);
    this.controls.update();
    this.requestRender();
  }

  /** A label that follows a point in the scene; clicks on it reach `onClick`. */
  label(text: string, position: THREE.Vector3, options: { className?: string; onClick?: () => void; title?: string } = {}): CSS2DObject {
    const tag = options.onClick ? 'button' : 'span';
    const node = el(tag, { class: `scene3d-label ${options.className ?? ''}`, title: options.title }, text);
    if (options.onClick) {
      node.addEventListener('click', options.onClick);
      // Keep the orbit controls (which capture the pointer) from taking the label's click.
      node.addEventListener('pointerdown', (e) => e.stopPropagation());
    }
    const obj = new CSS2DObject(node);
    obj.position.copy(position);
    return obj;
  }

  /**
   * Points the camera at `object` from the configured direction (or `from`) so that all its visible
   * geometry is in view (every vertex is checked, sampled for large meshes: tighter than a bounding
   * sphere).
   */
  fit(object: THREE.Object3D | THREE.Object3D[], margin = 1.08, from?: THREE.Vector3): void {
    if (!this.ok || this.orbitView) return;
    this.fitPoints((Array.isArray(object) ? object : [object]).flatMap(visibleVertices), margin, from);
  }

  /** Like fit, for world points (e.g. the corners of a box that has to stay in view). */
  fitPoints(points: THREE.Vector3[], margin = 1.08, from?: THREE.Vector3): void {
    if (!this.ok || this.orbitView || points.length === 0) return;
    this.resize();
    const centre = new THREE.Box3().setFromPoints(points).getCenter(new THREE.Vector3());
    const back = (from?.clone() ?? new THREE.Vector3(...(this.options.viewFrom ?? [0, 0.3, 1]))).normalize();
    // Camera axes for that direction: x right, y up on screen.
    const right = new THREE.Vector3().crossVectors(this.camera.up, back).normalize();
    const up = new THREE.Vector3().crossVectors(back, right);
    const tanV = Math.tan(THREE.MathUtils.degToRad(this.camera.fov) / 2);
    const tanH = tanV * this.camera.aspect;
    let distance = 0.05;
    const rel = new THREE.Vector3();
    for (const p of points) {
      rel.subVectors(p, centre);
      const towards = rel.dot(back);
      distance = Math.max(distance, towards + (Math.abs(rel.dot(right)) * margin) / tanH, towards + (Math.abs(rel.dot(up)) * margin) / tanV);
    }
    this.camera.position.copy(centre).addScaledVector(back, distance);
    this.camera.near = distance / 100;
    this.camera.far = distance * 100;
    this.camera.updateProjectionMatrix();
    this.controls.target.copy(centre);
    this.controls.update();
    this.requestRender();
  }

  /**
   * Looks through a fixed camera (orbiting is off meanwhile), or with null returns to the orbit
   * view the user had before.
   */
  lookThrough(pose: CameraPose | null): void {
    if (!this.ok) return;
    if (pose) {
      this.orbitView ??= { ...this.view, fov: this.camera.fov };
      this.controls.enabled = false;
      this.camera.position.copy(pose.position);
      this.camera.quaternion.copy(pose.quaternion);
      this.camera.fov = pose.fov;
      this.intrinsics = pose.intrinsics ?? null;
      // World units are metres in our views: 1 cm to 1 km.
      this.camera.near = 0.01;
      this.camera.far = 1000;
      this.camera.updateProjectionMatrix();
    } else if (this.orbitView) {
      const back = this.orbitView;
      this.orbitView = null;
      this.intrinsics = null;
      this.camera.fov = back.fov;
      this.controls.enabled = true;
      this.view = back;
      this.camera.updateProjectionMatrix();
    }
    this.requestRender();
  }

  /** Whether the view is looking through a fixed camera (see lookThrough). */
  get lookingThrough(): boolean {
    return this.orbitView !== null;
  }

  /** The 3D view as PNG bytes, as drawn now. */
  async toPng(): Promise<Uint8Array> {
    if (!this.ok) throw new Error('The 3D view is unavailable');
    this.render();
    const blob = await new Promise<Blob | null>((resolve) => this.renderer.domElement.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('The 3D view could not be captured');
    return new Uint8Array(await blob.arrayBuffer());
  }

  /** Shows a reference grid of `size` metres on the plane through `origin` perpendicular to up. */
  setGrid(size: number, origin = new THREE.Vector3()): void {
    if (!this.ok) return;
    this.grid.clear();
    const divisions = 10;
    const grid = new THREE.GridHelper(size, divisions);
    grid.quaternion.setFromUnitVectors(new THREE.Vector3(0, 1, 0), this.camera.up.clone().normalize());
    grid.position.copy(origin);
    const axes = new THREE.AxesHelper(size / 8);
    this.grid.add(grid, axes);
    this.applyTheme();
  }

  /** Shows or hides the grid and axes (see setGrid). */
  setGridVisible(visible: boolean): void {
    if (!this.ok || this.grid.visible === visible) return;
    this.grid.visible = visible;
    this.requestRender();
  }

  /** Re-renders on the next animation frame (at most once per frame). */
  requestRender(): void {
    if (!this.ok || this.frameRequested || this.disposed) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      if (this.disposed) return;
      this.render();
      this.labels.render(this.scene, this.camera);
    });
  }

  /** Perspective or orthographic projection for the orbit view (looking through a camera always uses its own). */
  set projection(kind: Projection) {
    if (kind === this.projectionKind) return;
    this.projectionKind = kind;
    this.requestRender();
  }

  get projection(): Projection {
    return this.projectionKind;
  }

  /** A fixed background colour (CSS #rrggbb), or null to follow the editor's theme. */
  setBackground(colour: string | null): void {
    this.backgroundColour = colour;
    this.applyTheme();
  }

  /** Where the looked-through camera's image lies in the pane (CSS pixels), or null when not looking through one. */
  get imageBox(): Letterbox | null {
    if (!this.intrinsics || !this.orbitView) return null;
    const { width: w, height: h } = this.paneSize();
    return w > 0 && h > 0 ? letterbox(w, h, this.intrinsics.width, this.intrinsics.height) : null;
  }

  /**
   * Registers a double-click on the view (not on a label), at pane pixel (x, y) of its first click,
   * with `toPane` projecting as the view was then: that click may have changed the page (pinning a
   * point resizes the view) before the second one.
   */
  onDoubleClick(handler: (x: number, y: number, toPane: (p: THREE.Vector3, out: THREE.Vector2) => THREE.Vector2) => void): void {
    if (!this.ok) return;
    const dom = this.labels.domElement;
    const downs: { x: number; y: number; w: number; h: number; toClip: THREE.Matrix4 }[] = [];
    dom.addEventListener('pointerdown', (e) => {
      const rect = dom.getBoundingClientRect();
      this.applyProjection();
      const toClip = new THREE.Matrix4().multiplyMatrices(this.camera.projectionMatrix, this.camera.matrixWorldInverse);
      downs.push({ x: e.clientX - rect.left, y: e.clientY - rect.top, w: this.element.clientWidth, h: this.element.clientHeight, toClip });
      if (downs.length > 2) downs.shift();
    });
    // A double-click would otherwise select text next to the view (e.g. a point readout).
    dom.addEventListener('mousedown', (e) => {
      if (e.detail > 1) e.preventDefault();
    });
    dom.addEventListener('dblclick', (e) => {
      if (e.target !== dom || downs.length < 2) return;
      const first = downs[0]!;
      const ndc = new THREE.Vector3();
      handler(first.x, first.y, (p, out) => {
        ndc.copy(p).applyMatrix4(first.toClip);
        return out.set(((ndc.x + 1) / 2) * first.w, ((1 - ndc.y) / 2) * first.h);
      });
    });
  }

  /** Pane pixel (x, y; CSS pixels, y down) of a world point as drawn now. */
  toPane(p: THREE.Vector3, out = new THREE.Vector2()): THREE.Vector2 {
    this.applyProjection();
    const ndc = p.clone().project(this.camera);
    const { clientWidth: w, clientHeight: h } = this.element;
    return out.set(((ndc.x + 1) / 2) * w, ((1 - ndc.y) / 2) * h);
  }

  /**
   * Draws the scene. Through a camera with intrinsics, only its image rectangle shows the scene
   * (the scissor keeps the bars around it); the projection covers the whole pane, so picking and
   * labels need no special case.
   */
  private render(): void {
    this.applyProjection();
    const box = this.imageBox;
    const r = this.renderer;
    if (!box) {
      r.render(this.scene, this.camera);
      return;
    }
    const background = this.scene.background instanceof THREE.Color ? this.scene.background : new THREE.Color(0);
    r.setScissorTest(false);
    r.setClearColor(letterboxBars(background));
    r.clear();
    // One pane pixel more on each side, so the image border drawn on its edge is whole.
    const { height: h } = this.paneSize();
    r.setScissor(box.x - 1, h - (box.y + box.height) - 1, box.width + 2, box.height + 2);
    r.setScissorTest(true);
    r.render(this.scene, this.camera);
    r.setScissorTest(false);
  }

  /** The projection matrix for what is drawn now: the looked-through camera's intrinsics, orthographic, or the perspective one. */
  private applyProjection(): void {
    const cam = this.camera;
    const { width: w, height: h } = this.paneSize();
    if (this.intrinsics && this.orbitView && w > 0 && h > 0) {
      const k = this.intrinsics;
      cam.projectionMatrix.fromArray(intrinsicProjection(k.K, k.width, k.height, w, h, cam.near, cam.far));
    } else if (this.projectionKind === 'orthographic' && !this.orbitView) {
      // As wide as the perspective view is at the orbit target, so switching keeps the people's size there.
      const halfH = cam.position.distanceTo(this.controls.target) * Math.tan(THREE.MathUtils.degToRad(cam.fov) / 2);
      const halfW = halfH * cam.aspect;
      cam.projectionMatrix.makeOrthographic(-halfW, halfW, halfH, -halfH, -cam.far, cam.far);
    } else {
      cam.updateProjectionMatrix();
      return;
    }
    cam.projectionMatrixInverse.copy(cam.projectionMatrix).invert();
  }

  /** Registers a click (not a drag) on scene objects: the nearest hit among `targets`. */
  onPick(targets: () => THREE.Object3D[], handler: (object: THREE.Object3D) => void): void {
    if (!this.ok) return;
    const dom = this.labels.domElement;
    let down: { x: number; y: number } | null = null;
    dom.addEventListener('pointerdown', (e) => (down = e.target === dom ? { x: e.clientX, y: e.clientY } : null));
    dom.addEventListener('pointerup', (e) => {
      if (!down || Math.hypot(e.clientX - down.x, e.clientY - down.y) > 4) return;
      const rect = dom.getBoundingClientRect();
      const ndc = new THREE.Vector2(((e.clientX - rect.left) / rect.width) * 2 - 1, -((e.clientY - rect.top) / rect.height) * 2 + 1);
      const ray = this.raycaster(ndc);
      const hit = ray.intersectObjects(targets(), false)[0];
      if (hit) handler(hit.object);
    });
  }

  /** A ray through normalized device coordinates `ndc`, for the projection drawn now (orthographic rays are parallel). */
  raycaster(ndc: THREE.Vector2): THREE.Raycaster {
    this.applyProjection();
    const ray = new THREE.Raycaster();
    ray.setFromCamera(ndc, this.camera);
    if (this.projectionKind === 'orthographic' && !this.orbitView) {
      ray.ray.origin.set(ndc.x, ndc.y, -1).unproject(this.camera);
      ray.ray.direction.set(0, 0, -1).transformDirection(this.camera.matrixWorld);
    }
    return ray;
  }

  dispose(): void {
    this.disposed = true;
    this.cleanup.forEach((c) => c());
    if (!this.ok) return;
    this.controls.dispose();
    this.scene.traverse((o) => {
      const mesh = o as THREE.Mesh;
      mesh.geometry?.dispose();
      const m = mesh.material as THREE.Material | THREE.Material[] | undefined;
      (Array.isArray(m) ? m : m ? [m] : []).forEach((x) => x.dispose());
    });
    this.renderer.dispose();
  }

  /**
   * Draws at `width` × `height` pixels (not the pane's size) until endCapture, e.g. the frames of a
   * video; the canvas on screen shows the picture scaled (see `.scene3d.capturing` in editor.css).
   */
  beginCapture(width: number, height: number): void {
    if (!this.ok) return;
    this.captureSize = { width, height };
    this.element.classList.add('capturing');
    this.renderer.setPixelRatio(1);
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
  }

  /** Draws the scene now (at the capture size) and returns the canvas holding the picture. */
  captureFrame(): HTMLCanvasElement {
    if (!this.ok) throw new Error('The 3D view is unavailable');
    this.render();
    return this.renderer.domElement;
  }

  endCapture(): void {
    if (!this.ok || !this.captureSize) return;
    this.captureSize = null;
    this.element.classList.remove('capturing');
    this.renderer.setPixelRatio(window.devicePixelRatio);
    this.resize();
  }

  /** The size drawn at: the pane's in CSS pixels, or the capture size while capturing. */
  private paneSize(): { width: number; height: number } {
    return this.captureSize ?? { width: this.element.clientWidth, height: this.element.clientHeight };
  }

  private resize(): void {
    if (this.captureSize) return;
    const { clientWidth: w, clientHeight: h } = this.element;
    if (w === 0 || h === 0) return;
    this.renderer.setSize(w, h, false);
    this.labels.setSize(w, h);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.requestRender();
  }

  private applyTheme(): void {
    if (!this.ok) return;
    this.scene.background = new THREE.Color(this.backgroundColour ?? themeColor('--vscode-editor-background', '#1e1e1e'));
    const lines = new THREE.Color(themeColor('--vscode-editorLineNumber-foreground', '#858585'));
    this.grid.traverse((o) => {
      if (o instanceof THREE.GridHelper) {
        const m = o.material;
        m.color = lines;
        m.opacity = 0.45;
        m.transparent = true;
      }
    });
    this.requestRender();
  }
}

/** The bars around a letterboxed camera image: the background a little towards grey, so the image's extent shows. */
function letterboxBars(background: THREE.Color): THREE.Color {
  const hsl = background.getHSL({ h: 0, s: 0, l: 0 });
  return background.clone().offsetHSL(0, 0, hsl.l > 0.5 ? -0.08 : 0.06);
}

/** World positions of the visible vertices under `object`, at most ~5,000 per geometry. */
function visibleVertices(object: THREE.Object3D): THREE.Vector3[] {
  const out: THREE.Vector3[] = [];
  object.updateWorldMatrix(true, true);
  object.traverseVisible((o) => {
    const position = (o as THREE.Mesh).geometry?.getAttribute('position');
    if (!position) return;
    const step = Math.max(1, Math.floor(position.count / 5000));
    for (let i = 0; i < position.count; i += step) out.push(new THREE.Vector3().fromBufferAttribute(position, i).applyMatrix4(o.matrixWorld));
  });
  return out;
}

/** A theme colour as #rrggbb (VS Code variables may carry alpha, which three.js colours do not). */
export function themeColor(variable: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(variable).trim();
  const hex = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(v);
  if (hex) return `#${hex[1]}`;
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])([0-9a-f])?$/i.exec(v);
  if (short) return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`;
  const rgb = /^rgba?\(\s*(\d+)[,\s]+(\d+)[,\s]+(\d+)/i.exec(v);
  if (rgb)
    return `#${rgb
      .slice(1, 4)
      .map((n) => Number(n).toString(16).padStart(2, '0'))
      .join('')}`;
  return fallback;
}
