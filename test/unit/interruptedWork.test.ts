// Interrupted work: the CLI (src/cli/main.ts run by node, as `bodycap` runs) is killed with SIGKILL
// in the middle of an extraction and of a compression. Afterwards the output holds only complete
// files (anything else has a temporary name that a re-run removes and that never looks like an
// output), a re-run completes the job, and the input is byte-identical.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { openBodyCompress } from '../../src/core/bodycompress/reader';
import { isTemporaryPath } from '../../src/core/io/atomicFile';
import { NdArray } from '../../src/core/numpy/ndarray';
import { NpzReader, writeNpz } from '../../src/core/numpy/npz';
import { SmcFile } from '../../src/core/smc/smcFile';
import { listTree } from '../helpers/extractTree';
import { fixturePath } from '../helpers/fixtures';
import { ALL_CAMERAS, writeSmc } from '../helpers/smcWriter';
import { tempDir } from '../helpers/tempDir';

const ROOT = resolve(__dirname, '..', '..');
const tmp = () => tempDir('killed');
const sha256 = async (p: string) =>
  createHash('sha256')
    .update(await readFile(p))
    .digest('hex');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  err: string;
}

/**
 * Runs `bodycap <args>` as its own process; with `killWhen`, polls it every 10 ms and SIGKILLs the
 * process the first time it returns true (the process must still be running then).
 */
async function bodycap(args: string[], killWhen?: () => Promise<boolean>): Promise<Run & { killed: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (t: string) => void (err += t));
  const exited = new Promise<Run>((res) => child.on('exit', (code, signal) => res({ code, signal, err })));
  let killed = false;
  let done = false;
  void exited.then(() => (done = true));
  if (killWhen) {
    while (!done) {
      if (await killWhen()) {
        killed = child.kill('SIGKILL');
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const r = await exited;
  // Wait for the kill to be the reason it ended, not a race with a finished run.
  return { ...r, err, killed: killed && r.signal === 'SIGKILL' };
}

/** Files under `root`, or none when it does not exist yet. */
async function filesUnder(root: string): Promise<string[]> {
  try {
    return [...(await listTree(root)).keys()];
  } catch {
    return [];
  }
}

let jpeg: Uint8Array;
before(async () => {
  const f = await SmcFile.open(fixturePath('smc', '0026_h0_raw.smc'));
  try {
    jpeg = (await f.readImage('25', 'color', 0))!.bytes;
  } finally {
    f.close();
  }
});

test('SIGKILL during `bodycap extract`: only complete files remain, a re-run completes the tree, the input is untouched', async () => {
  const dir = await tmp();
  const input = join(dir, '0099_e1_raw.smc');
  // 3,600 images (a distinct JPEG per camera and frame): the kill lands while they are written.
  const imageOf = (cam: string, f: number) => new Uint8Array([...jpeg, ...new Array(Number(cam) + 60 * f).fill(1)]);
  await writeSmc(input, { part: 'e1', numFrame: 60, images: { kind: 'color', cameras: ALL_CAMERAS, bytes: imageOf } });
  const inputHash = await sha256(input);
  const out = join(dir, 'out');
  const root = join(out, '0099_e1');

  // Files are written folder by folder in turn: a few in one camera's folder means a few hundred in all.
  const started = async () => (await readdir(join(root, 'from_raw', 'images', 'cam_00')).catch(() => [])).length >= 4;
  const killed = await bodycap(['extract', input, '--out', out, '--preset', 'full'], started);
  assert.ok(killed.killed, `the extraction ended before it could be killed: ${JSON.stringify(killed)}`);
  const left = await filesUnder(root);
  const complete = left.filter((p) => !isTemporaryPath(p.split('/').pop()!));
  assert.ok(complete.length >= 100 && complete.length < 3600, `${complete.length} files when killed`);
  assert.ok(!complete.includes('extraction_info.txt'), 'the reports are written last');
  // Every file under its final name is complete: images are the stored bytes, .npz files load.
  for (const rel of complete) {
    const m = /^from_raw\/images\/cam_(\d\d)\/frame_(\d{6})\.jpg$/.exec(rel);
    if (m) assert.ok((await readFile(join(root, rel))).equals(imageOf(m[1]!, Number(m[2]))), rel);
    else if (rel.endsWith('.npz')) (await NpzReader.open(join(root, rel))).close();
    else assert.match(rel, /^from_raw\/metadata\/info\.(json|txt)$/, `${rel} is not an image, an .npz or the performance info`);
  }
  // What a kill can leave besides complete files: temporary names, which never look like outputs.
  for (const rel of left.filter((p) => !complete.includes(p))) assert.match(rel.split('/').pop()!, /^\..+\.[0-9a-f]{8}\.partial$/);

  const rerun = await bodycap(['extract', input, '--out', out, '--preset', 'full']);
  assert.equal(rerun.code, 0, rerun.err);
  const all = await filesUnder(root);
  assert.equal(all.length, 3600 + 4, 'every image, info.json/.txt and the two reports');
  assert.ok(
    all.every((p) => !isTemporaryPath(p.split('/').pop()!)),
    'the re-run removed the temporary files',
  );
  for (const cam of ['00', '31', '59']) {
    for (const f of [0, 29, 59]) {
      const rel = `from_raw/images/cam_${cam}/frame_${String(f).padStart(6, '0')}.jpg`;
      assert.ok((await readFile(join(root, rel))).equals(imageOf(cam, f)), rel);
    }
  }
  assert.match(await readFile(join(root, 'extraction_info.txt'), 'utf8'), /Files: 3,602 plus this report/);
  assert.equal(await sha256(input), inputHash, 'the input is byte-identical');
});

test('SIGKILL during `bodycap compress`: no output appears under the real name, a re-run writes a complete file and removes the leftovers, the input is untouched', async () => {
  const dir = await tmp();
  const input = join(dir, 'bodies.npz');
  const T = 240;
  const V = 2000;
  // Smooth, varied motion (about 4 MB of msgpack): compressing takes long enough to be killed.
  const vertices = Float32Array.from({ length: T * V * 3 }, (_, i) => 100 * Math.sin(i * 0.001) + ((i * 7919) % 1000) / 10);
  const joints = Float32Array.from({ length: T * 24 * 3 }, (_, i) => Math.cos(i * 0.01) * 500);
  await writeNpz(input, [
    ['vertices', NdArray.fromTyped(vertices, [T, V, 3])],
    ['joints', NdArray.fromTyped(joints, [T, 24, 3])],
  ]);
  const inputHash = await sha256(input);
  const outDir = join(dir, 'out');
  const output = join(outDir, 'bodies.xz');
  const temporaryWithData = async () => {
    for (const n of await readdir(outDir).catch(() => [] as string[])) {
      if (isTemporaryPath(n) && (await stat(join(outDir, n))).size > 1000) return true;
    }
    return false;
  };
  const killed = await bodycap(['compress', input, '--out', output], temporaryWithData);
  assert.ok(killed.killed, `the compression ended before it could be killed: ${JSON.stringify(killed)}`);
  const left = await readdir(outDir);
  assert.ok(!left.includes('bodies.xz'), 'nothing under the real name');
  assert.ok(left.length >= 1 && left.every((n) => isTemporaryPath(n) && n.startsWith('.bodies.xz.')), left.join(', '));

  const rerun = await bodycap(['compress', input, '--out', output]);
  assert.equal(rerun.code, 0, rerun.err);
  assert.deepEqual(await readdir(outDir), ['bodies.xz'], 'the leftover of the killed run is gone');
  const f = await openBodyCompress(output);
  try {
    assert.equal(f.claimedFrames, T);
    let n = 0;
    for await (const frame of f.frames()) {
      const v = (frame.values.get('vertices') as NdArray).values() as Float32Array;
      for (const i of [0, 3 * V - 1]) assert.ok(Math.abs(v[i]! - vertices[n * 3 * V + i]!) <= 0.25 + 1e-3, `frame ${n} value ${i}`);
      n++;
    }
    assert.equal(n, T);
    assert.equal((await f.summary()).error, null);
  } finally {
    await f.close();
  }
  assert.equal(await sha256(input), inputHash, 'the input is byte-identical');
});
