import { isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from '../errors';

/** Longest name taken from a file that we put into a path (well under every file system's 255). */
const MAX_COMPONENT = 64;

/**
 * Why `name` (an id read from a file: actor, part, camera) cannot be one path component, or null if
 * it can: no separators, no `.`/`..`, no control or Windows-reserved characters, not too long. Ids that
 * fail are reported and skipped, never cleaned up into something that could collide or escape.
 */
export function unsafeComponentReason(name: string): string | null {
  if (name.length === 0) return 'it is empty';
  if (name.length > MAX_COMPONENT) return `it is longer than ${MAX_COMPONENT} characters`;
  if (name === '.' || name === '..') return 'it names a folder level';
  if (/[/\\]/.test(name)) return 'it contains a path separator';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
  if (/[\u0000-\u001f\u007f<>:"|?*]/.test(name)) return 'it contains characters file names cannot hold';
  if (/^\s|[\s.]$/.test(name)) return 'it starts with a space or ends with a space or dot';
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(name)) return 'it is a reserved device name on Windows';
  return null;
}

export function isSafeComponent(name: string): boolean {
  return unsafeComponentReason(name) === null;
}

/**
 * `root` joined with `rel` ('/'-separated, built by the planner) after checking that it stays
 * inside `root`: the last line of defence behind the per-component checks.
 */
export function insideRoot(root: string, rel: string): string {
  if (isAbsolute(rel) || rel.includes('\\') || /^[a-z]:/i.test(rel)) {
    throw new InputError('invalid-value', `Refusing to write ${rel}: output paths are relative to the output folder`);
  }
  const full = resolve(root, ...rel.split('/'));
  const back = relative(resolve(root), full);
  if (back === '' || back.startsWith(`..${sep}`) || back === '..' || isAbsolute(back)) {
    throw new InputError('invalid-value', `Refusing to write ${rel}: it is outside the output folder ${root}`);
  }
  return full;
}
