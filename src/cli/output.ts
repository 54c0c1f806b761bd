import { InputError, errorMessage } from '../core/errors';
import { escapeControl } from '../core/printable';
import type { CliIo } from './command';

/**
 * Prints `value` as one JSON object: typed arrays as plain arrays, bigints as numbers (or strings
 * beyond 2^53), and Maps as objects in the Map's order (a plain object would list camera "10".."59"
 * before "00".."09", since JavaScript puts integer-like keys first).
 */
export function printJson(io: CliIo, value: unknown): void {
  io.out(toJsonText(value, '') + '\n');
}

function toJsonText(value: unknown, indent: string): string {
  const v = jsonLeaf(value);
  if (v === undefined || typeof v === 'function') return 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + toJsonText(x, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = (v instanceof Map ? [...v.entries()] : Object.entries(v))
    .map(([k, x]) => [String(k), jsonLeaf(x)] as const)
    .filter(([, x]) => x !== undefined && typeof x !== 'function');
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${toJsonText(x, inner)}`).join(',\n')}\n${indent}}`;
}

/** Converts the values JSON has no form for; anything with toJSON (Dates, PyFloat) uses it. */
function jsonLeaf(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return Array.from(v as unknown as ArrayLike<number | bigint>, (x) => jsonLeaf(x));
  }
  if (v instanceof Set) return [...v];
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    return (v as { toJSON: () => unknown }).toJSON();
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}

/**
 * Reports a failure the CLI way: one line on stderr naming the problem (or an `error` object with
 * `--json`). Returns the exit code: 2 for bad input, 1 for anything else.
 */
export function reportError(io: CliIo, err: unknown, json: boolean): number {
  const code = err instanceof InputError ? err.code : 'internal';
  const message = errorMessage(err);
  if (json) printJson(io, { error: { code, message } });
  // One line whatever the message holds (names from a file may hold a newline).
  io.err(`bodycap: ${escapeControl(message)}\n`);
  return err instanceof InputError ? 2 : 1;
}

/** A plain-text table with a header row, columns padded to their widest cell. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** Left-aligned two-column "label  value" lines for human output. */
export function formatFields(fields: [string, string | number | null | undefined][]): string {
  const width = Math.max(...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${k.padEnd(width)}  ${v ?? '—'}`).join('\n') + '\n';
}
