// Names taken from a file never lead a write outside the output folder: camera keys such as
// `../../evil`, frame keys such as `/etc/x`, actor ids with `..` or `/`, very long names, NUL and
// newlines, Windows device names; and BodyCompress keys that become .npz member names. Every test
// walks the folders around the output before and after, and checks the bad names are reported.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { encodeMsgpack } from '../../src/core/bodycompress/msgpack';
import { NpzReader } from '../../src/core/numpy/npz';
import { NdArray } from '../../src/core/numpy/ndarray';
import { cli } from '../helpers/cli';
import { fixtureParts, HOSTILE_CAMERAS, HOSTILE_FRAME_KEYS, writeHostileSmc, type HostileSmcParts } from '../helpers/hostileSmc';
import { rawBodyCompress } from '../helpers/rawBodyCompress';
import { tempDir } from '../helpers/tempDir';

let parts: HostileSmcParts;
before(async () => {
  parts = await fixtureParts();
});

/** Every file and folder under `root` ('/'-separated, folders end with '/'). */
async function snapshot(root: string): Promise<Set<string>> {
  const out = new Set<string>();
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const rel = relative(root, p).split('\\').join('/');
      if (e.isDirectory()) {
        out.add(`${rel}/`);
        await walk(p);
      } else out.add(rel);
    }
  };
  await walk(root);
  return out;
}

/** The entries of `after` that `before` lacks. */
const added = (before: Set<string>, after: Set<string>) => [...after].filter((p) => !before.has(p)).sort();

/** A folder `<tmp>/<name>/a/b` to write into, so that an escape of one or two levels would land inside the walked tree. */
async function sandbox(name: string): Promise<{ root: string; out: string; input: string }> {
  const root = await tempDir(`hostile-${name}`);
  const out = join(root, 'a', 'b', 'out');
  const input = join(root, 'in');
  await mkdir(join(root, 'a', 'b'), { recursive: true });
  await mkdir(input);
  return { root, out, input };
}

const HOSTILE_WORDS = ['evil', 'etc', 'x.jpg', 'passwd'];

/** No entry of the temporary folder was created by the test with a hostile name (other tests share it). */
async function noEscapeIntoTmp(since: Set<string>): Promise<void> {
  const now = await readdir(tmpdir());
  const fresh = now.filter((n) => !since.has(n) && HOSTILE_WORDS.some((w) => n.includes(w)));
  assert.deepEqual(fresh, [], 'written into the temporary folder itself');
}

test('a hostile SMC (camera keys ../../evil, /etc/x, .., a\\.., CON, long, newline; frame keys /etc/x, ../../x) writes only inside its performance folder', async () => {
  const tmpBefore = new Set(await readdir(tmpdir()));
  const s = await sandbox('smc');
  const path = join(s.input, '0099_e7_raw.smc');
  await writeHostileSmc(path, parts, { cameras: HOSTILE_CAMERAS, frameKeys: HOSTILE_FRAME_KEYS });
  const before = await snapshot(s.root);
  const r = await cli('extract', path, '--out', s.out, '--preset', 'full');
  assert.equal(r.code, 0, r.err);
  for (const line of r.err.trimEnd().split('\n')) assert.match(line, /^(bodycap: |\S.*: \d+ files, )/, `one line per message: ${line}`);

  const created = added(before, await snapshot(s.root));
  const perf = 'a/b/out/0099_e7/';
  assert.ok(created.length > 10, created.join('\n'));
  for (const p of created) assert.ok(p === 'a/b/out/' || p.startsWith(perf), `written outside the performance folder: ${p}`);
  await noEscapeIntoTmp(tmpBefore);

  // Only the cameras whose ids make file names: 00, CON (cam_CON is no device name) and lpt1.txt.
  const cams = new Set(created.filter((p) => p.includes('/images/cam_')).map((p) => p.split('/')[6]));
  assert.deepEqual([...cams].sort(), ['cam_00', 'cam_CON', 'cam_lpt1.txt']);
  // Only frames 0..2 (numeric keys); the hostile frame keys are not files.
  const frames = created.filter((p) => p.startsWith(`${perf}from_raw/images/cam_00/`) && !p.endsWith('/')).map((p) => p.split('/').pop());
  assert.deepEqual(frames, ['frame_000000.jpg', 'frame_000001.jpg', 'frame_000002.jpg']);
  assert.deepEqual(
    created.filter((p) => p.includes('uv_texture/') && !p.endsWith('/')),
    [`${perf}from_raw/uv_texture/frame_000000.jpg`],
  );

  // Every refused name is reported, escaped, with its reason.
  const info = await readFile(join(s.out, '0099_e7', 'extraction_info.txt'), 'utf8');
  const reasons: [string, string][] = [
    ['"../../evil"', 'it contains a path separator'],
    ['"/etc/x"', 'it contains a path separator'],
    ['"a\\\\.."', 'it contains a path separator'],
    ['".."', 'it starts with a space or ends with a space or dot'],
    ['"a b."', 'it starts with a space or ends with a space or dot'],
    ['"a\\nb\\rc"', 'it contains characters file names cannot hold'],
    [`"${'x'.repeat(80)}…"`, 'it is longer than 64 characters'],
  ];
  for (const [id, why] of reasons) assert.ok(info.includes(`Camera id ${id} cannot be used in a file name (${why}); its data is left out`), `${id}\n${info}`);
  assert.match(info, /\/Camera\/00\/color has 6 members that are not frame numbers \(.*\.\.\/\.\.\/x, …\); they are ignored/);
  assert.ok(!info.includes('\r') && !info.includes('\u0000'), 'the report holds no control character');
});

test('an actor id or part that is a path, a device name, too long or holds a NUL is refused: nothing is written', async () => {
  const tmpBefore = new Set(await readdir(tmpdir()));
  const s = await sandbox('actor');
  const cases: { actorId?: string; part?: string; patch?: [string, string]; shown: string }[] = [
    { actorId: '../../evil', shown: '"../../evil"' },
    { actorId: '/etc', shown: '"/etc"' },
    { actorId: '..', shown: '".."' },
    { actorId: 'CON', part: 'e0', shown: '"CON"' },
    { actorId: 'x'.repeat(300), shown: `"${'x'.repeat(80)}…"` },
    { actorId: 'aQQQb', patch: ['aQQQb', 'a\u0000\u0000\u0000b'], shown: '"a\\u0000\\u0000\\u0000b"' },
    { part: 'e0\\..', shown: '"e0\\\\.."' },
  ];
  for (const [i, c] of cases.entries()) {
    const path = join(s.input, `case${i}_raw.smc`);
    await writeHostileSmc(path, parts, {
      cameras: ['25'],
      ...(c.actorId ? { actorId: c.actorId } : {}),
      ...(c.part ? { part: c.part } : {}),
      ...(c.patch ? { patches: [c.patch] } : {}),
    });
    const before = await snapshot(s.root);
    const r = await cli('extract', path, '--out', s.out);
    assert.equal(r.code, 2, `${c.shown}: ${r.err}`);
    const lines = r.err.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.err);
    assert.ok(lines[0]!.includes(` ${c.shown} in `) && lines[0]!.includes('cannot name an output folder: it '), lines[0]);
    assert.deepEqual(added(before, await snapshot(s.root)), [], 'nothing is written');
  }
  await noEscapeIntoTmp(tmpBefore);
});

test('BodyCompress keys that cannot name an .npz member are left out of an export and reported; nothing is written outside it', async () => {
  const tmpBefore = new Set(await readdir(tmpdir()));
  const s = await sandbox('bc');
  const hostile = ['../../evil', '/etc/passwd', '..', 'a/b', 'a\\b', 'a\u0000b', 'x'.repeat(300), 'con', ''];
  const array = () => NdArray.fromTyped(Float32Array.of(1, 2, 3));
  const frame = new Map<string, unknown>([
    ['good', array()],
    ...hostile.map((k) => [k, array()] as [string, unknown]),
    ['camera', new Map([['f', array()]])],
    ['camera.f', array()],
  ]);
  const path = join(s.input, 'keys.xz');
  await writeFile(path, rawBodyCompress({ frames: [encodeMsgpack(frame as never), encodeMsgpack(frame as never)] }));
  const before = await snapshot(s.root);
  const r = await cli('export', path, '--out', s.out);
  assert.equal(r.code, 0, r.err);
  const warnings = r.err.trimEnd().split('\n');
  assert.equal(warnings.length, hostile.length + 1, 'one warning per key, not per frame');
  for (const w of warnings) assert.match(w, /^bodycap: warning: The key ".*" cannot name an array in an \.npz \(.+\); it is left out$/);
  assert.ok(
    warnings.some((w) => w.includes('"a\\u0000b"')) && warnings.some((w) => w.includes('"camera.f"') && w.includes('another array of the frame has that name')),
  );
  assert.deepEqual(added(before, await snapshot(s.root)), ['a/b/out/', 'a/b/out/frame_000000.npz', 'a/b/out/frame_000001.npz', 'a/b/out/metadata.json']);
  const npz = await NpzReader.open(join(s.out, 'frame_000000.npz'));
  try {
    assert.deepEqual(npz.names, ['good', 'camera.f']);
  } finally {
    npz.close();
  }
  await noEscapeIntoTmp(tmpBefore);
});
