import { openBodyCompress } from './reader';

export interface BodyCompressProbe {
  /** [0, 2, 1] for v0.2 files, null for legacy v0.1 files (no header). */
  version: number[] | null;
  /** Frame count from the header (v0.2, finalized), or null. */
  length: number | null;
  dataStart: number | null;
}

/**
 * Decides quickly whether `path` is a BodyCompress file by reading only its header and metadata.
 * Throws InputError `not-xz` / `not-bodycompress` / `empty` / `truncated` otherwise.
 */
export async function probeBodyCompress(path: string): Promise<BodyCompressProbe> {
  const f = await openBodyCompress(path, { index: false });
  try {
    return { version: f.version, length: f.format === 'v0.2' ? f.claimedFrames : null, dataStart: f.head.dataStart };
  } finally {
    await f.close();
  }
}
