import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { VsCodeSession } from './vscodeSession';
import { expectedJson } from '../helpers/fixtures';

let vscode: VsCodeSession;

before(async () => {
  vscode = await VsCodeSession.start();
});

after(async () => {
  await vscode?.close();
});

test('opening an anno SMC shows actor id, performance part and capture date', async () => {
  const exp = expectedJson('smc', '0026_e0_anno');
  await vscode.openFile('0026_e0_anno.smc');
  const frame = await vscode.webviewFrame('#actor-info');
  const heading = await frame.locator('h1').innerText();
  assert.match(heading, new RegExp(`Actor ${exp.root_attrs.actor_id} · ${exp.root_attrs.performance_part}\\b`));
  const info = (await frame.locator('#actor-info').textContent()) ?? '';
  assert.ok(info.includes(exp.root_attrs.actor_id), info);
  assert.ok(info.includes(exp.root_attrs.performance_part), info);
  assert.ok(info.includes(exp.root_attrs.capture_date), info);
  assert.ok(info.includes(exp.root_attrs.gender), info);
  const camera = (await frame.locator('#camera-info').textContent()) ?? '';
  const [h, w] = exp.camera_info.resolution;
  assert.ok(camera.includes(`${w} × ${h}`), camera);
  await vscode.screenshot('smc-overview');
});

test('a truncated SMC opens on a clear page that says so', async () => {
  await vscode.openFile('broken_truncated.smc');
  const frame = await vscode.webviewFrame('.error-page');
  const text = await frame.locator('.error-page').innerText();
  assert.match(text, /truncated/i);
  assert.match(text, /Reopen With/);
  await vscode.screenshot('smc-truncated');
});

test('a BodyCompress file shows its header; a plain .xz gets "Not a BodyCompress file" and Reopen With…', async () => {
  const exp = expectedJson('bodycompress', 'single_person_30f');
  await vscode.openFile('single_person_30f.xz');
  const summary = await vscode.webviewFrame('#bodycompress-summary');
  const text = (await summary.locator('#bodycompress-summary').textContent()) ?? '';
  assert.ok(text.includes(String(exp.header.length)), text);
  assert.ok(text.includes(exp.header.__bodycompress_version__.join('.')), text);

  await vscode.openFile('not_bodycompress.xz');
  const frame = await vscode.webviewFrame('.error-page');
  assert.match(await frame.locator('h1').innerText(), /Not a BodyCompress file/);
  await vscode.screenshot('bodycompress-not-bodycompress');
  await frame.locator('#reopen-with').click();
  // VS Code's own "Reopen Editor With" picker opens, listing the other editors for this file.
  const picker = vscode.page.locator('.quick-input-widget');
  await picker.waitFor({ state: 'visible' });
  await vscode.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Text Editor' }).first().waitFor();
  await vscode.page.keyboard.press('Escape');
});

test('an SMC view keeps its scroll position when its tab is hidden and shown again', async () => {
  // A short window so the overview scrolls; the webview is rebuilt when its tab comes back
  // (no retainContextWhenHidden), so only the saved view state can restore the position.
  await vscode.page.setViewportSize({ width: 1400, height: 420 });
  try {
    await vscode.openFile('0026_s1_all_anno.smc');
    const first = await vscode.webviewFrame('h1', { text: 's1_all' });
    // The overview moves into its tab when the contents arrive: scroll once the page is complete.
    await first.locator('#inventory').waitFor();
    const scrolled = await first.evaluate(() => {
      window.scrollTo(0, document.body.scrollHeight);
      return window.scrollY;
    });
    assert.ok(scrolled > 50, `the page should scroll in a short window (scrollY ${scrolled})`);
    await vscode.page.waitForTimeout(300); // the state is saved on the next animation frame

    await vscode.openFile('0026_h0_anno.smc');
    await vscode.webviewFrame('h1', { text: 'h0' });
    await vscode.switchToTab('0026_s1_all_anno.smc');
    const again = await vscode.webviewFrame('h1', { text: 's1_all' });
    await again.waitForFunction((y) => Math.abs(window.scrollY - y) <= 2, scrolled, { timeout: 20_000 });
  } catch (err) {
    await vscode.screenshot('smc-scroll-position-failure'); // what the window showed when it failed
    throw err;
  } finally {
    await vscode.page.setViewportSize({ width: 1400, height: 900 });
  }
});

test('no Content-Security-Policy violations in our webviews', () => {
  assert.deepEqual(vscode.cspViolations(), []);
});
