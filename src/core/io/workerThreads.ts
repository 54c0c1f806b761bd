import { join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker thread `<name>` that lives in `sourceDir` (pass the caller's `__dirname`).
 * The extension host and the CLI run as bundles in dist/, where every worker is bundled next to
 * them as `<name>.js`. Tests run the TypeScript sources under tsx; there the worker is
 * `<sourceDir>/<name>.ts`, loaded through tsx's require hook (a worker does not inherit
 * `--import tsx` hooks for its entry file on Node 20). `execArgv` defaults to none: flags such
 * as `--expose-gc` are invalid in a worker and would stall it.
 */
export function startWorker(sourceDir: string, name: string, options: WorkerOptions = {}): Worker {
  const opts = { execArgv: [], ...options };
  const file = join(sourceDir, `${name}.ts`);
  const worker = !__filename.endsWith('.ts')
    ? new Worker(join(__dirname, `${name}.js`), opts)
    : new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { ...opts, eval: true });
  live++;
  worker.once('exit', () => live--);
  return worker;
}

let live = 0;

/** Worker threads started by startWorker that have not exited yet (tests check that none leak). */
export function liveWorkerCount(): number {
  return live;
}
