import { readFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/core/io/atomicFile';

const RESULTS = join(__dirname, 'RESULTS.md');

/** One line naming the machine and date, for the top of every results section. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}.`;
}

/** The median (the mean of the middle two for an even count); NaN for none. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : Number.NaN;
}

/** Element-wise a - b (per-run durations of one step within another). */
export const diff = (a: readonly number[], b: readonly number[]): number[] => a.map((v, i) => v - b[i]!);

export const ms = (v: number): string => `${Math.round(v)} ms`;

/** `median (min–max, n=N)` in milliseconds, or a dash for no runs. */
export const spread = (xs: readonly number[]): string =>
  xs.length ? `${ms(median(xs))} (${ms(Math.min(...xs))}–${ms(Math.max(...xs))}, n=${xs.length})` : '—';

/**
 * Replaces the section between `<!-- name:start -->` and `<!-- name:end -->` in bench/RESULTS.md
 * (appending it if missing), so each benchmark owns its own section.
 */
export async function writeResultsSection(name: string, markdown: string): Promise<void> {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  let text: string;
  try {
    text = await readFile(RESULTS, 'utf8');
  } catch {
    text = '# Benchmark results\n\nWritten by `npm run bench`; each section is replaced when its benchmark runs.\n';
  }
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  text = i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  await writeFileAtomic(RESULTS, text);
}
