// Timing an editor's opening in the real VS Code, for the editor benchmarks' measure scripts.
import type { Frame } from 'playwright-core';
import type { VsCodeSession } from './vscodeSession';

/** Epoch milliseconds in any frame (the same clock in the workbench and the webviews). */
export const nowIn = (f: Frame | VsCodeSession['page']) => f.evaluate(() => performance.timeOrigin + performance.now());

/**
 * Opens `name` through Quick Open and returns the time from pressing Enter until the page's
 * performance mark `mark` (set after the paint that shows its first content), and until VS Code
 * delivered the webview's document (what happens before is VS Code's share). `ready` is a selector
 * that shows in the new page once it has content (only frames that appear after Enter count: the
 * webview of an editor just closed may linger for a moment).
 */
export async function timeOpen(
  vscode: VsCodeSession,
  name: string,
  ready: string,
  mark: string,
): Promise<{ ms: number; webviewMs: number; frame: Frame; t0: number }> {
  const input = vscode.page.locator('.quick-input-widget input');
  await vscode.page.keyboard.press('Control+P');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  // The focused row, not just any row: until the filter applies, recently opened files lead the list.
  await vscode.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor();
  const before = new Set(vscode.page.frames());
  const t0 = await nowIn(vscode.page);
  await vscode.page.keyboard.press('Enter');
  const frame = await newFrameWith(vscode, before, ready);
  // The page marks when it was painted, so how soon we notice does not matter.
  const { painted, document } = await frame.evaluate(async (markName) => {
    for (;;) {
      const m = performance.getEntriesByName(markName)[0];
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      if (m) return { painted: performance.timeOrigin + m.startTime, document: performance.timeOrigin + (nav?.responseEnd ?? 0) };
      await new Promise((r) => setTimeout(r, 5));
    }
  }, mark);
  return { ms: painted - t0, webviewMs: document - t0, frame, t0 };
}

export async function closeAllEditors(vscode: VsCodeSession): Promise<void> {
  await vscode.runCommand('View: Close All Editors');
  await vscode.page.waitForTimeout(500);
}

/** A frame not in `before` that shows `selector` (polled; frames may navigate or go away meanwhile). */
async function newFrameWith(vscode: VsCodeSession, before: Set<Frame>, selector: string, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of vscode.page.frames()) {
      if (before.has(frame)) continue;
      try {
        const handle = await frame.$(selector);
        if (handle && (await handle.isVisible())) return frame;
      } catch {
        // The frame navigated or went away while we looked.
      }
    }
    await vscode.page.waitForTimeout(50);
  }
  throw new Error(`No new webview showed ${selector} within ${timeoutMs} ms`);
}
