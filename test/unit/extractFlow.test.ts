import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { partsOfPerformances } from '../../src/core/extract/availableParts';
import type { ExtractProgress } from '../../src/core/extract/extractRunner';
import { progressText } from '../../src/core/extract/progressText';
import { performanceStatus, unpairedReason } from '../../src/core/smc/performanceStatus';
import { indexSmcFolder, type SmcFolderIndex } from '../../src/core/smc/smcFolder';
import { SmcPerformance } from '../../src/core/smc/smcPerformance';
// exploreHtml shares the editors' HTML escaping, from a module that imports vscode.
import '../helpers/fakeVscode';
import { exploreBody, exploreHtml } from '../../src/extension/extract/exploreHtml';
import { cli } from '../helpers/cli';
import { cspProblems, pageFactsFromHtml } from '../helpers/webviewCsp';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { runH5py } from '../helpers/h5py';
import { h5pyParts } from '../helpers/smcPartsH5py';
import { writeSmc } from '../helpers/smcWriter';
import { tempDir } from '../helpers/tempDir';

/*
 * What Explore SMC Folder and the extraction flow say about a folder: why a file or performance is
 * not usable (in words, from h5py's and the fixtures' facts), the SMC editor's warnings counted, cameras
 * without audio-only groups, the parts a Custom pick offers; the bytes-based time left; the preset
 * named in extraction_info.txt.
 */

let dir: string;
let index: SmcFolderIndex;
/** 5 % of 0026_h0_anno.smc kept. */
let cutPercent: number;

before(async () => {
  dir = await tempDir('extract-flow');
  const smc = (n: string) => fixturePath('smc', `${n}.smc`);
  // A good pair; a raw file without its anno; an anno cut short paired with a good raw; a pair of which
  // neither file opens; the fixtures that are not SMCs, under names that do not pair them.
  await copyFile(smc('0026_e0_anno'), join(dir, '0026_e0_anno.smc'));
  await copyFile(smc('0026_e0_raw'), join(dir, '0026_e0_raw.smc'));
  await copyFile(smc('0026_s1_all_raw'), join(dir, '0026_s1_all_raw.smc'));
  await copyFile(smc('0026_h0_raw'), join(dir, '0026_h0_raw.smc'));
  await copyFile(smc('0026_h0_anno'), join(dir, '0026_h0_anno.smc'));
  const full = (await stat(smc('0026_h0_anno'))).size;
  const kept = Math.round(full * 0.05);
  await truncate(join(dir, '0026_h0_anno.smc'), kept);
  cutPercent = Math.floor((kept / full) * 100);
  await writeFile(join(dir, '0031_e1_anno.smc'), 'not an HDF5 file at all, only text\n');
  await copyFile(smc('broken_truncated'), join(dir, '0031_e1_raw.smc'));
  await copyFile(smc('broken_truncated'), join(dir, 'broken_truncated.smc'));
  await copyFile(smc('not_an_smc'), join(dir, 'not_an_smc.smc'));
  // Speech: the audio in camera group 00 alone, colour images in 01-04.
  await mkdir(join(dir, 'speech'));
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9]);
  await writeSmc(join(dir, 'speech', '0032_s2_all_raw.smc'), {
    actorId: '0032',
    part: 's2_all',
    numFrame: 2,
    images: { kind: 'color', cameras: ['01', '02', '03', '04'], bytes: () => jpeg },
    audio: { samples: new Float32Array(480), channels: 1, sampleRate: 48_000 },
  });
  index = await indexSmcFolder(dir);
});

const perf = (label: string) => {
  const p = index.performances.find((x) => `${x.actorId}_${x.part}` === label);
  assert.ok(p, label);
  return p;
};

describe('why a performance or file is not usable, in words', () => {
  test('a good pair is usable with no reasons, and counts the SMC editor’s warnings', async () => {
    const s = await performanceStatus(perf('0026_e0'));
    assert.equal(s.usable, true);
    assert.deepEqual(s.reasons, []);
    // The editor opens either file and shows these warnings (SmcPerformance.inventory()).
    const editor = await SmcPerformance.open(join(dir, '0026_e0_raw.smc'));
    try {
      assert.deepEqual(s.warnings?.map((w) => w.message).sort(), (await editor.inventory()).warnings.map((w) => w.message).sort());
    } finally {
      editor.close();
    }
  });

  test('a raw file alone: usable, "no anno partner", and the editor’s "No anno file found" among its warnings', async () => {
    const s = await performanceStatus(perf('0026_s1_all'));
    assert.equal(s.usable, true);
    assert.deepEqual(s.reasons, ['no anno partner']);
    assert.ok(s.warnings?.some((w) => w.message === 'No anno file found for this performance'));
  });

  test('an anno file cut short: "anno: truncated at N %" with N the share of its bytes left; the raw file keeps it usable', async () => {
    const s = await performanceStatus(perf('0026_h0'));
    assert.equal(cutPercent, 5);
    assert.deepEqual(s.reasons, [`anno: truncated at ${cutPercent} %`]);
    assert.equal(s.usable, true);
  });

  test('neither file opens: not usable, both reasons', async () => {
    const s = await performanceStatus(perf('0031_e1'));
    const fx = expectedJson('smc', 'broken_truncated');
    // "first 333498 of 741108 bytes": 44.99 % of the file.
    const [kept, total] = /first (\d+) of (\d+) bytes/
      .exec(fx.origin as string)!
      .slice(1)
      .map(Number) as [number, number];
    assert.equal(s.usable, false);
    assert.deepEqual(s.reasons, ['anno: not an HDF5 file', `raw: truncated at ${Math.floor((kept / total) * 100)} %`]);
    assert.equal(s.warnings, null);
  });

  test('files whose names do not pair them say what is wrong with their content first', () => {
    const fx = expectedJson('smc', 'broken_truncated');
    const [kept, total] = /first (\d+) of (\d+) bytes/
      .exec(fx.origin as string)!
      .slice(1)
      .map(Number) as [number, number];
    const reasons = Object.fromEntries(index.unrecognizedRows.map((r) => [r.path.split('/').pop(), unpairedReason(r)]));
    assert.deepEqual(reasons, {
      'broken_truncated.smc': `truncated at ${Math.floor((kept / total) * 100)} %`,
      'not_an_smc.smc': 'an HDF5 file, but not a RenderMe360 SMC',
    });
  });

  test('cameras are counted without the audio-only group (h5py: 5 camera groups, 4 with images)', async () => {
    const path = join(dir, 'speech', '0032_s2_all_raw.smc');
    const groups = JSON.parse(
      runH5py('import h5py, json, sys\nf = h5py.File(sys.argv[1], "r")\nprint(json.dumps({c: sorted(f["Camera"][c].keys()) for c in f["Camera"]}))', [path]),
    ) as Record<string, string[]>;
    assert.equal(Object.keys(groups).length, 5);
    const withImages = Object.values(groups).filter((members) => members.includes('color') || members.includes('mask')).length;
    const s = await performanceStatus(perf('0032_s2_all'));
    assert.deepEqual(s.cameras, { anno: null, raw: withImages });
    assert.equal(withImages, 4);
  });
});

describe('the parts a Custom pick offers', () => {
  for (const name of ['0026_e0', '0026_s1_all', '0026_h0']) {
    test(`${name}: the parts h5py finds in its two files`, async () => {
      const files = [fixturePath('smc', `${name}_raw.smc`), fixturePath('smc', `${name}_anno.smc`)];
      const parts = await partsOfPerformances([{ label: name, primary: files[0]!, partner: files[1]! }]);
      assert.deepEqual([...parts].sort(), h5pyParts(files));
    });
  }

  test('a raw file alone offers no anno-only parts', async () => {
    const raw = fixturePath('smc', '0026_e0_raw.smc');
    const parts = await partsOfPerformances([{ label: '0026_e0', primary: raw, partner: null }]);
    assert.deepEqual([...parts].sort(), h5pyParts([raw]));
    assert.ok(!parts.includes('flame') && !parts.includes('masks'));
  });
});

describe('time left is estimated from bytes, not files', () => {
  const p = (x: Partial<ExtractProgress>): ExtractProgress => ({
    filesTotal: 1000,
    filesDone: 0,
    filesSkipped: 0,
    bytesTotal: 0,
    bytesDone: 0,
    bytesWritten: 0,
    seconds: 0,
    ...x,
  });

  test('900 of 1,000 small files written but one 90 MB file left: about 9 s at 10 MB/s (files would say 0.1 s)', () => {
    const text = progressText(p({ filesDone: 900, bytesTotal: 100e6, bytesDone: 10e6, bytesWritten: 10e6, seconds: 1 }));
    assert.equal(text, '10.0 MB of 100.0 MB (900 of 1,000 files), 10.0 MB/s, about 9 s left');
  });

  test('a resumed run: skipped bytes are done at once and do not speed up the estimate', () => {
    // 50 MB skipped (already complete), 10 MB written in 2 s: 40 MB left at 5 MB/s.
    const text = progressText(p({ filesDone: 600, filesSkipped: 500, bytesTotal: 100e6, bytesDone: 60e6, bytesWritten: 10e6, seconds: 2 }));
    assert.match(text, /5\.0 MB\/s, about 8 s left$/);
  });

  test('one file: "1 of 1 file"', () => {
    assert.match(progressText(p({ filesTotal: 1, filesDone: 0, bytesTotal: 10, seconds: 0 })), /\(0 of 1 file\)/);
  });
});

describe('extraction_info.txt names the preset actually used', () => {
  const cases: [string, string[], string][] = [
    ['sample', ['--preset', 'sample'], 'Preset: sample'],
    ['custom', ['--parts', 'metadata,images', '--cameras', '0-1', '--frames', '0:2'], 'Preset: custom (parts, cameras and frames chosen; the rest as in full)'],
    ['avatar with cameras', ['--preset', 'avatar', '--cameras', '25'], 'Preset: avatar, with the cameras chosen'],
  ];
  for (const [name, args, line] of cases) {
    test(`${name}: "${line}"`, async () => {
      const out = join(dir, `out-${name.replace(/ /g, '-')}`);
      const r = await cli('extract', fixturePath('smc', '0026_e0_raw.smc'), '--out', out, ...args);
      assert.equal(r.code, 0, r.err);
      const info = await readFile(join(out, '0026_e0', 'extraction_info.txt'), 'utf8');
      assert.ok(info.split('\n').includes(line), info);
    });
  }
});

describe('the Explore SMC Folder page', () => {
  test('a strict CSP: no script at all, only our stylesheet; names from files are escaped', async () => {
    const statuses = await Promise.all(index.performances.map((p) => performanceStatus(p)));
    const body = exploreBody(index, statuses);
    const source = 'https://csp.example';
    const html = exploreHtml(source, `${source}/media/explore.css`, '<b>x</b>: SMC summary', body);
    const facts = pageFactsFromHtml(html);
    // The editors' rule is "exactly one nonce"; a page without scripts is stricter still: script-src 'none'.
    assert.match(facts.csp ?? '', /(^|; )script-src 'none'(;|$)/);
    const problems = cspProblems(facts, { cspSources: [source], resourcePrefixes: [`${source}/media/`] });
    assert.deepEqual(problems, ["script-src is not exactly one nonce: 'none'"]);
    assert.equal(pageFactsFromHtml(html).scripts.length, 0);
    assert.match(html, /<title>&#60;b&#62;x&#60;\/b&#62;: SMC summary<\/title>/);
    // The broken pair is marked, the speech file's cameras leave out the audio-only group.
    assert.match(body, /<tr class="unusable"><td class="name">0031_e1<\/td>/);
    assert.match(body, /<td class="num">— \/ 4<\/td>/);
  });
});
