import { createAtomicWriteStream } from '../io/atomicFile';
import { writeWithBackpressure } from './streamWrite';
import type { MeshData } from './ply';

const LINES_PER_CHUNK = 8192;

/** The shortest decimal that reads back as the same float32 (e.g. 0.1, not 0.10000000149011612). */
export function formatFloat32(x: number): string {
  const f = Math.fround(x);
  if (!Number.isFinite(f)) return String(f);
  for (let p = 6; p < 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(Number(f.toPrecision(9)));
}

/** Writes Wavefront OBJ text: `v x y z` lines, then `f a b c` (1-based) when there are faces. */
export async function writeObj(path: string, mesh: MeshData): Promise<void> {
  const nv = Math.floor(mesh.vertices.length / 3);
  const nf = mesh.faces ? Math.floor(mesh.faces.length / 3) : 0;
  const out = await createAtomicWriteStream(path);
  try {
    const head = mesh.comment ? `# ${mesh.comment.replace(/[\r\n]+/g, ' ')}\n` : '';
    await writeWithBackpressure(out.stream, Buffer.from(head, 'utf8'));
    for (let i = 0; i < nv; i += LINES_PER_CHUNK) {
      const lines: string[] = [];
      for (let k = i; k < Math.min(nv, i + LINES_PER_CHUNK); k++) {
        const v = mesh.vertices;
        lines.push(`v ${formatFloat32(v[k * 3]!)} ${formatFloat32(v[k * 3 + 1]!)} ${formatFloat32(v[k * 3 + 2]!)}\n`);
      }
      await writeWithBackpressure(out.stream, Buffer.from(lines.join(''), 'utf8'));
    }
    for (let i = 0; i < nf; i += LINES_PER_CHUNK) {
      const lines: string[] = [];
      for (let k = i; k < Math.min(nf, i + LINES_PER_CHUNK); k++) {
        const f = mesh.faces!;
        const idx = [f[k * 3]!, f[k * 3 + 1]!, f[k * 3 + 2]!];
        for (const v of idx) if (!(v >= 0 && v < nv)) throw new RangeError(`Face ${k} refers to vertex ${v}, but there are ${nv}`);
        lines.push(`f ${idx[0]! + 1} ${idx[1]! + 1} ${idx[2]! + 1}\n`);
      }
      await writeWithBackpressure(out.stream, Buffer.from(lines.join(''), 'utf8'));
    }
    await out.commit();
  } catch (err) {
    await out.abort();
    throw err;
  }
}
