import type { Loaded } from '../../protocol/common';
import { InputError } from '../../core/errors';
import { log } from './log';

/** Runs a load and turns failures into a Loaded error the webview can show on a clear page. */
export async function loaded<T>(what: string, fn: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (err instanceof InputError) return { ok: false, code: err.code, message: err.message };
    log(`Unexpected error while loading ${what}: ${(err as Error)?.stack ?? String(err)}`);
    return { ok: false, code: 'internal', message: `Could not read ${what}: ${(err as Error)?.message ?? String(err)}` };
  }
}
