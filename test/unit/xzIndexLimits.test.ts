import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { openBodyCompress } from '../../src/core/bodycompress/reader';
import { readXzLayout } from '../../src/core/bodycompress/xzContainer';
import type { XzEngine } from '../../src/core/bodycompress/xzDecode';
import { systemXz } from '../../src/core/bodycompress/systemXz';
import { fixturePath } from '../helpers/fixtures';
import { tempDir } from '../helpers/tempDir';

/*
 * xz index sizes are 63-bit integers. Ours are JavaScript numbers: a size above 2^53 would lose
 * precision, and sizes adding up past 2^64 describe no possible file. Both are a corrupt index:
 * the block list is not used (frames are reached sequentially) and the decoders report the damage.
 */

const ENGINES: XzEngine[] = systemXz() ? ['xz', 'lzma-native', 'wasm'] : ['lzma-native', 'wasm'];

function varint(v: bigint): number[] {
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

/** The fixture with the index and footer of its last stream replaced by ones listing `records`. */
async function withLastIndex(records: [unpadded: bigint, uncompressed: bigint][]): Promise<Buffer> {
  const path = fixturePath('bodycompress', 'single_person_30f.xz');
  const file = await readFile(path);
  const h = await open(path, 'r');
  const layout = await readXzLayout(h, 0, file.length).finally(() => h.close());
  const last = layout.streams.at(-1)!;
  const indexStart = last.blocks.reduce((end, b) => end + Math.ceil(b.unpaddedSize / 4) * 4, last.fileOffset + 12);
  const index = [0, ...varint(BigInt(records.length)), ...records.flatMap(([u, c]) => [...varint(u), ...varint(c)])];
  while (index.length % 4) index.push(0);
  const indexBytes = Buffer.alloc(index.length + 4);
  indexBytes.set(index);
  indexBytes.writeUInt32LE(crc32(indexBytes.subarray(0, index.length)), index.length);
  const footer = Buffer.alloc(12);
  footer.writeUInt32LE(indexBytes.length / 4 - 1, 4);
  footer[8] = last.flags[0];
  footer[9] = last.flags[1];
  footer.write('YZ', 10, 'latin1');
  footer.writeUInt32LE(crc32(footer.subarray(4, 10)), 0);
  return Buffer.concat([file.subarray(0, indexStart), indexBytes, footer]);
}

async function check(name: string, bytes: Buffer): Promise<void> {
  const dir = await tempDir('xzindex');
  const path = join(dir, `${name}.xz`);
  await writeFile(path, bytes);
  const h = await open(path, 'r');
  const layout = await readXzLayout(h, 0, bytes.length).finally(() => h.close());
  assert.equal(layout.complete, false, `${name}: the index is not accepted`);
  assert.match(layout.problem ?? '', /damaged xz index/);
  for (const engine of ENGINES) {
    const f = await openBodyCompress(path, { engine });
    try {
      const p = await f.indexed();
      assert.equal(p.error?.code, 'corrupt', `${name} (${engine}): ${p.error?.message}`);
      await f.layoutReady();
      assert.equal(f.seekability, 'sequential');
      assert.equal(f.blockCount, null);
    } finally {
      await f.close();
    }
  }
}

test('an xz index size above 2^53 is a damaged index, not a rounded number', async () => {
  const path = fixturePath('bodycompress', 'single_person_30f.xz');
  const h = await open(path, 'r');
  const block = (await readXzLayout(h, 0, (await h.stat()).size).finally(() => h.close())).blocks.at(-1)!;
  await check('above-2^53', await withLastIndex([[BigInt(block.unpaddedSize), 2n ** 53n + 2n]]));
});

test('xz index sizes adding up past 2^64 are a damaged index', async () => {
  const path = fixturePath('bodycompress', 'single_person_30f.xz');
  const h = await open(path, 'r');
  const block = (await readXzLayout(h, 0, (await h.stat()).size).finally(() => h.close())).blocks.at(-1)!;
  // 2048 tiny blocks of 2^53 - 1 bytes each (every size exact) plus the real one: the blocks'
  // bytes add up to what the file holds, the decoded sizes to more than 2^64.
  const total = BigInt(Math.ceil(block.unpaddedSize / 4) * 4);
  const records: [bigint, bigint][] = Array.from({ length: 2048 }, () => [5n, 2n ** 53n - 1n]);
  records.push([total - 2048n * 8n, BigInt(block.uncompressedSize)]);
  const sum = records.reduce((s, [, c]) => s + c, 0n);
  assert.ok(sum > 2n ** 64n);
  await check('past-2^64', await withLastIndex(records));
});
