import type { ByteSource } from '../byteSource';
import { Cursor, type FieldSizes } from './cursor';
import { Hdf5FormatError } from './errors';

/**
 * One header message: its type (HDF5 spec IV.A.2), flags, and its body, made into a view only when a
 * decoder asks (an inventory parses hundreds of thousands of headers and decodes a few messages each).
 */
export class HeaderMessage {
  constructor(
    readonly type: number,
    readonly flags: number,
    private readonly block: Uint8Array,
    private readonly offset: number,
    private readonly size: number,
    /** The message's creation index, in headers that track attribute creation order. */
    readonly creationOrder?: number,
  ) {}

  get data(): Uint8Array {
    return this.block.subarray(this.offset, this.offset + this.size);
  }
}

export const MSG = {
  dataspace: 0x01,
  linkInfo: 0x02,
  datatype: 0x03,
  fillValueOld: 0x04,
  fillValue: 0x05,
  link: 0x06,
  externalFiles: 0x07,
  layout: 0x08,
  groupInfo: 0x0a,
  filterPipeline: 0x0b,
  attribute: 0x0c,
  continuation: 0x10,
  symbolTable: 0x11,
} as const;

/** A message flag: the body is a reference to a shared message stored elsewhere. */
export const MSG_FLAG_SHARED = 0x02;

/** Guards against looping continuation chains in a damaged file. */
const MAX_CONTINUATIONS = 1024;

/**
 * Reads the messages of the object header at absolute address `address` (version 1, as h5py writes by
 * default, or version 2 "OHDR"), following continuation blocks. Message bodies are views into page
 * buffers: decode them right away and keep only the decoded values.
 */
export function readObjectHeader(src: ByteSource, address: number, sizes: FieldSizes, base: number): HeaderMessage[] {
  const first = src.readSync(address, Math.min(16, src.size - address));
  if (first[0] === 0x4f && first[1] === 0x48 && first[2] === 0x44 && first[3] === 0x52) {
    return readV2(src, address, sizes, base);
  }
  if (first[0] === 1) return readV1(src, address, first, sizes, base);
  throw new Hdf5FormatError(`no object header at byte ${address}`);
}

function readV1(src: ByteSource, address: number, first: Uint8Array, sizes: FieldSizes, base: number): HeaderMessage[] {
  const prefix = new Cursor(first, 0, sizes);
  prefix.skip(2); // version, reserved
  const count = prefix.u16();
  prefix.skip(4); // reference count
  const chunkSize = prefix.u32();
  const messages: HeaderMessage[] = [];
  // The prefix is 12 bytes padded to 16; messages are 8-byte aligned within each block.
  const blocks: [number, number][] = [[address + 16, chunkSize]];
  for (let b = 0; b < blocks.length; b++) {
    if (b > MAX_CONTINUATIONS) throw new Hdf5FormatError('too many object header continuation blocks');
    const [start, length] = blocks[b]!;
    const cur = new Cursor(src.readSync(start, length), 0, sizes);
    while (cur.remaining >= 8 && messages.length < count) {
      const type = cur.u16();
      const size = cur.u16();
      const flags = cur.u8();
      cur.skip(3);
      const message = new HeaderMessage(type, flags, cur.bytes, cur.pos, size);
      cur.skip(size);
      messages.push(message);
      if (type === MSG.continuation) blocks.push(continuationOf(message.data, sizes, base));
    }
  }
  return messages;
}

function readV2(src: ByteSource, address: number, sizes: FieldSizes, base: number): HeaderMessage[] {
  const head = new Cursor(src.readSync(address, Math.min(64, src.size - address)), 0, sizes);
  head.signature('OHDR');
  if (head.u8() !== 2) throw new Hdf5FormatError('unknown object header version');
  const flags = head.u8();
  if (flags & 0x20) head.skip(16); // access, modification, change and birth times
  if (flags & 0x10) head.skip(4); // attribute storage phase change values
  const chunkSize = head.uint(1 << (flags & 0x03));
  const trackOrder = (flags & 0x04) !== 0;
  const messages: HeaderMessage[] = [];
  const blocks: [number, number][] = [[address + head.pos, chunkSize]];
  for (let b = 0; b < blocks.length; b++) {
    if (b > MAX_CONTINUATIONS) throw new Hdf5FormatError('too many object header continuation blocks');
    const [start, length] = blocks[b]!;
    let cur: Cursor;
    if (b === 0) cur = new Cursor(src.readSync(start, length), 0, sizes);
    else {
      // Continuation blocks: "OCHK", messages, 4-byte checksum.
      const block = new Cursor(src.readSync(start, length), 0, sizes);
      block.signature('OCHK');
      cur = new Cursor(block.view(length - 8), 0, sizes);
    }
    const headerLen = trackOrder ? 6 : 4;
    while (cur.remaining >= headerLen) {
      const type = cur.u8();
      const size = cur.u16();
      const mflags = cur.u8();
      const creationOrder = trackOrder ? cur.u16() : undefined;
      const message = new HeaderMessage(type, mflags, cur.bytes, cur.pos, size, creationOrder);
      cur.skip(size);
      messages.push(message);
      if (type === MSG.continuation) blocks.push(continuationOf(message.data, sizes, base));
    }
  }
  return messages;
}

function continuationOf(data: Uint8Array, sizes: FieldSizes, base: number): [number, number] {
  const c = new Cursor(data, 0, sizes);
  const at = c.address();
  const length = c.length();
  if (at === undefined) throw new Hdf5FormatError('an object header continuation has no address');
  return [base + at, length];
}
