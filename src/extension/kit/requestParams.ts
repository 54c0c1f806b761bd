/**
 * Checks of the parameters an editor's webview sends. A webview is untrusted input: every id, frame
 * number, count and path is checked against what the file holds before it reaches the reader.
 */

/** A rejected parameter; its message goes back to the webview as the request's error. */
export class ParamError extends Error {
  override name = 'ParamError';
}

function record(params: unknown): Record<string, unknown> {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new ParamError('Expected an object of parameters');
  return params as Record<string, unknown>;
}

/** An integer in [min, max]. */
export function intParam(params: unknown, name: string, min: number, max: number): number {
  const v = record(params)[name];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new ParamError(`${name} must be an integer`);
  if (v < min || v > max) throw new ParamError(`${name} ${v} is outside ${min}..${max}`);
  return v;
}

/** A frame number on the timeline [0, frameCount). */
export function frameParam(params: unknown, frameCount: number): number {
  if (frameCount <= 0) throw new ParamError('This file has no frames');
  return intParam(params, 'frame', 0, frameCount - 1);
}

/** One of a fixed set of strings (a camera id the file holds, an image kind, a parameter name). */
export function oneOfParam<T extends string>(params: unknown, name: string, allowed: readonly T[], what = name): T {
  const v = record(params)[name];
  if (typeof v !== 'string') throw new ParamError(`${name} must be a string`);
  if (!allowed.includes(v as T)) throw new ParamError(`No ${what} ${JSON.stringify(v.slice(0, 40))} in this file`);
  return v as T;
}

/** An absolute HDF5 path ("/", "/Camera/00"): bounded, no empty or relative components. */
export function hdf5PathParam(params: unknown, name = 'path'): string {
  const v = record(params)[name];
  if (typeof v !== 'string' || v.length === 0 || v.length > 1024) throw new ParamError(`${name} must be an HDF5 path`);
  if (v === '/') return v;
  const parts = v.split('/');
  if (parts[0] !== '' || parts.slice(1).some((p) => p === '' || p === '.' || p === '..')) {
    throw new ParamError(`${name} ${JSON.stringify(v.slice(0, 80))} is not an absolute HDF5 path`);
  }
  return v;
}

/** A string of at most maxLength characters. */
export function textParam(params: unknown, name: string, maxLength: number): string {
  const v = record(params)[name];
  if (typeof v !== 'string') throw new ParamError(`${name} must be a string`);
  if (v.length > maxLength) throw new ParamError(`${name} is longer than ${maxLength} characters`);
  return v;
}

/** Binary data (a Uint8Array or ArrayBuffer) of at most maxBytes, optionally starting with `signature`. */
export function bytesParam(params: unknown, name: string, maxBytes: number, signature?: readonly number[]): Uint8Array {
  const v = record(params)[name];
  const bytes = v instanceof Uint8Array ? v : v instanceof ArrayBuffer ? new Uint8Array(v) : null;
  if (!bytes) throw new ParamError(`${name} must be binary data`);
  if (bytes.length > maxBytes) throw new ParamError(`${name} is larger than ${maxBytes} bytes`);
  if (signature && !signature.every((b, i) => bytes[i] === b)) throw new ParamError(`${name} does not have the expected format`);
  return bytes;
}

/** true or false. */
export function boolParam(params: unknown, name: string): boolean {
  const v = record(params)[name];
  if (typeof v !== 'boolean') throw new ParamError(`${name} must be true or false`);
  return v;
}

/** An integer in [min, max], or null. */
export function intOrNullParam(params: unknown, name: string, min: number, max: number): number | null {
  return record(params)[name] === null ? null : intParam(params, name, min, max);
}
