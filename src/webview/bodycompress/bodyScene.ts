import * as THREE from 'three';
import type { BodyCompressCamera, BodyCompressFrame, BodyCompressPerson } from '../../protocol/bodyCompressProtocol';
import { Scene3d, themeColor } from '../common/scene3d';
import { colorize } from './colorMap';
import { bonesFor } from './skeleton';
import type { BodyCompressViewState } from './state';

/** Theme chart colours for person slots 0, 1, 2, …, repeated (a little lighter) after six. */
export const SLOT_COLOURS: [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-yellow', '#cca700'],
];

/** Points are in millimetres (BodyCompress); the scene is in metres so the grid reads naturally. */
const MM = 0.001;
/** Radius of a joint sphere, mm. */
const JOINT_RADIUS = 22;
/** Size of a vertex point on screen, pixels. */
const POINT_SIZE = 3;

/** What to draw: the page's toggles, and the person slots that are hidden. */
export type DisplayOptions = Pick<BodyCompressViewState, 'mesh' | 'joints' | 'skeleton' | 'uncertainty' | 'camera' | 'throughCamera' | 'grid'> & {
  hidden: ReadonlySet<number>;
};

/**
 * The 3D view of one frame: every person as points (or a shaded mesh when template faces are
 * known for its vertex count), joints as spheres with the SMPL bones for 24-joint bodies, the
 * vertex uncertainties as a colour map, the frame's camera as a frustum that can also be looked
 * through, and a ground grid under the first frame's people. Geometry buffers are reused from
 * frame to frame.
 */
export class BodyScene {
  readonly scene3d: Scene3d;
  private readonly root = new THREE.Group();
  private readonly slots: PersonSlot[] = [];
  private readonly frustum = new THREE.LineSegments(new THREE.BufferGeometry(), new THREE.LineBasicMaterial());
  private faces: { vertexCount: number; indices: THREE.BufferAttribute } | null = null;
  private frame: BodyCompressFrame | null = null;
  private gridPlaced = false;
  private readonly up: THREE.Vector3;
  /**
   * Whether the view follows the data: it is widened when people leave what was fitted so far.
   * Off once the user moves the view (or a saved view is restored); Fit turns it on again.
   */
  autoFit = false;
  private followed: THREE.Box3 | null = null;

  constructor(up: [number, number, number] | null) {
    this.up = new THREE.Vector3(...(up ?? [0, 1, 0])).normalize();
    this.scene3d = new Scene3d({ up: [this.up.x, this.up.y, this.up.z], antialias: false });
    this.scene3d.element.classList.add('body-scene');
    if (!this.scene3d.ok) return;
    const { scene, camera } = this.scene3d;
    this.root.scale.setScalar(MM);
    this.frustum.material.color = new THREE.Color(themeColor('--vscode-editorLineNumber-activeForeground', '#c6c6c6'));
    this.frustum.frustumCulled = false;
    this.root.add(this.frustum);
    // Light that comes from the viewer, so a mesh is lit from wherever it is looked at.
    const light = new THREE.DirectionalLight(0xffffff, 1.6);
    light.position.set(0.3, 0.6, 1);
    camera.add(light);
    scene.add(this.root, camera, new THREE.HemisphereLight(0xffffff, 0x606060, 1.2));
  }

  get element(): HTMLElement {
    return this.scene3d.element;
  }

  /** Template faces for bodies of `vertexCount` vertices (null: none, points are drawn). */
  setFaces(vertexCount: number, indices: Uint32Array | null): void {
    this.faces = indices ? { vertexCount, indices: new THREE.BufferAttribute(indices, 1) } : null;
  }

  /** Whether bodies of this frame are drawn as meshes with `options`. */
  meshFor(frame: BodyCompressFrame | null, options: DisplayOptions): boolean {
    return !!frame && options.mesh && this.faces?.vertexCount === frame.vertexCount;
  }

  /** Draws `frame` (or redraws the current one with new options). */
  show(frame: BodyCompressFrame, options: DisplayOptions, uncertaintyMax: number): void {
    this.frame = frame;
    if (!this.scene3d.ok) return;
    const mesh = this.meshFor(frame, options);
    const faces = mesh ? this.faces!.indices : null;
    const bones = bonesFor(frame.jointCount);
    frame.persons.forEach((person, i) => {
      const slot = (this.slots[i] ??= this.addSlot(i));
      slot.update(person, frame.vertexCount, frame.jointCount, faces, bones, options, uncertaintyMax);
      slot.group.visible = !options.hidden.has(i);
    });
    for (let i = frame.persons.length; i < this.slots.length; i++) this.slots[i]!.group.visible = false;
    this.updateCamera(frame.camera, options);
    if (!this.gridPlaced) this.gridPlaced = this.placeGrid();
    if (this.autoFit && !options.throughCamera) this.follow();
    this.scene3d.setGridVisible(options.grid);
    this.element.dataset.display = mesh ? 'mesh' : 'points';
    this.element.dataset.visiblePersons = String(this.slots.filter((s) => s.group.visible && s.body).length);
    this.element.dataset.renderedFrame = String(frame.index);
    this.scene3d.requestRender();
  }

  /**
   * Frames the current frame's visible people (from the frame's camera side when it has one), and
   * follows the data from there on (see autoFit).
   */
  fit(): void {
    if (!this.scene3d.ok || !this.frame) return;
    const bodies = this.slots
      .filter((s) => s.group.visible)
      .map((s) => s.body)
      .filter((b): b is THREE.Object3D => b !== null);
    const b = this.bodyBounds();
    if (bodies.length === 0 || !b) return;
    this.scene3d.fit(bodies, 1.15, this.viewDirection(b.centre));
    this.autoFit = true;
    this.followed = b.box;
  }

  /** Widens the view when people move out of what was fitted so far (until the user moves the view). */
  private follow(): void {
    const b = this.bodyBounds();
    if (!b) return;
    if (this.followed?.containsBox(b.box)) return;
    // Grown by a margin, so people walking on do not refit the view every frame.
    const box = (this.followed?.clone().union(b.box) ?? b.box.clone()).expandByScalar(this.followed ? 0.25 : 0);
    this.followed = box;
    const corners = Array.from(
      { length: 8 },
      (_, k) => new THREE.Vector3(k & 1 ? box.max.x : box.min.x, k & 2 ? box.max.y : box.min.y, k & 4 ? box.max.z : box.min.z),
    );
    this.scene3d.fitPoints(corners, 1.02, this.viewDirection(box.getCenter(new THREE.Vector3())));
  }

  /** From the frame's camera side (a little above) when it has one, else from a horizontal axis. */
  private viewDirection(centre: THREE.Vector3): THREE.Vector3 {
    const cam = this.frame?.camera;
    if (cam) {
      const from = new THREE.Vector3(...(cam.loc as [number, number, number])).multiplyScalar(MM).sub(centre);
      if (from.lengthSq() > 1e-12) return from.normalize().addScaledVector(this.up, 0.35);
    }
    return this.horizontal().addScaledVector(this.up, 0.35);
  }

  /**
   * The visible people's vertices: their box and centre (metres), how far the lowest one lies
   * below the centre along up, and the box's diagonal; null without visible vertices.
   */
  private bodyBounds(): { box: THREE.Box3; centre: THREE.Vector3; low: number; size: number } | null {
    const people = (this.frame?.persons ?? []).filter((p, i) => p.vertices?.length && this.slots[i]?.group.visible).map((p) => p.vertices!);
    if (people.length === 0) return null;
    const min = new THREE.Vector3(Infinity, Infinity, Infinity);
    const max = new THREE.Vector3(-Infinity, -Infinity, -Infinity);
    const p = new THREE.Vector3();
    for (const v of people) {
      for (let i = 0; i + 2 < v.length; i += 3) {
        p.set(v[i]!, v[i + 1]!, v[i + 2]);
        if (Number.isFinite(p.x + p.y + p.z)) {
          min.min(p);
          max.max(p);
        }
      }
    }
    if (!Number.isFinite(min.x)) return null;
    const centre = min
      .clone()
      .add(max)
      .multiplyScalar(MM / 2);
    let low = 0;
    const corner = new THREE.Vector3();
    for (let k = 0; k < 8; k++) {
      corner.set(k & 1 ? max.x : min.x, k & 2 ? max.y : min.y, k & 4 ? max.z : min.z).multiplyScalar(MM);
      low = Math.min(low, corner.sub(centre).dot(this.up));
    }
    return { box: new THREE.Box3(min.clone().multiplyScalar(MM), max.clone().multiplyScalar(MM)), centre, low, size: max.distanceTo(min) * MM };
  }

  dispose(): void {
    this.scene3d.dispose();
  }

  // ----------------------------------------------------------------------------------------------

  private addSlot(i: number): PersonSlot {
    const [variable, fallback] = SLOT_COLOURS[i % SLOT_COLOURS.length]!;
    const colour = new THREE.Color(themeColor(variable, fallback));
    if (i >= SLOT_COLOURS.length) colour.offsetHSL(0, 0, 0.15 * Math.floor(i / SLOT_COLOURS.length));
    const slot = new PersonSlot(colour);
    this.root.add(slot.group);
    return slot;
  }

  /** A direction perpendicular to up: the world axis least along it, made horizontal. */
  private horizontal(): THREE.Vector3 {
    const axes = [new THREE.Vector3(0, 0, 1), new THREE.Vector3(1, 0, 0), new THREE.Vector3(0, 1, 0)];
    const axis = axes.reduce((a, b) => (Math.abs(a.dot(this.up)) <= Math.abs(b.dot(this.up)) ? a : b));
    return axis.clone().addScaledVector(this.up, -axis.dot(this.up)).normalize();
  }

  /** A grid on the ground under the people (their lowest point along up), a few times their size. */
  private placeGrid(): boolean {
    const b = this.bodyBounds();
    if (!b) return false;
    this.scene3d.setGrid(Math.max(4, Math.ceil(b.size * 3)), b.centre.clone().addScaledVector(this.up, b.low));
    return true;
  }

  private updateCamera(cam: BodyCompressCamera | null, options: DisplayOptions): void {
    this.frustum.visible = !!cam && options.camera && !options.throughCamera;
    if (cam && this.frustum.visible) this.frustum.geometry.setFromPoints(frustumLines(cam, this.frustumDepth(cam)));
    this.scene3d.lookThrough(cam && options.throughCamera ? posedCamera(cam) : null);
    this.element.dataset.view = this.scene3d.lookingThrough ? 'camera' : 'orbit';
  }

  /** Frustum depth: a fifth of the way to the people, at least 20 cm. */
  private frustumDepth(cam: BodyCompressCamera): number {
    const p = this.frame?.persons.find((x) => x.vertices && x.vertices.length >= 3)?.vertices;
    if (!p) return 300;
    const d = Math.hypot(p[0]! - cam.loc[0]!, p[1]! - cam.loc[1]!, p[2]! - cam.loc[2]!);
    return Math.max(200, d / 5);
  }
}

/** The frustum's lines at `depth` mm: from the optical centre to the image corners, and the image rectangle. */
function frustumLines(cam: BodyCompressCamera, depth: number): THREE.Vector3[] {
  const [fx, , cx, , fy, cy] = cam.K as [number, number, number, number, number, number];
  const [w, h] = cam.imageSize;
  const R = cam.R;
  const centre = new THREE.Vector3(...(cam.loc as [number, number, number]));
  // World point of a camera-frame point: R^T x + loc.
  const toWorld = (x: number, y: number, z: number) =>
    new THREE.Vector3(R[0]! * x + R[3]! * y + R[6]! * z, R[1]! * x + R[4]! * y + R[7]! * z, R[2]! * x + R[5]! * y + R[8]! * z).add(centre);
  const corners = [
    [0, 0],
    [w, 0],
    [w, h],
    [0, h],
  ].map(([u, v]) => toWorld(((u! - cx) / (fx || 1)) * depth, ((v! - cy) / (fy || 1)) * depth, depth));
  const lines: THREE.Vector3[] = [];
  corners.forEach((c, i) => lines.push(centre, c, c, corners[(i + 1) % 4]!));
  // A short tick at the top edge, so which way is up in the image is visible.
  const top = toWorld(((w / 2 - cx) / (fx || 1)) * depth, ((-0.15 * h - cy) / (fy || 1)) * depth, depth);
  lines.push(corners[0]!, top, top, corners[1]!);
  return lines;
}

/** A three.js pose for an OpenCV camera (x right, y down, looking along +z) in the scene's metres. */
function posedCamera(cam: BodyCompressCamera): { position: THREE.Vector3; quaternion: THREE.Quaternion; fov: number } {
  const R = cam.R;
  // Camera-to-world axes are the rows of R; three.js cameras look along -z with y up.
  const x = new THREE.Vector3(R[0], R[1], R[2]);
  const y = new THREE.Vector3(-R[3]!, -R[4]!, -R[5]!);
  const z = new THREE.Vector3(-R[6]!, -R[7]!, -R[8]!);
  const quaternion = new THREE.Quaternion().setFromRotationMatrix(new THREE.Matrix4().makeBasis(x, y, z));
  const fy = cam.K[4]! || 1;
  const fov = THREE.MathUtils.radToDeg(2 * Math.atan(cam.imageSize[1] / 2 / fy));
  return { position: new THREE.Vector3(...(cam.loc as [number, number, number])).multiplyScalar(MM), quaternion, fov };
}

/** One person slot (index in the frame): its points or mesh, joints and bones, reused across frames. */
class PersonSlot {
  readonly group = new THREE.Group();
  private positions: THREE.BufferAttribute | null = null;
  private colours: THREE.BufferAttribute | null = null;
  private readonly points: THREE.Points;
  private readonly mesh: THREE.Mesh;
  private joints: THREE.InstancedMesh;
  private readonly bones: THREE.LineSegments;
  private readonly pointsMaterial: THREE.PointsMaterial;
  private readonly meshMaterial: THREE.MeshStandardMaterial;
  private indexSet: THREE.BufferAttribute | null = null;

  constructor(colour: THREE.Color) {
    this.pointsMaterial = new THREE.PointsMaterial({ color: colour, size: POINT_SIZE, sizeAttenuation: false });
    this.meshMaterial = new THREE.MeshStandardMaterial({ color: colour, roughness: 0.75, metalness: 0, side: THREE.DoubleSide });
    this.points = new THREE.Points(new THREE.BufferGeometry(), this.pointsMaterial);
    this.mesh = new THREE.Mesh(new THREE.BufferGeometry(), this.meshMaterial);
    // The skeleton is drawn over the body (no depth test), in a darker shade of the person's colour.
    const jointColour = colour.clone().offsetHSL(0, 0, -0.22);
    this.joints = new THREE.InstancedMesh(
      new THREE.SphereGeometry(JOINT_RADIUS, 12, 8),
      new THREE.MeshBasicMaterial({ color: jointColour, depthTest: false, transparent: true, opacity: 0.95 }),
      64,
    );
    this.bones = new THREE.LineSegments(new THREE.BufferGeometry(), new THREE.LineBasicMaterial({ color: jointColour, depthTest: false, transparent: true }));
    this.joints.renderOrder = this.bones.renderOrder = 1;
    for (const o of [this.points, this.mesh, this.joints, this.bones]) o.frustumCulled = false;
    this.group.add(this.points, this.mesh, this.joints, this.bones);
  }

  /** What is drawn of the body now (points or mesh), or null. */
  get body(): THREE.Object3D | null {
    return this.mesh.visible ? this.mesh : this.points.visible ? this.points : null;
  }

  update(
    person: BodyCompressPerson,
    vertexCount: number,
    jointCount: number,
    faces: THREE.BufferAttribute | null,
    bones: [number, number][],
    options: DisplayOptions,
    uncertaintyMax: number,
  ): void {
    const v = person.vertices;
    const hasVertices = !!v && vertexCount > 0 && v.length === vertexCount * 3;
    if (hasVertices) this.setVertices(v, vertexCount);
    const coloured = hasVertices && options.uncertainty && person.vertexUncertainties?.length === vertexCount;
    if (coloured) {
      colorize(person.vertexUncertainties!, uncertaintyMax, this.colours!.array as Float32Array);
      this.colours!.needsUpdate = true;
    }
    for (const m of [this.pointsMaterial, this.meshMaterial]) {
      if (m.vertexColors !== coloured) {
        m.vertexColors = coloured;
        m.needsUpdate = true;
      }
    }
    const asMesh = hasVertices && faces !== null;
    this.points.visible = hasVertices && !asMesh;
    this.mesh.visible = asMesh;
    if (asMesh) {
      if (this.indexSet !== faces) {
        this.mesh.geometry.setIndex(faces);
        this.indexSet = faces;
      }
      this.mesh.geometry.computeVertexNormals();
    }
    const j = person.joints;
    const hasJoints = !!j && jointCount > 0 && j.length === jointCount * 3;
    this.joints.visible = hasJoints && options.joints;
    this.bones.visible = hasJoints && options.skeleton && bones.length > 0;
    if (this.joints.visible) this.setJoints(j!, jointCount);
    if (this.bones.visible) this.setBones(j!, bones);
  }

  private setVertices(v: Float32Array, n: number): void {
    if (this.positions?.count !== n) {
      // A new vertex count: new buffers (the old ones are freed with their geometries).
      this.positions = new THREE.BufferAttribute(new Float32Array(n * 3), 3).setUsage(THREE.DynamicDrawUsage);
      this.colours = new THREE.BufferAttribute(new Float32Array(n * 3), 3).setUsage(THREE.DynamicDrawUsage);
      for (const o of [this.points, this.mesh]) {
        o.geometry.dispose();
        o.geometry = new THREE.BufferGeometry();
        o.geometry.setAttribute('position', this.positions);
        o.geometry.setAttribute('color', this.colours);
      }
      this.indexSet = null;
    }
    (this.positions.array as Float32Array).set(v);
    this.positions.needsUpdate = true;
  }

  private setJoints(j: Float32Array, n: number): void {
    if (n > this.joints.instanceMatrix.count) {
      const grown = new THREE.InstancedMesh(this.joints.geometry, this.joints.material, n);
      grown.frustumCulled = false;
      this.group.remove(this.joints);
      this.joints.dispose();
      this.joints = grown;
      this.group.add(grown);
    }
    const m = new THREE.Matrix4();
    for (let k = 0; k < n; k++) this.joints.setMatrixAt(k, m.makeTranslation(j[k * 3]!, j[k * 3 + 1]!, j[k * 3 + 2]!));
    this.joints.count = n;
    this.joints.instanceMatrix.needsUpdate = true;
  }

  private setBones(j: Float32Array, bones: [number, number][]): void {
    const g = this.bones.geometry;
    let attr = g.getAttribute('position') as THREE.BufferAttribute | undefined;
    if (attr?.count !== bones.length * 2) {
      attr = new THREE.BufferAttribute(new Float32Array(bones.length * 6), 3).setUsage(THREE.DynamicDrawUsage);
      g.setAttribute('position', attr);
    }
    const a = attr.array as Float32Array;
    bones.forEach(([c, p], k) => {
      a.set(j.subarray(c * 3, c * 3 + 3), k * 6);
      a.set(j.subarray(p * 3, p * 3 + 3), k * 6 + 3);
    });
    attr.needsUpdate = true;
  }
}
