/**
 * A problem with the user's input (a file or a folder) that we can explain in one sentence.
 * Readers throw it for anything that is not a bug in our code; the CLI maps it to exit code 2 and
 * the editors show `message` on a clear page.
 */
export class InputError extends Error {
  constructor(
    /** Stable machine-readable code, e.g. `truncated`, `not-hdf5`, `not-smc`. */
    readonly code: InputErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

export type InputErrorCode =
  | 'not-found'
  | 'unreadable'
  | 'empty'
  | 'is-directory'
  | 'not-hdf5'
  | 'truncated'
  | 'corrupt'
  | 'not-smc'
  | 'not-xz'
  | 'not-bodycompress'
  | 'unsupported'
  /** A dataset too large to read in one piece; read it in slices or stream it. */
  | 'too-large'
  /** Values a writer refuses to store (NaN, out of range, wrong shape or type). */
  | 'invalid-value';

/** Turns an fs error from opening/reading `path` into an InputError when it is the user's problem. */
export function inputErrorFromFs(err: unknown, path: string): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new InputError('not-found', `File not found: ${path}`);
  if (code === 'EACCES' || code === 'EPERM') {
    return new InputError('unreadable', `Permission denied: cannot read ${path}`);
  }
  if (code === 'EISDIR') return new InputError('is-directory', `${path} is a folder, not a file`);
  return err;
}

/** True for the error a cancelled operation rejects with (AbortSignal's DOMException or an Error named AbortError). */
export function isAbortError(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === 'AbortError';
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The stack of an Error (for the log), else the thrown value as text. */
export function errorDetail(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
