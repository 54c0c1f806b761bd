import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { VsCodeSession } from './vscodeSession';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { sha256 } from '../helpers/extractTree';
import { runH5py } from '../helpers/h5py';
import { h5pyParts } from '../helpers/smcPartsH5py';
import { writeSmc } from '../helpers/smcWriter';

/*
 * The extraction flow and Explore SMC Folder in a real VS Code: the performance pick lists broken
 * performances apart with why, Custom offers the parts the files hold, Back returns with the answer
 * kept, a summary confirms; the explore table counts the SMC editor's warnings and fits the pane.
 */

let vscode: VsCodeSession;
/** "first 333498 of 741108 bytes": the share of broken_truncated.smc present, rounded down. */
let truncatedAt: number;

before(async () => {
  vscode = await VsCodeSession.start();
  // Under smc/more/ before Quick Open lists the workspace: a pair of which neither file opens (text
  // named _anno, a truncated copy named _raw) and a speech raw file alone, its audio in camera group 00
  // without images, colour in 01-04.
  const more = join(vscode.workspace, 'smc', 'more');
  await mkdir(more);
  await writeFile(join(more, '0031_e1_anno.smc'), 'not an HDF5 file at all, only text\n');
  await copyFile(fixturePath('smc', 'broken_truncated.smc'), join(more, '0031_e1_raw.smc'));
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9]);
  await writeSmc(join(more, '0032_s2_all_raw.smc'), {
    actorId: '0032',
    part: 's2_all',
    numFrame: 2,
    images: { kind: 'color', cameras: ['01', '02', '03', '04'], bytes: () => jpeg },
    audio: { samples: new Float32Array(480), channels: 1, sampleRate: 48_000 },
  });
  const [kept, total] = /first (\d+) of (\d+) bytes/
    .exec(expectedJson('smc', 'broken_truncated').origin as string)!
    .slice(1)
    .map(Number) as [number, number];
  truncatedAt = Math.floor((kept / total) * 100);
});

after(async () => {
  await vscode?.close();
});

const answer = (question: string, text: string | null, row?: string, screenshot?: string) => vscode.answerQuickPick(question, text, row, screenshot);

/** Waits for the quick input whose placeholder contains `question`. */
async function waitForStep(question: string): Promise<void> {
  await vscode.page.waitForFunction((q) => {
    const el = document.querySelector('.quick-input-widget input');
    return !!el && (el.getAttribute('placeholder') ?? '').includes(q) && (el as HTMLElement).offsetParent !== null;
  }, question);
}

/** The rows of the open quick pick (label and description), separators included. */
async function pickRows(): Promise<string[]> {
  await vscode.page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  // innerText: the list reuses row elements and keeps hidden parts of earlier rows in them.
  return (await vscode.page.locator('.quick-input-list .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** Answers an input box step: replaces its text and presses Enter. */
async function answerInput(question: string, text: string): Promise<void> {
  await waitForStep(question);
  await vscode.page.locator('.quick-input-widget input').fill(text);
  await vscode.page.keyboard.press('Enter');
}

async function pressBack(): Promise<void> {
  await vscode.page.locator('.quick-input-widget .codicon-quick-input-back').first().click();
}

const focusedRow = async () => ((await vscode.page.locator('.quick-input-list .monaco-list-row.focused').first().textContent()) ?? '').trim();

test('Extract Performance… with the Sample preset: a summary to confirm, then the stored images and the reports', async () => {
  const raw = expectedJson('smc', '0026_e0_raw');
  await vscode.runCommand('Extract Performance…');
  await answer('Which performance', '0026_e0');
  await answer('What to extract', 'Sample', 'Sample', 'extract-preset');
  await answer('Layout of the output folders', null, 'Separate');
  await answer('Where to write', null, 'extracted');
  await waitForStep('Press Enter to extract');
  const summary = await pickRows();
  assert.match(summary[0]!, /^Extract ?0026_e0: [\d,]+ files, [\d.]+ [kM]B into extracted \([\d.]+ [MGT]B free\)$/);
  const has = (line: string) => summary.some((r) => r === line || r.startsWith(`${line} `));
  for (const line of ['Preset: Sample', 'Layout: separate (from_anno/ and from_raw/)', 'Output folder: extracted'])
    assert.ok(has(line), `${line} in ${summary.join(' | ')}`);
  await answer('Press Enter to extract', null, 'Extract', 'extract-summary');
  const toast = vscode.page.locator('.notifications-toasts', { hasText: 'Extracted 0026_e0' }).first();
  await toast.waitFor({ timeout: 120_000 });
  await vscode.screenshot('extract-done');

  const root = join(vscode.workspace, 'extracted', '0026_e0');
  const sample = raw.color_samples.find((s: { camera: string }) => s.camera === '25');
  const image = await readFile(join(root, 'from_raw', 'images', 'cam_25', `frame_${String(sample.frame).padStart(6, '0')}.jpg`));
  assert.equal(sha256(image), sample.sha256, 'the stored JPEG, byte for byte');
  const top = (await readdir(root)).sort();
  assert.deepEqual(top, ['extraction_info.txt', 'from_anno', 'from_raw', 'size_summary.txt', 'visualization']);
  assert.equal((await readdir(join(root, 'from_raw', 'images'))).length, 4, 'the sample takes 4 cameras');
  assert.match(await readFile(join(root, 'extraction_info.txt'), 'utf8'), /^Preset: sample$/m);

  // The notification's action opens the report.
  await toast.getByRole('button', { name: 'Open extraction_info.txt' }).click();
  await vscode.page.locator('.tabs-container .tab', { hasText: 'extraction_info.txt' }).first().waitFor();
  await vscode.screenshot('extract-info-opened');
});

test('the pick lists a broken performance apart with why; Custom offers the parts the pair has; Back keeps the answers; the report names Custom', async () => {
  await vscode.runCommand('Extract Performance…');
  await waitForStep('Which performance');
  const rows = await pickRows();
  const notUsable = rows.findIndex((r) => r.includes('Not usable'));
  assert.ok(notUsable > 0, `a "Not usable" section: ${rows.join(' | ')}`);
  const broken = rows.findIndex((r) => r.includes('0031_e1'));
  assert.ok(broken >= notUsable, 'the broken pair is listed under "Not usable"');
  assert.match(rows[broken]!, new RegExp(`0031_e1 ?anno: not an HDF5 file; raw: truncated at ${truncatedAt} %`));
  assert.ok(rows.findIndex((r) => r.startsWith('0026_e0')) < notUsable, 'usable performances first');
  assert.match(rows.find((r) => r.startsWith('0032_s2_all')) ?? '', /no anno partner: extracts what the raw file holds/);
  await vscode.screenshot('extract-pick-broken');
  // Choosing it says why and keeps the list open.
  await answer('Which performance', '0031_e1');
  await vscode.page
    .locator('.notifications-toasts', { hasText: `0031_e1 cannot be extracted: anno: not an HDF5 file; raw: truncated at ${truncatedAt} %` })
    .first()
    .waitFor();
  await answer('Which performance', '0026_h0');

  await answer('What to extract', 'Custom', 'Custom…');
  await waitForStep('Parts to extract');
  const parts = await pickRows();
  const expected = h5pyParts([fixturePath('smc', '0026_h0_raw.smc'), fixturePath('smc', '0026_h0_anno.smc')]);
  assert.equal(parts.length, expected.length, `only the parts h5py finds (${expected.join(', ')}): ${parts.join(' | ')}`);
  for (const absent of ['Audio', 'FLAME', 'UV', 'Scan']) assert.ok(!parts.some((p) => p.includes(absent)), `${absent} is not offered`);
  const stepTitle = await vscode.page.locator('.quick-input-widget .quick-input-title').first().innerText();
  assert.match(stepTitle, /^Extract Performance 0026_h0: parts \(not in these files: audio, flame, uv, scan, scan_mask\)$/);
  await vscode.screenshot('extract-custom-parts');

  // Back from the parts: the preset step with Custom… still chosen.
  await pressBack();
  await waitForStep('What to extract');
  assert.match(await focusedRow(), /^Custom…/);
  await vscode.page.keyboard.press('Enter');
  await waitForStep('Parts to extract');
  await vscode.page.keyboard.press('Enter');
  await answerInput('Cameras to extract', '0-3');
  // Back from the frames: the cameras keep "0-3".
  await waitForStep('Frames to extract');
  await pressBack();
  await waitForStep('Cameras to extract');
  assert.equal(await vscode.page.locator('.quick-input-widget input').inputValue(), '0-3');
  await vscode.page.keyboard.press('Enter');
  await answerInput('Frames to extract', '0:2');
  await answer('Layout of the output folders', null, 'Separate');
  await answer('Where to write', null, 'extracted');
  await waitForStep('Press Enter to extract');
  const summary = await pickRows();
  for (const line of ['Preset: Custom', 'Cameras: 0-3', 'Frames: 0:2', 'Output folder: extracted'])
    assert.ok(
      summary.some((r) => r === line || r.startsWith(`${line} `)),
      `${line} in ${summary.join(' | ')}`,
    );
  assert.match(summary.find((s) => s.startsWith('Parts: ')) ?? '', /^Parts: metadata, calibration, images, masks, keypoints2d, keypoints3d$/);
  await vscode.screenshot('extract-summary-custom');
  // Back from the summary: the output folder step.
  await pressBack();
  await answer('Where to write', null, 'extracted');
  await answer('Press Enter to extract', null, 'Extract');
  await vscode.page.locator('.notifications-toasts', { hasText: 'Extracted 0026_h0' }).first().waitFor({ timeout: 120_000 });

  const root = join(vscode.workspace, 'extracted', '0026_h0');
  const info = await readFile(join(root, 'extraction_info.txt'), 'utf8');
  assert.match(info, /^Preset: custom \(parts, cameras and frames chosen; the rest as in full\)$/m);
  assert.match(info, /^Cameras: 0-3 → 4 \(0-3\)$/m);
  assert.deepEqual((await readdir(join(root, 'from_raw', 'images'))).sort(), ['cam_00', 'cam_01', 'cam_02', 'cam_03']);
});

/** Text of the explore table's row for a performance. */
async function exploreRow(frame: Frame, label: string): Promise<string> {
  return (await frame.locator('#performances tbody tr', { hasText: label }).first().innerText()).replace(/\s+/g, ' ').trim();
}

test('Explore SMC Folder: usable or not with why, the SMC editor’s warning count, cameras without audio-only groups; the table fits the pane; nothing written', async () => {
  const smcDir = join(vscode.workspace, 'smc');
  const before = await readdir(smcDir, { recursive: true });
  const sizes = await Promise.all(before.map(async (f) => (await stat(join(smcDir, f))).size));

  // What the SMC editor shows for the speech file alone: its Warnings (N) header.
  await vscode.openFile('0032_s2_all_raw.smc');
  const editor = await vscode.webviewFrame('#warnings', { timeoutMs: 60_000 });
  // The count appears once the inventory has arrived.
  const heading =
    (await editor
      .locator('h2', { hasText: /Warnings \(\d+\)/ })
      .first()
      .textContent()) ?? '';
  const editorWarnings = Number(/Warnings \((\d+)\)/.exec(heading)?.[1] ?? 0);
  assert.ok(editorWarnings > 0, heading);

  const row = vscode.page.locator('.explorer-folders-view .monaco-list-row[aria-label="smc"]').first();
  await row.click({ button: 'right' });
  // Monaco menus act on the focused item: hover it (focuses), then Enter.
  const item = vscode.page.locator('.context-view .action-menu-item', { hasText: 'Explore SMC Folder' }).first();
  await item.hover();
  await vscode.page.keyboard.press('Enter');
  const frame = await vscode.webviewFrame('#performances', { text: '0032_s2_all', timeoutMs: 60_000 });
  await vscode.screenshot('explore-smc-folder');

  const text = (await frame.locator('body').textContent()) ?? '';
  assert.match(text, /5 performances of 3 subjects \(4 usable\)/);
  assert.match(await exploreRow(frame, '0026_e0'), /^0026_e0 expression anno \+ raw 3 60 \/ 60 153 × 128 [\d.]+ MB (none|\d+ warnings?)$/);
  assert.match(await exploreRow(frame, '0031_e1'), new RegExp(`Not usable: anno: not an HDF5 file; raw: truncated at ${truncatedAt} %$`));
  // h5py: 5 camera groups, 4 with colour images.
  const groups = JSON.parse(
    runH5py('import h5py, json, sys\nf = h5py.File(sys.argv[1], "r")\nprint(json.dumps([sorted(f["Camera"][c].keys()) for c in f["Camera"]]))', [
      join(smcDir, 'more', '0032_s2_all_raw.smc'),
    ]),
  ) as string[][];
  assert.equal(groups.length, 5);
  const withImages = groups.filter((g) => g.includes('color')).length;
  const speech = await exploreRow(frame, '0032_s2_all');
  assert.match(speech, new RegExp(` — / ${withImages} `), speech);
  assert.match(speech, new RegExp(`no anno partner ${editorWarnings} warnings?$`), speech);
  // The warnings expand without a script (<details>).
  await frame.locator('#performances tr', { hasText: '0032_s2_all' }).locator('summary').click();
  assert.equal(await frame.locator('#performances tr', { hasText: '0032_s2_all' }).locator('details li').count(), editorWarnings);
  const others = (await frame.locator('#other-files').innerText()).replace(/\s+/g, ' ');
  assert.match(others, new RegExp(`broken_truncated\\.smc: truncated at ${truncatedAt} %`));
  assert.match(others, /not_an_smc\.smc: an HDF5 file, but not a RenderMe360 SMC/);
  await vscode.screenshot('explore-smc-folder-warnings');

  // The table fits the pane: the Problems column is inside the view, the page does not scroll sideways.
  const fits = () =>
    frame.evaluate(() => {
      const th = [...document.querySelectorAll('#performances th')].at(-1)!.getBoundingClientRect();
      const box = document.querySelector('.explore-scroll')!;
      return {
        problemsRight: th.right,
        width: window.innerWidth,
        pageScrolls: document.documentElement.scrollWidth > window.innerWidth,
        boxScrolls: box.scrollWidth > box.clientWidth,
      };
    });
  const wide = await fits();
  assert.ok(wide.problemsRight <= wide.width && !wide.pageScrolls && !wide.boxScrolls, JSON.stringify(wide));
  // Narrow: the table scrolls inside its own box, the page itself does not.
  await vscode.page.setViewportSize({ width: 760, height: 900 });
  try {
    await frame.waitForFunction(() => window.innerWidth < 600);
    const narrow = await fits();
    assert.ok(!narrow.pageScrolls && narrow.boxScrolls, JSON.stringify(narrow));
    await vscode.screenshot('explore-smc-folder-narrow');
  } finally {
    await vscode.page.setViewportSize({ width: 1400, height: 900 });
  }

  const after = await readdir(smcDir, { recursive: true });
  assert.deepEqual(after.sort(), [...before].sort(), 'nothing written');
  assert.deepEqual(await Promise.all(before.map(async (f) => (await stat(join(smcDir, f))).size)), sizes);
});
