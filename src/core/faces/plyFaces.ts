import { InputError } from '../errors';
import { FaceListBuilder, type TemplateFaces } from './faceList';

/*
 * The faces of a PLY file (ASCII or binary, either byte order): the `face` element's vertex index
 * list. Other elements and properties are read past, whatever their types.
 */

type Scalar = 'i1' | 'u1' | 'i2' | 'u2' | 'i4' | 'u4' | 'f4' | 'f8';

const TYPES: Record<string, Scalar> = {
  char: 'i1',
  int8: 'i1',
  uchar: 'u1',
  uint8: 'u1',
  short: 'i2',
  int16: 'i2',
  ushort: 'u2',
  uint16: 'u2',
  int: 'i4',
  int32: 'i4',
  uint: 'u4',
  uint32: 'u4',
  float: 'f4',
  float32: 'f4',
  double: 'f8',
  float64: 'f8',
};
const SIZE: Record<Scalar, number> = { i1: 1, u1: 1, i2: 2, u2: 2, i4: 4, u4: 4, f4: 4, f8: 8 };

interface Property {
  name: string;
  type: Scalar;
  /** For list properties: the type of the count that precedes the items. */
  countType?: Scalar;
}

interface Element {
  name: string;
  count: number;
  properties: Property[];
}

/** Lines of the header are ASCII; a header longer than this is not a PLY header. */
const MAX_HEADER_BYTES = 64 * 1024;

export function parsePlyFaces(bytes: Uint8Array, source: string): TemplateFaces {
  const bad = (why: string) => new InputError('corrupt', `${source}: ${why}`);
  const headEnd = findHeaderEnd(bytes);
  if (headEnd < 0) {
    throw bytes.length >= 4 && new TextDecoder('latin1').decode(bytes.subarray(0, 4)) === 'ply\n'
      ? bad('the PLY header has no end_header line')
      : bad('not a PLY file');
  }
  const lines = new TextDecoder('latin1').decode(bytes.subarray(0, headEnd)).split(/\r?\n/);
  if (lines[0]?.trim() !== 'ply') throw bad('not a PLY file');
  let format = '';
  const elements: Element[] = [];
  for (const line of lines.slice(1)) {
    const w = line.trim().split(/\s+/);
    if (w[0] === 'format') format = w[1] ?? '';
    else if (w[0] === 'element') {
      const count = Number(w[2]);
      if (!w[1] || !Number.isSafeInteger(count) || count < 0) throw bad(`bad element line "${line.trim()}"`);
      elements.push({ name: w[1], count, properties: [] });
    } else if (w[0] === 'property') {
      const el = elements.at(-1);
      if (!el) throw bad('a property comes before any element');
      if (w[1] === 'list') {
        const countType = TYPES[w[2] ?? ''];
        const type = TYPES[w[3] ?? ''];
        if (!countType || !type || !w[4]) throw bad(`bad property line "${line.trim()}"`);
        el.properties.push({ name: w[4], type, countType });
      } else {
        const type = TYPES[w[1] ?? ''];
        if (!type || !w[2]) throw bad(`bad property line "${line.trim()}"`);
        el.properties.push({ name: w[2], type });
      }
    }
  }
  const face = elements.find((e) => e.name === 'face');
  const list =
    face &&
    (face.properties.find((p) => p.countType && (p.name === 'vertex_indices' || p.name === 'vertex_index')) ?? face.properties.find((p) => p.countType));
  if (!face || !list) throw new InputError('invalid-value', `${source} has no faces (no face element with a vertex index list)`);
  const vertices = elements.find((e) => e.name === 'vertex')?.count ?? null;
  const out = new FaceListBuilder(source);
  const body = bytes.subarray(headEnd);
  if (format === 'ascii') readAscii(body, elements, face, list, out, bad);
  else if (format === 'binary_little_endian' || format === 'binary_big_endian')
    readBinary(body, format === 'binary_little_endian', elements, face, list, out, bad);
  else throw new InputError('unsupported', `${source}: PLY format "${format}" is not supported`);
  return out.finish(vertices);
}

/** Offset just after the `end_header` line, or -1. */
function findHeaderEnd(bytes: Uint8Array): number {
  const marker = 'end_header';
  const limit = Math.min(bytes.length, MAX_HEADER_BYTES);
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, limit));
  const i = text.search(/(^|\n)end_header\r?\n/);
  if (i < 0) return -1;
  const start = text.indexOf(marker, i);
  return text.indexOf('\n', start) + 1;
}

function readAscii(body: Uint8Array, elements: Element[], face: Element, list: Property, out: FaceListBuilder, bad: (why: string) => InputError): void {
  const tokens = new TextDecoder('latin1')
    .decode(body)
    .split(/\s+/)
    .filter((t) => t.length > 0);
  let pos = 0;
  const next = () => {
    if (pos >= tokens.length) throw bad('the data ends early');
    const v = Number(tokens[pos++]);
    if (!Number.isFinite(v)) throw bad(`"${tokens[pos - 1]}" is not a number`);
    return v;
  };
  for (const el of elements) {
    for (let r = 0; r < el.count; r++) {
      for (const p of el.properties) {
        if (!p.countType) {
          next();
          continue;
        }
        const n = next();
        if (!Number.isSafeInteger(n) || n < 0) throw bad(`a list has ${n} items`);
        const items: number[] = [];
        for (let k = 0; k < n; k++) items.push(next());
        if (el === face && p === list) out.addPolygon(items);
      }
    }
    if (el === face) return;
  }
}

function readBinary(
  body: Uint8Array,
  little: boolean,
  elements: Element[],
  face: Element,
  list: Property,
  out: FaceListBuilder,
  bad: (why: string) => InputError,
): void {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let pos = 0;
  const read = (t: Scalar): number => {
    if (pos + SIZE[t] > body.length) throw bad('the data ends early');
    const p = pos;
    pos += SIZE[t];
    switch (t) {
      case 'i1':
        return view.getInt8(p);
      case 'u1':
        return view.getUint8(p);
      case 'i2':
        return view.getInt16(p, little);
      case 'u2':
        return view.getUint16(p, little);
      case 'i4':
        return view.getInt32(p, little);
      case 'u4':
        return view.getUint32(p, little);
      case 'f4':
        return view.getFloat32(p, little);
      case 'f8':
        return view.getFloat64(p, little);
    }
  };
  for (const el of elements) {
    const fixed = el.properties.every((p) => !p.countType) ? el.properties.reduce((s, p) => s + SIZE[p.type], 0) : null;
    if (el !== face && fixed !== null) {
      // Rows of fixed size (vertices): jump over them, after checking they are all there.
      if (pos + el.count * fixed > body.length) throw bad(`the data ends inside the ${el.name} element`);
      pos += el.count * fixed;
      continue;
    }
    const items: number[] = [];
    for (let r = 0; r < el.count; r++) {
      for (const p of el.properties) {
        if (!p.countType) {
          read(p.type);
          continue;
        }
        const n = read(p.countType);
        if (!Number.isSafeInteger(n) || n < 0) throw bad(`a list has ${n} items`);
        if (pos + n * SIZE[p.type] > body.length) throw bad(`the data ends inside the ${el.name} element`);
        items.length = 0;
        for (let k = 0; k < n; k++) items.push(read(p.type));
        if (el === face && p === list) out.addPolygon(items);
      }
    }
    if (el === face) return;
  }
}
