import * as THREE from 'three';
import type { BodyCompressCamera, BodyCompressFrame, BodyCompressPerson } from '../../protocol/bodyCompressProtocol';
import { Scene3d, themeColor, type CameraPose } from '../common/scene3d';
import { colorize } from './colorMap';
import { framingPoints, robustBounds } from './robustBounds';
import { jointRadius } from './markerSize';
import { bonesFor } from './skeleton';
import type { BodyCompressViewState } from './state';
import { cameraImageCaption, cameraImageLines } from './cameraImage';
import { presetDirection, type ViewPreset } from './viewPresets';

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
/** Size of a vertex point on screen, pixels (times the marker scale). */
const POINT_SIZE = 3;
/** Distance of the drawn image plane from the camera, mm (beyond the view's 1 cm near plane). */
const IMAGE_PLANE_DEPTH = 50;
/** A person is picked by a double-click this close to one of its points, pane pixels. */
const PICK_DISTANCE = 24;

/** What to draw: the page's toggles, and the person slots that are hidden. */
export type DisplayOptions = Pick<
  BodyCompressViewState,
  'mesh' | 'joints' | 'skeleton' | 'uncertainty' | 'camera' | 'throughCamera' | 'grid' | 'wireframe' | 'markerScale'
> & {
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
  /** Through the camera: its image border and principal point, and the frame's 2D boxes, on the image plane. */
  private readonly imageFrame = new THREE.LineSegments(new THREE.BufferGeometry(), new THREE.LineBasicMaterial({ depthTest: false, transparent: true }));
  private readonly imageBoxes = new THREE.LineSegments(
    new THREE.BufferGeometry(),
    new THREE.LineBasicMaterial({ depthTest: false, transparent: true, vertexColors: true }),
  );
  /** Joint sphere radius (mm, from the data's scale) and what it was measured for (joint and vertex counts). */
  private markers = { radius: 0, key: '' };
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
    this.imageFrame.material.color = this.frustum.material.color;
    for (const o of [this.imageFrame, this.imageBoxes]) {
      o.frustumCulled = false;
      o.renderOrder = 2;
      o.visible = false;
    }
    this.root.add(this.frustum, this.imageFrame, this.imageBoxes);
    // Light that comes from the viewer, so a mesh is lit from wherever it is looked at.
    const light = new THREE.DirectionalLight(0xffffff, 1.6);
    light.position.set(0.3, 0.6, 1);
    camera.add(light);
    scene.add(this.root, camera, new THREE.HemisphereLight(0xffffff, 0x606060, 1.2));
  }

  get element(): HTMLElement {
    return this.scene3d.element;
  }

  /** Adds a layer drawn in the bodies' coordinates (mm), such as trails or a compared file (bodyTools.ts). */
  addLayer(layer: THREE.Object3D): void {
    this.root.add(layer);
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
    this.measureMarkers(frame);
    const radius = this.markers.radius * options.markerScale;
    const pointSize = Math.max(1, POINT_SIZE * options.markerScale);
    frame.persons.forEach((person, i) => {
      const slot = (this.slots[i] ??= this.addSlot(i));
      slot.style(radius, pointSize, options.wireframe);
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
    const b = this.bodyBounds();
    if (!b) return;
    // The people's points without garbage and outliers (robustBounds), not every vertex drawn.
    const points: THREE.Vector3[] = [];
    for (let i = 0; i + 2 < b.sample.length; i += 3) points.push(new THREE.Vector3(b.sample[i]! * MM, b.sample[i + 1]! * MM, b.sample[i + 2]! * MM));
    this.scene3d.fitPoints(points, 1.15, this.viewDirection(b.centre));
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
   * The visible people's points (vertices, else joints) without garbage and outliers: their box
   * and centre (metres), how far the lowest one lies below the centre along up, the box's
   * diagonal, and a sample of the points kept (mm); null without visible points.
   */
  private bodyBounds(): { box: THREE.Box3; centre: THREE.Vector3; low: number; size: number; sample: Float32Array } | null {
    const people = (this.frame?.persons ?? []).filter((_, i) => this.slots[i]?.group.visible).map(framingPoints);
    const r = robustBounds(people.filter((v): v is Float32Array => v !== null));
    if (!r) return null;
    const min = new THREE.Vector3(...r.min);
    const max = new THREE.Vector3(...r.max);
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
    return {
      box: new THREE.Box3(min.clone().multiplyScalar(MM), max.clone().multiplyScalar(MM)),
      centre,
      low,
      size: max.distanceTo(min) * MM,
      sample: r.sample,
    };
  }

  dispose(): void {
    this.scene3d.dispose();
  }

  // ----------------------------------------------------------------------------------------------

  private addSlot(i: number): PersonSlot {
    const slot = new PersonSlot(this.slotColour(i));
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
    const through = this.scene3d.lookingThrough;
    this.imageFrame.visible = this.imageBoxes.visible = through && !!cam;
    if (cam && through) this.updateImageLines(cam);
    this.element.dataset.view = through ? 'camera' : 'orbit';
  }

  /** What the view says about the camera image it looks through ('' when it does not). */
  get caption(): string {
    const cam = this.frame?.camera;
    return cam && this.scene3d.lookingThrough ? cameraImageCaption(cam, (this.frame?.boxes?.length ?? 0) / 5) : '';
  }

  /** The image border, principal point and boxes, a few centimetres in front of the camera (inside its near plane's reach). */
  private updateImageLines(cam: BodyCompressCamera): void {
    const box = this.scene3d.imageBox;
    const lines = cameraImageLines(cam, this.frame?.boxes ?? null, IMAGE_PLANE_DEPTH, box ? box.scale : 1);
    this.imageFrame.geometry.setAttribute('position', new THREE.Float32BufferAttribute(lines.frame, 3));
    const g = this.imageBoxes.geometry;
    g.setAttribute('position', new THREE.Float32BufferAttribute(lines.boxes, 3));
    const colours = new Float32Array(lines.boxes.length);
    lines.boxOwner.forEach((person, k) => {
      const c = this.slotColour(person);
      colours.set([c.r, c.g, c.b, c.r, c.g, c.b], k * 6);
    });
    g.setAttribute('color', new THREE.Float32BufferAttribute(colours, 3));
    this.element.dataset.boxes = String(lines.boxOwner.length / 4);
  }

  /** Measures the marker size once per joint and vertex count (not per frame), from the first person with points. */
  private measureMarkers(frame: BodyCompressFrame): void {
    const key = `${frame.jointCount}/${frame.vertexCount}`;
    if (key === this.markers.key) return;
    const p = frame.persons.find((x) => (x.joints?.length ?? 0) > 0 || (x.vertices?.length ?? 0) > 0);
    if (!p) return;
    this.markers = { radius: jointRadius(p.joints, p.vertices), key };
    this.element.dataset.jointRadius = this.markers.radius.toFixed(2);
  }

  /**
   * Looks at the visible people from the front, side or top (fitted), or from where the frame's
   * camera stands (along its axis); the user's view from then on.
   */
  viewFrom(preset: ViewPreset): void {
    const b = this.bodyBounds();
    if (!this.scene3d.ok || !b) return;
    const cam = this.frame?.camera ?? null;
    if (preset === 'camera' && cam) {
      const p = posedCamera(cam);
      const axis = new THREE.Vector3(0, 0, -1).applyQuaternion(p.quaternion);
      const distance = Math.max(0.1, b.centre.clone().sub(p.position).dot(axis));
      this.scene3d.view = { position: p.position.toArray(), target: p.position.clone().addScaledVector(axis, distance).toArray() };
    } else {
      const towardsCamera = cam ? new THREE.Vector3(...(cam.loc as [number, number, number])).multiplyScalar(MM).sub(b.centre) : null;
      const from = presetDirection(preset === 'camera' ? 'front' : preset, this.up, towardsCamera, this.horizontal());
      this.scene3d.fitPoints(boxCorners(b.box), 1.1, from);
    }
    this.autoFit = false;
    this.scene3d.viewChanged();
  }

  /** The visible person drawn nearest to pane pixel (x, y) (as `toPane` projects), within a few pixels of one of its points; null if none is. */
  personAt(x: number, y: number, toPane = (p: THREE.Vector3, out: THREE.Vector2) => this.scene3d.toPane(p, out)): number | null {
    if (!this.scene3d.ok || !this.frame) return null;
    let best: { person: number; d: number } | null = null;
    const p = new THREE.Vector3();
    const at = new THREE.Vector2();
    this.root.updateWorldMatrix(true, false);
    this.frame.persons.forEach((person, i) => {
      if (!this.slots[i]?.group.visible) return;
      for (const points of [person.vertices, person.joints]) {
        if (!points) continue;
        // A few thousand points per person are plenty to find which one is under the pointer.
        const step = 3 * Math.max(1, Math.floor(points.length / 3 / 4000));
        for (let k = 0; k + 2 < points.length; k += step) {
          p.set(points[k]!, points[k + 1]!, points[k + 2]).multiplyScalar(MM);
          if (!Number.isFinite(p.x + p.y + p.z)) continue;
          toPane(p, at);
          const d = Math.hypot(at.x - x, at.y - y);
          if (d <= PICK_DISTANCE && (!best || d < best.d)) best = { person: i, d };
        }
      }
    });
    return (best as { person: number } | null)?.person ?? null;
  }

  /** Frames one person (double-click), keeping the direction the view looks from. */
  focus(person: number): void {
    const points = this.frame?.persons[person];
    if (!this.scene3d.ok || !points) return;
    const corners: THREE.Vector3[] = [];
    const min = new THREE.Vector3(Infinity, Infinity, Infinity);
    const max = new THREE.Vector3(-Infinity, -Infinity, -Infinity);
    const p = new THREE.Vector3();
    for (const v of [points.vertices, points.joints]) {
      for (let k = 0; v && k + 2 < v.length; k += 3) {
        p.set(v[k]!, v[k + 1]!, v[k + 2]).multiplyScalar(MM);
        if (!Number.isFinite(p.x + p.y + p.z)) continue;
        min.min(p);
        max.max(p);
      }
    }
    if (!Number.isFinite(min.x)) return;
    corners.push(...boxCorners(new THREE.Box3(min, max)));
    const { position, target } = this.scene3d.view;
    const from = new THREE.Vector3(...position).sub(new THREE.Vector3(...target));
    this.scene3d.fitPoints(corners, 1.15, from.lengthSq() > 0 ? from : undefined);
    this.autoFit = false;
    this.element.dataset.focused = String(person);
    this.scene3d.viewChanged();
  }

  /** The colour of person slot `i` (as drawn). */
  private slotColour(i: number): THREE.Color {
    const [variable, fallback] = SLOT_COLOURS[i % SLOT_COLOURS.length]!;
    const colour = new THREE.Color(themeColor(variable, fallback));
    if (i >= SLOT_COLOURS.length) colour.offsetHSL(0, 0, 0.15 * Math.floor(i / SLOT_COLOURS.length));
    return colour;
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

/** The eight corners of a box. */
function boxCorners(box: THREE.Box3): THREE.Vector3[] {
  const { min, max } = box;
  return Array.from({ length: 8 }, (_, k) => new THREE.Vector3(k & 1 ? max.x : min.x, k & 2 ? max.y : min.y, k & 4 ? max.z : min.z));
}

/** A three.js pose for an OpenCV camera (x right, y down, looking along +z) in the scene's metres, with its intrinsics. */
function posedCamera(cam: BodyCompressCamera): CameraPose {
  const R = cam.R;
  // Camera-to-world axes are the rows of R; three.js cameras look along -z with y up.
  const x = new THREE.Vector3(R[0], R[1], R[2]);
  const y = new THREE.Vector3(-R[3]!, -R[4]!, -R[5]!);
  const z = new THREE.Vector3(-R[6]!, -R[7]!, -R[8]!);
  const quaternion = new THREE.Quaternion().setFromRotationMatrix(new THREE.Matrix4().makeBasis(x, y, z));
  const fy = cam.K[4]! || 1;
  const fov = THREE.MathUtils.radToDeg(2 * Math.atan(cam.imageSize[1] / 2 / fy));
  const [width, height] = cam.imageSize;
  return { position: new THREE.Vector3(...(cam.loc as [number, number, number])).multiplyScalar(MM), quaternion, fov, intrinsics: { K: cam.K, width, height } };
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
  private jointRadius = 1;

  constructor(colour: THREE.Color) {
    this.pointsMaterial = new THREE.PointsMaterial({ color: colour, size: POINT_SIZE, sizeAttenuation: false });
    this.meshMaterial = new THREE.MeshStandardMaterial({ color: colour, roughness: 0.75, metalness: 0, side: THREE.DoubleSide });
    this.points = new THREE.Points(new THREE.BufferGeometry(), this.pointsMaterial);
    this.mesh = new THREE.Mesh(new THREE.BufferGeometry(), this.meshMaterial);
    // The skeleton is drawn over the body (no depth test), in a darker shade of the person's colour.
    const jointColour = colour.clone().offsetHSL(0, 0, -0.22);
    // A unit sphere, scaled per joint to the marker radius.
    this.joints = new THREE.InstancedMesh(
      new THREE.SphereGeometry(1, 12, 8),
      new THREE.MeshBasicMaterial({ color: jointColour, depthTest: false, transparent: true, opacity: 0.95 }),
      64,
    );
    this.bones = new THREE.LineSegments(new THREE.BufferGeometry(), new THREE.LineBasicMaterial({ color: jointColour, depthTest: false, transparent: true }));
    this.joints.renderOrder = this.bones.renderOrder = 1;
    for (const o of [this.points, this.mesh, this.joints, this.bones]) o.frustumCulled = false;
    this.group.add(this.points, this.mesh, this.joints, this.bones);
  }

  /** Marker sizes (joint radius in mm, point size in pixels) and wireframe; only changes are applied. */
  style(jointRadius: number, pointSize: number, wireframe: boolean): void {
    this.jointRadius = jointRadius;
    if (this.pointsMaterial.size !== pointSize) this.pointsMaterial.size = pointSize;
    if (this.meshMaterial.wireframe !== wireframe) this.meshMaterial.wireframe = wireframe;
  }

  /** What is drawn of the body now (points or mesh), or null. */
  get body(): THREE.Object3D | null {
    // Joints stand for the body in files that hold only joints.
    return this.mesh.visible ? this.mesh : this.points.visible ? this.points : this.joints.visible ? this.joints : null;
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
        // Vertex colours are multiplied by the material's: white while the colour map shows, so colours match its legend.
        if (coloured) {
          (m.userData as { base?: THREE.Color }).base ??= m.color.clone();
          m.color.set(0xffffff);
        } else {
          const base = (m.userData as { base?: THREE.Color }).base;
          if (base) m.color.copy(base);
        }
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
    const r = this.jointRadius;
    for (let k = 0; k < n; k++) this.joints.setMatrixAt(k, m.makeScale(r, r, r).setPosition(j[k * 3]!, j[k * 3 + 1]!, j[k * 3 + 2]!));
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
