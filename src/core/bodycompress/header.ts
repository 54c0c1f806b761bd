import { open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { InputError } from '../errors';
import { readBytesAt } from '../io/fileHead';
import type { DecodeWorkerClient, JobEnd } from './decodeWorkerClient';
import type { JobSpec } from './decodeWorkerProtocol';
import { decodeMsgpack } from './msgpack';
import { asNumber, type PyValue } from './pyValues';
import { streamBoundaryAfter, XZ_HEADER_MAGIC } from './xzContainer';
import { XZ_CORRUPT, XZ_TRUNCATED, type XzEngine } from './xzDecode';

export const VERSION_KEY = '__bodycompress_version__';
const LEGACY_COUNT_KEYS = ['n_frames', 'num_frames', 'nframes'];

/** What the first objects of a file say about it (spec §7 steps 1-4). */
export interface BodyCompressHead {
  /** `v0.2`: header stream, padding, metadata stream, frame stream; `v0.1`: one stream, no header. */
  format: 'v0.2' | 'v0.1';
  /** The header's version ([0, 2, 1]); null for v0.1 files. */
  version: number[] | null;
  /** The header map as decoded (v0.2), else null. */
  header: Map<PyValue, PyValue> | null;
  /**
   * Frame count the file claims: the header's `length` (v0.2, finalized), else a legacy
   * metadata `n_frames`/`num_frames`/`nframes`; null when unknown until the end is read.
   */
  claimedFrames: number | null;
  /** Byte offset of the frame stream (header `data_start`), null when not recorded. */
  dataStart: number | null;
  /** False for a v0.2 file whose writer never reached close() (`data_start` nil). */
  finalized: boolean;
  metadata: PyValue;
  /** Where frames start: decode from this file offset, frames after this many objects. */
  frames: { fileOffset: number; objectsBefore: number };
}

function decodeOrNull(bytes: Uint8Array | undefined): { ok: true; value: PyValue } | { ok: false } {
  if (!bytes) return { ok: false };
  try {
    const r = decodeMsgpack(bytes);
    return r.end === bytes.length ? { ok: true, value: r.value } : { ok: false };
  } catch {
    return { ok: false };
  }
}

/**
 * The one error for data that ends or breaks before the header and metadata are read, whatever
 * the engine (they hand out different amounts of the damaged data before failing, so what was
 * decoded before the failure does not change the message).
 */
export function damagedHeadError(ended: 'truncated' | 'corrupt', path: string): InputError {
  return new InputError(
    ended,
    `The file is ${ended} at its start, where its header and metadata are (${ended === 'truncated' ? XZ_TRUNCATED : XZ_CORRUPT}): ${path}`,
  );
}

/**
 * Classifies a file from its first two msgpack objects (their bytes; fewer when the data ended).
 * `ended` tells whether the decoded data ended cleanly right after them (and a little further:
 * see `readHead`). When it did not, the objects are only accepted if they form a BodyCompress
 * head: anything else is the damage's doing, never "not a BodyCompress file".
 */
export function classifyHead(objects: Uint8Array[], ended: 'clean' | 'truncated' | 'corrupt', path: string): BodyCompressHead {
  try {
    return classifyObjects(objects, ended, path);
  } catch (err) {
    if (ended !== 'clean' && err instanceof InputError) throw damagedHeadError(ended, path);
    throw err;
  }
}

function classifyObjects(objects: Uint8Array[], ended: 'clean' | 'truncated' | 'corrupt', path: string): BodyCompressHead {
  const notBc = () =>
    new InputError('not-bodycompress', `This .xz file is not a BodyCompress file (it holds neither a BodyCompress header nor body frames): ${path}`);
  const first = decodeOrNull(objects[0]);
  if (!first.ok) throw notBc();
  const h = first.value;
  if (h instanceof Map && h.has(VERSION_KEY)) {
    const version = h.get(VERSION_KEY);
    const length = asNumber(h.get('length'));
    const dataStart = asNumber(h.get('data_start'));
    const second = decodeOrNull(objects[1]);
    if (!second.ok) throw new InputError('corrupt', `The BodyCompress metadata cannot be read: ${path}`);
    const finalized = dataStart !== undefined && Number.isSafeInteger(dataStart) && dataStart > 0;
    return {
      format: 'v0.2',
      version: Array.isArray(version) ? version.map((x) => asNumber(x) ?? NaN) : null,
      header: h,
      // A claim is only a count: a damaged length (negative, fractional, 2^64) is no claim at all.
      claimedFrames: finalized && length !== undefined && Number.isSafeInteger(length) && length >= 0 ? length : null,
      dataStart: finalized ? dataStart : null,
      finalized,
      metadata: second.value,
      frames: finalized ? { fileOffset: dataStart, objectsBefore: 0 } : { fileOffset: 0, objectsBefore: 2 },
    };
  }
  // Legacy v0.1: metadata first, then frame maps holding quantized bodies (or no frame at all).
  const second = decodeOrNull(objects[1]);
  const isFrame = second.ok && second.value instanceof Map && (second.value.has('qd_vertices') || second.value.has('qd_joints'));
  const emptyLegacy = objects.length === 1 && ended === 'clean' && (h === null || h instanceof Map);
  if (!isFrame && !emptyLegacy) throw notBc();
  let claimed: number | null = null;
  if (h instanceof Map) {
    for (const k of LEGACY_COUNT_KEYS) {
      const n = asNumber(h.get(k));
      if (h.has(k)) {
        claimed = n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : null;
        break;
      }
    }
  }
  return {
    format: 'v0.1',
    version: null,
    header: null,
    claimedFrames: claimed,
    dataStart: null,
    finalized: true,
    metadata: h,
    frames: { fileOffset: 0, objectsBefore: 1 },
  };
}

/**
 * Decoded bytes the open job reads past the metadata: damage just after it (its stream's check,
 * the next stream's header) is then seen by every engine, whatever it had decoded ahead.
 */
const OPEN_MARGIN = 64 << 10;

/**
 * Reads the head of a BodyCompress file with `worker` (spec §7 steps 1-4): the first two objects,
 * checked as far as they can be, and where the frames start.
 */
export async function readHead(
  path: string,
  fileSize: number,
  engine: XzEngine,
  worker: DecodeWorkerClient,
  maxObjectBytes: number,
): Promise<BodyCompressHead> {
  const objects: Uint8Array[] = [];
  const end = await worker.start(
    { ...headJob(path, engine, Infinity, maxObjectBytes), deliver: { from: 0, to: 2, step: 1 }, stopAt: 2, stopMargin: OPEN_MARGIN },
    { onPayload: (_o, _off, bytes) => void objects.push(bytes) },
  ).done;
  const ended = endedBy(end, path);
  let head = classifyHead(objects, ended, path);
  const size = objects.reduce((sum, o) => sum + o.length, 0);
  head = await locateFrames(head, path, fileSize, end.decodedBytes > size);
  // Damage close after the two objects, seen by every engine (OPEN_MARGIN). When the two are
  // streams of their own (a BodyCompress writer's header and metadata streams), decode those
  // streams alone: intact, they are the head and the damage is the frames' (reported when they
  // are read). Otherwise what was decoded before the damage is not trusted: the file does not open.
  if (ended !== 'clean') {
    const handle = await open(path, 'r');
    let boundary: number | null;
    try {
      boundary = await streamBoundaryAfter(handle, fileSize, size);
    } finally {
      await handle.close();
    }
    if (boundary === null) throw damagedHeadError(ended, path);
    const check = await worker.start({ ...headJob(path, engine, boundary, maxObjectBytes), deliver: { from: 0, to: 0, step: 1 } }, {}).done;
    const checked = endedBy(check, path);
    if (checked !== 'clean') throw damagedHeadError(checked, path);
    if (check.decodedBytes !== size) throw damagedHeadError('corrupt', path);
  }
  return head;
}

/** A decode job over the file's first bytes (up to `end`), delivering nothing unless told. */
function headJob(path: string, engine: XzEngine, end: number, maxObjectBytes: number): Omit<JobSpec, 'id'> {
  return {
    path,
    engine,
    pieces: [{ start: 0, end }],
    skipBytes: 0,
    firstOrdinal: 0,
    deliver: { from: 0, to: 0, step: 1 },
    index: false,
    stopAt: Infinity,
    pauseAt: Infinity,
    window: Infinity,
    maxObjectBytes,
  };
}

/** How a job's data ended, for the head: unsupported data and internal errors throw. */
function endedBy(end: JobEnd, path: string): 'clean' | 'truncated' | 'corrupt' {
  const e = end.error;
  if (!e || e.reason === 'msgpack') return 'clean';
  if (e.reason === 'internal') throw new Error(e.message);
  if (e.reason === 'unsupported') throw new InputError('unsupported', `${path} cannot be read: ${e.message}`);
  return e.reason;
}

/**
 * Where the frames of a finalized v0.2 file start: at data_start when a stream starts there (as
 * written). A file recompressed as a whole (`xz -dc f.xz | xz --check=sha256 > g.xz`) keeps its
 * header, whose data_start then points into the middle of its data or past its end: its frames
 * are the objects after the metadata, decoded from the start. A file that ends before data_start
 * with nothing after the metadata is truncated there (spec §7): the frames' decoding says so.
 */
async function locateFrames(head: BodyCompressHead, path: string, fileSize: number, dataAfterMetadata: boolean): Promise<BodyCompressHead> {
  if (!head.finalized || head.dataStart === null) return head;
  const fromStart = { ...head, frames: { fileOffset: 0, objectsBefore: 2 } };
  if (head.dataStart + 12 > fileSize) return dataAfterMetadata ? fromStart : head;
  const b = await readBytesAt(path, head.dataStart, 12);
  const flagsOk = b.length === 12 && crc32(b.subarray(6, 8)) === new DataView(b.buffer, b.byteOffset, 12).getUint32(8, true);
  return flagsOk && XZ_HEADER_MAGIC.every((m, i) => b[i] === m) ? head : fromStart;
}
