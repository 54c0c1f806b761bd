import { basename } from 'node:path';
import type { InputError } from '../errors';
import { plural } from '../plural';
import type { BodyCompressHead } from './header';
import type { IndexProgress } from './indexer';
import { asNumber, dictGet } from './pyValues';

/** What a file holds and lacks, in one sentence or two: the one message an editor shows about it. */
export interface FileStatus {
  /** `error`: frames the file should have cannot be read; `warning`: all there, but something is off; `info`: valid, nothing to show. */
  level: 'error' | 'warning' | 'info';
  message: string;
}

/** Metadata keys a writer may record its frame count in (the reference's legacy reader looks for these). */
const METADATA_COUNT_KEYS = ['n_frames', 'num_frames', 'nframes'];

/** The frame count the metadata records, with its key, if any. */
function metadataCount(head: BodyCompressHead): { key: string; frames: number } | null {
  for (const key of METADATA_COUNT_KEYS) {
    const v = asNumber(dictGet(head.metadata, key));
    if (v !== undefined && Number.isSafeInteger(v) && v >= 0) return { key, frames: v };
  }
  return null;
}

/** Where the readable frames stop, from the index's error (null: the data ended cleanly). */
function cause(error: InputError): string {
  // The reader's message names the file and where it stops; keep its reason (after the colon).
  const colon = error.message.indexOf(': ');
  const why = colon >= 0 ? error.message.slice(colon + 2) : error.message;
  return error.code === 'truncated'
    ? `the file is cut off there (${why})`
    : `the data is ${error.code === 'corrupt' ? 'damaged' : 'unreadable'} there (${why})`;
}

/**
 * The file's status once opened and as indexing goes on: null while there is nothing to say.
 * Exactly one status per file, so the editor shows one banner with the accurate cause.
 */
export function fileStatus(path: string, fileSize: number, head: BodyCompressHead, p: IndexProgress): FileStatus | null {
  const name = basename(path);
  const n = p.frames;
  const claim = head.claimedFrames;
  const meta = metadataCount(head);
  const shown = n === 0 ? '' : n === 1 ? ' Frame 0 is shown.' : ` Frames 0–${(n - 1).toLocaleString('en-US')} are shown.`;

  if (head.format === 'v0.2' && !head.finalized) {
    const intro = `${name} was not finalized: its writer stopped before closing it, so the header records no frame count.`;
    if (!p.done) return { level: 'warning', message: `${intro} Counting the frames that are there…` };
    const missing =
      meta && meta.frames > n
        ? ` The metadata says ${plural(meta.frames, 'frame')} (${meta.key}): ${plural(meta.frames - n, 'frame is', 'frames are')} missing.`
        : '';
    const readable = p.error
      ? `${plural(n, 'frame is', 'frames are')} readable, then ${cause(p.error)}.`
      : n === 0
        ? 'No frame reached the file.'
        : `${n === 1 ? 'The 1 frame' : `All ${plural(n, 'frame')}`} in it ${n === 1 ? 'is' : 'are'} readable.`;
    return { level: 'warning', message: `${intro} ${readable}${missing}` };
  }
  if (!p.done) return null;

  // Legacy files record their count in the metadata (n_frames), v0.2 files in the header.
  const where = head.format === 'v0.1' ? 'metadata' : 'header';
  const said = claim === null ? '' : ` (the ${where} says ${plural(claim, 'frame')})`;
  const usable = head.format === 'v0.1' ? 'metadata' : 'header and metadata';
  if (n === 0 && head.dataStart !== null && fileSize <= head.dataStart) {
    return {
      level: 'error',
      message: `${name} has no frames: it ends after its metadata, where the frame data should start (byte ${head.dataStart.toLocaleString('en-US')})${claim === null ? '' : `; the header says ${plural(claim, 'frame')}`}. Only the header and metadata can be shown.`,
    };
  }
  if (p.error) {
    if (n === 0) return { level: 'error', message: `${name} has no readable frame${said}: ${cause(p.error)}. Only the ${usable} can be shown.` };
    // Every frame the header announces is there: only the end of the container is missing.
    if (claim !== null && n >= claim && p.error.code === 'truncated') {
      return {
        level: 'warning',
        message: `${n === 1 ? `The 1 frame of ${name} is` : `All ${plural(n, 'frame')} of ${name} are`} readable, but the file's end is cut off: the xz stream's index and footer after the last frame are missing.`,
      };
    }
    const of = claim !== null && claim > n ? ` The ${where} announces ${plural(claim, 'frame')}.` : '';
    return { level: 'error', message: `${p.error.message}.${shown}${of}` };
  }
  if (n === 0) {
    if (claim !== null && claim > 0)
      return {
        level: 'error',
        message: `${name} has no frames although its ${where} says ${plural(claim, 'frame')}. Only the ${usable} can be shown.`,
      };
    return {
      level: 'info',
      message: `${name} holds no frames${claim === 0 ? ` (its ${where} says 0)` : ''}: only its ${head.format === 'v0.1' ? 'metadata is' : 'header and metadata are'} shown.`,
    };
  }
  if (claim !== null && claim !== n) {
    return {
      level: claim > n ? 'error' : 'warning',
      message: `${name} holds ${plural(n, 'frame')}, but its ${where} says ${plural(claim, 'frame')}.${claim > n ? shown : ' Every frame in the data is shown.'}`,
    };
  }
  return null;
}
