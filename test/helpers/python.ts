import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/**
 * Runs Python code with numpy (the system `python3`; `npm test` installs Debian's python3-numpy)
 * and returns its stdout. Fails, never skips, when numpy is missing: these tests are how we know
 * our files load in NumPy.
 */
export function runPython(code: string, input?: string): string {
  const r = spawnSync('python3', ['-c', code], { input, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  assert.equal(r.status, 0, `python3 with numpy is required for these tests (Debian: python3-numpy): ${r.error?.message ?? r.stderr}`);
  return r.stdout.trim();
}
