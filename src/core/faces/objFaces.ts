import { InputError } from '../errors';
import { FaceListBuilder, type TemplateFaces } from './faceList';

/**
 * The faces of a Wavefront OBJ: `f` lines whose corners are `v`, `v/vt`, `v//vn` or `v/vt/vn`
 * (1-based, negative = relative to the vertices read so far). The `v` lines are counted, not kept.
 */
export function parseObjFaces(bytes: Uint8Array, source: string): TemplateFaces {
  const text = new TextDecoder('utf-8').decode(bytes);
  const out = new FaceListBuilder(source);
  let vertices = 0;
  let lineNo = 0;
  const corners: number[] = [];
  for (const raw of text.split('\n')) {
    lineNo++;
    const line = raw.trim();
    if (line.startsWith('v ') || line.startsWith('v\t')) {
      vertices++;
      continue;
    }
    if (!line.startsWith('f ') && !line.startsWith('f\t')) continue;
    corners.length = 0;
    for (const token of line.slice(2).trim().split(/\s+/)) {
      const n = Number(token.split('/')[0]);
      if (!Number.isSafeInteger(n) || n === 0) throw new InputError('corrupt', `${source} line ${lineNo}: "${token}" is not a vertex number`);
      const index = n > 0 ? n - 1 : vertices + n;
      if (index < 0) throw new InputError('corrupt', `${source} line ${lineNo}: ${n} refers to a vertex before the first one`);
      corners.push(index);
    }
    out.addPolygon(corners);
  }
  return out.finish(vertices > 0 ? vertices : null);
}
