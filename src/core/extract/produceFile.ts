import { InputError } from '../errors';
import { createAtomicWriteStream, writeFileAtomic } from '../io/atomicFile';
import { NdArray, shapeSize } from '../numpy/ndarray';
import { NpzWriter } from '../numpy/npz';
import { parseDType } from '../numpy/dtype';
import { imageTarget } from '../smc/imageFormat';
import type { SmcFileKind } from '../smc/smcFile';
import { writePly } from '../writers/ply';
import { writeWithBackpressure } from '../writers/streamWrite';
import { writeWav } from '../writers/wav';
import { writePreview } from './visualize';
import type { PlannedFile, PlannedNpzEntry, ProduceContext, RowsSource } from './planTypes';

/** Payloads above this are streamed to disk in pieces rather than read whole. */
export const STREAM_COPY_BYTES = 64 * 2 ** 20;

/**
 * Writes one planned file at `target` (always through a temporary name and a rename). `buffer` is a
 * scratch buffer owned by the calling slot, reused across copies.
 */
export async function produceFile(file: PlannedFile, target: string, ctx: ProduceContext, buffer: Buffer): Promise<void> {
  const s = file.source;
  switch (s.type) {
    case 'text':
      return writeFileAtomic(target, s.text);
    case 'copy':
      return copyPayload(file, s, target, ctx, buffer);
    case 'npz':
      return writeNpzFile(target, s.entries, ctx);
    case 'wav': {
      const audio = await ctx.reader.file(s.file).audio();
      if (!audio) throw new InputError('corrupt', `The audio vanished from ${ctx.reader.file(s.file).path}`);
      return writeWav(target, { samples: audio.samples, channels: s.channels, sampleRate: s.sampleRate });
    }
    case 'ply': {
      const mesh = await ctx.reader.file(s.file).scanMesh();
      if (mesh?.vertexCount !== s.vertices || mesh.faceCount !== s.faces) throw new InputError('corrupt', 'The scan mesh changed while extracting');
      return writePly(target, { vertices: mesh.vertices.data, faces: mesh.faces, comment: s.comment });
    }
    case 'contact-sheet':
    case 'overlay':
      return writePreview(s, target, ctx);
  }
}

async function copyPayload(
  file: PlannedFile,
  s: Extract<PlannedFile['source'], { type: 'copy' }>,
  target: string,
  ctx: ProduceContext,
  buffer: Buffer,
): Promise<void> {
  if (s.offset === null || file.bytes <= STREAM_COPY_BYTES) {
    const bytes = await ctx.reader.read(s.file, s.dataset, s.offset, file.bytes, buffer);
    const actual = imageTarget(target, bytes, s.dataset);
    if (actual.note) ctx.note(actual.note);
    return writeFileAtomic(actual.path, bytes);
  }
  const out = await createAtomicWriteStream(target);
  try {
    for await (const chunk of ctx.reader.file(s.file).hdf5.streamBytes(s.dataset)) await writeWithBackpressure(out.stream, chunk);
    await out.commit();
  } catch (err) {
    await out.abort();
    throw err;
  }
}

/** An entry's rows assembled in memory. */
async function rowsArray(ctx: ProduceContext, src: RowsSource, e: PlannedNpzEntry): Promise<NdArray> {
  const rows: Uint8Array[] = [];
  for (const p of src.paths) rows.push(await readRow(ctx, src, p, e));
  return new NdArray(e.dtype, e.shape, Buffer.concat(rows));
}

/**
 * What a small planned file holds, for the resume check: its bytes (texts, copied payloads), its
 * arrays (.npz, whose zip timestamps differ between runs), or null when only its size is checked.
 */
export async function expectedContent(file: PlannedFile, ctx: ProduceContext): Promise<Uint8Array | Map<string, NdArray> | null> {
  const s = file.source;
  if (s.type === 'text') return Buffer.from(s.text, 'utf8');
  if (s.type === 'copy') return ctx.reader.read(s.file, s.dataset, s.offset, file.bytes);
  if (s.type !== 'npz') return null;
  const out = new Map<string, NdArray>();
  for (const e of s.entries) {
    const d = e.data;
    out.set(e.name, d.type === 'array' ? d.array : d.type === 'audio' ? await audioArray(ctx, d.file, e) : await rowsArray(ctx, d, e));
  }
  return out;
}

/** Bytes of one row (a frame's dataset) of an entry, in the entry's dtype. */
function rowBytes(e: PlannedNpzEntry): number {
  return shapeSize(e.shape.slice(1)) * parseDType(e.dtype)!.itemsize;
}

/** One row as `dtype` bytes: the dataset's values converted, or NaN when the row has no data. */
async function readRow(ctx: ProduceContext, src: RowsSource, path: string | null, e: PlannedNpzEntry): Promise<Uint8Array> {
  const n = shapeSize(e.shape.slice(1));
  const out = e.dtype === '<f4' ? new Float32Array(n) : new Float64Array(n);
  if (path === null) out.fill(Number.NaN);
  else {
    const arr = await ctx.reader.file(src.file).hdf5.readArray(path);
    const data = arr?.data;
    if (!data || !ArrayBuffer.isView(data) || data.length !== n) throw new InputError('corrupt', `${path} changed shape while extracting`);
    for (let i = 0; i < n; i++) out[i] = Number((data as unknown as ArrayLike<number | bigint>)[i]);
  }
  return new Uint8Array(out.buffer);
}

/**
 * The .npz of an array file. Small arrays are assembled in memory; large ones (FLAME albedos over many
 * frames) are streamed row by row. A failed read ends the archive: NpzWriter removes its temporary file
 * and close() rejects with the error, so no partial or zero-filled file ever takes the final name.
 */
async function writeNpzFile(target: string, entries: PlannedNpzEntry[], ctx: ProduceContext): Promise<void> {
  const w = await NpzWriter.create(target);
  try {
    for (const e of entries) {
      const data = e.data;
      if (data.type === 'array') w.add(e.name, data.array);
      else if (data.type === 'audio') w.add(e.name, await audioArray(ctx, data.file, e));
      else if (!e.streamed) w.add(e.name, await rowsArray(ctx, data, e));
      else w.addStreamed(e.name, e.dtype, e.shape, rowBytes(e) * data.paths.length, streamRows(ctx, data, e));
    }
  } catch (err) {
    await w.abort();
    throw err;
  }
  await w.close();
}

async function* streamRows(ctx: ProduceContext, src: RowsSource, e: PlannedNpzEntry): AsyncGenerator<Uint8Array> {
  for (const p of src.paths) yield await readRow(ctx, src, p, e);
}

async function audioArray(ctx: ProduceContext, kind: SmcFileKind, e: PlannedNpzEntry): Promise<NdArray> {
  const file = ctx.reader.file(kind);
  const audio = await file.audio();
  if (!audio) throw new InputError('corrupt', `The audio vanished from ${file.path}`);
  const values = e.dtype === '<f4' ? Float32Array.from(audio.samples) : Float64Array.from(audio.samples);
  return NdArray.fromTyped(values, e.shape, e.dtype);
}
