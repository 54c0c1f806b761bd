import { extname } from 'node:path';
import { InputError } from '../errors';
import { inputFileSize, readBytesAt } from '../io/fileHead';
import { npyDataBytes, parseNpyHeader } from '../numpy/npy';
import { NdArray } from '../numpy/ndarray';
import { parseDType } from '../numpy/dtype';
import { FaceListBuilder, MAX_FACES_FILE_BYTES, type TemplateFaces } from './faceList';
import { parseObjFaces } from './objFaces';
import { parsePlyFaces } from './plyFaces';

export { checkFacesFit, MAX_FACES, MAX_FACES_FILE_BYTES, type TemplateFaces } from './faceList';

/** The extensions a template faces file may have. */
export const FACES_EXTENSIONS = ['npy', 'ply', 'obj'] as const;

/**
 * Reads the triangles of a faces file: `.npy` holding an `(F, 3)` integer array, or the faces of
 * a `.ply` / `.obj` mesh. Bad or unsuitable files give an InputError saying why.
 */
export async function readFacesFile(path: string): Promise<TemplateFaces> {
  const ext = extname(path).slice(1).toLowerCase();
  if (!(FACES_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new InputError('unsupported', `${path}: faces are read from .npy, .ply or .obj files`);
  }
  const bytes = await readBounded(path);
  if (ext === 'ply') return parsePlyFaces(bytes, path);
  if (ext === 'obj') return parseObjFaces(bytes, path);
  return parseNpyFaces(bytes, path);
}

/** The whole file, after checking that it is a non-empty file within the size limit. */
async function readBounded(path: string): Promise<Uint8Array> {
  const size = await inputFileSize(path);
  if (size > MAX_FACES_FILE_BYTES) {
    throw new InputError('too-large', `${path} is ${(size / 2 ** 20).toFixed(0)} MiB; a faces file may have at most ${MAX_FACES_FILE_BYTES / 2 ** 20} MiB`);
  }
  return readBytesAt(path, 0, size);
}

/** An `(F, 3)` array of integers (any width, either byte order; float arrays are refused). */
export function parseNpyFaces(bytes: Uint8Array, source: string): TemplateFaces {
  const h = parseNpyHeader(bytes, source);
  if (!h) throw new InputError('truncated', `${source} ends inside its .npy header`);
  const d = parseDType(h.dtype)!;
  if (d.kind !== 'i' && d.kind !== 'u') throw new InputError('invalid-value', `${source} holds ${h.dtype} values; faces are vertex numbers (integers)`);
  if (h.shape.length !== 2 || h.shape[1] !== 3) {
    throw new InputError('invalid-value', `${source} has shape (${h.shape.join(', ')}); faces are an (F, 3) array of triangles`);
  }
  if (h.fortranOrder) throw new InputError('unsupported', `${source} is stored in Fortran order; save it with np.ascontiguousarray first`);
  const need = npyDataBytes(h);
  if (bytes.length - h.dataOffset < need) throw new InputError('truncated', `${source} ends before the end of its array data`);
  const values = new NdArray(h.dtype, h.shape, bytes.subarray(h.dataOffset, h.dataOffset + need)).values()!;
  const out = new FaceListBuilder(source);
  for (let i = 0; i < values.length; i += 3) out.addTriangle(Number(values[i]!), Number(values[i + 1]!), Number(values[i + 2]!));
  return out.finish(null);
}
