// What the SMC benchmark generates and where (bench/out/, gitignored); shared by the generator, the
// benchmark and its measuring bundle.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const BENCH_OUT = join(__dirname, 'out');

export const BENCH_SPEC = {
  version: 2,
  pair: { actorId: '0099', part: 'e0', frames: 100, jpegKiB: 512, maskKiB: 77, uvKiB: 250, scanVertices: 130_000 },
  /** 20 GB at ~0.5 MB per image = 40,000 images: 60 cameras × 667 frames. */
  meta20: { actorId: '0098', part: 's1_all', frames: 667, jpegKiB: 4 },
  /** The spec's 55.3 GB s1_all raw file: 151,740 images = 60 cameras × 2529 frames. */
  meta55: { actorId: '0097', part: 's2_all', frames: 2529, jpegKiB: 3 },
};

export interface BenchFiles {
  raw: string;
  anno: string;
  meta20: string;
  meta55: string;
}

export function benchFiles(out = BENCH_OUT): BenchFiles {
  const { pair: p, meta20: m20, meta55: m55 } = BENCH_SPEC;
  return {
    raw: join(out, `${p.actorId}_${p.part}_raw.smc`),
    anno: join(out, `${p.actorId}_${p.part}_anno.smc`),
    meta20: join(out, `${m20.actorId}_${m20.part}_raw.smc`),
    meta55: join(out, `${m55.actorId}_${m55.part}_raw.smc`),
  };
}

/** True when the files exist and were generated from the current spec. */
export function benchFilesReady(out = BENCH_OUT): boolean {
  const manifest = join(out, 'smc-manifest.json');
  if (!existsSync(manifest)) return false;
  try {
    const m = JSON.parse(readFileSync(manifest, 'utf8'));
    return JSON.stringify(m.spec) === JSON.stringify(BENCH_SPEC) && Object.values(benchFiles(out)).every((f) => existsSync(f));
  } catch {
    return false;
  }
}
