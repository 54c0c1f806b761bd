// Every registered editor, through the real extension (activated against test/helpers/fakeVscode):
// the page it serves is locked down (CSP with a nonce, nothing remote, explicit resource roots),
// and its host end survives whatever a compromised webview posts: junk envelopes are counted and
// dropped, bad requests get a short error reply, nothing crashes or leaks an unhandled rejection,
// and the editor answers exactly as before afterwards.
import {
  bugsLoggedSince,
  CSP_SOURCE,
  extensionUnderTest,
  OpenDocument,
  recorded,
  Uri,
  WEBVIEW_RESOURCE_ORIGIN,
  type FakeWebviewPanel,
} from '../helpers/fakeVscode';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, rm } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { contributedEditors, EDITORS, fixtureFile, methodsSentByWebview, type EditorFixture } from '../helpers/editorFixtures';
import { cspProblems, pageFactsFromHtml } from '../helpers/webviewCsp';
import { tempDir } from '../helpers/tempDir';

const ROOT = join(__dirname, '..', '..');
const RULES = { cspSources: [CSP_SOURCE], resourcePrefixes: [`${WEBVIEW_RESOURCE_ORIGIN}${ROOT}/dist/webview/`, `${WEBVIEW_RESOURCE_ORIGIN}${ROOT}/media/`] };
const INVALID_LOG_PREFIX = 'Ignored a message from the webview of ';
const MAX_ERROR_CHARS = 300;

const { unhandled } = extensionUnderTest();

/** The webview bundle a page loads (dist/webview/<bundle>.js). */
function bundleOf(html: string): string {
  const m = /dist\/webview\/(\w+)\.js"/.exec(html);
  assert.ok(m, 'the page loads a bundle from dist/webview');
  return m[1]!;
}

test('every editor in package.json is registered and listed with a fixture, and every request its webview sends has a valid example', async () => {
  assert.deepEqual([...recorded.editors.keys()].sort(), contributedEditors().sort());
  assert.deepEqual(EDITORS.map((e) => e.viewType).sort(), contributedEditors().sort(), 'test/helpers/editorFixtures.ts lists each editor');
  for (const e of EDITORS) {
    assert.deepEqual(Object.keys(e.requests).sort(), Object.keys(e.protocol).sort(), `${e.viewType}: one example per request its protocol declares`);
    const doc = await OpenDocument.open(e.viewType, fixtureFile(e));
    const panel = await doc.addEditor();
    doc.close();
    const sent = methodsSentByWebview(bundleOf(panel.webview.html));
    assert.ok(sent.length > 0);
    assert.deepEqual(
      sent.filter((m) => !(m in e.requests)),
      [],
      `${e.viewType}: add these requests to test/helpers/editorFixtures.ts`,
    );
  }
});

describe('the page each editor serves', () => {
  for (const e of EDITORS) {
    test(`${e.viewType}: strict CSP with a fresh nonce, only its own bundle and media, explicit resource roots`, async () => {
      const doc = await OpenDocument.open(e.viewType, fixtureFile(e));
      try {
        const [a, b] = [await doc.addEditor(), await doc.addEditor()];
        const html = a.webview.html;
        assert.deepEqual(cspProblems(pageFactsFromHtml(html), RULES), []);
        assert.doesNotMatch(html, /unsafe-/);
        const nonce = (h: string) => /'nonce-([^']+)'/.exec(h)![1];
        assert.notEqual(nonce(html), nonce(b.webview.html), 'each page gets its own nonce');
        assert.equal(pageFactsFromHtml(html).scripts.length, 1);

        const o = a.webview.options;
        assert.equal(o.enableScripts, true);
        assert.ok(!o.enableCommandUris, 'no command: links');
        assert.deepEqual(
          (o.localResourceRoots ?? []).map((u) => u.toString()),
          [Uri.file(join(ROOT, 'dist', 'webview')).toString(), Uri.file(join(ROOT, 'media')).toString()],
        );
      } finally {
        doc.close();
      }
    });

    test(`${e.viewType}: a hostile file name is shown as text, not parsed as HTML`, async () => {
      const dir = await tempDir('csp');
      const name = `x"><img src=y onerror=alert(1)><script>alert(2)<\\script>${extname(e.fixture)}`;
      await copyFile(fixtureFile(e), join(dir, name));
      const doc = await OpenDocument.open(e.viewType, join(dir, name));
      try {
        const html = (await doc.addEditor()).webview.html;
        assert.deepEqual(cspProblems(pageFactsFromHtml(html), RULES), []);
        assert.equal(pageFactsFromHtml(html).scripts.length, 1);
        assert.ok(html.includes('x&#34;&#62;&#60;img src=y onerror=alert(1)&#62;'), 'the name is escaped');
      } finally {
        doc.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});

/** Messages that are not protocol envelopes, or envelopes the host never asked for. */
const JUNK: unknown[] = [
  undefined,
  null,
  0,
  'request',
  true,
  [],
  [{ kind: 'request', id: 1, method: 'open', params: null }],
  {},
  new ArrayBuffer(16),
  new Uint8Array([1, 2, 3]),
  { kind: 'Request', id: 1, method: 'open' },
  { kind: 'request' },
  { kind: 'request', id: '1', method: 'open' },
  { kind: 'request', id: 1.5, method: 'open' },
  { kind: 'request', id: Number.NaN, method: 'open' },
  { kind: 'request', id: 2 ** 60, method: 'open' },
  { kind: 'request', id: 1, method: 42 },
  { kind: 'request', id: 1, method: new ArrayBuffer(4) },
  { kind: 'request', id: 1, method: ['open'] },
  { kind: 'reply', id: 1 },
  { kind: 'reply', id: 1, ok: true, result: null },
  { kind: 'reply', id: 1, ok: false, error: 'x' },
  { kind: 'event', name: 'open', payload: null },
  { kind: 'event', name: '__proto__', payload: {} },
  { kind: 'event', name: 5 },
  JSON.parse('{"__proto__": {"polluted": 1}, "kind": "request", "id": "x", "method": "open"}'),
  JSON.parse('{"kind": "event", "name": "x", "constructor": {"prototype": {"polluted": 1}}}'),
  { kind: 'x'.repeat(1_000_000) },
];

/** Methods no editor handles: names from Object.prototype, and a huge one. */
const UNKNOWN_METHODS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', 'OPEN', 'm'.repeat(1_000_000)];

const HUGE = 'x'.repeat(2_000_000);
/** Values a field must not accept where a valid request had something else. */
const HOSTILE_VALUES: unknown[] = [
  undefined,
  null,
  -1,
  -0.5,
  0.5,
  1e9,
  2 ** 53,
  -(2 ** 53),
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '0',
  '',
  HUGE,
  '../x',
  '/../../etc/passwd',
  '/a/../b',
  '__proto__',
  'constructor',
  '/__proto__',
  '/constructor/prototype',
  '/Camera/__proto__/toString',
  true,
  {},
  [],
  [0],
  new ArrayBuffer(8),
  new Float64Array(2),
  JSON.parse('{"__proto__": {"polluted": 1}}'),
];

/** Whole parameter objects that are not what any method takes. */
const HOSTILE_PARAMS: unknown[] = [
  undefined,
  0,
  'params',
  HUGE,
  [],
  new ArrayBuffer(16),
  new Uint8Array(16),
  JSON.parse('{"__proto__": {"polluted": 1}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": 1}}}'),
  Object.create(null),
  JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`),
];

/**
 * Hostile variants of one valid request's params: the whole params replaced, each field replaced or
 * left out, and extra prototype keys. `mustRefuse` where no editor can take it: params that are not
 * an object where an object is taken, a string or index field missing or of another type, an index
 * (a non-negative integer field) negative, fractional or not finite.
 */
function variants(valid: unknown): { params: unknown; mustRefuse: boolean }[] {
  const takesObject = typeof valid === 'object' && valid !== null;
  const out = HOSTILE_PARAMS.map((params) => ({ params, mustRefuse: takesObject }));
  if (valid === null) out.push({ params: { frame: -1 }, mustRefuse: false }, { params: { camera: '__proto__' }, mustRefuse: false });
  if (!takesObject) return out;
  for (const [key, good] of Object.entries(valid)) {
    const isIndex = Number.isSafeInteger(good) && (good as number) >= 0;
    for (const bad of HOSTILE_VALUES) {
      // undefined stands for the field left out.
      const copy: Record<string, unknown> = bad === undefined ? Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key)) : { ...valid };
      if (bad !== undefined) copy[key] = bad;
      const badIndex = typeof bad !== 'number' || !Number.isSafeInteger(bad) || bad < 0;
      out.push({ params: copy, mustRefuse: (isIndex && badIndex) || (typeof good === 'string' && typeof bad !== 'string') });
    }
  }
  out.push({ params: { ...valid, ...JSON.parse('{"__proto__": {"polluted": 1}, "constructor": 1}') }, mustRefuse: false });
  return out;
}

function brief(value: unknown): string {
  try {
    // JSON.stringify returns undefined (though typed string) for undefined and functions.
    return ((JSON.stringify(value) as string | undefined) ?? 'undefined').slice(0, 100);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** The valid requests' replies, in order, with ids from `ids`. */
async function answers(panel: FakeWebviewPanel, e: EditorFixture, ids: { next: number }) {
  const replies = [];
  for (const [method, params] of Object.entries(e.requests)) {
    const r = await panel.request(ids.next++, method, params);
    assert.ok(r.ok, `${e.viewType} ${method} on ${basename(e.fixture)}: ${r.ok ? '' : r.error}`);
    replies.push({ method, result: r.result });
  }
  return replies;
}

/**
 * The replies once background work (e.g. indexing) is done: two rounds agree and the host sent
 * no event for half a second between them.
 */
async function settledAnswers(panel: FakeWebviewPanel, e: EditorFixture, ids: { next: number }) {
  const events = () => panel.posted.filter((m) => (m as { kind?: unknown }).kind === 'event').length;
  let last = await answers(panel, e, ids);
  for (let round = 0; round < 240; round++) {
    const seen = events();
    await new Promise((r) => setTimeout(r, 500));
    const again = await answers(panel, e, ids);
    if (events() === seen && isDeepStrictEqual(again, last)) return again;
    last = again;
  }
  throw new Error(`${e.viewType}: the answers keep changing`);
}

describe('malformed messages from the webview', () => {
  for (const e of EDITORS) {
    test(`${e.viewType}: junk is counted and dropped, bad requests get short errors, and the editor answers as before`, async (t) => {
      unhandled.length = 0;
      const logStart = recorded.log.length;
      const doc = await OpenDocument.open(e.viewType, fixtureFile(e));
      try {
        const panel = await doc.addEditor();
        const ids = { next: 1 };
        const beforeJunk = await settledAnswers(panel, e, ids);

        // Not envelopes, or replies/events nobody asked for: no reply, one "Ignored" log line each.
        const replies = () => panel.posted.filter((m) => (m as { kind?: unknown }).kind === 'reply').length;
        const posted = replies();
        const invalid = () => recorded.log.slice(logStart).filter((l) => l.startsWith(INVALID_LOG_PREFIX)).length;
        for (const junk of JUNK) panel.send(junk);
        await new Promise((r) => setTimeout(r, 50));
        assert.equal(replies(), posted, 'no reply to junk');
        assert.equal(invalid(), JUNK.length, 'each junk message is counted once');

        let id = 100_000;
        for (const method of UNKNOWN_METHODS) {
          const r = await panel.request(id++, method, null);
          assert.ok(
            !r.ok && r.error.startsWith('Unknown request') && r.error.length <= MAX_ERROR_CHARS,
            `${method.slice(0, 20)}: ${JSON.stringify(r).slice(0, 200)}`,
          );
        }
        assert.equal(invalid(), JUNK.length + UNKNOWN_METHODS.length);

        // Every method with hostile parameters: a reply (an error or a result), never a hang.
        const outcomes = { refused: 0, answered: 0 };
        for (const [method, valid] of Object.entries(e.requests)) {
          const replies = await Promise.all(variants(valid).map((v) => panel.request(id++, method, v.params).then((r) => ({ r, ...v }))));
          let refused = 0;
          for (const { r, params, mustRefuse } of replies) {
            assert.ok(!(mustRefuse && r.ok), `${method}(${brief(params)}) must be refused`);
            if (r.ok) continue;
            refused++;
            assert.ok(
              typeof r.error === 'string' && r.error.length > 0 && r.error.length <= MAX_ERROR_CHARS,
              `${method}(${brief(params)}): error of ${r.error.length} chars`,
            );
          }
          if (valid !== null) assert.ok(refused > 0, `${method} checks its parameters`);
          outcomes.refused += refused;
          outcomes.answered += replies.length - refused;
        }
        t.diagnostic(
          `${e.viewType}: ${JUNK.length} junk messages dropped, ${UNKNOWN_METHODS.length} unknown methods refused, hostile parameters: ${JSON.stringify(outcomes)}`,
        );

        assert.deepEqual(await answers(panel, e, ids), beforeJunk, 'the same answers after the junk');
        assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');
        assert.deepEqual(bugsLoggedSince(logStart), [], 'no hostile request reached a bug');
        assert.deepEqual(unhandled, []);
      } finally {
        doc.close();
      }
    });
  }
});
