// The BodyCompress inspector in the real VS Code on a file written by Python (msgpack_numpy + xz)
// whose metadata and frame keys hold values of every kind: each row and each metadata tree item
// shows what Python printed for that value (test/helpers/exoticValues.py), and the inspector keeps
// its scroll position while stepping and playing. Screenshots: test-results/bodycompress-values-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { VsCodeSession } from './vscodeSession';
import { writeExoticFile, type ExoticExpected, type PrintedValue } from '../helpers/exoticValues';
import { goTo } from './bodycompressPage';

let vscode: VsCodeSession;
let exp: ExoticExpected;

before(async () => {
  vscode = await VsCodeSession.start();
  // Written before Quick Open first lists the workspace.
  exp = writeExoticFile(join(vscode.workspace, 'exotic_values.xz'));
});

after(async () => {
  await vscode?.close();
});

async function openExotic(): Promise<Frame> {
  await vscode.openFile('exotic_values.xz');
  const frame = await vscode.webviewFrame('#frame-info[data-frame]', { timeoutMs: 60_000 });
  await frame
    .locator('#bodycompress-summary vscode-table-row', { hasText: 'Frames (indexed)' })
    .filter({ hasText: /\b3(?!\d| so far)/ })
    .waitFor();
  return frame;
}

/** Opens a metadata group by clicking its own row (not the middle of the item, where its members are). */
async function openGroup(frame: Frame, path: string): Promise<void> {
  const item = frame.locator(`#metadata-tree vscode-tree-item[data-key-path="${path}"]`);
  await item.scrollIntoViewIfNeeded();
  await item.click({ position: { x: 30, y: 10 } });
  await frame.locator(`#metadata-tree vscode-tree-item[data-key-path="${path}"][open]`).waitFor();
}

/** The key table's rows as shown: key, type, shape, value (the value cell's text, spaces kept). */
async function shownRows(frame: Frame): Promise<Map<string, string[]>> {
  const rows = await frame
    .locator('#frame-keys vscode-table-row')
    .evaluateAll((els) => els.map((r) => [...r.querySelectorAll('vscode-table-cell')].map((c) => c.textContent ?? '')));
  return new Map(rows.map((cells) => [cells[0]!, cells]));
}

/**
 * The tree item's one-line description, from what Python printed: containers by type and size,
 * numpy values with dtype and shape before ` = `, numpy's line breaks as single spaces.
 */
function description(v: PrintedValue): string {
  if (v.children) return `${v.type}, ${v.shape}`;
  const numpy = v.shape !== '';
  const head = numpy ? `${v.type}${v.shape === '()' ? '' : ` ${v.shape}`}` : '';
  if (v.note) return `${head}: ${v.note}`;
  const text = v.text.replace(/\n+ */g, ' ');
  return numpy ? `${head} = ${text}` : text;
}

function treeItems(v: PrintedValue, path: string, out: Map<string, string>): Map<string, string> {
  for (const c of v.children ?? []) {
    const p = path ? `${path}/${c.key}` : c.key;
    out.set(p, description(c));
    treeItems(c, p, out);
  }
  return out;
}

test('every value as Python prints it: frame keys and the metadata tree', async () => {
  const frame = await openExotic();
  await goTo(frame, 1);
  const rows = await shownRows(frame);
  for (const want of [...exp.rows, exp.vertices, exp.joints]) {
    const cells = rows.get(want.key);
    assert.ok(cells, `a row for ${want.key}`);
    assert.deepEqual(cells, [want.key, want.type, want.shape, want.note || want.text], want.key);
  }
  // A few by eye, so that a wrong generator cannot hide a wrong display.
  assert.equal(rows.get('c_neg')![3], '(3-1j)');
  assert.equal(rows.get('c64_arr')![3], '[1.+2.j  3.-1.j  0.+0.5j]');
  assert.equal(rows.get('f16')![3], '0.1');
  assert.equal(rows.get('records')![3], "[(1, 2.5, 'ab') (3, 4.5, 'c')]");
  assert.equal(rows.get('objects')![3], 'pickled object array, not decoded');

  const items = await frame
    .locator('#metadata-tree vscode-tree-item[data-key-path]')
    .evaluateAll((els) => els.map((e) => [e.getAttribute('data-key-path') ?? '', e.querySelector(':scope > [slot="description"]')?.textContent ?? '']));
  assert.deepEqual(new Map(items as [string, string][]), treeItems(exp.metadata, '', new Map()));

  // Open the nested dict and the list of floats for the screenshot.
  for (const path of ['nested', 'nested/a', 'floats']) await openGroup(frame, path);
  await frame.locator('#metadata-tree vscode-tree-item[data-key-path="floats/[6]"]').waitFor();
  await frame.locator('#metadata-tree').scrollIntoViewIfNeeded();
  await vscode.screenshot('bodycompress-values-metadata');
  await frame.locator('#frame-keys vscode-table-row', { hasText: 'c128_arr' }).scrollIntoViewIfNeeded();
  await vscode.screenshot('bodycompress-values-keys');
});

test('the inspector keeps its scroll position and open groups while stepping and playing', async () => {
  const frame = await openExotic();
  const inspector = frame.locator('aside.inspector');
  await openGroup(frame, 'ints');
  // Scrolled to the very end: the position a table being rebuilt would lose first.
  const top = await inspector.evaluate((e) => (e.scrollTop = e.scrollHeight - e.clientHeight));
  assert.ok(top > 200, `the inspector scrolled down (${top} px)`);
  for (const f of [1, 2, 0, 2]) {
    await goTo(frame, f);
    assert.equal(await inspector.evaluate((e) => e.scrollTop), top, `scroll position after going to frame ${f}`);
  }
  // Playing wraps around the 3 frames; the inspector follows and the position stays.
  await frame.locator('#timeline-play').click();
  await frame.locator('#frame-info[data-frame="1"]').waitFor();
  await frame.locator('#frame-info[data-frame="0"]').waitFor();
  await frame.locator('#timeline-play').click();
  assert.equal(await inspector.evaluate((e) => e.scrollTop), top, 'scroll position after playing');
  assert.equal(await frame.locator('#metadata-tree vscode-tree-item[data-key-path="ints"]').getAttribute('open'), '', 'the opened group stays open');
  await vscode.screenshot('bodycompress-values-scrolled');
});
