/** One stored payload to copy: `length` bytes at `offset` of `source` into `target` (absolute paths). */
export interface CopyJob {
  source: string;
  dataset: string;
  offset: number;
  length: number;
  target: string;
}

/** Messages to a copy thread: the shared cancel flag, batches of jobs, and close. */
export type ToCopyWorker = { type: 'init'; cancel: SharedArrayBuffer } | { type: 'batch'; jobs: CopyJob[] } | { type: 'close' };

/** After each batch: what was copied (a prefix of the batch), notes, and the error that stopped it. */
export interface FromCopyWorker {
  type: 'done';
  files: number;
  bytes: number;
  notes: string[];
  error?: { code: string | null; message: string };
}
