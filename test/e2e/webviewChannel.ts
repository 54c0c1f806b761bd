import type { Frame } from 'playwright-core';
import type { VsCodeSession } from './vscodeSession';

/**
 * The test's side of an editor's webview channel in the real VS Code: messages posted from inside
 * the webview over the very path acquireVsCodeApi().postMessage takes (the page's own api object is
 * private to its bundle, and nothing test-only is added to it), and the host's replies.
 */

/** Placeholders postFromWebview turns into values Playwright cannot pass in. */
export const MARKERS = { bytes: '\u0000bytes', proto: '\u0000proto' };
/** Ids for the test's own requests, far from the page's. */
export const FIRST_ID = 1_000_000_000;

export interface Reply {
  id: number;
  ok: boolean;
  error?: string;
  result?: unknown;
}

/** Posts `messages` as the webview; MARKERS.bytes becomes a Uint8Array, MARKERS.proto an object with an own "__proto__" key. */
export async function postFromWebview(frame: Frame, messages: unknown[]): Promise<void> {
  await frame.evaluate((first) => {
    const w = window as unknown as { testReplies?: unknown[] };
    if (w.testReplies) return;
    w.testReplies = [];
    window.addEventListener('message', (e) => {
      const d = e.data as { kind?: string; id?: number };
      if (d?.kind === 'reply' && typeof d.id === 'number' && d.id >= first) w.testReplies!.push(d);
    });
  }, FIRST_ID);
  // The outer frame's __vscode_post_message__ is what the api's postMessage calls ('onmessage', { message }).
  // No named functions inside: tsx would wrap them in a __name() helper that the page lacks.
  await frame.parentFrame()!.evaluate(
    ({ json, markers }) => {
      const list = JSON.parse(json, (_k, v) =>
        v === markers.bytes ? new Uint8Array([1, 2, 3, 4]) : v === markers.proto ? JSON.parse('{"__proto__": {"polluted": 1}}') : v,
      ) as unknown[];
      const post = (window as unknown as { __vscode_post_message__: (c: string, d: unknown) => void }).__vscode_post_message__;
      for (const m of list) post('onmessage', { message: m, transfer: [] });
    },
    // Binary params (an editor fixture's Uint8Array) cross as the bytes marker: JSON would make them plain objects.
    { json: JSON.stringify(messages, (_k, v: unknown) => (v instanceof Uint8Array ? MARKERS.bytes : v)), markers: MARKERS },
  );
}

/** The host's replies to `ids` (posted with postFromWebview), once all have arrived. */
export async function repliesTo(vscode: VsCodeSession, frame: Frame, ids: number[], timeoutMs = 30_000): Promise<Map<number, Reply>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const replies = await frame.evaluate(() => (window as unknown as { testReplies: Reply[] }).testReplies);
    const byId = new Map(replies.map((r) => [r.id, r]));
    if (ids.every((id) => byId.has(id))) return byId;
    if (Date.now() > deadline) throw new Error(`no reply to ${ids.filter((id) => !byId.has(id)).join(', ')}`);
    await vscode.page.waitForTimeout(200);
  }
}

/** Ids of answersAll's requests, after the range tests use for their own. */
let nextId = 2 * FIRST_ID;

/** Sends each request once as the webview and checks that every one is answered successfully. */
export async function answersAll(vscode: VsCodeSession, frame: Frame, requests: [string, unknown][]): Promise<void> {
  const ids = requests.map(() => nextId++);
  await postFromWebview(
    frame,
    requests.map(([method, params], i) => ({ kind: 'request', id: ids[i], method, params })),
  );
  const replies = await repliesTo(vscode, frame, ids);
  requests.forEach(([method], i) => {
    const r = replies.get(ids[i]!)!;
    if (!r.ok) throw new Error(`${method} failed: ${r.error}`);
  });
}
