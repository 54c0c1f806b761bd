// Every editor's webview in the real VS Code: the document it loaded is locked down (CSP with a
// nonce on every script, only the extension's own resources, nothing remote), its resource roots
// refuse anything outside dist/webview and media, and junk posted from inside the webview — over
// the very channel acquireVsCodeApi().postMessage uses — is dropped or refused by the host, which
// keeps answering. Also checks that CSP violations do reach cspViolations().
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Frame } from 'playwright-core';
import { VsCodeSession } from './vscodeSession';
import { EDITORS, readRequests, SIDE_EFFECTS } from '../helpers/editorFixtures';
import { cspProblems, VSCODE_INJECTED_IDS, type PageFacts } from '../helpers/webviewCsp';
import { answersAll, FIRST_ID, MARKERS, postFromWebview, repliesTo } from './webviewChannel';

/** `webview.cspSource` in VS Code for the web (code-server): its own origin and the resource CDN. */
const CSP_SOURCES = ["'self'", 'https://*.vscode-cdn.net'];

let vscode: VsCodeSession;

before(async () => {
  vscode = await VsCodeSession.start();
});

after(async () => {
  await vscode?.close();
});

/** The rendered webview of `fileName` (its <title> is the file name). */
async function editorFrame(fileName: string): Promise<Frame> {
  const frame = await vscode.webviewFrame('#app:not([aria-busy])', { timeoutMs: 60_000 });
  assert.equal(await frame.title(), fileName);
  return frame;
}

/** What the loaded document holds, read in the browser. */
function pageFacts(frame: Frame): Promise<PageFacts> {
  return frame.evaluate((injected) => {
    const meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
    const all = [...document.querySelectorAll('*')];
    const metaIndex = meta ? all.indexOf(meta) : -1;
    return {
      csp: meta?.getAttribute('content') ?? null,
      // The nonce attribute reads back empty once applied; the property keeps it.
      scripts: [...document.scripts].map((s) => ({
        id: s.id || null,
        nonce: (s.nonce ?? '') || null,
        src: s.src || null,
        inline: !s.src && s.text.trim() !== '',
      })),
      urls: [
        ...all.flatMap((el) => ['src', 'href'].filter((a) => el.hasAttribute(a)).map((a) => (el as HTMLLinkElement)[a as 'href'] || el.getAttribute(a)!)),
        ...performance.getEntriesByType('resource').map((e) => e.name),
      ],
      handlers: all.flatMap((el) => [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => `<${el.localName} ${a.name}>`)),
      beforeCsp: all
        .slice(0, Math.max(0, metaIndex))
        .filter((el) => ['script', 'link', 'style', 'img', 'iframe', 'base'].includes(el.localName) && !injected.includes(el.id))
        .map((el) => el.localName),
    };
  }, VSCODE_INJECTED_IDS);
}

/** Whether a stylesheet at `href` loads inside the webview (CSP allows the origin; the resource roots decide). */
function stylesheetLoads(frame: Frame, href: string): Promise<boolean> {
  return frame.evaluate(
    (url) =>
      new Promise<boolean>((resolve) => {
        const link = document.createElement('link');
        link.rel = 'stylesheet';
        link.href = url;
        link.onload = () => resolve(true);
        link.onerror = () => resolve(false);
        document.head.append(link);
        setTimeout(() => resolve(false), 15_000);
      }),
    href,
  );
}

const ignoredLines = async (fileName: string) =>
  (await vscode.outputLog()).split('\n').filter((l) => l.includes('Ignored a message from the webview of') && l.includes(fileName)).length;

describe('each editor in the real VS Code', () => {
  for (const e of EDITORS) {
    const name = basename(e.fixture);

    test(`${e.viewType}: the loaded page has a strict CSP, a nonce on every script and only the extension's own resources`, async () => {
      await vscode.openFile(name);
      const frame = await editorFrame(name);
      const facts = await pageFacts(frame);
      const bundle = facts.scripts.find((s) => s.src)?.src ?? '';
      const root = /^(https:\/\/[^/]+\/.*\/extensions\/body-capture\.body-capture-viewer-[^/]+)\/dist\/webview\/\w+\.js$/.exec(bundle)?.[1];
      assert.ok(root, `the bundle comes from the installed extension: ${bundle}`);
      assert.deepEqual(cspProblems(facts, { cspSources: CSP_SOURCES, resourcePrefixes: [`${root}/dist/webview/`, `${root}/media/`] }), []);
      assert.ok(facts.urls.length >= 3, 'the bundle, styles and fonts were loaded');
      await vscode.screenshot(`security-${e.viewType.split('.')[1]}`);
    });

    test(`${e.viewType}: only dist/webview and media can be loaded, not the workspace or the rest of the extension`, async () => {
      const frame = await editorFrame(name);
      const bundle = await frame.evaluate(() => [...document.scripts].find((s) => s.src)!.src);
      const root = bundle.replace(/\/dist\/webview\/\w+\.js$/, '');
      const origin = new URL(bundle).origin;
      const outsideCss = 'a { color: red }';
      await writeFile(join(vscode.workspace, 'probe.css'), outsideCss);
      const extensionDir = decodeURIComponent(new URL(root).pathname);
      await writeFile(join(extensionDir, 'probe.css'), outsideCss);
      assert.equal(await stylesheetLoads(frame, `${root}/media/editor.css`), true, 'media/ loads');
      assert.equal(await stylesheetLoads(frame, `${origin}${vscode.workspace}/probe.css`), false, 'a workspace file does not');
      assert.equal(await stylesheetLoads(frame, `${root}/probe.css`), false, 'the extension folder outside dist/webview and media does not');
    });

    test(`${e.viewType}: junk posted from the webview is dropped or refused, and the editor keeps answering`, async () => {
      const frame = await editorFrame(name);
      const ignoredBefore = await ignoredLines(name);
      const notEnvelopes = [
        null,
        42,
        'request',
        [],
        {},
        { kind: 'request' },
        { kind: 'request', id: 'x', method: 'open' },
        { kind: 'reply', id: 7, ok: true, result: null },
        { kind: 'event', name: 'open', payload: null },
      ];
      let id = FIRST_ID;
      const hugeText = 'x'.repeat(1_000_000);
      const requests: [number, string, unknown][] = [
        [id++, 'nope', null],
        [id++, '__proto__', null],
        [id++, 'constructor', {}],
        [id++, 'm'.repeat(100_000), null],
      ];
      for (const [method, valid] of Object.entries(e.requests)) {
        if (SIDE_EFFECTS.has(method) || valid === null) continue;
        for (const key of Object.keys(valid as object)) {
          for (const bad of [-1, 2 ** 40, '0', hugeText, '../x', '/../x', '__proto__', MARKERS.proto, [1], MARKERS.bytes]) {
            requests.push([id++, method, { ...(valid as object), [key]: bad }]);
          }
        }
        requests.push([id++, method, 'not an object'], [id++, method, null], [id++, method, MARKERS.bytes], [id++, method, MARKERS.proto]);
      }
      await postFromWebview(frame, [...notEnvelopes, ...requests.map(([rid, method, params]) => ({ kind: 'request', id: rid, method, params }))]);
      const replies = await repliesTo(
        vscode,
        frame,
        requests.map(([rid]) => rid),
      );
      const refused = requests.filter(([rid]) => !replies.get(rid)!.ok);
      for (const [rid, method] of refused) {
        const error = replies.get(rid)!.error ?? '';
        assert.ok(error.length > 0 && error.length <= 300, `${method.slice(0, 20)}: a short error (${error.length} chars)`);
      }
      for (const [rid, method] of requests.slice(0, 4)) assert.match(replies.get(rid)!.error ?? '', /^Unknown request/, method.slice(0, 20));
      for (const method of new Set(requests.slice(4).map(([, m]) => m)))
        assert.ok(
          refused.some(([, m]) => m === method),
          `${method} checks its parameters`,
        );
      // Each non-envelope is one "Ignored a message" line in the extension's log.
      const deadline = Date.now() + 15_000;
      while ((await ignoredLines(name)) < ignoredBefore + notEnvelopes.length + 4 && Date.now() < deadline) await vscode.page.waitForTimeout(250);
      assert.equal(await ignoredLines(name), ignoredBefore + notEnvelopes.length + 4, 'each junk message and unknown method is logged once');
      assert.doesNotMatch(await vscode.outputLog(), /failed for|Unexpected error/, 'no hostile request reached a bug');

      // The host still answers every request the page makes, and the page still works.
      await answersAll(vscode, frame, readRequests(e));
      assert.equal(await frame.title(), name);
    });
  }
});

test('a CSP violation inside a webview is reported (the collection the other e2e tests check works)', async () => {
  const frame = await vscode.webviewFrame('#app:not([aria-busy])');
  const before = vscode.cspViolations().length;
  await frame.evaluate(() => {
    const img = document.createElement('img');
    img.src = 'https://csp-probe.invalid/pixel.png';
    document.body.append(img);
  });
  const deadline = Date.now() + 10_000;
  while (vscode.cspViolations().length === before && Date.now() < deadline) await vscode.page.waitForTimeout(200);
  const added = vscode.cspViolations().slice(before);
  assert.equal(added.length, 1, JSON.stringify(added));
  assert.match(added[0]!, /csp-probe\.invalid/);
});

test('no other Content-Security-Policy violations in our webviews', () => {
  assert.deepEqual(
    vscode.cspViolations().filter((m) => !m.includes('csp-probe.invalid')),
    [],
  );
});
