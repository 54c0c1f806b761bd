import type { Rng } from './random';

/** A mutated file and what was done to it (for the report and the reproducer's description). */
export interface Mutated {
  bytes: Uint8Array;
  what: string;
}

/** One kind of mutation of a file whose structures `map` describes. */
export type Mutator<M> = (rng: Rng, bytes: Uint8Array, map: M) => Mutated;

/** Mutations by weight: `[weight, kind, mutator]`. */
export type MutatorTable<M> = readonly (readonly [number, string, Mutator<M>])[];

/** How many mutations a case gets: mostly one, sometimes two or three. */
export function mutationCount(rng: Rng): number {
  return rng.weighted([
    [6, 1],
    [3, 2],
    [1, 3],
  ]);
}

/**
 * `count` mutations drawn from `table`, applied to a copy of `seed` in the order `rank` gives their
 * kinds (lowest first): the map describes the seed, so mutations that move or cut bytes go last.
 */
export function applyMutations<M>(
  rng: Rng,
  seed: Uint8Array,
  map: M,
  table: MutatorTable<M>,
  count: number,
  rank: (kind: string) => number,
): Mutated & { kinds: string[] } {
  const chosen = Array.from({ length: count }, () => rng.weighted(table.map((m) => [m[0], m] as const)));
  chosen.sort((a, b) => rank(a[1]) - rank(b[1]));
  let bytes: Uint8Array = seed.slice();
  const what: string[] = [];
  for (const [, , fn] of chosen) {
    const r = fn(rng, bytes, map);
    bytes = r.bytes;
    what.push(r.what);
  }
  return { bytes, what: what.join('; '), kinds: chosen.map((c) => c[1]) };
}
