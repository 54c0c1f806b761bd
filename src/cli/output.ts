import { InputError, errorMessage } from '../core/errors';
import type { CliIo } from './command';

/** Prints `value` as one JSON object (typed arrays as plain arrays, bigints as numbers or strings). */
export function printJson(io: CliIo, value: unknown): void {
  io.out(
    JSON.stringify(
      value,
      (_k, v: unknown) => {
        if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
        if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
        return v;
      },
      2,
    ) + '\n',
  );
}

/**
 * Reports a failure the CLI way: one line on stderr naming the problem (or an `error` object with
 * `--json`). Returns the exit code: 2 for bad input, 1 for anything else.
 */
export function reportError(io: CliIo, err: unknown, json: boolean): number {
  const code = err instanceof InputError ? err.code : 'internal';
  const message = errorMessage(err);
  if (json) printJson(io, { error: { code, message } });
  io.err(`bodycap: ${message}\n`);
  return err instanceof InputError ? 2 : 1;
}

/** Left-aligned two-column "label  value" lines for human output. */
export function formatFields(fields: [string, string | number | null | undefined][]): string {
  const width = Math.max(...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${k.padEnd(width)}  ${v ?? '—'}`).join('\n') + '\n';
}
