import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURES } from './fixtures';

/** What numpy says a comparison of two files must show (see compareBodyCompress.py). */
export interface ExpectedComparison {
  common: number;
  aFrames: number;
  bFrames: number;
  bases: string[];
  personCountsDiffer: number;
  meanPerPerson: number[];
}

/**
 * Writes the second files of the comparison tests into `out` with Python (msgpack_numpy and xz,
 * like the reference writer) from the reference fixtures, and returns numpy's expected values,
 * keyed `first.xz|second.xz`.
 */
export function writeCompareFiles(out: string): Record<string, ExpectedComparison> {
  const r = spawnSync('/usr/bin/python3', [join(__dirname, 'compareBodyCompress.py'), join(FIXTURES, 'bodycompress'), out], {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  assert.equal(r.status, 0, `/usr/bin/python3 with numpy, msgpack and msgpack_numpy is needed: ${r.error?.message ?? r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, ExpectedComparison>;
}

/** A vertex's or joint's x, y, z (mm) in every frame of a file, as numpy decodes it (null where a frame lacks it). */
export function pointPath(file: string, person: number, kind: 'vertex' | 'joint', index: number): ([number, number, number] | null)[] {
  const r = spawnSync('/usr/bin/python3', [join(__dirname, 'compareBodyCompress.py'), 'path', file, String(person), kind, String(index)], {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  assert.equal(r.status, 0, `/usr/bin/python3 with numpy, msgpack and msgpack_numpy is needed: ${r.error?.message ?? r.stderr}`);
  return JSON.parse(r.stdout) as ([number, number, number] | null)[];
}
