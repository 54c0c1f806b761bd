import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SmcFile } from '../../src/core/smc/smcFile';
import { listTree, sha256 } from '../helpers/extractTree';
import { fixturePath } from '../helpers/fixtures';
import { ALL_CAMERAS, writeSmc } from '../helpers/smcWriter';
import { tempDir } from '../helpers/tempDir';
import { installBodycap, SlurmCluster } from './slurmCluster';

/*
 * The README's "A whole dataset on a cluster" recipe, run as written against a real single-node Slurm
 * (Debian slurm-wlm + munge, started here as root and stopped at the end): two generated performances
 * are extracted as two array tasks by the built CLI on PATH, each tree equals a direct `bodycap
 * extract`; a task cancelled with scancel while it writes is resumed by running the recipe again.
 */

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const PERFORMANCES = ['0101_e1', '0102_e2'];
const run = promisify(execFile);

let dir: string;
let cluster: SlurmCluster | undefined;
let skip: string | null = null;

/** The recipe's shell lines, from the README's ```sh block under "A whole dataset on a cluster". */
async function readmeRecipe(): Promise<string[]> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### A whole dataset on a cluster'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, 'the README has the recipe');
  // One command per line once the backslash continuations are joined.
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter(Boolean);
}

/** The recipe with the README's example folders replaced by this test's. */
async function recipeFor(data: string, scratch: string): Promise<string[]> {
  return (await readmeRecipe()).map((l) => l.replaceAll('/data/renderme360', data).replaceAll('/scratch/renderme360', scratch));
}

/** Runs the recipe in `cwd`; the job id from sbatch's "Submitted batch job N". */
async function submit(lines: string[], cwd: string): Promise<string> {
  let jobId: string | undefined;
  for (const line of lines) {
    const out = await cluster!.shell(line, cwd);
    jobId = /Submitted batch job (\d+)/.exec(out)?.[1] ?? jobId;
  }
  assert.ok(jobId, 'sbatch submitted the array');
  return jobId;
}

/** Every file of a tree with its sha256. */
async function treeHashes(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const rel of (await listTree(root)).keys()) out.set(rel, sha256(await readFile(join(root, rel))));
  return out;
}

before(async () => {
  skip = await SlurmCluster.unavailable();
  if (skip) return;
  dir = await tempDir('slurm');
  const f = await SmcFile.open(fixturePath('smc', '0026_h0_raw.smc'));
  const jpeg = (await f.readImage('25', 'color', 0))!.bytes;
  f.close();
  // 60 cameras × 40 frames of distinct JPEGs per raw file (a few seconds to extract, so scancel lands
  // while it writes) and an anno file with 3D landmarks, under the release's raw/<actor>/ and anno/<actor>/.
  for (const [i, label] of PERFORMANCES.entries()) {
    const [actorId, part] = label.split('_') as [string, string];
    const numFrame = 40;
    const image = (cam: string, frame: number) => new Uint8Array([...jpeg, ...new Array(Number(cam) + 60 * frame + i).fill(7)]);
    await mkdir(join(dir, 'data', 'raw', actorId), { recursive: true });
    await mkdir(join(dir, 'data', 'anno', actorId), { recursive: true });
    await writeSmc(join(dir, 'data', 'raw', actorId, `${label}_raw.smc`), {
      actorId,
      part,
      numFrame,
      images: { kind: 'color', cameras: ALL_CAMERAS, bytes: image },
    });
    const points = Object.fromEntries(Array.from({ length: numFrame }, (_, fr) => [fr, Float64Array.from({ length: 318 }, (_, k) => Math.sin(k + fr + i))]));
    await writeSmc(join(dir, 'data', 'anno', actorId, `${label}_anno.smc`), { actorId, part, numFrame, keypoints3d: points });
  }
  await installBodycap(join(dir, 'bin'), CLI);
  cluster = await SlurmCluster.start(join(dir, 'slurm'), { extraPath: join(dir, 'bin'), cpus: 2 });
});

after(async () => {
  await cluster?.stop();
});

test('the README Slurm recipe extracts two performances as two array tasks; a task cancelled mid-way is resumed by a re-run', async (t) => {
  if (skip) {
    t.skip(skip);
    return;
  }
  const data = join(dir, 'data');
  // What a direct `bodycap extract` writes, per performance.
  const direct = join(dir, 'direct');
  for (const label of PERFORMANCES) {
    const raw = join(data, 'raw', label.split('_')[0]!, `${label}_raw.smc`);
    await run(join(dir, 'bin', 'bodycap'), ['extract', raw, '--out', direct, '--preset', 'full']);
  }
  const expected = new Map<string, Map<string, string>>();
  for (const label of PERFORMANCES) expected.set(label, await treeHashes(join(direct, label)));
  assert.equal(expected.get('0101_e1')!.size, 60 * 40 + 2 + 3 + 2, '2,400 images, info.json/.txt, the 3D landmarks + anno info, the two reports');

  try {
    // 1. The recipe as written: both tasks complete and write the same trees.
    const work = join(dir, 'work');
    await mkdir(work);
    const scratch = join(dir, 'scratch');
    const job = await submit(await recipeFor(data, scratch), work);
    const tasks = await cluster!.waitForJob(job);
    assert.deepEqual(Object.fromEntries(tasks), { '1': 'COMPLETED 0:0', '2': 'COMPLETED 0:0' });
    assert.equal((await readFile(join(work, 'performances.txt'), 'utf8')).trim().split('\n').length, 2);
    for (const label of PERFORMANCES) assert.deepEqual(await treeHashes(join(scratch, label)), expected.get(label), `${label} as extracted directly`);

    // 2. Cancel task 1 while it writes its images, let task 2 finish, then re-run the recipe.
    const work2 = join(dir, 'work2');
    await mkdir(work2);
    const scratch2 = join(dir, 'scratch2');
    const lines = await recipeFor(data, scratch2);
    const job2 = await submit(lines, work2);
    const cam00 = join(scratch2, '0101_e1', 'from_raw', 'images', 'cam_00');
    await cluster!.until(async () => (await readdir(cam00).catch(() => [])).length >= 4);
    await cluster!.command('scancel', [`${job2}_1`]);
    const cancelled = await cluster!.waitForJob(job2);
    assert.match(cancelled.get('1') ?? '', /^CANCELLED/, 'task 1 was cancelled');
    assert.equal(cancelled.get('2'), 'COMPLETED 0:0');
    const partial = await listTree(join(scratch2, '0101_e1'));
    assert.ok(!partial.has('extraction_info.txt'), 'task 1 stopped before its reports (they are written last)');
    const imagesLeft = [...partial.keys()].filter((p) => p.endsWith('.jpg')).length;
    assert.ok(imagesLeft >= 4 && imagesLeft < 2400, `${imagesLeft} images when cancelled`);

    const job3 = await submit(lines, work2);
    const resumed = await cluster!.waitForJob(job3);
    assert.deepEqual(Object.fromEntries(resumed), { '1': 'COMPLETED 0:0', '2': 'COMPLETED 0:0' });
    for (const label of PERFORMANCES) assert.deepEqual(await treeHashes(join(scratch2, label)), expected.get(label), `${label} after the re-run`);
    // The re-run resumed: task 1 skipped what the cancelled run had completed, task 2 skipped everything.
    const log1 = await readFile(join(work2, `slurm-${job3}_1.out`), 'utf8');
    const log2 = await readFile(join(work2, `slurm-${job3}_2.out`), 'utf8');
    const skipped = (log: string) => Number(/(\d+) skipped/.exec(log)?.[1] ?? NaN);
    assert.ok(skipped(log1) >= imagesLeft, `task 1 skipped ${skipped(log1)} files of ${imagesLeft} images left: ${log1}`);
    assert.match(log2, / 0 written, \d+ skipped/, log2);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${await cluster!.logs()}`, { cause: err });
  }
});
