import type { Writable } from 'node:stream';

/** Writes `bytes` to a stream, waiting when its buffer is full. */
export function writeWithBackpressure(w: Writable, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    w.once('error', onError);
    const ok = w.write(bytes, (err) => {
      if (err) reject(err);
    });
    const finish = () => {
      w.off('error', onError);
      resolve();
    };
    if (ok) finish();
    else w.once('drain', finish);
  });
}
