import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/**
 * The Python that has h5py: Debian's python3-h5py (installed by `npm test`'s setup) lives under
 * /usr/bin/python3, which may not be the `python3` on PATH (pyenv). H5PY_PYTHON overrides it.
 */
export const H5PY_PYTHON = process.env.H5PY_PYTHON ?? '/usr/bin/python3';

/**
 * Runs Python code with h5py and numpy and returns its stdout. Fails, never skips, when h5py is
 * missing: h5py is the ground truth our HDF5 reader is compared with.
 */
export function runH5py(code: string, args: readonly string[] = []): string {
  const r = spawnSync(H5PY_PYTHON, ['-c', code, ...args], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  assert.equal(r.status, 0, `${H5PY_PYTHON} with h5py is required for these tests (Debian: python3-h5py): ${r.error?.message ?? r.stderr}`);
  return r.stdout.trim();
}
