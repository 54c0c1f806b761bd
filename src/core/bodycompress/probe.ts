import { decodeMulti } from '@msgpack/msgpack';
import { XzReadableStream } from 'xz-decompress';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { InputError, inputErrorFromFs } from '../errors';
import { XZ_MAGIC, readBytesAt, startsWith } from '../io/fileHead';

export interface BodyCompressProbe {
  /** [0, 2, 1] for v0.2 files, null for legacy v0.1 files (no header). */
  version: number[] | null;
  /** Frame count from the header (v0.2), or null. */
  length: number | null;
  dataStart: number | null;
}

const textDecoder = new TextDecoder();
/** msgpack-numpy writes map keys as msgpack bin; turn them into strings. */
const mapKeyConverter = (k: unknown) => (k instanceof Uint8Array ? textDecoder.decode(k) : (k as string));
/** The first objects of a BodyCompress file are small; never decode more than this to decide. */
const PROBE_LIMIT = 4 << 20;

/**
 * Decides quickly whether `path` is a BodyCompress file by decoding only its first msgpack
 * objects. Throws InputError `not-xz` / `not-bodycompress` / `empty` otherwise.
 */
export async function probeBodyCompress(path: string): Promise<BodyCompressProbe> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    throw inputErrorFromFs(err, path);
  }
  if (size === 0) throw new InputError('empty', `The file is empty (0 bytes): ${path}`);
  if (!startsWith(await readBytesAt(path, 0, 6), XZ_MAGIC)) {
    throw new InputError('not-xz', `Not an xz-compressed file (no xz signature): ${path}`);
  }
  const objects = await firstObjects(path, 2);
  const [first, second] = objects;
  if (isMap(first) && '__bodycompress_version__' in first) {
    const version = first['__bodycompress_version__'];
    return {
      version: Array.isArray(version) ? version.map(Number) : null,
      length: typeof first['length'] === 'number' ? first['length'] : null,
      dataStart: typeof first['data_start'] === 'number' ? first['data_start'] : null,
    };
  }
  // Legacy v0.1: metadata first, then frame maps holding the quantized body arrays.
  if (isMap(second) && Object.keys(second).some((k) => k.startsWith('qd_'))) {
    return { version: null, length: null, dataStart: null };
  }
  throw new InputError(
    'not-bodycompress',
    `This .xz file is not a BodyCompress file (its content is not a BodyCompress header or frame): ${path}`,
  );
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** Decompresses the start of the file until `count` msgpack objects parse (or the limit/end). */
async function firstObjects(path: string, count: number): Promise<unknown[]> {
  const input = Readable.toWeb(createReadStream(path, { highWaterMark: 64 << 10 })) as ReadableStream<Uint8Array>;
  const reader = new XzReadableStream(input).getReader();
  let buf = new Uint8Array(0);
  let objects: unknown[] = [];
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch {
        if (buf.length === 0) throw new InputError('corrupt', `The xz data is corrupt or truncated: ${path}`);
        break;
      }
      if (chunk.done) break;
      const grown = new Uint8Array(buf.length + chunk.value.length);
      grown.set(buf);
      grown.set(chunk.value, buf.length);
      buf = grown;
      objects = parsePrefix(buf, count);
      if (objects.length >= count || buf.length >= PROBE_LIMIT) break;
    }
  } finally {
    // xz-decompress runs one decoder at a time per realm: always release it.
    await reader.cancel().catch(() => undefined);
  }
  return objects.length > 0 ? objects : parsePrefix(buf, count);
}

/** Parses up to `count` complete objects from the start of `buf`, ignoring an incomplete tail. */
function parsePrefix(buf: Uint8Array, count: number): unknown[] {
  const out: unknown[] = [];
  try {
    for (const obj of decodeMulti(buf, { mapKeyConverter })) {
      out.push(obj);
      if (out.length >= count) break;
    }
  } catch {
    // Incomplete or not msgpack: keep what parsed.
  }
  return out;
}
