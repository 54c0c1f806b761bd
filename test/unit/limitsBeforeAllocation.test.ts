// Sizes a file claims but cannot hold are refused before memory is reserved for them: a dataset
// larger than the file (or than its stored chunks can expand to), a msgpack length beyond the bytes
// left, a frame claiming billions of vertices, an object beyond maxFrameBytes, counts in headers.
// Each test checks the classified error AND the largest allocation made while failing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { decodeFrame } from '../../src/core/bodycompress/frame';
import { classifyHead } from '../../src/core/bodycompress/header';
import { decodeMsgpack, encodeMsgpack, MsgpackIncompleteError } from '../../src/core/bodycompress/msgpack';
import { ObjectSplitter } from '../../src/core/bodycompress/objectSplitter';
import { openBodyCompress } from '../../src/core/bodycompress/reader';
import { readXzLayout } from '../../src/core/bodycompress/xzContainer';
import { InputError } from '../../src/core/errors';
import { thumbnailSize } from '../../src/core/extract/visualize';
import { Hdf5File } from '../../src/core/hdf5/hdf5File';
import { loadH5wasm } from '../../src/core/hdf5/openHdf5';
import { NdArray } from '../../src/core/numpy/ndarray';
import { largestAllocation } from '../helpers/allocationWatch';
import { rawBodyCompress } from '../helpers/rawBodyCompress';
import { Hdf5Writer } from '../helpers/smcWriter';
import { tempDir } from '../helpers/tempDir';

const tmp = () => tempDir('limits');
const MB = 2 ** 20;

/** Rejects with an InputError of `code`, having asked for no buffer over `maxBytes`. */
async function refusedWithout(fn: () => Promise<unknown>, code: string, maxBytes: number, pattern?: RegExp): Promise<void> {
  const { bytes, outcome } = await largestAllocation(fn);
  assert.equal(outcome.status, 'rejected', 'the claim was believed');
  const err = outcome.reason;
  assert.ok(err instanceof InputError, String(err?.stack ?? err));
  assert.equal(err.code, code, err.message);
  if (pattern) assert.match(err.message, pattern);
  assert.ok(bytes <= maxBytes, `${bytes} bytes were requested before refusing`);
}

test('the allocation watch sees typed arrays, Buffers and Arrays', async () => {
  const { bytes } = await largestAllocation(async () => [new Float64Array(1000), Buffer.allocUnsafe(5000), new Array(100)]);
  assert.equal(bytes, 8000);
  assert.equal((await largestAllocation(async () => Buffer.alloc(3 * MB))).bytes, 3 * MB);
});

/** A small HDF5 file whose one dataset's dataspace is patched to claim `elements` bytes. */
async function liar(path: string, elements: bigint, options: { gzip?: boolean; padding?: number } = {}): Promise<void> {
  const w = await Hdf5Writer.create(path, 'h5py');
  // Random bytes do not compress: they make a file of `padding` bytes whatever the filter.
  if (options.padding)
    w.dataset(
      '/padding',
      Uint8Array.from({ length: options.padding }, (_, i) => (i * 2654435761) >>> 24),
    );
  w.dataset('/claim', new Uint8Array(4099).fill(1), options.gzip ? { chunks: [4099], gzip: 6 } : {});
  w.close();
  const b = await readFile(path);
  // The dataspace holds the dimension then its maximum, each 8 bytes little-endian.
  const needle = Buffer.from([0x03, 0x10, 0, 0, 0, 0, 0, 0]);
  const at = b.indexOf(needle);
  assert.ok(at > 0 && b.indexOf(needle, at + 8) === at + 8, 'dimension and maximum');
  b.writeBigUInt64LE(elements, at);
  b.writeBigUInt64LE(elements, at + 8);
  await writeFile(path, b);
}

test('HDF5: a contiguous dataset claiming more than the file is refused by every read, before allocating', async () => {
  const path = join(await tmp(), 'contiguous.h5');
  for (const claim of [10n ** 12n, 300n * 2n ** 20n]) {
    await liar(path, claim);
    const file = await Hdf5File.open(path);
    try {
      assert.equal(file.dataset('/claim')!.byteLength, Number(claim));
      const pattern = /claims [\d,]+ bytes/;
      await refusedWithout(() => file.readBytes('/claim'), 'corrupt', MB, pattern);
      await refusedWithout(() => file.readArray('/claim'), 'corrupt', MB, pattern);
      await refusedWithout(() => file.readRows('/claim', 0, 2 ** 40), 'corrupt', MB, pattern);
      await refusedWithout(
        async () => {
          let streamed = 0;
          for await (const chunk of file.streamBytes('/claim')) streamed += chunk.byteLength;
          return streamed;
        },
        'corrupt',
        MB,
        pattern,
      );
    } finally {
      file.close();
    }
  }
});

test('HDF5: a compressed dataset claiming far more than its stored chunks expand to is refused before the HDF5 library fills it', async () => {
  // 2 MB of file: the file-size bound (× the best filter ratio) would allow a 300 MB claim; the
  // stored chunk (a few hundred bytes) does not.
  const path = join(await tmp(), 'gzip.h5');
  await liar(path, 300n * 2n ** 20n, { gzip: true, padding: 2 * MB });
  const h5 = await loadH5wasm();
  const heap = () => (h5 as unknown as { Module: { HEAPU8: Uint8Array } }).Module.HEAPU8.length;
  const file = await Hdf5File.open(path);
  try {
    const info = file.dataset('/claim')!;
    assert.equal(info.byteLength, 300 * MB);
    assert.ok(info.storedBytes! < 4096, `stored ${info.storedBytes}`);
    const before = heap();
    await refusedWithout(() => file.readBytes('/claim'), 'corrupt', MB, /stores [\d,]+, more than any filter expands/);
    await refusedWithout(() => file.readRows('/claim', 0, 10 ** 9), 'corrupt', MB);
    assert.equal(heap(), before, 'the HDF5 library reserved no memory');
  } finally {
    file.close();
  }
});

test('msgpack: lengths beyond the bytes left are refused before allocating', async () => {
  const heads = [
    [0xdb, 0xff, 0xff, 0xff, 0xff], // str 32
    [0xc6, 0xff, 0xff, 0xff, 0xf0], // bin 32
    [0xc9, 0x7f, 0xff, 0xff, 0xff, 0x01], // ext 32
    [0xdd, 0xff, 0xff, 0xff, 0xff], // array 32
    [0xdf, 0x10, 0x00, 0x00, 0x00], // map 32
    [0xdc, 0xff, 0xff], // array 16
  ];
  for (const head of heads) {
    const bytes = Uint8Array.from([...head, 0xc0, 0xc0, 0xc0]);
    const { bytes: asked, outcome } = await largestAllocation(async () => decodeMsgpack(bytes));
    assert.equal(outcome.status, 'rejected');
    assert.ok(outcome.reason instanceof MsgpackIncompleteError, String(outcome.reason));
    assert.ok(asked <= 64, `${asked} bytes requested for 0x${head[0]!.toString(16)}`);
    // Inside a frame: a classified error.
    const frame = Uint8Array.from([0x81, 0xa1, 0x78, ...head, 0xc0]);
    await refusedWithout(async () => decodeFrame(frame, 3), 'corrupt', 64, /Frame 3 is not valid msgpack/);
  }
});

test('a frame claiming billions of vertices (or a shape whose product overflows) is refused before allocating', async () => {
  const twelve = new Uint8Array(12);
  for (const shape of [
    [1, 2e9, 3],
    [2 ** 31, 2 ** 31, 3],
    [2 ** 40, 2 ** 40, 2 ** 40],
    [7, 0, 2 ** 50],
  ]) {
    const frame = encodeMsgpack(new Map([['qd_vertices', [new NdArray('<i4', shape, twelve), 2]]]));
    await refusedWithout(async () => decodeFrame(frame, 0), 'corrupt', 64, /qd_vertices has 12 data bytes for shape/);
  }
  // A dimension beyond 2^53 is stored as a float: not a numpy shape at all.
  const frame = encodeMsgpack(new Map([['qd_vertices', [new NdArray('<i4', [2 ** 53, 1, 3], twelve), 2]]]));
  await refusedWithout(async () => decodeFrame(frame, 0), 'corrupt', 64, /qd_vertices is not a \[array, factor\] pair/);
});

test('an object larger than maxFrameBytes is refused as soon as its length is read', async () => {
  // A frame whose bin claims 3 GB: the splitter knows after 5 bytes and never buffers toward it.
  const splitter = new ObjectSplitter(0, 256 * MB);
  const { bytes, outcome } = await largestAllocation(async () => {
    splitter.push(Uint8Array.of(0x81, 0xa1, 0x78, 0xc6, 0xc0, 0, 0, 0, 1, 2, 3));
    return splitter.next();
  });
  assert.equal(outcome.status, 'rejected');
  assert.match(String(outcome.reason), /larger than 268435456 bytes/);
  assert.ok(bytes <= 2 * MB, `${bytes} bytes requested`);

  // Through the reader: the frames before it are read, then the file is reported corrupt.
  const dir = await tmp();
  const ok = encodeMsgpack(new Map([['n', 1]]));
  const path = join(dir, 'huge-object.xz');
  await writeFile(path, rawBodyCompress({ frames: [ok, Uint8Array.of(0x81, 0xa1, 0x78, 0xc6, 0x7f, 0xff, 0xff, 0xff, 1, 2, 3)] }));
  const f = await openBodyCompress(path, { maxFrameBytes: MB });
  try {
    const s = await f.summary();
    assert.equal(s.frames, 1);
    assert.equal(s.error?.code, 'corrupt');
    assert.match(s.error.message, /larger than 1048576 bytes/);
  } finally {
    await f.close();
  }
});

/** A multi-block BodyCompress file whose frame stream's index claims `huge` decoded bytes for block `victim` (checksums fixed, so the claim is believed). */
async function lyingIndex(path: string, victim: number, huge: number): Promise<void> {
  const frames = Array.from({ length: 40 }, (_, i) =>
    encodeMsgpack(
      new Map<string, unknown>([
        ['i', i],
        ['pad', NdArray.fromTyped(Float32Array.from({ length: 500 }, (_, k) => Math.sin(k * i)))],
      ]) as never,
    ),
  );
  const bytes = rawBodyCompress({ frames, blockSize: 4096 });
  await writeFile(path, bytes);
  const h = await open(path);
  const s = (await readXzLayout(h, 0, bytes.length)).streams[2]!;
  await h.close();
  const varint = (v: number) => {
    const out: number[] = [];
    for (; v >= 0x80; v = Math.floor(v / 128)) out.push((v % 128) | 0x80);
    return [...out, v];
  };
  const idx = [0, ...varint(s.blocks.length), ...s.blocks.flatMap((b, i) => [...varint(b.unpaddedSize), ...varint(i === victim ? huge : b.uncompressedSize)])];
  while (idx.length % 4) idx.push(0);
  const index = Buffer.alloc(idx.length + 4);
  index.set(idx);
  index.writeUInt32LE(crc32(index.subarray(0, idx.length)), idx.length);
  const footer = Buffer.from(bytes.subarray(s.end - 12, s.end));
  footer.writeUInt32LE(index.length / 4 - 1, 4);
  footer.writeUInt32LE(crc32(footer.subarray(4, 10)), 0);
  const last = s.blocks.at(-1)!;
  await writeFile(path, Buffer.concat([bytes.subarray(0, last.fileOffset + Math.ceil(last.unpaddedSize / 4) * 4), index, footer, bytes.subarray(s.end)]));
}

test('an xz index claiming terabytes for a block is believed by nothing that allocates: the file reads as corrupt, frames before it read', async () => {
  const path = join(await tmp(), 'index.xz');
  await lyingIndex(path, 3, 2 ** 40);
  const { bytes, outcome } = await largestAllocation(async () => {
    const f = await openBodyCompress(path);
    try {
      await f.layoutReady();
      assert.equal(f.xzLayout!.uncompressedSize > 2 ** 40, true, 'the claim is in the layout');
      const s = await f.summary();
      assert.equal(s.error?.code, 'corrupt');
      assert.ok(s.frames >= 30, `${s.frames} frames`);
      for (const i of [0, 20, s.frames - 1]) assert.equal((await f.getFrame(i)).values.get('i'), i);
    } finally {
      await f.close();
    }
  });
  assert.equal(outcome.status, 'fulfilled', String((outcome as PromiseRejectedResult).reason?.stack));
  assert.ok(bytes <= 2 * MB, `${bytes} bytes requested`);
});

test('contact-sheet thumbnails stay small whatever resolution the header claims', () => {
  assert.deepEqual(thumbnailSize(128, 153), [153, 128]);
  assert.deepEqual(thumbnailSize(2048, 2448), [320, 268]);
  for (const [h, w] of [
    [65535, 1],
    [65535, 0],
    [0, 65535],
    [1, 65535],
  ] as const) {
    const [tw, th] = thumbnailSize(h, w);
    assert.ok(tw >= 1 && tw <= 320 && th >= 1 && th <= 1280, `${h} × ${w} → ${tw} × ${th}`);
  }
});

test('header counts: a damaged length or legacy frame count is no claim', () => {
  const head = (length: unknown) =>
    encodeMsgpack(
      new Map<string, unknown>([
        ['__bodycompress_version__', [0, 2, 1]],
        ['length', length],
        ['data_start', 100],
      ]) as never,
    );
  for (const length of [-1, 1.5, 2 ** 64, 'x', NaN]) {
    const h = classifyHead([head(length), Uint8Array.of(0xc0)], 'clean', 'x.xz');
    assert.equal(h.claimedFrames, null, String(length));
  }
  assert.equal(classifyHead([head(30), Uint8Array.of(0xc0)], 'clean', 'x.xz').claimedFrames, 30);
  const legacy = encodeMsgpack(new Map([['n_frames', -5]]));
  const frame = encodeMsgpack(new Map([['qd_vertices', 1]]));
  assert.equal(classifyHead([legacy, frame], 'clean', 'x.xz').claimedFrames, null);
});
