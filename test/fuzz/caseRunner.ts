import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errorDetail } from '../../src/core/errors';
import { buildCase, type BuiltCase, type Seed } from './corpus';
import { runTargets, type TargetResult } from './targets';

/*
 * A fuzzing child process: builds the cases the parent names, runs every target on each, and sends
 * the outcomes back. The parent bounds its time and memory; an exception that escapes to the process
 * (an unhandled rejection in a worker's callback, say) is charged to the target that was running.
 */

export type ToRunner = { type: 'case'; index: number } | { type: 'stop' };

export type FromRunner =
  { type: 'ready' } | { type: 'built'; built: BuiltCase } | { type: 'done'; index: number; results: TargetResult[]; rssMB: number; restart: boolean };

const runSeed = Number(process.env.FUZZ_SEED);
const root = process.env.FUZZ_CHILD_DIR!;
const seeds = JSON.parse(process.env.FUZZ_SEEDS!) as Seed[];
const processEvery = Number(process.env.FUZZ_PROCESS_EVERY ?? '0');
const caseDir = join(root, 'case');

let escaped: unknown = null;
process.on('uncaughtException', (err) => void (escaped ??= err));
process.on('unhandledRejection', (err) => void (escaped ??= err));

const send = (m: FromRunner) => process.send!(m);

const sha = async (p: string | null) =>
  p
    ? createHash('sha256')
        .update(await readFile(p))
        .digest('hex')
    : '';

async function runCase(index: number): Promise<void> {
  await rm(caseDir, { recursive: true, force: true });
  const { built, rng } = await buildCase(runSeed, index, seeds, caseDir);
  send({ type: 'built', built });
  const before = [await sha(built.input), await sha(built.partner)];
  escaped = null;
  const results = await runTargets({ family: built.family, input: built.input, dir: caseDir }, rng, {
    process: processEvery > 0 && index % processEvery === 0,
  });
  // Let callbacks scheduled by the last target run before judging the case.
  await new Promise((r) => setTimeout(r, 20));
  if (escaped) {
    const last = results[results.length - 1]!;
    results.push({ target: `${last.target} (process)`, outcome: 'uncaught', failure: true, ms: 0, message: errorDetail(escaped) });
  }
  const after = [await sha(built.input), await sha(built.partner)];
  if (before.join() !== after.join()) results.push({ target: 'input', outcome: 'input-modified', failure: true, ms: 0, message: 'an input file changed' });
  const stray = (await readdir(root)).filter((n) => n !== 'case');
  if (stray.length)
    results.push({ target: 'output', outcome: 'escaped-output', failure: true, ms: 0, message: `written beside the case folder: ${stray.join(', ')}` });
  // h5wasm cannot recover from an abort inside the HDF5 library: later files would all fail.
  const restart = results.some((r) => /HDF5 library (gave up|stopped)/.test(r.message ?? ''));
  send({ type: 'done', index, results, rssMB: Math.round(process.memoryUsage().rss / 2 ** 20), restart });
}

process.on('message', (m: ToRunner) => {
  if (m.type === 'stop') process.exit(0);
  runCase(m.index).catch((err: unknown) => {
    // A failure of the fuzzer itself (building the case): report it so the run stops loudly.
    send({
      type: 'done',
      index: m.index,
      results: [{ target: 'fuzzer', outcome: 'uncaught', failure: true, ms: 0, message: (err as Error)?.stack ?? String(err) }],
      rssMB: 0,
      restart: true,
    });
  });
});

send({ type: 'ready' });
