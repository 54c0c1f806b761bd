import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { systemXz } from './systemXz';

/*
 * xz compression for the writer, never on the calling thread: the system `xz` program (what the
 * reference runs: `xz -5 -qq` for the small header/metadata streams, `xz --threads=0 -5` for the
 * frames), or liblzma through lzma-native when there is no xz (its own threads; its native binary
 * is copied into dist/ by the build).
 */
export type Compressor = 'xz' | 'lzma-native';

export function defaultCompressor(): Compressor {
  return systemXz() ? 'xz' : 'lzma-native';
}

/** A running compressor: bytes in through `input`, the .xz stream out of `output`. */
interface Running {
  input: Writable;
  output: Readable;
  /** Resolves when the compressor finished successfully. */
  done: Promise<void>;
  kill(): void;
}

function startXz(args: string[]): Running {
  const xz = systemXz();
  if (!xz) throw new Error('xz is not installed');
  const child = spawn(xz, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (t: string) => void (stderr = (stderr + t).slice(-2000)));
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`xz failed (${signal ?? `exit code ${code}`}): ${stderr.trim()}`))));
  });
  done.catch(() => undefined);
  return { input: child.stdin, output: child.stdout, done, kill: () => void child.kill() };
}

async function startLzmaNative(threads: number): Promise<Running> {
  const lzma = (await import('lzma-native')).default;
  const stream = lzma.createStream('easyEncoder', { preset: 5, check: 'CHECK_CRC64', ...(threads > 1 ? { threads } : {}) });
  const done = new Promise<void>((resolve, reject) => {
    stream.once('end', resolve);
    stream.once('error', reject);
  });
  done.catch(() => undefined);
  return { input: stream, output: stream, done, kill: () => void stream.destroy() };
}

/** Starts a compressor. `threads` 0 = one per core (xz's multi-threaded mode: 24 MiB blocks). */
export async function startCompressor(compressor: Compressor, threads: number | null): Promise<Running> {
  if (compressor === 'xz') return startXz([...(threads === null ? [] : [`--threads=${threads}`]), '-5', '--stdout', '--quiet', '--quiet']);
  return startLzmaNative(threads === null ? 1 : threads === 0 ? availableParallelism() : threads);
}

/** Compresses a buffer into one complete .xz stream (`xz -5 -qq`: single-threaded, one block). */
export async function compressBuffer(bytes: Uint8Array, compressor: Compressor): Promise<Uint8Array> {
  const c = await startCompressor(compressor, null);
  const chunks: Buffer[] = [];
  c.output.on('data', (b: Buffer) => chunks.push(b));
  const ended = new Promise<void>((resolve, reject) => {
    c.output.once('end', resolve);
    c.output.once('error', reject);
  });
  c.input.on('error', () => undefined); // a failing compressor is reported by `done`
  c.input.end(bytes);
  await Promise.all([ended, c.done]);
  const out = Buffer.concat(chunks);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
