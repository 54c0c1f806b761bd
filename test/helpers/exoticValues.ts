import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { H5PY_PYTHON } from './h5py';

/** A value as Python printed it (exoticValues.py): the inspector's row or tree node. */
export interface PrintedValue {
  key: string;
  type: string;
  shape: string;
  text: string;
  note: string;
  children?: PrintedValue[];
}

export interface ExoticExpected {
  /** Frame 1's rows for the exotic keys (dict fields as `key.field` rows). */
  rows: PrintedValue[];
  vertices: PrintedValue;
  joints: PrintedValue;
  /** The metadata as a tree (root key ''). */
  metadata: PrintedValue;
}

/** Writes the file of values of every kind with the system Python (msgpack_numpy); returns what Python printed. */
export function writeExoticFile(path: string): ExoticExpected {
  const r = spawnSync(H5PY_PYTHON, [join(__dirname, 'exoticValues.py'), path], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  assert.equal(r.status, 0, `${H5PY_PYTHON} with numpy, msgpack and msgpack_numpy is required: ${r.error?.message ?? r.stderr}`);
  return JSON.parse(r.stdout) as ExoticExpected;
}
