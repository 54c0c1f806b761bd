import { spawnSync } from 'node:child_process';
import { VERSION_KEY } from '../../src/core/bodycompress/header';
import { encodeMsgpack, type EncodableValue } from '../../src/core/bodycompress/msgpack';

/*
 * BodyCompress files assembled from raw msgpack objects, for tests and the fuzzer that need files
 * the writer refuses to make (lying lengths, bogus headers, hostile keys): the objects are
 * compressed with the system xz and laid out as the reference does (spec §2.1).
 */

/** Compresses into one .xz stream (fast preset; `blockSize` cuts it into independent blocks). */
export function xzCompressSync(bytes: Uint8Array, blockSize?: number): Uint8Array {
  const args = ['-0', '-c', '-qq', '--check=crc64', ...(blockSize ? [`--block-size=${blockSize}`] : [])];
  const r = spawnSync('xz', args, { input: bytes, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`xz failed: ${r.stderr.toString()}`);
  return new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength);
}

/** Decompresses complete .xz data with the system xz; null when it fails. */
export function xzDecompressSync(bytes: Uint8Array): Uint8Array | null {
  const r = spawnSync('xz', ['-dc', '-qq'], { input: bytes, maxBuffer: 1 << 30 });
  return r.status === 0 ? new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength) : null;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface RawBodyCompress {
  /**
   * The header map, given the real offset of the frame stream and the number of frame objects
   * (default: the reference's finalized header).
   */
  header?: (dataStart: number, frames: number) => Map<string, EncodableValue>;
  /** msgpack bytes of the metadata object (default nil). */
  metadata?: Uint8Array;
  /** msgpack bytes of each frame object, concatenated into the frame stream. */
  frames: Uint8Array[];
  /** Cut the frame stream into xz blocks of this many bytes. */
  blockSize?: number;
  /** A legacy v0.1 file: one stream holding the metadata and the frames, no header. */
  legacy?: boolean;
}

const finalHeader = (dataStart: number, frames: number) =>
  new Map<string, EncodableValue>([
    [VERSION_KEY, [0, 2, 1]],
    ['length', frames],
    ['data_start', dataStart],
  ]);

/** The file's bytes: header stream, 64 zero bytes, metadata stream, frame stream (or one legacy stream). */
export function rawBodyCompress(spec: RawBodyCompress): Uint8Array {
  const metadata = spec.metadata ?? Uint8Array.of(0xc0);
  if (spec.legacy) return xzCompressSync(concatBytes([metadata, ...spec.frames]), spec.blockSize);
  const data = xzCompressSync(concatBytes(spec.frames), spec.blockSize);
  const meta = xzCompressSync(metadata);
  const header = spec.header ?? finalHeader;
  // The header holds the offset of the frames, which depends on the header's own size: iterate.
  let dataStart = 0;
  let head: Uint8Array = new Uint8Array(0);
  for (let round = 0; round < 4; round++) {
    head = xzCompressSync(encodeMsgpack(header(dataStart, spec.frames.length)));
    const next = head.length + 64 + meta.length;
    if (next === dataStart) break;
    dataStart = next;
  }
  return concatBytes([head, new Uint8Array(64), meta, data]);
}
