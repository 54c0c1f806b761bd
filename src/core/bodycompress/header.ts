import { InputError } from '../errors';
import { decodeMsgpack } from './msgpack';
import { asNumber, type PyValue } from './pyValues';

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
 * Classifies a file from its first two msgpack objects (their bytes; fewer when the data ended).
 * `ended` tells whether the decoded data ended cleanly right after them.
 */
export function classifyHead(objects: Uint8Array[], ended: 'clean' | 'truncated' | 'corrupt', path: string): BodyCompressHead {
  const notBc = () =>
    new InputError('not-bodycompress', `This .xz file is not a BodyCompress file (it holds neither a BodyCompress header nor body frames): ${path}`);
  const first = decodeOrNull(objects[0]);
  if (!first.ok) {
    if (objects.length === 0 && ended !== 'clean') {
      throw new InputError(ended, `The file is ${ended === 'truncated' ? 'truncated' : 'corrupt'} inside its BodyCompress header: ${path}`);
    }
    throw notBc();
  }
  const h = first.value;
  if (h instanceof Map && h.has(VERSION_KEY)) {
    const version = h.get(VERSION_KEY);
    const length = asNumber(h.get('length'));
    const dataStart = asNumber(h.get('data_start'));
    const second = decodeOrNull(objects[1]);
    if (!second.ok) {
      if (objects.length < 2 && ended !== 'clean') {
        throw new InputError(ended, `The file is ${ended === 'truncated' ? 'truncated' : 'corrupt'} before the end of its metadata: ${path}`);
      }
      throw new InputError('corrupt', `The BodyCompress metadata cannot be read: ${path}`);
    }
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
  if (!isFrame && !emptyLegacy) {
    if (objects.length < 2 && ended !== 'clean' && (h === null || h instanceof Map)) {
      throw new InputError(ended, `The file is ${ended === 'truncated' ? 'truncated' : 'corrupt'} before its first frame: ${path}`);
    }
    throw notBc();
  }
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
