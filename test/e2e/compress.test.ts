import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { VsCodeSession } from './vscodeSession';
import { expectedJson } from '../helpers/fixtures';
import { openBodyCompress } from '../../src/core/bodycompress/reader';
import { NdArray } from '../../src/core/numpy/ndarray';
import { writeNpz } from '../../src/core/numpy/npz';

let vscode: VsCodeSession;

before(async () => {
  vscode = await VsCodeSession.start();
});

after(async () => {
  await vscode?.close();
});

const answer = (question: string, text: string | null, row?: string, screenshot?: string) => vscode.answerQuickPick(question, text, row, screenshot);

const REVIEW = 'Enter to start';

test('Compress on an .npz from the palette: arrays, units, review; the result opens in the BodyCompress editor', async () => {
  // Non-standard names and metres, so the command has to ask which array is which and convert.
  const [T, V, J] = [7, 50, 9];
  const verts = Float32Array.from({ length: T * V * 3 }, (_, i) => Math.sin(i * 0.37) * 0.9);
  const kp = Float32Array.from({ length: T * J * 3 }, (_, i) => Math.cos(i * 0.11) * 0.5);
  await writeNpz(join(vscode.workspace, 'walk_m.npz'), [
    ['verts', NdArray.fromTyped(verts, [T, V, 3])],
    ['kp3d', NdArray.fromTyped(kp, [T, J, 3])],
  ]);
  await vscode.runCommand('Compress to BodyCompress…');
  await answer('The .npz or .npy to compress', 'walk_m.npz');
  await answer('Which array holds the vertices?', null, 'verts'); // suggested first
  await answer('Which array holds the joints?', 'kp3d');
  // The guess from the values (|x| < 1) puts metres first and says why.
  await answer('Unit of the vertices and joints', null, 'looks like metres', 'compress-units');
  await answer(REVIEW, null, `${T} frames in metres → walk_m.xz`, 'compress-review');

  const summary = await vscode.webviewFrame('#bodycompress-summary', { text: 'Frames', timeoutMs: 60_000 });
  const text = (await summary.locator('#bodycompress-summary').textContent()) ?? '';
  assert.match(text, new RegExp(`Frames \\(header\\)\\s*${T}(?!\\d)`), text);
  await vscode.page.locator('.tabs-container .tab', { hasText: 'walk_m.xz' }).first().waitFor();
  await vscode.screenshot('compress-opened');

  // What the command wrote: every frame, in millimetres within half a 0.5 mm step.
  const f = await openBodyCompress(join(vscode.workspace, 'walk_m.xz'), { index: false });
  try {
    let t = 0;
    for await (const frame of f.frames()) {
      const v = (frame.values.get('vertices') as NdArray).values() as Float32Array;
      const j = (frame.values.get('joints') as NdArray).values() as Float32Array;
      assert.equal(v.length, V * 3);
      assert.equal(j.length, J * 3);
      v.forEach((x, i) => assert.ok(Math.abs(x - verts[t * V * 3 + i]! * 1000) <= 0.251, `frame ${t} vertex value ${i}`));
      j.forEach((x, i) => assert.ok(Math.abs(x - kp[t * J * 3 + i]! * 1000) <= 0.251, `frame ${t} joint value ${i}`));
      t++;
    }
    assert.equal(t, T);
  } finally {
    await f.close();
  }
  assert.deepEqual(
    (await readdir(vscode.workspace)).filter((n) => n.includes('walk_m.xz')),
    ['walk_m.xz'],
    'no temporary file left',
  );
});

test('Convert an SMC performance, then Export Frames from the editor title; nothing is replaced without asking', async () => {
  const exp = expectedJson('smc', '0026_e0_anno');
  await vscode.runCommand('Convert SMC Performance to BodyCompress…');
  await answer('The SMC performance to convert', '0026_e0_anno.smc');
  await answer(REVIEW, null, 'FLAME mesh (5,023 vertices) and 106 3D keypoints');
  const summary = await vscode.webviewFrame('h1', { text: '0026_e0.xz', timeoutMs: 60_000 });
  const text = (await summary.locator('#bodycompress-summary').textContent()) ?? '';
  assert.match(text, new RegExp(`Frames \\(header\\)\\s*${exp.camera_info.num_frame}(?!\\d)`), text);
  await vscode.screenshot('convert-opened');

  // The editor title's Export Frames button, then the review list's defaults.
  await vscode.page.locator('.editor-actions [aria-label*="Export Frames"]').first().click();
  await answer(REVIEW, null, `${exp.camera_info.num_frame} frames as npz`);
  await vscode.page
    .locator('.notifications-toasts', { hasText: `Exported ${exp.camera_info.num_frame} frames` })
    .first()
    .waitFor({ timeout: 60_000 });
  await vscode.screenshot('export-frames-done');
  const files = await readdir(join(vscode.workspace, 'smc', '0026_e0_frames'));
  assert.deepEqual(files.sort(), ['frame_000000.npz', 'frame_000001.npz', 'frame_000002.npz', 'metadata.json']);

  // Converting again: a modal asks before replacing; Cancel keeps the file as it was.
  const out = join(vscode.workspace, 'smc', '0026_e0.xz');
  const before = (await stat(out)).mtimeMs;
  await vscode.runCommand('Convert SMC Performance to BodyCompress…');
  await answer('The SMC performance to convert', '0026_e0_anno.smc');
  await answer(REVIEW, null, 'Convert');
  const dialog = vscode.page.locator('.monaco-dialog-box');
  await dialog.waitFor();
  assert.match((await dialog.textContent()) ?? '', /0026_e0\.xz already exists/);
  await vscode.screenshot('convert-replace-dialog');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal((await stat(out)).mtimeMs, before);
});

test('no Content-Security-Policy violations in our webviews', () => {
  assert.deepEqual(vscode.cspViolations(), []);
});
