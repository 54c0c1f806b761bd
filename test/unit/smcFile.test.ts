import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SmcFile } from '../../src/core/smc/smcFile';
import { InputError } from '../../src/core/errors';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { tempDir } from '../helpers/tempDir';

const VALID = ['0026_e0_anno', '0026_e0_raw', '0026_h0_anno', '0026_h0_raw', '0026_s1_all_anno', '0026_s1_all_raw'];

for (const name of VALID) {
  test(`${name}: header and file kind match the reference`, async () => {
    const exp = expectedJson('smc', name);
    const file = await SmcFile.open(fixturePath('smc', `${name}.smc`));
    try {
      const h = file.header;
      assert.equal(h.actorId, exp.root_attrs.actor_id);
      assert.equal(h.performancePart, exp.root_attrs.performance_part);
      assert.equal(h.captureDate, exp.root_attrs.capture_date);
      assert.deepEqual(h.actorInfo, {
        age: exp.root_attrs.age,
        color: exp.root_attrs.color,
        gender: exp.root_attrs.gender,
        height: exp.root_attrs.height,
        weight: exp.root_attrs.weight,
      });
      assert.deepEqual(h.cameraInfo, {
        numDevice: exp.camera_info.num_device,
        numFrame: exp.camera_info.num_frame,
        resolution: exp.camera_info.resolution,
      });
      assert.equal(file.fileKind, exp.file_kind);
    } finally {
      file.close();
    }
  });
}

test('broken_truncated.smc is reported as truncated before HDF5 reads it', async () => {
  const exp = expectedJson('smc', 'broken_truncated');
  assert.equal(exp.valid_hdf5, false);
  await assert.rejects(SmcFile.open(fixturePath('smc', 'broken_truncated.smc')), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.equal(err.code, 'truncated');
    assert.match(err.message, /truncated/);
    return true;
  });
});

test('not_an_smc.smc is valid HDF5 but reported as not an SMC', async () => {
  const exp = expectedJson('smc', 'not_an_smc');
  assert.equal(exp.valid_hdf5, true);
  assert.equal(exp.is_smc, false);
  await assert.rejects(SmcFile.open(fixturePath('smc', 'not_an_smc.smc')), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.equal(err.code, 'not-smc');
    assert.match(err.message, /not a RenderMe360 SMC/);
    return true;
  });
});

test('a non-HDF5 file, an empty file and a missing file get distinct errors', async () => {
  const dir = await tempDir('smc');
  await writeFile(join(dir, 'text.smc'), 'hello, not HDF5 at all');
  await writeFile(join(dir, 'empty.smc'), '');
  const codeOf = (p: string) =>
    SmcFile.open(p).then(
      () => 'opened',
      (e: unknown) => (e instanceof InputError ? e.code : `unexpected: ${String(e)}`),
    );
  assert.equal(await codeOf(join(dir, 'text.smc')), 'not-hdf5');
  assert.equal(await codeOf(join(dir, 'empty.smc')), 'empty');
  assert.equal(await codeOf(join(dir, 'missing.smc')), 'not-found');
  assert.equal(await codeOf(dir), 'is-directory');
});
