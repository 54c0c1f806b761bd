// Restricted Mode in the real VS Code: workspace trust on and this workspace not trusted. Every
// editor still shows its file; the writing commands are not offered in the Command Palette; run
// anyway (a keybinding running them through `runCommands`, which skips `enablement`) each says it
// requires a trusted workspace and nothing is written.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ROOT } from '../../scripts/codeServer.mjs';
import { VsCodeSession } from './vscodeSession';
import { answersAll } from './webviewChannel';
import { EDITORS, readRequests } from '../helpers/editorFixtures';
import { fileStates } from '../helpers/extractTree';

interface ContributedCommand {
  command: string;
  title: string;
  enablement?: string;
}

const commands: ContributedCommand[] = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).contributes.commands;
const writing = commands.filter((c) => /\bisWorkspaceTrusted\b/.test(c.enablement ?? ''));
const readOnly = commands.filter((c) => !writing.includes(c));
/** A keybinding per writing command: ctrl+alt+shift+<n> runs it through runCommands (and the same keys for Playwright). */
const keyOf = (i: number) => `ctrl+alt+shift+${i + 1}`;
const pressOf = (i: number) => `Control+Alt+Shift+${i + 1}`;

let vscode: VsCodeSession;

before(async () => {
  assert.ok(writing.length >= 5, 'the writing commands are declared');
  vscode = await VsCodeSession.start({
    untrusted: true,
    keybindings: writing.map((c, i) => ({ key: keyOf(i), command: 'runCommands', args: { commands: [c.command] } })),
  });
});

after(async () => {
  await vscode?.close();
});

test('the window is in Restricted Mode', async () => {
  await vscode.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30_000 });
});

for (const e of EDITORS) {
  test(`${e.viewType} shows ${basename(e.fixture)} in Restricted Mode`, async () => {
    await vscode.openFile(basename(e.fixture));
    const frame = await vscode.webviewFrame('#app:not([aria-busy])', { timeoutMs: 60_000 });
    assert.equal(await frame.title(), basename(e.fixture));
    assert.equal(await frame.locator('.error-page').count(), 0);
    await answersAll(vscode, frame, readRequests(e));
    await vscode.screenshot(`restricted-${e.viewType.split('.')[1]}`);
  });
}

test('the Command Palette offers the read-only commands only', async () => {
  await vscode.page.keyboard.press('F1');
  const input = vscode.page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('>Body Capture:');
  await vscode.page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await vscode.page.waitForTimeout(500); // the list settles
  const rows = await vscode.page.locator('.quick-input-list .monaco-list-row').allTextContents();
  await vscode.screenshot('restricted-palette');
  await vscode.page.keyboard.press('Escape');
  for (const c of readOnly)
    assert.ok(
      rows.some((r) => r.includes(c.title)),
      `${c.title} is offered: ${rows.join(' | ')}`,
    );
  for (const c of writing) assert.ok(!rows.some((r) => r.includes(c.title)), `${c.title} is not offered`);
});

test('each writing command, run anyway, says it requires a trusted workspace and writes nothing', async () => {
  const files = await fileStates(vscode.workspace);
  // From inside the last editor opened (a webview passes its keybindings on to the workbench).
  const frame = await vscode.webviewFrame('#app:not([aria-busy])');
  await frame.locator('body').click({ position: { x: 5, y: 5 } });
  for (const [i, c] of writing.entries()) {
    await vscode.page.keyboard.press(pressOf(i));
    const title = c.title.replace(/…$/, '');
    const toast = vscode.page.locator('.notifications-toasts .notification-toast', { hasText: `${title} requires a trusted workspace` }).first();
    await toast.waitFor({ timeout: 20_000 });
    assert.equal(await toast.getByRole('button', { name: 'Manage Workspace Trust' }).count(), 1);
    if (i === 0) await vscode.screenshot('restricted-forced-command');
    // At most three toasts show at once: clear this one.
    await toast.hover();
    await toast.locator('.codicon-notifications-clear').click();
    await toast.waitFor({ state: 'hidden' });
  }
  assert.equal(await vscode.page.locator('.quick-input-widget input:visible').count(), 0, 'no picker opened');
  assert.deepEqual(await fileStates(vscode.workspace), files);
});
