import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { checkFacesFit, readFacesFile, type TemplateFaces } from '../../core/faces/readFaces';
import { errorMessage } from '../../core/errors';
import type { BodyCompressFaces } from '../../protocol/bodyCompressProtocol';

/** The setting: vertex count (as a string) → faces file. */
export const TEMPLATE_FACES_SETTING = 'templateFaces';

/** Faces files kept parsed (SMPL's 13,776 triangles take 165 kB). */
const MAX_CACHED = 8;

/**
 * Template faces for the BodyCompress editor's shaded mesh, from the `bodyCapture.templateFaces`
 * setting. Files are read once (again when they change on disk) and checked against the vertex
 * count they are configured for. No VS Code API: the setting's value is passed in.
 */
export class TemplateFacesLibrary {
  private readonly cache = new Map<string, { stamp: string; faces: Promise<TemplateFaces> }>();

  /**
   * Faces for bodies of `vertexCount` vertices under `setting` (the setting's value as read);
   * relative paths resolve against `baseDir` (the workspace folder).
   */
  async facesFor(setting: unknown, vertexCount: number, baseDir: string | null): Promise<BodyCompressFaces> {
    if (setting === undefined || setting === null) return { status: 'none' };
    if (typeof setting !== 'object' || Array.isArray(setting)) {
      return {
        status: 'error',
        path: '',
        message: 'The setting bodyCapture.templateFaces must map vertex counts to faces files, e.g. {"6890": "smpl_faces.npy"}',
      };
    }
    const entry = (setting as Record<string, unknown>)[String(vertexCount)];
    if (entry === undefined) return { status: 'none' };
    if (typeof entry !== 'string' || entry.trim() === '') {
      return { status: 'error', path: '', message: `bodyCapture.templateFaces["${vertexCount}"] must be the path of a faces file` };
    }
    const path = isAbsolute(entry) ? entry : baseDir ? resolve(baseDir, entry) : null;
    if (!path)
      return { status: 'error', path: entry, message: `The faces file ${entry} is a relative path, but no workspace folder is open to resolve it against` };
    try {
      const faces = await this.read(path);
      checkFacesFit(faces, vertexCount, path);
      return { status: 'ok', path, indices: faces.indices };
    } catch (err) {
      return { status: 'error', path, message: errorMessage(err) };
    }
  }

  /** Forgets every parsed file (after the setting changed). */
  clear(): void {
    this.cache.clear();
  }

  private async read(path: string): Promise<TemplateFaces> {
    // A changed file is read again: size and modification time decide.
    const s = await stat(path).catch(() => null);
    const stamp = s ? `${s.size}:${s.mtimeMs}` : 'missing';
    const hit = this.cache.get(path);
    if (hit?.stamp === stamp) return hit.faces;
    const faces = readFacesFile(path);
    this.cache.delete(path);
    this.cache.set(path, { stamp, faces });
    for (const k of this.cache.keys()) {
      if (this.cache.size <= MAX_CACHED) break;
      this.cache.delete(k);
    }
    return faces;
  }
}
