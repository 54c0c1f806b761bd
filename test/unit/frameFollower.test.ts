import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BodyCompressFrame } from '../../src/protocol/bodyCompressProtocol';
import { PlaybackController, type PlaybackTicker } from '../../src/webview/common/playbackController';
import { FrameFollower } from '../../src/webview/bodycompress/frameFollower';
import { FrameLoader } from '../../src/webview/bodycompress/frameLoader';

const frame = (index: number): BodyCompressFrame => ({ index, persons: [], vertexCount: 0, jointCount: 0, camera: null, keys: [], firstVertex: null });

/** A host whose frame replies the test sends when it wants to. */
function slowHost() {
  const asked: number[] = [];
  const replies = new Map<number, { resolve: (f: BodyCompressFrame) => void; reject: (e: Error) => void }>();
  const fetch = (i: number) =>
    new Promise<BodyCompressFrame>((resolve, reject) => {
      asked.push(i);
      replies.set(i, { resolve, reject });
    });
  const answer = async (i: number, err?: Error) => {
    const r = replies.get(i)!;
    if (err) r.reject(err);
    else r.resolve(frame(i));
    await new Promise((done) => setImmediate(done));
  };
  return { fetch, asked, answer };
}

const stillTicker: PlaybackTicker = { now: () => 0, nextFrame: () => undefined };

function setup(playback = new PlaybackController({ frameCount: 100, fps: 30 }, stillTicker)) {
  const host = slowHost();
  const loader = new FrameLoader(host.fetch, false);
  const drawn: number[] = [];
  const failed: [number, string][] = [];
  const follower = new FrameFollower(loader, playback, {
    shownFrame: () => drawn.at(-1) ?? null,
    draw: (f) => void drawn.push(f.index),
    failed: (f, message) => void failed.push([f, message]),
  });
  return { host, loader, drawn, failed, follower, playback };
}

test('stepping: while a frame is on its way, newer wishes replace older ones', async () => {
  const { host, drawn, follower } = setup();
  const first = follower.show(1);
  void follower.show(2);
  void follower.show(3);
  assert.deepEqual(host.asked, [1]);
  await host.answer(1);
  assert.deepEqual(host.asked, [1, 3], 'frame 2 was never asked for');
  await host.answer(3);
  await first;
  assert.deepEqual(drawn, [1, 3]);
});

test('stepping: a cached frame is drawn at once; a failed one is reported unless another is wanted', async () => {
  const { host, loader, drawn, failed, follower } = setup();
  loader.put(frame(7));
  await follower.show(7);
  assert.deepEqual(drawn, [7]);
  assert.deepEqual(host.asked, []);
  const shown = follower.show(8);
  await host.answer(8, new Error('unreadable'));
  await shown;
  assert.deepEqual(failed, [[8, 'unreadable']]);
});

test('playing: never waits, and asks a few frames ahead', async () => {
  const playback = new PlaybackController({ frameCount: 100, fps: 30 }, stillTicker);
  const { host, loader, drawn, follower } = setup(playback);
  loader.put(frame(0));
  playback.play();
  assert.equal(follower.show(1), undefined, 'playing: nothing to wait for');
  assert.deepEqual(drawn, [0], 'the newest frame there is, up to the one due');
  // 50 ms a frame estimated, 33 ms between frames: two frames ahead, spaced so that what arrives can be shown.
  assert.deepEqual(host.asked, [3, 4, 5]);
  await host.answer(3);
  void follower.show(3);
  assert.deepEqual(drawn, [0, 3]);
  assert.equal(host.asked.length, 4, 'one more asked for as one arrived');
});

test('playing with a slow round trip: enough frames in flight to ask for every frame', () => {
  const playback = new PlaybackController({ frameCount: 100, fps: 30 }, stillTicker);
  const { host, loader, follower } = setup(playback);
  loader.put(frame(0));
  // 200 ms a frame: six frames' time. Three requests in flight would cover every other frame only.
  loader.latencyMs = 200;
  playback.play();
  void follower.show(1);
  assert.deepEqual(host.asked, [7, 8, 9, 10, 11, 12, 13], 'every frame from the one due when the first answer arrives');
});

test('after dispose nothing more is drawn', async () => {
  const { host, drawn, follower } = setup();
  const shown = follower.show(4);
  follower.dispose();
  await host.answer(4);
  await shown;
  assert.deepEqual(drawn, []);
});
