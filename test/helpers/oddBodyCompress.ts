import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { H5PY_PYTHON } from './h5py';

/** Bounds of a person's valid points as numpy computed them (mm), and how many points are garbage. */
export interface OddBounds {
  valid: number;
  invalid: number;
  min: [number, number, number] | null;
  max: [number, number, number] | null;
}

/** What oddBodyCompress.py says each file holds (numpy and msgpack_numpy, the reference's way). */
export interface OddFacts {
  'odd_joints_empty_vertices.xz': { frames: number; maxPersons: number; joints: OddBounds };
  'odd_joints_no_vertices.xz': { frames: number; maxPersons: number; joints: OddBounds };
  'odd_killed_writer.xz': { frames: number; metadataFrames: number };
  'odd_no_data_stream.xz': { frames: number; headerFrames: number; dataStart: number };
  'odd_last_bytes_missing.xz': { frames: number; headerFrames: number };
  'odd_zero_frames.xz': { frames: number };
  'odd_garbage_coordinates.xz': { frames: number; perFrame: { persons: OddBounds[]; negativeUncertainties: number }[] };
}

/**
 * Writes the unusual and damaged BodyCompress files of oddBodyCompress.py into `dir` with the
 * Python that has msgpack_numpy (Debian's, like h5py's), and returns what numpy says they hold.
 */
export function writeOddFiles(dir: string): OddFacts {
  const r = spawnSync(H5PY_PYTHON, [join(__dirname, 'oddBodyCompress.py'), dir], { encoding: 'utf8' });
  assert.equal(
    r.status,
    0,
    `${H5PY_PYTHON} with numpy, msgpack and msgpack_numpy is required (Debian: python3-msgpack-numpy): ${r.error?.message ?? r.stderr}`,
  );
  return JSON.parse(r.stdout) as OddFacts;
}
