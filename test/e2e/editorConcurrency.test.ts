// Concurrency in the real VS Code, for every editor: two editors on one file (split), one closed
// while the other keeps working, an editor closed while its requests are still being answered, and
// an SMC extraction while the file is open. The extension host is measured from outside, through
// /proc: its descriptors on the workspace's files and its thread count return to where they were.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Frame } from 'playwright-core';
import { VsCodeSession } from './vscodeSession';
import { answersAll, FIRST_ID, postFromWebview } from './webviewChannel';
import { EDITORS, readRequests } from '../helpers/editorFixtures';

let vscode: VsCodeSession;
let host: number;

interface HostResources {
  /** Workspace files the extension host holds open. */
  open: string[];
  threads: number;
}

async function hostResources(): Promise<HostResources> {
  const open: string[] = [];
  for (const fd of await readdir(`/proc/${host}/fd`).catch(() => [])) {
    const target = await readlink(`/proc/${host}/fd/${fd}`).catch(() => '');
    if (target.startsWith(`${vscode.workspace}/`)) open.push(target.slice(vscode.workspace.length + 1));
  }
  return { open: open.sort(), threads: (await readdir(`/proc/${host}/task`)).length };
}

/** Polls (up to 30 s) until `done` holds: threads and reads in flight take a moment to end. */
async function settled(done: (r: HostResources) => boolean): Promise<HostResources> {
  let now = await hostResources();
  for (let i = 0; i < 150 && !done(now); i++) {
    await vscode.page.waitForTimeout(200);
    now = await hostResources();
  }
  return now;
}

let baseline: HostResources;

const rendered = '#app:not([aria-busy])';

/** Visible, rendered webviews showing `fileName`. */
async function renderedFrames(fileName: string): Promise<Frame[]> {
  const out: Frame[] = [];
  for (const frame of vscode.page.frames()) {
    if (frame === vscode.page.mainFrame()) continue;
    try {
      const handle = await frame.$(rendered);
      if (handle && (await handle.isVisible()) && (await frame.title()) === fileName) out.push(frame);
    } catch {
      // The frame went away while we looked.
    }
  }
  return out;
}

async function waitForFrames(fileName: string, count: number): Promise<Frame[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const frames = await renderedFrames(fileName);
    if (frames.length === count) return frames;
    if (Date.now() > deadline) throw new Error(`${count} rendered editors of ${fileName} expected, ${frames.length} visible`);
    await vscode.page.waitForTimeout(200);
  }
}

/** Closes the active editor with its tab's close button, and waits until the tab is gone. */
async function closeActiveEditor(): Promise<void> {
  const tabs = vscode.page.locator('.tabs-container .tab');
  const before = await tabs.count();
  await vscode.page.locator('.editor-group-container.active .tab.active .codicon-close').click();
  await vscode.page.waitForFunction((n) => document.querySelectorAll('.tabs-container .tab').length < n, before);
}

// A keybinding rather than the Command Palette: a webview that takes the focus as it renders
// closes a palette opened over it.
const SPLIT_KEY = ['ctrl+alt+shift+s', 'Control+Alt+Shift+S'] as const;
const splitEditor = () => vscode.page.keyboard.press(SPLIT_KEY[1]);

before(async () => {
  vscode = await VsCodeSession.start({ keybindings: [{ key: SPLIT_KEY[0], command: 'workbench.action.splitEditor' }] });
  host = await vscode.extensionHostPid();
  // Warm up: each editor once, so modules, thread pools and caches that stay are there already.
  for (const e of EDITORS) {
    await vscode.openFile(basename(e.fixture));
    await answersAll(vscode, (await waitForFrames(basename(e.fixture), 1))[0]!, readRequests(e));
    await closeActiveEditor();
  }
  baseline = await settled((r) => r.open.length === 0);
  assert.deepEqual(baseline.open, [], 'nothing of the workspace open after the warm-up');
});

after(async () => {
  await vscode?.close();
});

describe('two editors on one file, then closing them', () => {
  for (const e of EDITORS) {
    const name = basename(e.fixture);
    test(`${e.viewType}: both render from one opening of the file; closing one keeps the other working; closing the last mid-request releases everything`, async (t) => {
      try {
        await vscode.openFile(name);
      } catch (err) {
        await vscode.screenshot(`concurrency-open-failed-${e.viewType.split('.')[1]}`);
        throw err;
      }
      const [single] = await waitForFrames(name, 1);
      await answersAll(vscode, single!, readRequests(e));
      // What the document holds open (an SMC keeps its files open; a BodyCompress reader opens the file per decode job).
      const heldBySingle = (await settled((r) => r.open.length <= 2)).open.length;

      await splitEditor();
      const pair = await waitForFrames(name, 2);
      await Promise.all(pair.map((f) => answersAll(vscode, f, readRequests(e))));
      const heldByPair = (await settled((r) => r.open.length <= heldBySingle)).open.length;
      assert.ok(heldByPair <= heldBySingle, `the second editor shares the document: the file is not opened again (${heldByPair} vs ${heldBySingle})`);
      await vscode.screenshot(`concurrency-split-${e.viewType.split('.')[1]}`);

      await closeActiveEditor(); // the split one has the focus
      const [left] = await waitForFrames(name, 1);
      await answersAll(vscode, left!, readRequests(e));

      // Close the last editor while a burst of requests is still being answered.
      let id = 3 * FIRST_ID;
      const burst = Array.from({ length: 30 }, () => readRequests(e)).flat();
      await postFromWebview(
        left!,
        burst.map(([method, params]) => ({ kind: 'request', id: id++, method, params })),
      );
      await closeActiveEditor();
      // And once more as soon as it shows, while it still loads (a BodyCompress file is still being indexed).
      await vscode.openFile(name);
      await waitForFrames(name, 1);
      await closeActiveEditor();
      const after = await settled((r) => r.open.length === 0 && r.threads <= baseline.threads);
      assert.deepEqual(after.open, [], 'no descriptor left on the file');
      assert.ok(after.threads <= baseline.threads, `threads back to ${baseline.threads} (now ${after.threads})`);
      assert.doesNotMatch(await vscode.outputLog(), /failed for|Unexpected error/);
      t.diagnostic(
        `extension host: ${heldBySingle} workspace files open with one editor, ${heldByPair} with two; ${baseline.threads} threads before, ${after.threads} after`,
      );
    });
  }
});

test('extracting an SMC performance while its file is open: both work, nothing is left open', async (t) => {
  const e = EDITORS.find((x) => x.viewType === 'bodyCapture.smc')!;
  const name = basename(e.fixture);
  await vscode.openFile(name);
  const [frame] = await waitForFrames(name, 1);
  await vscode.runCommand('Extract Performance…'); // of the SMC in the active editor
  await vscode.answerQuickPick('What to extract', 'Sample');
  await vscode.answerQuickPick('Layout of the output folders', null, 'Separate');
  await vscode.answerQuickPick('Where to write', null, 'extracted');
  await vscode.answerQuickPick('Press Enter to extract', null, 'Extract');
  // The editor answers while the extraction runs, and after.
  await answersAll(vscode, frame!, readRequests(e));
  const during = await hostResources();
  await vscode.page.locator('.notifications-toasts', { hasText: 'Extracted' }).first().waitFor({ timeout: 120_000 });
  await answersAll(vscode, frame!, readRequests(e));
  const written = await readdir(join(vscode.workspace, 'extracted'), { recursive: true });
  assert.ok(
    written.some((f) => f.endsWith('.jpg')),
    'images extracted',
  );
  await vscode.screenshot('concurrency-extract-while-open');
  await closeActiveEditor();
  const after = await settled((r) => r.open.length === 0 && r.threads <= baseline.threads);
  assert.deepEqual(after.open, []);
  assert.ok(after.threads <= baseline.threads, `the extraction's worker threads ended: ${after.threads} threads, ${baseline.threads} before`);
  t.diagnostic(
    `extension host during the extraction: ${during.threads} threads, ${during.open.length} workspace files open; after: ${after.threads} threads, ${after.open.length} open`,
  );
});
