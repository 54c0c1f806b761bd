import { cameraCenter, type CameraCalibration } from '../smc/calibration';

/** The camera that faces the subject in the RenderMe360 rig (spec section 5). */
const FRONTAL_CAMERA = '25';

/**
 * `count` of `candidates` spread evenly around the head: with calibration, by azimuth of the camera
 * centres around the rig's centre (the first target is the frontal camera; ties go to the camera
 * nearest the rig's median height, i.e. head level); without it, evenly by id order.
 */
export function spreadCameras(candidates: readonly string[], calibration: ReadonlyMap<string, CameraCalibration>, count: number): string[] {
  if (candidates.length <= count) return [...candidates];
  const placed = candidates.filter((id) => calibration.has(id));
  if (placed.length < count) return evenly(candidates, count);
  const centres = new Map(placed.map((id) => [id, cameraCenter(calibration.get(id)!.RT)] as const));
  const all = [...centres.values()];
  const cx = mean(all.map((c) => c[0]));
  const cz = mean(all.map((c) => c[2]));
  const ys = all.map((c) => c[1]).sort((a, b) => a - b);
  const midY = ys[Math.floor(ys.length / 2)]!;
  const azimuth = new Map(placed.map((id) => [id, Math.atan2(centres.get(id)![0] - cx, centres.get(id)![2] - cz)] as const));
  const start = azimuth.get(placed.includes(FRONTAL_CAMERA) ? FRONTAL_CAMERA : placed[0]!)!;
  const chosen: string[] = [];
  for (let k = 0; k < count; k++) {
    const target = start + (2 * Math.PI * k) / count;
    let best: string | null = null;
    let bestScore = Infinity;
    for (const id of placed) {
      if (chosen.includes(id)) continue;
      // Radians off the target plus metres off head height: a camera 20° off at head level beats one on
      // target but 0.6 m above (the top camera 51).
      const score = angleBetween(azimuth.get(id)!, target) + Math.abs(centres.get(id)![1] - midY);
      if (score < bestScore) {
        bestScore = score;
        best = id;
      }
    }
    chosen.push(best!);
  }
  const order = new Map(candidates.map((id, i) => [id, i]));
  return chosen.sort((a, b) => order.get(a)! - order.get(b)!);
}

function evenly(ids: readonly string[], count: number): string[] {
  const out = new Set<string>();
  for (let i = 0; i < count; i++) out.add(ids[Math.floor((i * ids.length) / count)]!);
  return [...out];
}

function angleBetween(a: number, b: number): number {
  const d = Math.abs(a - b) % (2 * Math.PI);
  return d > Math.PI ? 2 * Math.PI - d : d;
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}
