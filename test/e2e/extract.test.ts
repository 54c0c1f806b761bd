import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { VsCodeSession } from './vscodeSession';
import { expectedJson } from '../helpers/fixtures';
import { sha256 } from '../helpers/extractTree';

let vscode: VsCodeSession;

before(async () => {
  vscode = await VsCodeSession.start();
});

after(async () => {
  await vscode?.close();
});

const answer = (question: string, text: string | null, row?: string, screenshot?: string) => vscode.answerQuickPick(question, text, row, screenshot);

test('Extract Performance… from the palette with the Sample preset writes the stored images and the reports', async () => {
  const raw = expectedJson('smc', '0026_e0_raw');
  await vscode.runCommand('Extract Performance…');
  await answer('Which performance', '0026_e0');
  await answer('What to extract', 'Sample', 'Sample', 'extract-preset');
  await answer('Layout of the output folders', null, 'Separate');
  await answer('Where to write', null, 'extracted');
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
  assert.match(await readFile(join(root, 'extraction_info.txt'), 'utf8'), /Preset: sample/);

  // The notification's action opens the report.
  await toast.getByRole('button', { name: 'Open extraction_info.txt' }).click();
  await vscode.page.locator('.tabs-container .tab', { hasText: 'extraction_info.txt' }).first().waitFor();
  await vscode.screenshot('extract-info-opened');
});

test('Explore SMC Folder from the Explorer context menu shows every performance and writes nothing', async () => {
  const before = await readdir(join(vscode.workspace, 'smc'));
  const row = vscode.page.locator('.explorer-folders-view .monaco-list-row[aria-label="smc"]').first();
  await row.click({ button: 'right' });
  // Monaco menus act on the focused item: hover it (focuses), then Enter.
  const item = vscode.page.locator('.context-view .action-menu-item', { hasText: 'Explore SMC Folder' }).first();
  await item.hover();
  await vscode.page.keyboard.press('Enter');
  try {
    await vscode.page.locator('.tabs-container .tab', { hasText: 'SMC summary' }).first().waitFor({ timeout: 60_000 });
  } catch (err) {
    await vscode.screenshot('explore-smc-folder-failed');
    throw err;
  }
  const frame = await vscode.webviewFrame('table', { text: '0026_s1_all', timeoutMs: 60_000 });
  const text = (await frame.locator('body').textContent()) ?? '';
  for (const p of ['0026_e0', '0026_h0', '0026_s1_all']) assert.ok(text.includes(p), p);
  assert.match(text, /broken_truncated\.smc/);
  await vscode.screenshot('explore-smc-folder');
  assert.deepEqual(await readdir(join(vscode.workspace, 'smc')), before);
});
