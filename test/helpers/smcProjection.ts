import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { H5PY_PYTHON } from './h5py';

export interface ReferenceErrors {
  landmarks: number;
  mean: number | null;
  max: number | null;
}

/** What numpy says (reprojectionReference.py): per-camera landmark errors, FLAME and scan projected through one camera. */
export interface ProjectionReference {
  errors: Record<string, ReferenceErrors>;
  /** [x, y] per vertex; null (JSON for NaN) behind the camera. */
  flame: [number | null, number | null][];
  scan: [number | null, number | null][];
}

function runScript(script: string, args: string[]): string {
  const r = spawnSync(H5PY_PYTHON, [join(__dirname, script), ...args], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  assert.equal(r.status, 0, `${H5PY_PYTHON} ${script} failed (needs python3-h5py and numpy): ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

/** Copies an SMC with one camera's RT turned by `degrees` about its y axis (and its distortion set, if given), with h5py. */
export function misalignSmc(src: string, dst: string, camera: string, degrees: number, distortion?: number[]): void {
  runScript('misalignSmc.py', [src, dst, camera, String(degrees), ...(distortion ? [distortion.join(',')] : [])]);
}

export function projectionReference(file: string, frame: number, camera: string): ProjectionReference {
  // numpy's NaN is written as NaN, which JSON.parse does not read.
  return JSON.parse(runScript('reprojectionReference.py', [file, String(frame), camera]).replace(/\bNaN\b/g, 'null')) as ProjectionReference;
}
