import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probeBodyCompress } from '../../src/core/bodycompress/probe';
import { InputError } from '../../src/core/errors';
import { expectedJson, fixturePath } from '../helpers/fixtures';

for (const name of ['worked_example', 'single_person_30f', 'multi_person_varying', 'long_300f_multiblock', 'tiny_full_1024v']) {
  test(`${name}: probe reads the header the reference wrote`, async () => {
    const exp = expectedJson('bodycompress', name);
    const probe = await probeBodyCompress(fixturePath('bodycompress', `${name}.xz`));
    assert.deepEqual(probe, {
      version: exp.header.__bodycompress_version__,
      length: exp.header.length,
      dataStart: exp.header.data_start,
    });
  });
}

test('legacy v0.1 file is recognised without a header', async () => {
  const exp = expectedJson('bodycompress', 'legacy_v010');
  assert.equal(exp.kind, 'legacy-v0.1');
  assert.deepEqual(await probeBodyCompress(fixturePath('bodycompress', 'legacy_v010.xz')), {
    version: null,
    length: null,
    dataStart: null,
  });
});

test('an xz that is not BodyCompress and a non-xz file get distinct errors', async () => {
  assert.equal(expectedJson('bodycompress', 'not_bodycompress').kind, 'not-bodycompress');
  const code = (p: string) =>
    probeBodyCompress(p).then(
      () => 'ok',
      (e: unknown) => (e instanceof InputError ? e.code : String(e)),
    );
  assert.equal(await code(fixturePath('bodycompress', 'not_bodycompress.xz')), 'not-bodycompress');
  assert.equal(await code(fixturePath('smc', '0026_e0_anno.smc')), 'not-xz');
});
