import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RemoteError,
  RpcEndpoint,
  type Envelope,
  type EventMap,
  type NoEvents,
  type NoRequests,
  type RequestMap,
  type Transport,
} from '../../src/protocol/rpc';

/** Two transports wired back to back, delivering asynchronously like postMessage. */
function pipe(): [Transport, Transport, (m: unknown) => void] {
  const handlers: [((m: unknown) => void)[], ((m: unknown) => void)[]] = [[], []];
  const side = (me: 0 | 1): Transport => ({
    post: (m: Envelope) => setImmediate(() => handlers[1 - me]!.forEach((h) => h(structuredClone(m)))),
    listen: (h) => {
      handlers[me].push(h);
      return () => handlers[me].splice(handlers[me].indexOf(h), 1);
    },
  });
  const injectToA = (m: unknown) => handlers[0].forEach((h) => h(m));
  return [side(0), side(1), injectToA];
}

interface Req extends RequestMap {
  add: { params: { a: number; b: number }; result: number };
  bytes: { params: null; result: ArrayBuffer };
  fail: { params: null; result: null };
}
interface Ev extends EventMap {
  progress: { done: number };
}

test('requests get typed replies, binary payloads and errors', async () => {
  const [ta, tb] = pipe();
  const host = new RpcEndpoint<NoRequests, Req, Ev, NoEvents>(ta);
  const view = new RpcEndpoint<Req, NoRequests, NoEvents, Ev>(tb);
  host.handle('add', ({ a, b }) => a + b);
  host.handle('bytes', () => new Uint8Array([1, 2, 3]).buffer);
  host.handle('fail', () => {
    throw new Error('nope');
  });
  assert.equal(await view.request('add', { a: 2, b: 3 }), 5);
  assert.deepEqual([...new Uint8Array(await view.request('bytes', null))], [1, 2, 3]);
  await assert.rejects(view.request('fail', null), (e: unknown) => e instanceof RemoteError && e.message === 'nope');

  const seen: number[] = [];
  view.on('progress', (p) => seen.push(p.done));
  host.emit('progress', { done: 7 });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(seen, [7]);
});

test('malformed and unknown messages are rejected, not executed', async () => {
  const [ta, tb, injectToHost] = pipe();
  const invalid: string[] = [];
  const host = new RpcEndpoint<NoRequests, Req, Ev, NoEvents>(ta, (_m, why) => invalid.push(why));
  let calls = 0;
  host.handle('add', ({ a, b }) => {
    calls++;
    return a + b;
  });
  for (const bad of [null, 42, 'x', {}, { kind: 'request' }, { kind: 'request', id: 'x', method: 'add' }, { kind: 'reply', id: 1 }]) {
    injectToHost(bad);
  }
  const view = new RpcEndpoint<Req & { nope: { params: null; result: null } }, NoRequests, NoEvents, Ev>(tb);
  await assert.rejects(view.request('nope', null), /Unknown request: nope/);
  assert.equal(calls, 0);
  assert.equal(invalid.length, 8);
});

test('dispose rejects pending requests', async () => {
  const [ta] = pipe();
  const view = new RpcEndpoint<Req, NoRequests, NoEvents, Ev>(ta);
  const p = view.request('add', { a: 1, b: 1 });
  view.dispose();
  await assert.rejects(p, /closed/);
});
