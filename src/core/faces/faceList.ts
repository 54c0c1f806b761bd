import { InputError } from '../errors';

/**
 * Triangles read from a faces file: three 0-based vertex indices per face. Polygons with more
 * corners are split into a fan of triangles (what SMPL-style quads need; SMPL's are triangles).
 */
export interface TemplateFaces {
  /** 3 indices per triangle. */
  indices: Uint32Array;
  /** Vertices the file itself declares (PLY/OBJ with vertices), or null (.npy, faces-only files). */
  declaredVertices: number | null;
}

/** A faces file larger than this is refused before it is read (SMPL-X's faces take 250 kB). */
export const MAX_FACES_FILE_BYTES = 256 * 2 ** 20;
/** Triangles accepted from one file (a dense 3D scan has a few million). */
export const MAX_FACES = 20_000_000;

/** Collects triangles, checking each index as it comes (≥ 0, an integer, below the cap). */
export class FaceListBuilder {
  private data = new Uint32Array(3 * 1024);
  private n = 0;

  constructor(private readonly source: string) {}

  /** Adds a polygon (≥ 3 corners) as a fan of triangles. */
  addPolygon(corners: ArrayLike<number>): void {
    if (corners.length < 3)
      throw new InputError('corrupt', `${this.source}: a face has ${corners.length} corner${corners.length === 1 ? '' : 's'}; at least 3 are needed`);
    for (let k = 1; k + 1 < corners.length; k++) this.addTriangle(corners[0]!, corners[k]!, corners[k + 1]!);
  }

  addTriangle(a: number, b: number, c: number): void {
    for (const v of [a, b, c]) {
      if (!Number.isSafeInteger(v) || v < 0 || v > 0xffffffff) {
        throw new InputError('corrupt', `${this.source}: face ${this.count} has the vertex index ${v}, which is not a vertex number`);
      }
    }
    if (this.count >= MAX_FACES) throw new InputError('too-large', `${this.source} has more than ${MAX_FACES.toLocaleString('en-US')} faces`);
    if (this.n + 3 > this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.n++] = a;
    this.data[this.n++] = b;
    this.data[this.n++] = c;
  }

  get count(): number {
    return this.n / 3;
  }

  finish(declaredVertices: number | null): TemplateFaces {
    if (this.n === 0) throw new InputError('invalid-value', `${this.source} holds no faces`);
    return { indices: this.data.slice(0, this.n), declaredVertices };
  }
}

/**
 * Checks faces against the body they are meant for: every index below `vertexCount`, and a file
 * that declares its own vertices declares exactly that many. Throws an InputError that says what
 * does not match.
 */
export function checkFacesFit(faces: TemplateFaces, vertexCount: number, source: string): void {
  if (faces.declaredVertices !== null && faces.declaredVertices !== vertexCount) {
    throw new InputError(
      'invalid-value',
      `${source} is a mesh of ${faces.declaredVertices.toLocaleString('en-US')} vertices, but these bodies have ${vertexCount.toLocaleString('en-US')}`,
    );
  }
  const ix = faces.indices;
  let max = 0;
  let at = 0;
  for (let i = 0; i < ix.length; i++) {
    if (ix[i]! > max) {
      max = ix[i]!;
      at = i;
    }
  }
  if (max >= vertexCount) {
    throw new InputError(
      'invalid-value',
      `${source}: face ${Math.floor(at / 3)} refers to vertex ${max}, but these bodies have ${vertexCount.toLocaleString('en-US')} vertices (0-${vertexCount - 1})`,
    );
  }
}
