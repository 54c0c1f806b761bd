import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { InputError, inputErrorFromFs } from '../errors';
import { writeFileAtomic } from '../io/atomicFile';
import { parseDType } from './dtype';
import { NdArray, shapeSize } from './ndarray';

/*
 * The .npy format (numpy/lib/format.py, versions 1.0-3.0): magic, version, a Python-literal
 * header dict {'descr', 'fortran_order', 'shape'} padded to 64 bytes, then the raw C-order data.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64;

export interface NpyHeader {
  dtype: string;
  shape: number[];
  fortranOrder: boolean;
  /** Bytes before the data. */
  dataOffset: number;
}

/** The header numpy writes for a C-order array of `dtype` and `shape` (version 1.0, or 2.0 if huge). */
export function encodeNpyHeader(dtype: string, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  for (const version of [1, 2]) {
    const pre = version === 1 ? 10 : 12;
    const total = Math.ceil((pre + dict.length + 1) / ALIGN) * ALIGN;
    const len = total - pre;
    if (version === 1 && len > 0xffff) continue;
    dict = dict.padEnd(len - 1, ' ') + '\n';
    const out = new Uint8Array(total);
    out.set(MAGIC);
    out[6] = version;
    out[7] = 0;
    const view = new DataView(out.buffer);
    if (version === 1) view.setUint16(8, len, true);
    else view.setUint32(8, len, true);
    out.set(Buffer.from(dict, 'latin1'), pre);
    return out;
  }
  throw new Error('unreachable');
}

/**
 * Parses a .npy header from the first bytes of a file; null when more bytes are needed.
 * Throws InputError for anything that is not a readable .npy header.
 */
export function parseNpyHeader(b: Uint8Array, source: string): NpyHeader | null {
  if (b.length < 10) return null;
  if (!MAGIC.every((m, i) => b[i] === m)) throw new InputError('unsupported', `${source} is not a .npy array (no NUMPY signature)`);
  const major = b[6]!;
  if (major < 1 || major > 3) throw new InputError('unsupported', `${source}: .npy format version ${major} is not supported`);
  const pre = major === 1 ? 10 : 12;
  if (b.length < pre) return null;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const len = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (b.length < pre + len) return null;
  const text = Buffer.from(b.subarray(pre, pre + len)).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    const structured = /'descr'\s*:\s*\[/.test(text);
    throw new InputError('unsupported', `${source}: ${structured ? 'structured arrays are' : 'this .npy header is'} not supported`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number(s.replace(/L$/, '')));
  if (shape.some((s) => !Number.isSafeInteger(s) || s < 0)) throw new InputError('corrupt', `${source}: invalid array shape (${shapeText})`);
  if (!parseDType(descr)) throw new InputError('unsupported', `${source}: dtype ${descr} is not supported`);
  return { dtype: descr, shape, fortranOrder: fortran === 'True', dataOffset: pre + len };
}

/** Bytes of the data an .npy header announces. */
export function npyDataBytes(h: NpyHeader): number {
  return shapeSize(h.shape) * parseDType(h.dtype)!.itemsize;
}

/** The .npy bytes of an array (header + data). */
export function encodeNpy(a: NdArray): Uint8Array {
  const head = encodeNpyHeader(a.dtype, a.shape);
  const out = new Uint8Array(head.length + a.bytes.length);
  out.set(head);
  out.set(a.bytes, head.length);
  return out;
}

/** Writes an array as .npy (temporary name, then rename). */
export async function writeNpy(path: string, a: NdArray): Promise<void> {
  await writeFileAtomic(path, encodeNpy(a));
}

/**
 * Reads a stream of .npy bytes (a file or an .npz entry) row by row: `header` first, then
 * `rows(n)` yields arrays of up to n rows (leading axis), never holding the whole array.
 */
export class NpyRowReader {
  /** Received bytes not consumed yet, as a list of chunks (joined only when a read spans them). */
  private parts: Uint8Array[] = [];
  private have = 0;
  private iter: AsyncIterator<Uint8Array>;
  private done = false;
  header!: NpyHeader;

  private constructor(
    chunks: AsyncIterable<Uint8Array>,
    private readonly source: string,
    /** Bytes available for the data, when known (file size): a header claiming more is refused. */
    private readonly available: number | null,
  ) {
    this.iter = chunks[Symbol.asyncIterator]();
  }

  static async open(chunks: AsyncIterable<Uint8Array>, source: string, available: number | null = null): Promise<NpyRowReader> {
    const r = new NpyRowReader(chunks, source, available);
    for (let want = 10; ;) {
      if (!(await r.ensure(want))) throw new InputError('truncated', `${source} ends inside its .npy header`);
      const h = parseNpyHeader(r.parts[0]!, source);
      if (h) {
        r.header = h;
        r.take(h.dataOffset);
        break;
      }
      want = r.have + 1;
    }
    const h = r.header;
    if (h.fortranOrder && h.shape.length > 1) {
      throw new InputError('unsupported', `${source} is stored in Fortran order; save it with np.ascontiguousarray first`);
    }
    if (r.available !== null && npyDataBytes(h) > r.available - h.dataOffset) {
      throw new InputError('truncated', `${source} claims ${npyDataBytes(h)} bytes of data but holds ${r.available - h.dataOffset}`);
    }
    return r;
  }

  /** Makes the first `need` bytes available as one chunk; false if the stream ends first. */
  private async ensure(need: number): Promise<boolean> {
    while (this.have < need) {
      if (this.done) return false;
      const r = await this.iter.next();
      if (r.done) {
        this.done = true;
        return false;
      }
      this.parts.push(r.value);
      this.have += r.value.length;
    }
    if (this.parts.length > 1 && this.parts[0]!.length < need) {
      const all = new Uint8Array(this.have);
      let o = 0;
      for (const p of this.parts) {
        all.set(p, o);
        o += p.length;
      }
      this.parts = [all];
    }
    return true;
  }

  /** Consumes `n` bytes (after `ensure(n)`), returning a copy. */
  private take(n: number): Uint8Array {
    const first = this.parts[0] ?? new Uint8Array(0);
    const out = new Uint8Array(first.subarray(0, n));
    if (n === first.length) this.parts.shift();
    else this.parts[0] = first.subarray(n);
    this.have -= n;
    return out;
  }

  /** Arrays of up to `n` consecutive rows each, in order (a 0-d or 1-d array comes as one piece). */
  async *rows(n = 1): AsyncGenerator<NdArray> {
    const { dtype, shape } = this.header;
    const itemsize = parseDType(dtype)!.itemsize;
    if (shape.length <= 1) {
      const need = shapeSize(shape) * itemsize;
      if (!(await this.ensure(need))) throw this.truncated();
      yield new NdArray(dtype, shape, this.take(need));
      return;
    }
    const rowShape = shape.slice(1);
    const rowBytes = shapeSize(rowShape) * itemsize;
    for (let i = 0; i < shape[0]!;) {
      const k = Math.min(n, shape[0]! - i);
      if (!(await this.ensure(k * rowBytes))) throw this.truncated();
      yield new NdArray(dtype, [k, ...rowShape], this.take(k * rowBytes));
      i += k;
    }
  }

  /** Stops reading (closes the underlying stream). */
  async close(): Promise<void> {
    this.done = true;
    await this.iter.return?.();
  }

  private truncated(): InputError {
    return new InputError('truncated', `${this.source} ends before the end of its array data`);
  }
}

/** Opens a .npy file for row-wise reading. */
export async function openNpyFile(path: string): Promise<NpyRowReader> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    throw inputErrorFromFs(err, path);
  }
  return NpyRowReader.open(createReadStream(path, { highWaterMark: 1 << 20 }), path, size);
}

/** Reads a whole .npy stream into one array (for small arrays: per-frame files, metadata). */
export async function readNpyWhole(r: NpyRowReader): Promise<NdArray> {
  for await (const p of r.rows(Number.MAX_SAFE_INTEGER)) return p;
  // A zero-row array yields nothing.
  return new NdArray(r.header.dtype, r.header.shape, new Uint8Array(0));
}
