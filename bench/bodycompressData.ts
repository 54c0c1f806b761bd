// Synthetic SMPL-sized people for the BodyCompress benchmark: 6,890 vertices and 24 joints per
// frame, walking (each body part swings rigidly about its joint), with the jitter the spec's
// bench used: 0.5 mm per vertex, 2 mm per part, 3 mm (x, y) / 8 mm (z) for the whole body.
import { NdArray } from '../src/core/numpy/ndarray';

export const VERTICES = 6890;
export const JOINTS = 24;

/** Deterministic PRNG (mulberry32) and a normal sample from it. */
function rng(seed: number) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

interface Part {
  joint: [number, number, number];
  first: number;
  count: number;
  /** Local offsets of the part's vertices from its joint (mm), ordered along the limb. */
  local: Float64Array;
  phase: number;
  swing: number;
}

/** A body template: 24 limb-like parts with consecutive, spatially neighbouring vertices. */
function template(seed: number): Part[] {
  const r = rng(seed);
  const parts: Part[] = [];
  const per = Math.floor(VERTICES / JOINTS);
  for (let j = 0; j < JOINTS; j++) {
    const count = j === JOINTS - 1 ? VERTICES - per * (JOINTS - 1) : per;
    const joint: [number, number, number] = [(r.uniform() - 0.5) * 500, (r.uniform() - 0.5) * 1600, (r.uniform() - 0.5) * 300];
    const length = 150 + r.uniform() * 250;
    const radius = 30 + r.uniform() * 60;
    const local = new Float64Array(count * 3);
    const rings = Math.max(1, Math.round(count / 24));
    for (let k = 0; k < count; k++) {
      const ring = Math.floor(k / 24);
      const angle = ((k % 24) / 24) * 2 * Math.PI;
      local[k * 3] = radius * Math.cos(angle);
      local[k * 3 + 1] = (ring / rings) * length;
      local[k * 3 + 2] = radius * Math.sin(angle);
    }
    parts.push({ joint, first: j * per, count, local, phase: r.uniform() * Math.PI * 2, swing: 0.2 + r.uniform() * 0.5 });
  }
  return parts;
}

// A mapped type, not an interface: the writer takes a Record<string, ...>, which an interface
// (having no implicit index signature) does not satisfy.
export type BenchFrame = Record<'vertices' | 'joints' | 'vertex_uncertainties' | 'joint_uncertainties', NdArray>;

/** Frame t of a person walking forward at 1.2 m/s, 30 fps. */
export function* walkingSequence(frames: number, seed = 7): Generator<BenchFrame> {
  const parts = template(seed);
  const r = rng(seed + 1);
  for (let t = 0; t < frames; t++) {
    const time = t / 30;
    const base = [-1500 + 1200 * time * 0.3, 200 + 3 * r.normal(), 4000 + 8 * r.normal()];
    base[0]! += 3 * r.normal();
    const v = new Float32Array(VERTICES * 3);
    const jt = new Float32Array(JOINTS * 3);
    const vu = new Float32Array(VERTICES);
    const ju = new Float32Array(JOINTS);
    for (const [j, p] of parts.entries()) {
      const a = p.swing * Math.sin(2 * Math.PI * 0.9 * time + p.phase);
      const c = Math.cos(a);
      const s = Math.sin(a);
      const off = [2 * r.normal(), 2 * r.normal(), 2 * r.normal()];
      const jx = base[0]! + p.joint[0] + off[0]!;
      const jy = base[1]! + p.joint[1] + off[1]!;
      const jz = base[2]! + p.joint[2] + off[2]!;
      jt.set([jx, jy, jz], j * 3);
      ju[j] = 0.02 + 0.01 * Math.abs(Math.sin(time + j));
      for (let k = 0; k < p.count; k++) {
        const x = p.local[k * 3]!;
        const y = p.local[k * 3 + 1]!;
        const z = p.local[k * 3 + 2]!;
        const i = p.first + k;
        // Rotation about the x axis through the joint, then per-vertex noise.
        v[i * 3] = jx + x + 0.5 * r.normal();
        v[i * 3 + 1] = jy + c * y - s * z + 0.5 * r.normal();
        v[i * 3 + 2] = jz + s * y + c * z + 0.5 * r.normal();
        vu[i] = 0.03 + 0.02 * Math.abs(Math.sin(i * 0.01 + time)) + 0.0005 * r.normal();
      }
    }
    yield {
      vertices: NdArray.fromTyped(v, [1, VERTICES, 3]),
      joints: NdArray.fromTyped(jt, [1, JOINTS, 3]),
      vertex_uncertainties: NdArray.fromTyped(vu, [1, VERTICES]),
      joint_uncertainties: NdArray.fromTyped(ju, [1, JOINTS]),
    };
  }
}
