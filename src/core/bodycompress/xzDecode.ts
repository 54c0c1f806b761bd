import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
// Node's web streams (the globals): typed from here, since the e2e tests' DOM lib lacks ReadableStream.from.
import { ReadableStream } from 'node:stream/web';
import { XzReadableStream } from 'xz-decompress';
import { systemXz } from './systemXz';
import type { SourcePiece } from './xzContainer';

/**
 * Decompression of .xz data: with the system `xz` (a separate process, about twice as fast as
 * the wasm decoder) or with xz-decompress (wasm, always available, one decoder at a time per JS
 * realm — which is why decoding runs in worker threads).
 */
export type XzEngine = 'xz' | 'wasm';

export type XzFailure = 'truncated' | 'corrupt' | 'format' | 'unsupported';

export class XzDecodeError extends Error {
  override name = 'XzDecodeError';
  constructor(
    readonly reason: XzFailure,
    message: string,
  ) {
    super(message);
  }
}

export function defaultEngine(): XzEngine {
  return systemXz() ? 'xz' : 'wasm';
}

const READ_CHUNK = 1 << 20;

/** The compressed input: literal pieces and file ranges (end may be Infinity = end of file). */
async function* sourceBytes(path: string, pieces: SourcePiece[], onInput?: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    for (const p of pieces) {
      if ('bytes' in p) {
        yield p.bytes;
        continue;
      }
      for (let pos = p.start; pos < p.end;) {
        const len = Math.min(READ_CHUNK, p.end - pos);
        const buf = new Uint8Array(len);
        const { bytesRead } = await handle.read(buf, 0, len, pos);
        if (bytesRead === 0) break;
        onInput?.(bytesRead);
        yield buf.subarray(0, bytesRead);
        pos += bytesRead;
      }
    }
  } finally {
    await handle.close();
  }
}

/**
 * Decompresses the concatenated pieces, yielding decoded chunks. Stop early with `return()` (a
 * `break` in for-await): the decoder is released and nothing keeps running. Throws XzDecodeError
 * after the last good chunk when the data is truncated or damaged.
 */
export function decodeXz(path: string, pieces: SourcePiece[], engine: XzEngine, onInput?: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  return engine === 'xz' ? decodeWithSystemXz(path, pieces, onInput) : decodeWithWasm(path, pieces, onInput);
}

async function* decodeWithSystemXz(path: string, pieces: SourcePiece[], onInput?: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  const xz = systemXz();
  if (!xz) throw new Error('xz is not installed');
  const child = spawn(xz, ['--decompress', '--stdout', '--quiet'], { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (t: string) => void (stderr = (stderr + t).slice(-2000)));
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  // xz quits early on bad data; the input side then fails with EPIPE, which the xz error explains.
  const source = sourceBytes(path, pieces, onInput);
  const feeding = pipeline(Readable.from(source), child.stdin).catch((err: unknown) => err);
  let finished = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
    const code = await exited;
    const feedErr = await feeding;
    finished = true;
    if (code !== 0) throw xzError(stderr, code);
    if (feedErr instanceof Error) throw feedErr;
  } finally {
    if (!finished) {
      child.stdout.destroy();
      child.stdin.destroy();
      child.kill();
      await exited;
      await feeding;
    }
    // The pipeline may settle before the source has closed the file: a decode worker ended right
    // after would leave the descriptor open in the process.
    await source.return(undefined).catch(() => undefined);
  }
}

function xzError(stderr: string, code: number | null): XzDecodeError {
  const msg = stderr.replace(/^xz: \(stdin\): /gm, '').trim() || `xz exited with code ${code}`;
  if (/unexpected end of input/i.test(msg)) return new XzDecodeError('truncated', 'the xz data ends early');
  if (/corrupt/i.test(msg)) return new XzDecodeError('corrupt', 'the xz data is corrupt (integrity check failed)');
  if (/format not recognized/i.test(msg)) return new XzDecodeError('format', 'the data is not in the xz format');
  if (/unsupported/i.test(msg)) return new XzDecodeError('unsupported', `xz cannot decode this data: ${msg}`);
  return new XzDecodeError('corrupt', `xz failed: ${msg}`);
}

/** xz-embedded return codes (xz.h). */
const WASM_CODES: Record<number, [XzFailure, string]> = {
  2: ['unsupported', 'the xz integrity check type is not supported'],
  3: ['unsupported', 'out of memory while decoding xz'],
  4: ['unsupported', 'the xz data needs more memory than allowed'],
  5: ['format', 'the data is not in the xz format'],
  6: ['unsupported', 'the xz data uses unsupported options'],
  7: ['corrupt', 'the xz data is corrupt (integrity check failed)'],
  8: ['truncated', 'the xz data ends early'],
};

async function* decodeWithWasm(path: string, pieces: SourcePiece[], onInput?: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  const source = sourceBytes(path, pieces, onInput);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the same type here, but test/e2e's program (DOM lib) has another global ReadableStream
  const input = ReadableStream.from(source) as unknown as globalThis.ReadableStream<Uint8Array>;
  const reader = new XzReadableStream(input).getReader();
  let done = false;
  try {
    for (;;) {
      let r: Awaited<ReturnType<typeof reader.read>>;
      try {
        r = await reader.read();
      } catch (err) {
        done = true;
        const code = /error code (\d+)/.exec(String(err))?.[1];
        const known = code ? WASM_CODES[Number(code)] : undefined;
        // The library fails with a TypeError when the input ends before the stream does.
        if (known) throw new XzDecodeError(known[0], known[1]);
        if (err instanceof TypeError) throw new XzDecodeError('truncated', 'the xz data ends early');
        throw err;
      }
      if (r.done) {
        done = true;
        return;
      }
      if (r.value.length) yield r.value;
    }
  } finally {
    // Always release: only one wasm decoder runs at a time in this realm. Then make sure the file is closed.
    if (!done) await reader.cancel().catch(() => undefined);
    await source.return(undefined).catch(() => undefined);
  }
}
