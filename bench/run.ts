// `npm run bench [name...]`: runs every bench/<name>.bench.ts (or the named ones, e.g. `npm run bench -- bodycompress`) one after
// another, each in its own process so peak RSS figures are per benchmark.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const wanted = process.argv.slice(2);
const all = readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
// A name picks its own benchmark (`bodycompress` → bodycompress.bench.ts only), else every one it starts.
const picks = (w: string) => (all.includes(`${w}.bench.ts`) ? [`${w}.bench.ts`] : all.filter((f) => f.startsWith(w)));
const selected = wanted.length ? all.filter((f) => wanted.some((w) => picks(w).includes(f))) : all;
if (selected.length === 0) {
  console.error(`No benchmark matches ${wanted.join(', ')}; available: ${all.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const f of selected) {
  console.log(`\n=== ${f} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(__dirname, f)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
