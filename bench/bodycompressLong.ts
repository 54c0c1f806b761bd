// Long BodyCompress files for benchmarks, built in seconds from a shorter one written with block
// frames: its frame streams repeated behind a header that counts them all.
import { open, stat } from 'node:fs/promises';
import { encodeMsgpack } from '../src/core/bodycompress/msgpack';
import { openBodyCompress } from '../src/core/bodycompress/reader';
import { compressBuffer } from '../src/core/bodycompress/xzEncode';

/**
 * A long multi-block file built from the block-grouped one: its frame streams repeated (each is
 * a complete xz stream of 30 frames) behind a header that counts them all. Same structure as a
 * 10-minute recording written with --block-frames 30, without 15 minutes of compression.
 */
export async function buildLongFile(grouped: string, long: string, repeat: number): Promise<number> {
  const src = await openBodyCompress(grouped, { index: false });
  const frames = (await src.indexed()).frames;
  const dataStart = src.head.dataStart!;
  const head = await open(grouped, 'r');
  const out = await open(long, 'w');
  try {
    const prefix = new Uint8Array(dataStart);
    await head.read(prefix, 0, dataStart, 0);
    await out.write(prefix, 0, prefix.length, 0);
    let pos = dataStart;
    const size = (await stat(grouped)).size;
    const data = new Uint8Array(size - dataStart);
    await head.read(data, 0, data.length, dataStart);
    for (let k = 0; k < repeat; k++) {
      await out.write(data, 0, data.length, pos);
      pos += data.length;
    }
    // Rewrite the header with the new frame count (xz -5 of the header map, as the writer does).
    const header = await compressBuffer(
      encodeMsgpack(
        new Map<string, number | number[]>([
          ['__bodycompress_version__', [0, 2, 1]],
          ['length', frames * repeat],
          ['data_start', dataStart],
        ]),
      ),
      'xz',
    );
    await src.layoutReady();
    const metadataStart = src.xzLayout!.streams[1]!.fileOffset;
    if (header.length > metadataStart) throw new Error('header grew');
    const patch = new Uint8Array(metadataStart);
    patch.set(header);
    await out.write(patch, 0, patch.length, 0);
  } finally {
    await head.close();
    await out.close();
    await src.close();
  }
  return frames * repeat;
}
