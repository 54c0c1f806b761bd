import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createAtomicWriteStream, isTemporaryPath, writeFileAtomic } from '../../src/core/io/atomicFile';
import { tempDir } from '../helpers/tempDir';

test('writeFileAtomic leaves only the final file', async () => {
  const dir = await tempDir('atomic');
  await writeFileAtomic(join(dir, 'sub', 'a.txt'), 'hello');
  assert.equal(await readFile(join(dir, 'sub', 'a.txt'), 'utf8'), 'hello');
  assert.deepEqual(await readdir(join(dir, 'sub')), ['a.txt']);
});

test('an aborted stream leaves nothing; a committed one appears only at commit', async () => {
  const dir = await tempDir('atomic');
  const a = await createAtomicWriteStream(join(dir, 'big.bin'));
  a.stream.write(Buffer.alloc(1000, 1));
  const during = await readdir(dir);
  assert.equal(during.length, 1);
  assert.ok(isTemporaryPath(during[0]!), during[0]);
  await a.abort();
  assert.deepEqual(await readdir(dir), []);

  const b = await createAtomicWriteStream(join(dir, 'big.bin'));
  b.stream.write(Buffer.alloc(10, 2));
  await b.commit();
  assert.deepEqual(await readdir(dir), ['big.bin']);
  assert.equal((await readFile(join(dir, 'big.bin'))).length, 10);
});
