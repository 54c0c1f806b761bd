import { join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread by name. The extension host and the CLI run as bundles in dist/, where
 * each worker is bundled next to them as `<name>.js`. Tests run the TypeScript sources under tsx;
 * there the worker is the `.ts` file next to this module, loaded through tsx's require hook
 * (a worker does not inherit `--import tsx` hooks for its entry file on Node 20).
 */
export function startWorker(name: string, options: WorkerOptions = {}): Worker {
  const fromSource = __filename.endsWith('.ts');
  if (!fromSource) return new Worker(join(__dirname, `${name}.js`), options);
  const file = join(__dirname, `${name}.ts`);
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { ...options, eval: true });
}
