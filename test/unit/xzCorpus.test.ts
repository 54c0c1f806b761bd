import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { openBodyCompress } from '../../src/core/bodycompress/reader';
import { systemXz } from '../../src/core/bodycompress/systemXz';
import { readXzLayout } from '../../src/core/bodycompress/xzContainer';
import { decodeXz, type XzEngine } from '../../src/core/bodycompress/xzDecode';
import { InputError } from '../../src/core/errors';
import { assertTypedJson } from '../helpers/bodycompressExpected';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { tempDir } from '../helpers/tempDir';

/*
 * The xz files users make of a BodyCompress file, with xz-utils as ground truth: every option a
 * user may pass to `xz` (checks, presets, blocks and threads, BCJ and delta filters, concatenated
 * streams, stream padding) applied to the decompressed bytes of a fixture. Each decodes with every
 * engine we ship to the fixture's frames, or is refused with a message naming what the engine
 * lacks and what to do. Damaged copies (cut, one byte flipped in data, a check, an index, a
 * footer) fail with the same kind of error, at the same stage (open or frames), on every engine.
 *
 * `npm test` runs a representative subset; BODYCAP_XZ_CORPUS=full runs every preset and filter
 * and many more damaged copies (several minutes).
 */

const FULL = process.env.BODYCAP_XZ_CORPUS === 'full';
const XZ = systemXz();
const ENGINES: XzEngine[] = ['xz', 'lzma-native', 'wasm'];
const FIXTURE = 'single_person_30f';
const skip = XZ ? false : 'needs xz-utils (the ground truth) on PATH';

function runXz(args: string[], input: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(XZ!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`xz ${args.join(' ')}: ${err}`))));
    child.stdin.end(input);
  });
}

/** `xz -dc` of a file: what XZ Utils hands out, its exit status and message. */
function xzDecompress(path: string): { status: number; stdout: Buffer; stderr: string } {
  const r = spawnSync(XZ!, ['-dc', path], { maxBuffer: 1 << 30 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString() };
}

/** Sets the check type of every stream of a one-stream file (header and footer flags, their CRCs). */
function withCheckType(xzFile: Buffer, check: number): Buffer {
  const b = Buffer.from(xzFile);
  b[7] = check;
  b.writeUInt32LE(crc32(b.subarray(6, 8)), 8);
  const f = b.length - 12;
  b[f + 9] = check;
  b.writeUInt32LE(crc32(b.subarray(f + 4, f + 10)), f);
  return b;
}

/** A one-block file with the ID of its first filter changed (the block header CRC made right again). */
function withFirstFilter(xzFile: Buffer, id: number): Buffer {
  const b = Buffer.from(xzFile);
  const size = (b[12]! + 1) * 4;
  const flags = b[13]!;
  assert.equal(flags & 0xc0, 0, 'no sizes in the block header');
  b[14] = id;
  b.writeUInt32LE(crc32(b.subarray(12, 12 + size - 4)), 12 + size - 4);
  return b;
}

/** What a refusal by a bundled engine says: the feature, and to install xz. */
const lacks = (feature: string) => new RegExp(`${feature}.*install xz \\(XZ Utils\\)`);

interface Variant {
  name: string;
  /** Also read through the whole reader and compared frame by frame (the others: decoded bytes). */
  frames?: boolean;
  make(raw: Buffer): Promise<Buffer>;
  /** Engines that must refuse it, with what their message says. */
  refusedBy?: Partial<Record<XzEngine, RegExp>>;
  /** Frames are also read by number, from their own xz block. */
  seek?: boolean;
  /** XZ Utils itself cannot decode it (a filter from a later version). */
  xzRefuses?: boolean;
}

const xzVariant = (name: string, args: string[], refusedBy?: Variant['refusedBy']): Variant => ({
  name,
  make: (raw) => runXz([...args, '--stdout'], raw),
  refusedBy,
});

const NO_WASM = (feature: string) => ({ wasm: lacks(feature) });

function variants(): Variant[] {
  const v: Variant[] = [];
  // Checks and filters are tested at preset 1 (fast to write); the presets on their own.
  for (const c of ['none', 'crc32', 'crc64', 'sha256'])
    v.push(xzVariant(`check ${c}`, ['-1', `--check=${c}`], c === 'sha256' ? NO_WASM('SHA-256') : undefined));
  v.push({ ...xzVariant('multi-block -T2 --block-size=256KiB', ['-1', '-T2', '--block-size=256KiB']), frames: true, seek: true });
  if (FULL) {
    v.push(xzVariant('multi-block -T0', ['-6', '-T0']));
    v.push(xzVariant('multi-block -T1 --block-size=64KiB, CRC32', ['-3', '-T1', '--block-size=64KiB', '--check=crc32']));
    v.push(xzVariant('multi-block --block-list', ['-6', '--block-list=1000,100000,0']));
  }
  v.push(xzVariant('x86 BCJ + LZMA2', ['--x86', '--lzma2=preset=1'], NO_WASM('x86 BCJ filter')));
  v.push(xzVariant('delta + LZMA2', ['--delta=dist=4', '--lzma2=preset=1'], NO_WASM('delta filter')));
  // lzma-native bundles liblzma 5.2, which predates the ARM64 filter: it says so.
  v.push(xzVariant('ARM64 BCJ + LZMA2', ['--arm64', '--lzma2=preset=1'], { wasm: lacks('ARM64 BCJ filter'), 'lzma-native': lacks('ARM64 BCJ filter') }));
  if (FULL) {
    for (const f of ['powerpc', 'ia64', 'arm', 'armthumb', 'sparc']) {
      v.push(xzVariant(`${f} BCJ + LZMA2`, [`--${f}`, '--lzma2=preset=1'], NO_WASM('BCJ filter')));
    }
    for (const d of [1, 2, 12]) v.push(xzVariant(`delta dist=${d}`, [`--delta=dist=${d}`, '--lzma2=preset=1'], NO_WASM('delta filter')));
    v.push(
      xzVariant(
        'x86 + delta + LZMA2, SHA-256',
        ['--x86', '--delta=dist=4', '--lzma2=preset=1', '--check=sha256'],
        NO_WASM('SHA-256 check and the x86 BCJ filter and the delta filter'),
      ),
    );
  }
  // Streams cut anywhere (inside the metadata, inside a frame), with padding between and after.
  v.push({
    name: 'concatenated streams with stream padding',
    frames: true,
    make: async (raw) => {
      const cuts = [0, 1000, 1_234_567, 2_500_001, raw.length];
      const opts = [['-0', '--check=none'], ['-6', '--check=crc32'], ['-1'], ['-2', '--check=crc64']];
      const streams = await Promise.all(opts.map((o, i) => runXz([...o, '--stdout'], raw.subarray(cuts[i], cuts[i + 1]))));
      const pad = (n: number) => Buffer.alloc(n);
      return Buffer.concat([streams[0]!, pad(4), streams[1]!, streams[2]!, pad(12), streams[3]!, pad(8)]);
    },
  });
  // A reserved check type: xz decodes it with a warning (exit status 2), liblzma unverified too.
  v.push({
    name: 'reserved check type 5 (xz warns, exit 2)',
    make: async (raw) => withCheckType(await runXz(['-1', '--stdout'], raw), 5),
    refusedBy: NO_WASM('integrity check type 5'),
  });
  // A filter newer than every engine here (RISC-V, XZ Utils 5.6): refused by all, by name.
  v.push({
    name: 'RISC-V BCJ filter (newer than XZ Utils 5.4)',
    make: async (raw) => withFirstFilter(await runXz(['--x86', '--lzma2=preset=0', '--stdout'], raw.subarray(0, 100_000)), 0x0b),
    refusedBy: { xz: /RISC-V BCJ filter.*installed xz.*newer XZ Utils/, 'lzma-native': lacks('RISC-V BCJ filter'), wasm: lacks('RISC-V BCJ filter') },
    xzRefuses: true,
  });
  const presets = FULL ? ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].flatMap((p) => [p, `${p}e`]) : ['0', '6', '9e'];
  for (const p of presets) v.push(xzVariant(`preset -${p}`, [`-${p}`]));
  return v;
}

/** Reads every frame with `engine` and compares it with the reference's expected values. */
async function assertFramesMatch(path: string, engine: XzEngine, exp: ReturnType<typeof expectedJson>): Promise<void> {
  const f = await openBodyCompress(path, { engine, index: false });
  try {
    assert.equal(f.format, 'v0.2');
    assert.equal(f.claimedFrames, exp.header.length);
    assertTypedJson(f.metadata, exp.metadata, 'metadata');
    let i = 0;
    for await (const frame of f.frames()) {
      const e = exp.frames[i];
      assert.ok(e, `frame ${i} is beyond the ${exp.n_frames} frames of the reference`);
      assert.deepEqual([...frame.values.keys()], e.keys, `frame ${i} keys`);
      for (const k of e.keys) assertTypedJson(frame.values.get(k), e.values[k], `frame ${i}.${k}`);
      i++;
    }
    assert.equal(i, exp.n_frames);
  } finally {
    await f.close();
  }
}

test('every xz option combination decodes to the reference frames with every engine, or is refused by name', { skip }, async () => {
  const dir = await tempDir('xzcorpus');
  const exp = expectedJson('bodycompress', FIXTURE);
  const raw = xzDecompress(fixturePath('bodycompress', `${FIXTURE}.xz`)).stdout;
  const all = variants();
  // All written at once (xz runs beside the decoding), the slow presets last in the list.
  const files = all.map(async (v, i) => {
    const path = join(dir, `v${i}.xz`);
    await writeFile(path, await v.make(raw));
    return path;
  });
  files.forEach((f) => void f.catch(() => undefined));
  for (const [i, v] of all.entries()) {
    const path = await files[i]!;
    const truth = xzDecompress(path);
    if (v.xzRefuses) assert.match(truth.stderr, /unsupported/i, `${v.name}: xz -dc refuses it`);
    else {
      assert.ok(truth.stdout.equals(raw), `${v.name}: xz -dc gives the fixture's bytes (${truth.stderr})`);
      assert.ok(truth.status === 0 || truth.status === 2, `${v.name}: xz -dc exit status ${truth.status}`);
    }
    await Promise.all(
      ENGINES.map(async (engine) => {
        const at = `${v.name} (${engine})`;
        const refused = v.refusedBy?.[engine];
        if (refused) {
          // Refused before anything is decoded, by name and with what to do.
          await assert.rejects(
            openBodyCompress(path, { engine }),
            (err: unknown) => err instanceof InputError && err.code === 'unsupported' && refused.test(err.message),
            `${at} is refused, naming ${refused}`,
          );
          return;
        }
        // The decoded bytes are the fixture's: then so are the frames (the reader's frames
        // come from these bytes alone); a few variants also go through the whole reader.
        assert.ok(await decodedEquals(path, engine, raw), `${at}: decodes to the fixture's bytes`);
        if (v.frames) {
          await assertFramesMatch(path, engine, exp).catch((err: unknown) => {
            throw new Error(`${at}: ${(err as Error).message}`, { cause: err });
          });
        }
        if (v.seek) await assertRandomAccess(path, engine, exp);
      }),
    );
  }
});

/** Frames by number in a recompressed multi-block file: from the block holding each. */
async function assertRandomAccess(path: string, engine: XzEngine, exp: ReturnType<typeof expectedJson>): Promise<void> {
  const f = await openBodyCompress(path, { engine, prefetch: 0 });
  try {
    await f.layoutReady();
    assert.equal(f.seekability, 'blocks');
    for (const i of [29, 3, 17, 18]) {
      const frame = await f.getFrame(i);
      for (const k of exp.frames[i].keys) assertTypedJson(frame.values.get(k), exp.frames[i].values[k], `frame ${i}.${k} by number (${engine})`);
    }
  } finally {
    await f.close();
  }
}

/** Whether `engine` decodes the whole file to exactly `raw`. */
async function decodedEquals(path: string, engine: XzEngine, raw: Buffer): Promise<boolean> {
  let pos = 0;
  for await (const chunk of decodeXz(path, [{ start: 0, end: Infinity }], engine)) {
    if (!raw.subarray(pos, pos + chunk.length).equals(chunk)) return false;
    pos += chunk.length;
  }
  return pos === raw.length;
}

/** What a damaged file gives: the stage that fails and the error code. */
async function outcome(path: string, engine: XzEngine): Promise<string> {
  let f;
  try {
    f = await openBodyCompress(path, { engine });
  } catch (err) {
    if (err instanceof InputError) return `open:${err.code}`;
    throw err;
  }
  try {
    const p = await f.indexed();
    return `frames:${p.error?.code ?? 'ok'}`;
  } finally {
    await f.close();
  }
}

interface Damage {
  name: string;
  bytes: Buffer;
}

/** Cut and flipped copies of `file`, at places found from its layout. */
async function damaged(label: string, file: Buffer, path: string): Promise<Damage[]> {
  const h = await open(path, 'r');
  const layout = await readXzLayout(h, 0, file.length).finally(() => h.close());
  assert.ok(layout.complete);
  const out: Damage[] = [];
  const flip = (name: string, at: number) => {
    const b = Buffer.from(file);
    b[at]! ^= 0x55;
    out.push({ name: `${label}: ${name} (byte ${at} flipped)`, bytes: b });
  };
  const cut = (name: string, at: number) => out.push({ name: `${label}: ${name} (cut at ${at})`, bytes: file.subarray(0, at) });
  const checkOf = (b: (typeof layout.blocks)[number]) => b.fileOffset + b.unpaddedSize - 1;
  const blocks = layout.blocks;
  const last = layout.streams.at(-1)!;
  const writerLayout = layout.streams.length > 1;
  flip('first block data', blocks[0]!.fileOffset + 14);
  if (writerLayout) {
    // The writer's layout: header stream, metadata stream, frame stream.
    flip('metadata block check', checkOf(blocks[1]!));
    flip('frame stream header', last.fileOffset + 3);
    cut('right at the frame stream', last.fileOffset);
  } else {
    flip('first block check', checkOf(blocks[0]!));
  }
  flip('data in the middle', Math.floor(file.length / 2));
  cut('in the middle', Math.floor(file.length * 0.55));
  if (writerLayout || FULL) {
    flip('last block check', checkOf(blocks.at(-1)!));
    flip('last index', last.end - 12 - 5);
    cut('without the footer magic', file.length - 2);
  }
  if (FULL) {
    flip('first block check', checkOf(blocks[0]!));
    flip('last footer CRC', last.end - 12);
    cut('early in the frames', last.fileOffset + 300);
    if (writerLayout) {
      flip('metadata stream index', layout.streams[1]!.end - 12 - 6);
      cut('inside the metadata stream', layout.streams[1]!.fileOffset + 40);
      cut('inside the frame stream header', last.fileOffset + 6);
    }
    for (let k = 1; k < 64; k++) {
      flip(`at ${k}/64`, Math.floor((file.length * k) / 64));
      cut(`at ${k}/64`, Math.floor((file.length * k) / 64));
    }
  }
  return out;
}

test('damaged files fail the same way at the same stage on every engine, as xz -dc does', { skip }, async () => {
  const dir = await tempDir('xzdamage');
  const fixture = await readFile(fixturePath('bodycompress', `${FIXTURE}.xz`));
  const raw = xzDecompress(fixturePath('bodycompress', `${FIXTURE}.xz`)).stdout;
  const blocksPath = join(dir, 'blocks.xz');
  await writeFile(blocksPath, await runXz(['-1', '-T2', '--block-size=512KiB', '--check=crc32', '--stdout'], raw));
  const cases = [
    ...(await damaged('as written', fixture, fixturePath('bodycompress', `${FIXTURE}.xz`))),
    ...(await damaged('recompressed in blocks', await readFile(blocksPath), blocksPath)),
  ];
  const failures: string[] = [];
  for (const [i, c] of cases.entries()) {
    const path = join(dir, `d${i}.xz`);
    await writeFile(path, c.bytes);
    const truth = xzDecompress(path);
    const results = await Promise.all(ENGINES.map((e) => outcome(path, e)));
    const line = `${c.name}: xz -dc exit ${truth.status}; ${ENGINES.map((e, k) => `${e} ${results[k]}`).join(', ')}`;
    if (new Set(results).size !== 1) failures.push(line);
    // The kind is xz's: every damaged copy is an error, truncated exactly when xz says the input
    // ended; and a file cut right where its frame stream starts is truncated too (spec §7: a
    // finalized file always has a stream at data_start), though xz finds the streams before whole.
    const code = truth.status === 0 || /unexpected end of input/i.test(truth.stderr) ? 'truncated' : 'corrupt';
    if (!results.every((r) => r.endsWith(`:${code}`))) failures.push(`${line} (xz -dc: ${truth.stderr.trim()})`);
  }
  assert.deepEqual(failures, [], failures.join('\n'));
});

test('a BodyCompress file recompressed as a whole reads as the original (data_start no longer points at a stream)', { skip }, async () => {
  const dir = await tempDir('xzrecompressed');
  // worked_example recompressed is smaller than its header's data_start; tiny_full's points into the middle.
  const names = FULL ? ['worked_example', 'extra_keys_small', 'tiny_full_1024v', 'multi_person_varying', 'legacy_v010'] : ['worked_example', 'tiny_full_1024v'];
  for (const name of names) {
    const exp = expectedJson('bodycompress', name);
    const raw = xzDecompress(fixturePath('bodycompress', `${name}.xz`)).stdout;
    const path = join(dir, `${name}.xz`);
    await writeFile(path, await runXz(['-1', '--check=sha256', '--stdout'], raw));
    for (const engine of ['xz', 'lzma-native'] as const) {
      const f = await openBodyCompress(path, { engine, index: false });
      try {
        assertTypedJson(f.metadata, exp.metadata, `${name} metadata`);
        let i = 0;
        for await (const frame of f.frames()) {
          for (const k of exp.frames[i].keys) assertTypedJson(frame.values.get(k), exp.frames[i].values[k], `${name} (${engine}) frame ${i}.${k}`);
          i++;
        }
        assert.equal(i, exp.n_frames, `${name} (${engine})`);
      } finally {
        await f.close();
      }
    }
  }
});
