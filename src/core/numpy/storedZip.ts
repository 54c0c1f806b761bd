import { crc32 } from 'node:zlib';

/*
 * A zip archive of stored (uncompressed) entries built in memory, in one buffer: what np.savez
 * writes, without a streaming zip library's per-entry work. For small archives (one frame's
 * arrays): `storedZipFits` says when the classic (non-Zip64) format can hold the entries.
 */

export interface ZipEntry {
  name: string;
  /** The entry's bytes, in pieces written one after the other. */
  parts: Uint8Array[];
}

const LOCAL_HEADER = 30;
const CENTRAL_HEADER = 46;
const END_RECORD = 22;
/** 1980-01-01 00:00 in MS-DOS form (the zip epoch), so the same entries always give the same bytes. */
const DOS_DATE = (1 << 5) | 1;
const DOS_TIME = 0;
/** General-purpose flag bit 11: the name is UTF-8 (set, as Python's zipfile does, for non-ASCII names). */
const UTF8_FLAG = 0x0800;

const entrySize = (e: ZipEntry) => e.parts.reduce((n, p) => n + p.length, 0);

/** True when the classic zip format holds these entries (sizes and offsets below 4 GiB, fewer than 65,535 entries). */
export function storedZipFits(entries: readonly ZipEntry[], maxBytes = 0xfffffffe): boolean {
  let total = END_RECORD;
  for (const e of entries) total += LOCAL_HEADER + CENTRAL_HEADER + 2 * Buffer.byteLength(e.name) + entrySize(e);
  return entries.length < 0xffff && total <= maxBytes;
}

/** The archive's bytes (check `storedZipFits` first). */
export function storedZip(entries: readonly ZipEntry[]): Uint8Array {
  const names = entries.map((e) => Buffer.from(e.name, 'utf8'));
  const sizes = entries.map(entrySize);
  let total = END_RECORD;
  entries.forEach((_, i) => (total += LOCAL_HEADER + CENTRAL_HEADER + 2 * names[i]!.length + sizes[i]!));
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const central: { offset: number; crc: number; flags: number }[] = [];
  let pos = 0;
  entries.forEach((e, i) => {
    const name = names[i]!;
    const size = sizes[i]!;
    let crc = 0;
    // Empty parts are skipped: Node 20's crc32 returns 0 for a view of a zero-length buffer, whatever the running value.
    for (const p of e.parts) if (p.length > 0) crc = crc32(p, crc);
    const flags = name.length === e.name.length ? 0 : UTF8_FLAG;
    central.push({ offset: pos, crc, flags });
    view.setUint32(pos, 0x04034b50, true);
    view.setUint16(pos + 4, 20, true); // version needed: 2.0
    view.setUint16(pos + 6, flags, true);
    view.setUint16(pos + 8, 0, true); // stored
    view.setUint16(pos + 10, DOS_TIME, true);
    view.setUint16(pos + 12, DOS_DATE, true);
    view.setUint32(pos + 14, crc, true);
    view.setUint32(pos + 18, size, true);
    view.setUint32(pos + 22, size, true);
    view.setUint16(pos + 26, name.length, true);
    view.setUint16(pos + 28, 0, true);
    out.set(name, pos + LOCAL_HEADER);
    pos += LOCAL_HEADER + name.length;
    for (const p of e.parts) {
      out.set(p, pos);
      pos += p.length;
    }
  });
  const centralStart = pos;
  entries.forEach((_, i) => {
    const name = names[i]!;
    const c = central[i]!;
    view.setUint32(pos, 0x02014b50, true);
    view.setUint16(pos + 4, (3 << 8) | 20, true); // made by: Unix, 2.0
    view.setUint16(pos + 6, 20, true);
    view.setUint16(pos + 8, c.flags, true);
    view.setUint16(pos + 10, 0, true);
    view.setUint16(pos + 12, DOS_TIME, true);
    view.setUint16(pos + 14, DOS_DATE, true);
    view.setUint32(pos + 16, c.crc, true);
    view.setUint32(pos + 20, sizes[i]!, true);
    view.setUint32(pos + 24, sizes[i]!, true);
    view.setUint16(pos + 28, name.length, true);
    // extra, comment, disk number, internal attributes: 0
    view.setUint32(pos + 38, (0o100644 << 16) >>> 0, true); // external attributes: a regular file, rw-r--r--
    view.setUint32(pos + 42, c.offset, true);
    out.set(name, pos + CENTRAL_HEADER);
    pos += CENTRAL_HEADER + name.length;
  });
  view.setUint32(pos, 0x06054b50, true);
  view.setUint16(pos + 8, entries.length, true);
  view.setUint16(pos + 10, entries.length, true);
  view.setUint32(pos + 12, pos - centralStart, true);
  view.setUint32(pos + 16, centralStart, true);
  return out;
}
