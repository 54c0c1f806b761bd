import { basename } from 'node:path';
import { InputError } from '../errors';
import type { JobEnd } from './decodeWorkerClient';

/** What pending and later requests of a closed BodyCompressFile reject with. */
export class ReaderClosedError extends Error {
  override name = 'AbortError';
  constructor() {
    super('The BodyCompress file was closed');
  }
}

/** The error a decode job's end means for the frames of `path`, or null when the data ended cleanly. */
export function dataError(path: string, end: JobEnd): InputError | null {
  const n = Math.max(0, end.next);
  const name = basename(path);
  const where = n === 0 ? 'before its first frame' : `after frame ${n - 1} (${n} complete frame${n === 1 ? '' : 's'})`;
  const e = end.error;
  if (!e) {
    if (end.trailingBytes > 0) return new InputError('truncated', `${name} is truncated ${where}: the data ends inside the next frame`);
    return null;
  }
  switch (e.reason) {
    case 'truncated':
      return new InputError('truncated', `${name} is truncated ${where}: ${e.message}`);
    case 'unsupported':
      return new InputError('unsupported', `${name} cannot be decoded ${where}: ${e.message}`);
    case 'internal':
      return null;
    default:
      return new InputError('corrupt', `${name} is corrupt ${where}: ${e.message}`);
  }
}
