import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatestOnly, STALE } from '../../src/webview/common/latestReply';

/** A promise the test settles when it wants to. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

test('a reply that arrives after a newer request was made is stale, whatever the order of arrival', async () => {
  const latest = new LatestOnly();
  const a = deferred<string>();
  const b = deferred<string>();
  const first = latest.run(() => a.promise);
  const second = latest.run(() => b.promise);
  b.resolve('b');
  a.resolve('a');
  assert.equal(await first, STALE);
  assert.equal(await second, 'b');
});

test('a reply that arrives before the next request is made counts', async () => {
  const latest = new LatestOnly();
  assert.equal(await latest.run(() => Promise.resolve(1)), 1);
  assert.equal(await latest.run(() => Promise.resolve(null)), null);
});

test('the newest request’s error is thrown; a stale request’s error is dropped', async () => {
  const latest = new LatestOnly();
  const a = deferred<number>();
  const b = deferred<number>();
  const first = latest.run(() => a.promise);
  const second = latest.run(() => b.promise);
  a.reject(new Error('old'));
  b.reject(new Error('new'));
  assert.equal(await first, STALE);
  await assert.rejects(second, /new/);
  await assert.rejects(
    latest.run(() => {
      throw new Error('at once');
    }),
    /at once/,
  );
});

test('a turn knows whether it is current, and filters every reply it waits for', async () => {
  const latest = new LatestOnly();
  const turn = latest.begin();
  assert.equal(turn.current, true);
  assert.equal(await turn.wait(Promise.resolve('x')), 'x');
  const pending = deferred<string>();
  const reply = turn.wait(pending.promise);
  const next = latest.begin();
  assert.equal(turn.current, false);
  assert.equal(next.current, true);
  pending.resolve('y');
  assert.equal(await reply, STALE);
  assert.equal(await turn.wait(Promise.resolve('z')), STALE);
});

test('invalidate makes every request so far stale', async () => {
  const latest = new LatestOnly();
  const a = deferred<number>();
  const reply = latest.run(() => a.promise);
  latest.invalidate();
  a.resolve(1);
  assert.equal(await reply, STALE);
  assert.equal(await latest.run(() => Promise.resolve(2)), 2);
});

test('separate helpers do not affect each other', async () => {
  const one = new LatestOnly();
  const two = new LatestOnly();
  const a = deferred<number>();
  const reply = one.run(() => a.promise);
  two.begin();
  a.resolve(1);
  assert.equal(await reply, 1);
});
