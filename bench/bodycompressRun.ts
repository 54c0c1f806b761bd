// Runs one measurement of the bundled reader (bodycompressMeasure.ts) in a process of its own.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export function measureBodyCompress(bundle: string, mode: string, file: string, engine: string, extra: string[] = []): Record<string, number> {
  const r = spawnSync(process.execPath, [join(bundle, 'bodycompressMeasure.js'), mode, file, engine, ...extra], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`measure ${mode} ${file} ${engine} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
}
