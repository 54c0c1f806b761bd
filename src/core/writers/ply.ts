import { createAtomicWriteStream } from '../io/atomicFile';
import { writeWithBackpressure } from './streamWrite';

/** A mesh or point cloud: xyz per vertex, optionally triangles (0-based vertex indices). */
export interface MeshData {
  /** x, y, z per vertex. */
  vertices: ArrayLike<number>;
  /** Three vertex indices per triangle; omit for a point cloud. */
  faces?: ArrayLike<number> | null;
  /** A line for the header, e.g. where the data came from. */
  comment?: string;
}

const CHUNK = 1 << 16;

/**
 * A comment as one line of ASCII: a PLY header is ASCII, and readers decode it strictly (meshio
 * as UTF-8, plyfile as ASCII), so a path with "é" or "数据" in it must not put other bytes there.
 * Line breaks become spaces; other characters outside printable ASCII become `\uXXXX` (UTF-16
 * code units, as in JSON).
 */
export function plyComment(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The PLY header for `nv` vertices and `nf` triangles (binary little-endian), all ASCII. */
export function plyHeader(nv: number, nf: number | null, comment?: string): string {
  return [
    'ply',
    'format binary_little_endian 1.0',
    ...(comment ? [`comment ${plyComment(comment)}`] : []),
    `element vertex ${nv}`,
    'property float x',
    'property float y',
    'property float z',
    ...(nf === null ? [] : [`element face ${nf}`, 'property list uchar int vertex_indices']),
    'end_header',
    '',
  ].join('\n');
}

/**
 * Writes binary little-endian PLY (float32 xyz, int32 triangle indices), streamed in pieces so a
 * big mesh is never duplicated in memory; temporary name, then rename.
 */
export async function writePly(path: string, mesh: MeshData): Promise<void> {
  const nv = Math.floor(mesh.vertices.length / 3);
  const nf = mesh.faces ? Math.floor(mesh.faces.length / 3) : null;
  const out = await createAtomicWriteStream(path);
  try {
    await writeWithBackpressure(out.stream, Buffer.from(plyHeader(nv, nf, mesh.comment), 'ascii'));
    for (let i = 0; i < nv; i += CHUNK) {
      const n = Math.min(CHUNK, nv - i);
      const buf = new DataView(new ArrayBuffer(n * 12));
      for (let k = 0; k < n * 3; k++) buf.setFloat32(k * 4, mesh.vertices[i * 3 + k]!, true);
      await writeWithBackpressure(out.stream, new Uint8Array(buf.buffer));
    }
    for (let i = 0; nf !== null && i < nf; i += CHUNK) {
      const n = Math.min(CHUNK, nf - i);
      const buf = new DataView(new ArrayBuffer(n * 13));
      for (let k = 0; k < n; k++) {
        buf.setUint8(k * 13, 3);
        for (let c = 0; c < 3; c++) {
          const v = mesh.faces![(i + k) * 3 + c]!;
          if (!(v >= 0 && v < nv)) throw new RangeError(`Face ${i + k} refers to vertex ${v}, but there are ${nv}`);
          buf.setInt32(k * 13 + 1 + c * 4, v, true);
        }
      }
      await writeWithBackpressure(out.stream, new Uint8Array(buf.buffer));
    }
    await out.commit();
  } catch (err) {
    await out.abort();
    throw err;
  }
}
