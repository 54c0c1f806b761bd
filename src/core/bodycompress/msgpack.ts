import { NdArray } from '../numpy/ndarray';
import type { TypedArray } from '../numpy/dtype';
import { pyComplexRepr } from '../numpy/floatFormat';
import { MsgExt, NpScalar, PyComplex, PyFloat, type PyDict, type PyValue } from './pyValues';

/*
 * msgpack as the Python side of BodyCompress speaks it (msgpack-python with `use_bin_type=True`
 * plus msgpack-numpy). Hand-written rather than @msgpack/msgpack because the format needs what
 * that library cannot do: bin map keys (every numpy array is a map with bin keys), Maps as values,
 * and keeping "3.0 was a float" so that re-encoding reproduces the Python bytes exactly.
 */

/** Thrown when the bytes end inside an object (the caller may supply more). */
export class MsgpackIncompleteError extends Error {
  override name = 'MsgpackIncompleteError';
}

/** Thrown for bytes that are not msgpack (or nested beyond reason). */
export class MsgpackFormatError extends Error {
  override name = 'MsgpackFormatError';
}

const MAX_DEPTH = 256;
const textDecoder = new TextDecoder();
const textEncoder = new TextEncoder();

const KEY_ND = 'nd';

/** Decodes the object starting at `pos`; returns it and the position after it. */
export function decodeMsgpack(bytes: Uint8Array, pos = 0): { value: PyValue; end: number } {
  const d = new Decoder(bytes, pos);
  const value = d.read(0);
  return { value, end: d.pos };
}

class Decoder {
  private readonly view: DataView;
  constructor(
    private readonly bytes: Uint8Array,
    public pos: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) throw new MsgpackIncompleteError('msgpack data ends inside an object');
  }

  private u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  private uint(n: 1 | 2 | 4 | 8): number | bigint {
    this.need(n);
    const p = this.pos;
    this.pos += n;
    if (n === 1) return this.view.getUint8(p);
    if (n === 2) return this.view.getUint16(p);
    if (n === 4) return this.view.getUint32(p);
    const v = this.view.getBigUint64(p);
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  private int(n: 1 | 2 | 4 | 8): number | bigint {
    this.need(n);
    const p = this.pos;
    this.pos += n;
    if (n === 1) return this.view.getInt8(p);
    if (n === 2) return this.view.getInt16(p);
    if (n === 4) return this.view.getInt32(p);
    const v = this.view.getBigInt64(p);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  /** A length that must fit in what is left (each element takes at least `min` bytes). */
  private count(n: number, min: number): number {
    if (n * min > this.bytes.length - this.pos) {
      // Either the data is cut here or the length is a lie; both mean "not decodable yet".
      throw new MsgpackIncompleteError(`msgpack length ${n} exceeds the ${this.bytes.length - this.pos} bytes left`);
    }
    return n;
  }

  private raw(n: number): Uint8Array {
    this.count(n, 1);
    const b = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  private float(v: number): number | PyFloat {
    return Number.isInteger(v) && !Object.is(v, -0) ? new PyFloat(v) : v;
  }

  read(depth: number): PyValue {
    if (depth > MAX_DEPTH) throw new MsgpackFormatError(`msgpack nesting deeper than ${MAX_DEPTH}`);
    const t = this.u8();
    if (t <= 0x7f) return t;
    if (t >= 0xe0) return t - 0x100;
    if (t <= 0x8f) return this.map(t & 0x0f, depth);
    if (t <= 0x9f) return this.array(t & 0x0f, depth);
    if (t <= 0xbf) return textDecoder.decode(this.raw(t & 0x1f));
    switch (t) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
      case 0xc5:
      case 0xc6:
        // Copy: callers keep values after the source buffer is reused, and copies are aligned.
        return new Uint8Array(this.raw(this.uint((1 << (t - 0xc4)) as 1 | 2 | 4) as number));
      case 0xc7:
      case 0xc8:
      case 0xc9: {
        const n = this.uint((1 << (t - 0xc7)) as 1 | 2 | 4) as number;
        const type = this.int(1) as number;
        return new MsgExt(type, new Uint8Array(this.raw(n)));
      }
      case 0xca:
        this.need(4);
        this.pos += 4;
        return this.float(this.view.getFloat32(this.pos - 4));
      case 0xcb:
        this.need(8);
        this.pos += 8;
        return this.float(this.view.getFloat64(this.pos - 8));
      case 0xcc:
      case 0xcd:
      case 0xce:
      case 0xcf:
        return this.uint((1 << (t - 0xcc)) as 1 | 2 | 4 | 8);
      case 0xd0:
      case 0xd1:
      case 0xd2:
      case 0xd3:
        return this.int((1 << (t - 0xd0)) as 1 | 2 | 4 | 8);
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8: {
        const type = this.int(1) as number;
        return new MsgExt(type, new Uint8Array(this.raw(1 << (t - 0xd4))));
      }
      case 0xd9:
      case 0xda:
      case 0xdb:
        return textDecoder.decode(this.raw(this.uint((1 << (t - 0xd9)) as 1 | 2 | 4) as number));
      case 0xdc:
      case 0xdd:
        return this.array(this.uint(t === 0xdc ? 2 : 4) as number, depth);
      case 0xde:
      case 0xdf:
        return this.map(this.uint(t === 0xde ? 2 : 4) as number, depth);
      default:
        throw new MsgpackFormatError(`invalid msgpack type byte 0x${t.toString(16)}`);
    }
  }

  private array(n: number, depth: number): PyValue[] {
    this.count(n, 1);
    const out = new Array<PyValue>(n);
    for (let i = 0; i < n; i++) out[i] = this.read(depth + 1);
    return out;
  }

  private map(n: number, depth: number): PyValue {
    this.count(n, 2);
    const m: PyDict = new Map();
    let binKeys = false;
    for (let i = 0; i < n; i++) {
      let k = this.read(depth + 1);
      if (k instanceof Uint8Array) {
        binKeys = true;
        k = new BinKey(k) as unknown as PyValue;
      }
      m.set(k, this.read(depth + 1));
    }
    return binKeys ? numpyHook(m) : m;
  }
}

/**
 * A bin map key while the msgpack-numpy hook looks at it: bin keys are compared by content there
 * (b"nd"), and turned back into plain `Uint8Array` keys when the map is kept as a dict.
 */
class BinKey {
  readonly text: string;
  constructor(readonly bytes: Uint8Array) {
    this.text = textDecoder.decode(bytes);
  }
}

/** msgpack-numpy's `decode` object hook: maps with bin key "nd" (or "complex") become numpy values. */
function numpyHook(m: PyDict): PyValue {
  const byName = new Map<string, PyValue>();
  for (const [k, v] of m) if (k instanceof BinKey) byName.set(k.text, v);
  const nd = byName.get(KEY_ND);
  const type = byName.get('type');
  const data = byName.get('data');
  if (nd === true && data instanceof Uint8Array) {
    const kind = byName.get('kind');
    const kindText = kind instanceof Uint8Array ? textDecoder.decode(kind) : typeof kind === 'string' ? kind : '';
    const shape = byName.get('shape');
    const dims = Array.isArray(shape) && shape.every((s) => typeof s === 'number' && s >= 0) ? (shape as number[]) : null;
    if (dims && (kindText === 'V' || kindText === 'O')) {
      return new NdArray(kindText === 'O' ? '|O' : 'V', dims, data, kindText, type);
    }
    if (dims && typeof type === 'string') return new NdArray(type, dims, data);
  } else if (nd === false && typeof type === 'string' && data instanceof Uint8Array) {
    return new NpScalar(type, data);
  } else if (nd === undefined && byName.has('complex') && typeof data === 'string') {
    const c = PyComplex.parse(data);
    if (c) return c;
  }
  // Not a numpy value after all: a user dict with bytes keys.
  const plain: PyDict = new Map();
  for (const [k, v] of m) plain.set(k instanceof BinKey ? k.bytes : k, v);
  return plain;
}

// ------------------------------------------------------------------------------------------------
// Encoder

/** Growable output buffer. */
class Out {
  buf = new Uint8Array(1024);
  view = new DataView(this.buf.buffer);
  len = 0;

  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }
  byte(b: number): void {
    this.reserve(1);
    this.buf[this.len++] = b;
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
}

export class MsgpackEncodeError extends Error {
  override name = 'MsgpackEncodeError';
}

/** A value the encoder accepts: the decoded model plus conveniences (plain objects, typed arrays). */
export type EncodableValue = PyValue | TypedArray | Map<EncodableValue, EncodableValue> | { [key: string]: EncodableValue } | EncodableValue[] | undefined;

/** Encodes `value` exactly as `msgpack_numpy.packb` would encode its Python counterpart. */
export function encodeMsgpack(value: EncodableValue): Uint8Array {
  const out = new Out();
  write(out, value, 0);
  return out.buf.slice(0, out.len);
}

function header(out: Out, n: number, fix: number, fixMax: number, t16: number, t32: number, t8?: number): void {
  out.reserve(5);
  if (n <= fixMax) out.byte(fix | n);
  else if (t8 !== undefined && n <= 0xff) {
    out.byte(t8);
    out.byte(n);
  } else if (n <= 0xffff) {
    out.byte(t16);
    out.view.setUint16(out.len, n);
    out.len += 2;
  } else if (n <= 0xffffffff) {
    out.byte(t32);
    out.view.setUint32(out.len, n);
    out.len += 4;
  } else throw new MsgpackEncodeError(`msgpack cannot hold ${n} items`);
}

function writeStr(out: Out, s: string): void {
  const b = textEncoder.encode(s);
  header(out, b.length, 0xa0, 31, 0xda, 0xdb, 0xd9);
  out.bytes(b);
}

function writeBin(out: Out, b: Uint8Array): void {
  const n = b.length;
  out.reserve(5);
  if (n <= 0xff) {
    out.byte(0xc4);
    out.byte(n);
  } else if (n <= 0xffff) {
    out.byte(0xc5);
    out.view.setUint16(out.len, n);
    out.len += 2;
  } else {
    out.byte(0xc6);
    out.view.setUint32(out.len, n);
    out.len += 4;
  }
  out.bytes(b);
}

function writeFloat(out: Out, v: number): void {
  out.reserve(9);
  out.byte(0xcb);
  out.view.setFloat64(out.len, v);
  out.len += 8;
}

function writeInt(out: Out, v: number | bigint): void {
  out.reserve(9);
  if (typeof v === 'bigint') {
    if (v >= 0n) {
      if (v > 0xffffffffffffffffn) throw new MsgpackEncodeError(`integer ${v} does not fit in 64 bits`);
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
        out.byte(0xcf);
        out.view.setBigUint64(out.len, v);
        out.len += 8;
        return;
      }
    } else {
      if (v < -0x8000000000000000n) throw new MsgpackEncodeError(`integer ${v} does not fit in 64 bits`);
      if (v < BigInt(Number.MIN_SAFE_INTEGER)) {
        out.byte(0xd3);
        out.view.setBigInt64(out.len, v);
        out.len += 8;
        return;
      }
    }
    v = Number(v);
  }
  if (v >= 0) {
    if (v <= 0x7f) out.byte(v);
    else if (v <= 0xff) {
      out.byte(0xcc);
      out.byte(v);
    } else if (v <= 0xffff) {
      out.byte(0xcd);
      out.view.setUint16(out.len, v);
      out.len += 2;
    } else if (v <= 0xffffffff) {
      out.byte(0xce);
      out.view.setUint32(out.len, v);
      out.len += 4;
    } else {
      out.byte(0xcf);
      out.view.setBigUint64(out.len, BigInt(v));
      out.len += 8;
    }
  } else if (v >= -32) out.byte(v & 0xff);
  else if (v >= -0x80) {
    out.byte(0xd0);
    out.view.setInt8(out.len++, v);
  } else if (v >= -0x8000) {
    out.byte(0xd1);
    out.view.setInt16(out.len, v);
    out.len += 2;
  } else if (v >= -0x80000000) {
    out.byte(0xd2);
    out.view.setInt32(out.len, v);
    out.len += 4;
  } else {
    out.byte(0xd3);
    out.view.setBigInt64(out.len, BigInt(v));
    out.len += 8;
  }
}

const BIN_ND = textEncoder.encode('nd');
const BIN_TYPE = textEncoder.encode('type');
const BIN_KIND = textEncoder.encode('kind');
const BIN_SHAPE = textEncoder.encode('shape');
const BIN_DATA = textEncoder.encode('data');
const BIN_COMPLEX = textEncoder.encode('complex');

function writeNdArray(out: Out, a: NdArray, depth: number): void {
  out.byte(0x85);
  writeBin(out, BIN_ND);
  out.byte(0xc3);
  writeBin(out, BIN_TYPE);
  if (a.kind === '') writeStr(out, a.dtype);
  else write(out, a.descr as EncodableValue, depth + 1);
  writeBin(out, BIN_KIND);
  writeBin(out, textEncoder.encode(a.kind));
  writeBin(out, BIN_SHAPE);
  header(out, a.shape.length, 0x90, 15, 0xdc, 0xdd);
  for (const s of a.shape) writeInt(out, s);
  writeBin(out, BIN_DATA);
  writeBin(out, a.bytes);
}

function write(out: Out, v: EncodableValue, depth: number): void {
  if (depth > MAX_DEPTH) throw new MsgpackEncodeError(`value nested deeper than ${MAX_DEPTH}`);
  if (v === null || v === undefined) {
    out.byte(0xc0);
    return;
  }
  if (v === false) {
    out.byte(0xc2);
    return;
  }
  if (v === true) {
    out.byte(0xc3);
    return;
  }
  if (typeof v === 'number') {
    // Python ints and floats are different types; a JS number is an int when it is a safe
    // integer (and not -0), a float otherwise. Whole floats need a PyFloat.
    if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
      writeInt(out, v);
      return;
    }
    writeFloat(out, v);
    return;
  }
  if (typeof v === 'bigint') {
    writeInt(out, v);
    return;
  }
  if (typeof v === 'string') {
    writeStr(out, v);
    return;
  }
  if (v instanceof PyFloat) {
    writeFloat(out, v.value);
    return;
  }
  if (v instanceof Uint8Array) {
    writeBin(out, v);
    return;
  }
  if (v instanceof NdArray) {
    writeNdArray(out, v, depth);
    return;
  }
  if (ArrayBuffer.isView(v)) {
    writeNdArray(out, NdArray.fromTyped(v), depth);
    return;
  }
  if (Array.isArray(v)) {
    header(out, v.length, 0x90, 15, 0xdc, 0xdd);
    for (const x of v) write(out, x, depth + 1);
    return;
  }
  if (v instanceof Map) {
    header(out, v.size, 0x80, 15, 0xde, 0xdf);
    for (const [k, x] of v) {
      write(out, k, depth + 1);
      write(out, x, depth + 1);
    }
    return;
  }
  if (v instanceof NpScalar) {
    out.byte(0x83);
    writeBin(out, BIN_ND);
    out.byte(0xc2);
    writeBin(out, BIN_TYPE);
    writeStr(out, v.dtype);
    writeBin(out, BIN_DATA);
    writeBin(out, v.bytes);
    return;
  }
  if (v instanceof PyComplex) {
    out.byte(0x82);
    writeBin(out, BIN_COMPLEX);
    out.byte(0xc3);
    writeBin(out, BIN_DATA);
    writeStr(out, v.repr ?? pyComplexRepr(v.real, v.imag));
    return;
  }
  if (v instanceof MsgExt) {
    const n = v.data.length;
    const fixed = [1, 2, 4, 8, 16].indexOf(n);
    out.reserve(6);
    if (fixed >= 0) out.byte(0xd4 + fixed);
    else if (n <= 0xff) {
      out.byte(0xc7);
      out.byte(n);
    } else if (n <= 0xffff) {
      out.byte(0xc8);
      out.view.setUint16(out.len, n);
      out.len += 2;
    } else {
      out.byte(0xc9);
      out.view.setUint32(out.len, n);
      out.len += 4;
    }
    out.view.setInt8(out.len++, v.type);
    out.bytes(v.data);
    return;
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v);
    header(out, entries.length, 0x80, 15, 0xde, 0xdf);
    for (const [k, x] of entries) {
      writeStr(out, k);
      write(out, x, depth + 1);
    }
    return;
  }
  throw new MsgpackEncodeError(`cannot encode a ${typeof v}`);
}
