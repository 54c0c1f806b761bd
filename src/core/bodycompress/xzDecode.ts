import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
// Node's web streams (the globals): typed from here, since the e2e tests' DOM lib lacks ReadableStream.from.
import { ReadableStream } from 'node:stream/web';
import { XzReadableStream } from 'xz-decompress';
import { systemXz } from './systemXz';
import { checkName, filterName, readXzFeatures, type SourcePiece } from './xzContainer';

/*
 * Decompression of .xz data. Three engines, chosen here and only here (`defaultEngine`):
 *   - `xz`: the system program (XZ Utils) in its own process: the fastest, reads every .xz file.
 *   - `lzma-native`: liblzma (what XZ Utils is built on) through its N-API binding, in this
 *     thread: reads every .xz file too; the default when no `xz` is installed.
 *   - `wasm`: xz-decompress (xz-embedded compiled to WebAssembly): only LZMA2 with no, CRC32 or
 *     CRC64 checks, one decoder at a time per JS realm; used when lzma-native's binary cannot load.
 * Decoding runs in worker threads (decodeJob.ts), so none of this blocks the extension host.
 * Passes over all frames use every core: `--threads=0` for the system xz, and for the bundled
 * engines one thread per xz block (parallelDecode.ts).
 *
 * Every engine fails the same way for the same damage: `truncated` (the data ends early),
 * `corrupt` (an integrity check, an index or the compressed data is wrong) or `unsupported` (the
 * engine lacks a filter or check the file uses; the message names it and what to do), each with
 * one message whatever the engine. Engines differ only in how many decoded bytes they hand out
 * before the point of failure (xz everything decoded, the bundled ones up to their last buffer).
 */
export type XzEngine = 'xz' | 'lzma-native' | 'wasm';

export type XzFailure = 'truncated' | 'corrupt' | 'unsupported';

export class XzDecodeError extends Error {
  override name = 'XzDecodeError';
  constructor(
    readonly reason: XzFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The one message of each kind of damage, whatever the engine. */
export const XZ_TRUNCATED = 'the xz data ends early';
export const XZ_CORRUPT = 'the xz data is corrupt (an integrity check failed or the compressed data is damaged)';

const truncated = () => new XzDecodeError('truncated', XZ_TRUNCATED);
const corrupt = () => new XzDecodeError('corrupt', XZ_CORRUPT);

/** The system xz when installed, else liblzma through lzma-native (wasm if that cannot load). */
export function defaultEngine(): XzEngine {
  return systemXz() ? 'xz' : 'lzma-native';
}

const READ_CHUNK = 1 << 20;
/**
 * Pieces handed to an in-thread decoder at once: small at first (a job that needs only the first
 * objects, or a margin after them, decodes little more), then up to 64 KiB (bounding the time
 * between messages).
 */
const FEED_FIRST = 4 << 10;
const FEED_CHUNK = 64 << 10;

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
 * The input for an in-thread decoder: pieces of at most FEED_CHUNK bytes, also cut right after
 * every "YZ" (the last bytes of a stream footer). A bundled decoder that fails drops what it
 * decoded from its current piece; cut there, the data of every complete stream has been handed
 * out before the next stream is read, as the system xz does (so a damaged frame stream never
 * hides the header and metadata streams before it).
 */
async function* feedPieces(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let fed = 0;
  for await (const chunk of source) {
    let from = 0;
    while (from < chunk.length) {
      let to = Math.min(chunk.length, from + Math.min(FEED_CHUNK, Math.max(FEED_FIRST, fed)));
      const yz = Buffer.from(chunk.buffer, chunk.byteOffset + from, to - from).indexOf('YZ', 0, 'latin1');
      if (yz >= 0) to = from + yz + 2;
      yield chunk.subarray(from, to);
      fed += to - from;
      from = to;
    }
  }
}

/**
 * Decompresses the concatenated pieces, yielding decoded chunks. Stop early with `return()` (a
 * `break` in for-await): the decoder is released and nothing keeps running. Throws XzDecodeError
 * after the last good chunk when the data is truncated, damaged or uses what the engine lacks.
 */
export function decodeXz(
  path: string,
  pieces: SourcePiece[],
  engine: XzEngine,
  onInput?: (bytes: number) => void,
  /** Let the system xz decode blocks on every core (a pass over all frames; not for a seek that pauses after a few). */
  allCores = false,
): AsyncGenerator<Uint8Array> {
  if (engine === 'xz') return decodeWithSystemXz(path, pieces, onInput, allCores);
  if (engine === 'wasm') return decodeWithWasm(path, pieces, onInput);
  return decodeWithLiblzma(path, pieces, onInput);
}

/** lzma-native, or wasm when its binary cannot load on this platform. */
async function* decodeWithLiblzma(path: string, pieces: SourcePiece[], onInput?: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  const lzma = await loadLzmaNative();
  if (lzma) yield* decodeWithLzmaNative(lzma, path, pieces, onInput);
  else yield* decodeWithWasm(path, pieces, onInput);
}

// ---------------------------------------------------------------------------------------------
// System xz

async function* decodeWithSystemXz(
  path: string,
  pieces: SourcePiece[],
  onInput: ((bytes: number) => void) | undefined,
  allCores: boolean,
): AsyncGenerator<Uint8Array> {
  const xz = systemXz();
  if (!xz) throw new Error('xz is not installed');
  // --no-warn: a file xz decodes with a warning only (a check type it cannot verify) is decoded.
  // --threads=0: xz >= 5.4 decodes the blocks of a multi-block stream in parallel (one per core).
  const args = ['--decompress', '--stdout', '--quiet', '--no-warn', ...(allCores ? ['--threads=0'] : [])];
  const child = spawn(xz, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (t: string) => void (stderr = (stderr + t).slice(-2000)));
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  // xz quits early on bad data; the input side then fails with EPIPE, which the xz error explains.
  const source = sourceBytes(path, pieces, onInput);
  let fed = 0;
  const counted = async function* () {
    for await (const chunk of source) {
      fed += chunk.length;
      yield chunk;
    }
  };
  const feeding = pipeline(Readable.from(counted()), child.stdin).catch((err: unknown) => err);
  let finished = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
    const code = await exited;
    const feedErr = await feeding;
    finished = true;
    // Exit status 2 is "a warning, no error": the data was decoded.
    // No input at all (a range past the end of the file) is data that ends early, as for the other engines.
    if (code !== 0 && code !== 2) throw fed === 0 ? truncated() : await xzError(stderr, code, path);
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

async function xzError(stderr: string, code: number | null, path: string): Promise<XzDecodeError> {
  const msg = stderr.replace(/^xz: \(stdin\): /gm, '').trim() || `xz exited with code ${code}`;
  if (/unexpected end of input/i.test(msg)) return truncated();
  if (/corrupt|format not recognized/i.test(msg)) return corrupt();
  if (/unsupported|memory/i.test(msg)) return unsupportedError(path, 'xz', msg);
  return new XzDecodeError('corrupt', `xz failed: ${msg}`);
}

// ---------------------------------------------------------------------------------------------
// liblzma through lzma-native

/** The parts of lzma-native used here: its native stream, driven synchronously. */
interface LzmaNativeStream {
  streamDecoder(options: { flags: number }): void;
  /** Called synchronously from `code(…, false)`: decoded bytes, or the end (buf null, err null), or an error. */
  bufferHandler: (buf: Buffer | null | undefined, processedChunks: number | undefined, err: (Error & { name: string }) | null | undefined) => void;
  code(chunk: Buffer | null, async: boolean): void;
  resetUnderlying(): void;
}
interface LzmaNative {
  Stream: new () => LzmaNativeStream;
  CONCATENATED: number;
}

let lzmaNative: Promise<LzmaNative | null> | undefined;

/** lzma-native, or null when its binary cannot load here (then wasm decodes). */
function loadLzmaNative(): Promise<LzmaNative | null> {
  lzmaNative ??= import('lzma-native').then(
    (m) => m.default as unknown as LzmaNative,
    () => null,
  );
  return lzmaNative;
}

/** A liblzma error (its name, e.g. LZMA_DATA_ERROR) → the failure it means. */
function lzmaNativeError(name: string, path: string): Promise<XzDecodeError> | XzDecodeError {
  // BUF_ERROR at the end: no progress possible because the input ended.
  if (name === 'LZMA_BUF_ERROR') return truncated();
  if (name === 'LZMA_DATA_ERROR' || name === 'LZMA_FORMAT_ERROR') return corrupt();
  if (name === 'LZMA_OPTIONS_ERROR' || name === 'LZMA_MEM_ERROR' || name === 'LZMA_MEMLIMIT_ERROR') return unsupportedError(path, 'lzma-native', name);
  return new XzDecodeError('corrupt', `liblzma failed: ${name}`);
}

/**
 * Decodes in this thread with liblzma (synchronous calls on pieces of at most 64 KiB: a decode
 * worker has nothing else to do meanwhile, and the libuv thread pool stays free for file I/O).
 * CONCATENATED: liblzma itself reads concatenated streams and checks stream padding, as xz does.
 */
async function* decodeWithLzmaNative(lzma: LzmaNative, path: string, pieces: SourcePiece[], onInput?: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  const source = sourceBytes(path, pieces, onInput);
  const stream = new lzma.Stream();
  stream.streamDecoder({ flags: lzma.CONCATENATED });
  let out: Uint8Array[] = [];
  let failure: string | null = null;
  let ended = false;
  stream.bufferHandler = (buf, _processed, err) => {
    if (err) failure = err.name;
    else if (buf) out.push(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
    else if (buf === null) ended = true;
  };
  const run = function* (chunk: Buffer | null): Generator<Uint8Array> {
    stream.code(chunk, false);
    const got = out;
    out = [];
    yield* got;
  };
  let open = true;
  try {
    for await (const piece of feedPieces(source)) {
      yield* run(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
      if (failure !== null) throw await lzmaNativeError(failure, path);
      if (ended) throw corrupt(); // liblzma saw the end of the last stream: what follows is not xz data
    }
    yield* run(null);
    if (failure !== null) throw await lzmaNativeError(failure, path);
    if (!ended) throw truncated();
    open = false;
  } finally {
    // After an error or the end liblzma has released the decoder already; otherwise release it now.
    if (open && failure === null && !ended) stream.resetUnderlying();
    await source.return(undefined).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// xz-decompress (wasm)

/** xz-embedded return codes (xz.h) → failures. */
const WASM_CODES: Record<number, XzFailure> = {
  2: 'unsupported', // XZ_UNSUPPORTED_CHECK
  3: 'unsupported', // XZ_MEM_ERROR
  4: 'unsupported', // XZ_MEMLIMIT_ERROR
  5: 'corrupt', // XZ_FORMAT_ERROR (a later stream, or data where a stream should start)
  6: 'unsupported', // XZ_OPTIONS_ERROR (a filter or check this build lacks)
  7: 'corrupt', // XZ_DATA_ERROR
  8: 'truncated', // XZ_BUF_ERROR
};

async function* decodeWithWasm(path: string, pieces: SourcePiece[], onInput?: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  const source = sourceBytes(path, pieces, onInput);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the same type here, but test/e2e's program (DOM lib) has another global ReadableStream
  const input = ReadableStream.from(feedPieces(source)) as unknown as globalThis.ReadableStream<Uint8Array>;
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
        const reason = code ? WASM_CODES[Number(code)] : undefined;
        if (reason === 'unsupported') throw await unsupportedError(path, 'wasm', `xz-embedded error ${code}`);
        if (reason === 'corrupt') throw corrupt();
        // The library fails with a TypeError when the input ends before the stream does.
        if (reason === 'truncated' || err instanceof TypeError) throw truncated();
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

// ---------------------------------------------------------------------------------------------
// Naming what an engine lacks

/**
 * What each engine surely reads: every check (liblzma decodes reserved check types unverified,
 * as xz does with a warning) and the filters of XZ Utils 5.2 (the liblzma lzma-native bundles;
 * 5.4 adds ARM64, 5.6 RISC-V); wasm only LZMA2 with no, CRC32 or CRC64 checks.
 */
const LIBLZMA_5_2 = { check: () => true, filter: (id: number) => (id >= 0x03 && id <= 0x09) || id === 0x21 };
const READS: Record<XzEngine, { check(id: number): boolean; filter(id: number): boolean }> = {
  xz: LIBLZMA_5_2,
  'lzma-native': LIBLZMA_5_2,
  wasm: { check: (id) => id === 0 || id === 1 || id === 4, filter: (id) => id === 0x21 },
};

const ENGINE_TEXT: Record<XzEngine, string> = {
  xz: 'the installed xz',
  'lzma-native': 'the bundled liblzma',
  wasm: 'the bundled wasm xz decoder (used when neither xz nor liblzma can be)',
};

const ADVICE: Record<XzEngine, string> = {
  xz: 'install a newer XZ Utils, or recompress the file with the xz that wrote it (`xz -dc file | xz > new.xz`)',
  'lzma-native': 'install xz (XZ Utils), which is used when present',
  wasm: 'install xz (XZ Utils), which is used when present',
};

/** An `unsupported` failure naming what the file uses that `engine` cannot decode. */
async function unsupportedError(path: string, engine: XzEngine, detail: string): Promise<XzDecodeError> {
  const lacking: string[] = [];
  try {
    const h = await open(path, 'r');
    try {
      const f = await readXzFeatures(h, (await h.stat()).size);
      for (const c of f.checks) if (!READS[engine].check(c)) lacking.push(checkName(c));
      for (const id of f.filters) if (!READS[engine].filter(id)) lacking.push(filterName(id));
      if (lacking.length === 0 && f.maxDictBytes !== null && f.maxDictBytes > 1 << 30) {
        lacking.push(`a ${Math.round(f.maxDictBytes / (1 << 20))} MiB dictionary`);
      }
    } finally {
      await h.close();
    }
  } catch {
    /* the file went away: name nothing */
  }
  const what = lacking.length ? `uses ${lacking.join(' and ')}` : `uses options (${detail})`;
  return new XzDecodeError('unsupported', `the xz data ${what}, which ${ENGINE_TEXT[engine]} cannot decode: ${ADVICE[engine]}`);
}
