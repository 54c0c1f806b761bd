import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SmcPerformance } from '../../src/core/smc/smcPerformance';
import { FIXTURES, fixturePath } from '../helpers/fixtures';
import { fixtureParts, HOSTILE_CAMERAS, HOSTILE_FRAME_KEYS, writeHostileSmc } from '../helpers/hostileSmc';
import { writeSmc } from '../helpers/smcWriter';
import { mapBodyCompress, type BodyCompressMap } from './bodyCompressMap';
import { mutateBodyCompress } from './bodyCompressMutations';
import { mapHdf5, type Hdf5Map } from './hdf5Map';
import { mutateHdf5 } from './hdf5Mutations';
import { Rng } from './random';
import type { Family } from './targets';

/*
 * The files the fuzzer starts from: every fixture, plus generated SMC files the fixtures lack
 * (HDF5 1.8 "latest" layout with v2 object headers and link messages, gzip-chunked images, and
 * hostile names), and how one case is made from a run seed and a case number.
 */

export interface Seed {
  id: string;
  family: Family;
  path: string;
  /** The other half of an SMC performance, copied next to the case's file in some cases. */
  partner?: string;
  weight: number;
}

/** Generated seeds go to `dir` (written once, reused while the generator's output is unchanged). */
export async function prepareSeeds(dir: string): Promise<Seed[]> {
  await mkdir(dir, { recursive: true });
  const seeds: Seed[] = [];
  for (const name of (await readdir(join(FIXTURES, 'smc'))).filter((n) => n.endsWith('.smc')).sort()) {
    const pair = /^(.*)_(anno|raw)\.smc$/.exec(name);
    const partner = pair ? fixturePath('smc', `${pair[1]}_${pair[2] === 'anno' ? 'raw' : 'anno'}.smc`) : undefined;
    seeds.push({ id: name, family: 'smc', path: fixturePath('smc', name), partner, weight: name.startsWith('0026_e0_anno') ? 0.5 : 1 });
  }
  for (const name of (await readdir(join(FIXTURES, 'bodycompress'))).filter((n) => n.endsWith('.xz')).sort()) {
    seeds.push({ id: name, family: 'bodycompress', path: fixturePath('bodycompress', name), weight: name.startsWith('long_') ? 0.3 : 1 });
  }
  const generated = await generatedSeeds(dir);
  seeds.push(...generated);
  return seeds;
}

async function generatedSeeds(dir: string): Promise<Seed[]> {
  const marker = join(dir, 'seeds.json');
  const version = createHash('sha256')
    .update(await readFile(__filename))
    .update(await readFile(join(__dirname, '..', 'helpers', 'hostileSmc.ts')))
    .digest('hex');
  const list: { id: string; partner?: string }[] = [
    { id: '0099_e7_anno.smc', partner: '0099_e7_raw.smc' },
    { id: '0099_e7_raw.smc', partner: '0099_e7_anno.smc' },
    { id: 'hostile_names_raw.smc' },
    { id: 'hostile_latest_raw.smc' },
    { id: 'hostile_actor_raw.smc' },
    { id: 'hostile_part_anno.smc' },
  ];
  const toSeed = (s: { id: string; partner?: string }): Seed => ({
    id: `gen:${s.id}`,
    family: 'smc',
    path: join(dir, s.id),
    ...(s.partner ? { partner: join(dir, s.partner) } : {}),
    weight: 1,
  });
  if (existsSync(marker) && JSON.parse(await readFile(marker, 'utf8')).version === version && list.every((s) => existsSync(join(dir, s.id)))) {
    return list.map(toSeed);
  }
  const parts = await fixtureParts();
  const { jpeg, png, cal } = parts;
  const perf = await SmcPerformance.open(fixturePath('smc', '0026_e0_anno.smc'));
  let flame: Record<string, { data: Float64Array; shape: number[] }>;
  try {
    const f0 = (await perf.flame(0))!;
    flame = Object.fromEntries(
      Object.entries(f0)
        .filter(([k]) => k !== 'albedos')
        .map(([k, v]) => [k, { data: Float64Array.from(v.data), shape: v.shape }]),
    );
  } finally {
    perf.close();
  }
  // A performance in the HDF5 1.8 layout (v2 object headers, link messages), images gzip-chunked.
  await writeSmc(join(dir, '0099_e7_anno.smc'), {
    format: 'latest',
    part: 'e7',
    numFrame: 2,
    images: { kind: 'mask', cameras: ['18', '25'], bytes: () => png, gzip: true },
    calibration: { '18': cal, '25': cal },
    keypoints2d: { '25': { 0: Float32Array.from({ length: 212 }, (_, i) => i), 1: new Float32Array(0) } },
    keypoints3d: { 0: Float64Array.from({ length: 318 }, (_, i) => i / 100) },
    flame: { 0: flame, 1: flame },
    uvTexture: { 0: jpeg },
    scan: { vertex: Float64Array.from({ length: 30 }, (_, i) => i / 10), faces: BigInt64Array.from({ length: 9 }, (_, i) => BigInt(i % 10)) },
    scanMask: { '25': png },
  });
  await writeSmc(join(dir, '0099_e7_raw.smc'), {
    part: 'e7',
    numFrame: 2,
    images: { kind: 'color', cameras: ['18', '25'], bytes: () => jpeg, gzip: true },
    audio: { samples: Float32Array.from({ length: 4800 }, (_, i) => Math.sin(i / 10) / 2), channels: 2, sampleRate: 48000 },
  });
  await writeHostileSmc(join(dir, 'hostile_names_raw.smc'), parts, { cameras: HOSTILE_CAMERAS, frameKeys: HOSTILE_FRAME_KEYS });
  // Compact links (at most 8 per group): names are length-prefixed, so they can hold a NUL.
  await writeHostileSmc(join(dir, 'hostile_latest_raw.smc'), parts, {
    format: 'latest',
    cameras: ['00', ['RRRR', 'a\u0000b/'], ['SSSSSS', '../../']],
    frameKeys: [['TTTTTT', '\u0000/etc/'], '..'],
  });
  await writeHostileSmc(join(dir, 'hostile_actor_raw.smc'), parts, { actorId: '../../evil', cameras: ['00', '25'] });
  await writeHostileSmc(join(dir, 'hostile_part_anno.smc'), parts, { part: 'e0UUUU', cameras: ['25'], patches: [['e0UUUU', 'e0\n/..']] });
  await writeFile(marker, JSON.stringify({ version }));
  return list.map(toSeed);
}

/** A built case: its file (and partner) in the case folder and what was done to it. */
export interface BuiltCase {
  index: number;
  family: Family;
  seed: string;
  input: string;
  partner: string | null;
  what: string;
  kinds: string[];
}

const maps = new Map<string, Promise<Hdf5Map | BodyCompressMap>>();

function mapOf(seed: Seed, bytes: Uint8Array): Promise<Hdf5Map | BodyCompressMap> {
  let m = maps.get(seed.id);
  if (!m) {
    m = seed.family === 'smc' ? mapHdf5(seed.path, bytes) : mapBodyCompress(seed.path, bytes);
    maps.set(seed.id, m);
  }
  return m;
}

const seedBytes = new Map<string, Uint8Array>();

/** Case `index` of the run `runSeed`: the same numbers always give the same file. */
export async function buildCase(runSeed: number, index: number, seeds: Seed[], dir: string): Promise<{ built: BuiltCase; rng: Rng }> {
  const rng = Rng.forCase(runSeed, index);
  const seed = rng.weighted(seeds.map((s) => [s.weight, s] as const));
  let bytes = seedBytes.get(seed.id);
  if (!bytes) {
    bytes = new Uint8Array(await readFile(seed.path));
    seedBytes.set(seed.id, bytes);
  }
  const map = await mapOf(seed, bytes);
  let mutated: { bytes: Uint8Array; what: string; kinds: string[] };
  if (rng.chance(0.04)) mutated = { bytes, what: 'unchanged seed', kinds: ['none'] };
  else if (seed.family === 'smc') mutated = mutateHdf5(rng, bytes, map as Hdf5Map);
  else mutated = mutateBodyCompress(rng, bytes, map as BodyCompressMap);
  await mkdir(dir, { recursive: true });
  const input = join(dir, basename(seed.path));
  await writeFile(input, mutated.bytes);
  let partner: string | null = null;
  if (seed.partner && rng.chance(0.5)) {
    partner = join(dir, basename(seed.partner));
    await copyFile(seed.partner, partner);
  }
  return { built: { index, family: seed.family, seed: seed.id, input, partner, what: mutated.what, kinds: mutated.kinds }, rng };
}
