import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/command';
import { expectedJson, fixturePath } from '../helpers/fixtures';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), isTty: false };
  const code = await runCli(argv, io);
  return { code, out, err };
}

test('info --json on an SMC prints the reference header fields', async () => {
  const exp = expectedJson('smc', '0026_e0_anno');
  const r = await cli('info', fixturePath('smc', '0026_e0_anno.smc'), '--json');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.format, 'smc');
  assert.equal(j.fileKind, 'anno');
  assert.equal(j.actorId, exp.root_attrs.actor_id);
  assert.equal(j.performancePart, exp.root_attrs.performance_part);
  assert.equal(j.captureDate, exp.root_attrs.capture_date);
  assert.deepEqual(j.cameraInfo.resolution, exp.camera_info.resolution);
});

test('info on bad input exits 2 with one line naming the problem', async () => {
  const r = await cli('info', fixturePath('smc', 'broken_truncated.smc'));
  assert.equal(r.code, 2);
  assert.equal(r.err.trim().split('\n').length, 1);
  assert.match(r.err, /truncated/);
  const j = await cli('info', fixturePath('bodycompress', 'not_bodycompress.xz'), '--json');
  assert.equal(j.code, 2);
  assert.equal(JSON.parse(j.out).error.code, 'not-bodycompress');
});

test('unknown commands and missing arguments are usage errors', async () => {
  assert.equal((await cli('frobnicate')).code, 2);
  assert.equal((await cli('info')).code, 2);
  assert.equal((await cli('--help')).code, 0);
});
