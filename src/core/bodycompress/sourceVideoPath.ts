import { dirname, isAbsolute, join } from 'node:path';
import { naturalCompare } from '../naturalSort';

/**
 * Where a BodyCompress file's source video is: NLF writes `video_path` into the metadata, often
 * an absolute path on the machine that ran it. Pure path logic; the file system is asked through
 * `SourceProbe`, so it is unit-tested without one.
 */

/** Videos a webview decodes (H.264 / VP8 in these containers), and image files of a frame folder. */
export const VIDEO_EXTENSIONS = ['mp4', 'm4v', 'mov', 'webm', 'mkv', 'ogv'];
export const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp', 'bmp', 'gif'];

export type SourceKind = 'video' | 'images';

export interface SourceProbe {
  /** 'file', 'dir', or null when nothing is there. */
  kind(path: string): Promise<'file' | 'dir' | null>;
  /** A file of this name somewhere in the workspace folders, or null. */
  findByName(name: string): Promise<string | null>;
}

export type SourceResolution = { found: string; kind: SourceKind } | { missing: string };

/** The last part of a path written on any system (NLF may have run on Windows). */
export function portableBasename(p: string): string {
  return (
    p
      .split(/[\\/]/)
      .filter((s) => s !== '')
      .pop() ?? ''
  );
}

/**
 * Resolves `videoPath` (from the metadata) for the file at `xzPath`: the path itself when absolute,
 * else relative to the file's folder; then a file of that name next to the file; then one of that
 * name in the workspace. A folder is a folder of frame images. null when the file names none.
 */
export async function resolveSourceVideo(videoPath: string | null, xzPath: string, probe: SourceProbe): Promise<SourceResolution | null> {
  if (videoPath === null || videoPath.trim() === '') return null;
  const here = dirname(xzPath);
  const name = portableBasename(videoPath);
  const candidates = [isAbsolute(videoPath) ? videoPath : join(here, videoPath)];
  if (name) candidates.push(join(here, name));
  for (const c of candidates) {
    const kind = await probe.kind(c);
    if (kind) return { found: c, kind: kind === 'dir' ? 'images' : 'video' };
  }
  const inWorkspace = name ? await probe.findByName(name) : null;
  if (inWorkspace) return { found: inWorkspace, kind: 'video' };
  return { missing: videoPath };
}

/** The frame images of a folder listing: image files only, in natural order (frame_2 before frame_10). */
export function frameImages(names: string[]): string[] {
  return names.filter((n) => IMAGE_EXTENSIONS.includes(extensionOf(n)) && !n.startsWith('.')).sort(naturalCompare);
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The message for a named video that is not there. */
export function missingSourceMessage(path: string): string {
  return `Source video ${path} not found: pick it with Set Source Video...`;
}
