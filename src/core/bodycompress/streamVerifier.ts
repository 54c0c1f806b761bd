import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { systemXz } from './systemXz';
import type { XzEngine } from './xzDecode';

/*
 * Verification of a file being written, while it is written: the compressed frame data is fed,
 * as it goes to the file, to a second decoder (the system xz, or liblzma on its own threads),
 * and what comes out is counted and hashed. The writer compares that with the msgpack it gave
 * the compressor, so verifying costs no pass of its own after the last frame.
 */

export interface StreamVerifier {
  /** The next compressed bytes, in file order (never blocks: the decoder is far faster than the compressor). */
  push(bytes: Uint8Array): void;
  /** Ends the input; resolves with the decoded size and sha256, rejects when the data did not decode. */
  finish(): Promise<{ bytes: number; sha256: string }>;
  abort(): void;
}

/** A verifier decoding with `engine`, or null for wasm (it would decode on the calling thread: the writer verifies after writing then). */
export async function startStreamVerifier(engine: XzEngine): Promise<StreamVerifier | null> {
  if (engine === 'wasm') return null;
  const hash = createHash('sha256');
  let bytes = 0;
  const take = (b: Buffer) => {
    bytes += b.length;
    hash.update(b);
  };
  let input: Writable;
  let done: Promise<void>;
  let kill: () => void;
  const xz = engine === 'xz' ? systemXz() : null;
  if (xz) {
    const child = spawn(xz, ['--decompress', '--stdout', '--quiet', '--no-warn'], { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (t: string) => void (stderr = (stderr + t).slice(-2000)));
    child.stdout.on('data', take);
    done = new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) =>
        code === 0 || code === 2 ? resolve() : reject(new Error(`xz could not decode it: ${stderr.trim() || `exit code ${code}`}`)),
      );
    });
    input = child.stdin;
    kill = () => void child.kill();
  } else {
    const lzma = (await import('lzma-native')).default as unknown as typeof import('lzma-native') & { CONCATENATED: number };
    const stream = lzma.createStream('streamDecoder', { flags: lzma.CONCATENATED as unknown as 'CONCATENATED' });
    stream.on('data', take);
    done = new Promise<void>((resolve, reject) => {
      stream.once('end', resolve);
      stream.once('error', (err: Error) => reject(new Error(`liblzma could not decode it: ${err.message}`)));
    });
    input = stream;
    kill = () => void stream.destroy();
  }
  done.catch(() => undefined);
  input.on('error', () => undefined); // a decoder that quits early is reported by `done`
  return {
    push: (b) => void input.write(b),
    async finish() {
      input.end();
      await done;
      return { bytes, sha256: hash.digest('hex') };
    },
    abort: kill,
  };
}
