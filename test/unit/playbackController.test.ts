import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlaybackController, type PlaybackClock, type PlaybackOptions, type PlaybackTicker } from '../../src/webview/common/playbackController';

/** A display that refreshes every `frameMs` milliseconds of fake time, advanced by the test. */
class FakeTicker implements PlaybackTicker {
  time = 0;
  private due: ((now: number) => void)[] = [];

  constructor(private readonly frameMs = 10) {}

  now(): number {
    return this.time;
  }

  nextFrame(step: (now: number) => void): void {
    this.due.push(step);
  }

  /** Runs the display frames of the next `ms` milliseconds. */
  advance(ms: number): void {
    const end = this.time + ms;
    while (this.time + this.frameMs <= end) {
      this.time += this.frameMs;
      const steps = this.due;
      this.due = [];
      for (const s of steps) s(this.time);
    }
    this.time = end;
  }

  get waiting(): number {
    return this.due.length;
  }
}

function setup(options: Partial<PlaybackOptions> = {}, ticker = new FakeTicker()) {
  const p = new PlaybackController({ frameCount: 100, fps: 30, ...options }, ticker);
  const shown: number[] = [];
  p.onFrame((f) => void shown.push(f));
  let stateChanges = 0;
  p.onStateChange(() => stateChanges++);
  return { p, ticker, shown, stateChanges: () => stateChanges };
}

test('starts at the saved frame, clamped to the reachable frames; unknown speeds fall back to 1×', () => {
  assert.equal(setup({ frame: 40 }).p.frame, 40);
  assert.equal(setup({ frame: 500 }).p.frame, 99);
  assert.equal(setup({ frame: 40, available: 10 }).p.frame, 9);
  assert.equal(setup({ frame: -3 }).p.frame, 0);
  assert.equal(setup({ speed: 3 }).p.speed, 1);
  assert.equal(setup({ speed: 0.5 }).p.speed, 0.5);
  assert.equal(setup().p.loop, true);
  assert.equal(setup({ loop: false }).p.loop, false);
});

test('plays in real time at the frame rate and speed, and pauses', () => {
  const { p, ticker, shown, stateChanges } = setup();
  p.play();
  assert.equal(p.playing, true);
  assert.equal(stateChanges(), 1);
  ticker.advance(1000);
  assert.equal(p.frame, 30);
  assert.deepEqual(
    shown,
    Array.from({ length: 30 }, (_, i) => i + 1),
  );
  assert.equal(p.setSpeed(2), true);
  ticker.advance(500);
  assert.equal(p.frame, 60);
  p.pause();
  assert.equal(p.playing, false);
  assert.equal(stateChanges(), 3);
  ticker.advance(1000);
  assert.equal(p.frame, 60, 'paused: the frame stays');
  assert.equal(ticker.waiting, 0, 'paused: no display frames are asked for');
});

test('a speed not offered changes nothing', () => {
  const { p, stateChanges } = setup({ speed: 2 });
  assert.equal(p.setSpeed(3), false);
  assert.equal(p.speed, 2);
  assert.equal(stateChanges(), 0);
});

test('loops to the start, or stops at the last frame without loop', () => {
  const looping = setup({ frameCount: 10, fps: 10 });
  looping.p.play();
  looping.ticker.advance(1000);
  assert.equal(looping.p.frame, 0);
  assert.equal(looping.p.playing, true);
  assert.deepEqual(looping.shown, [1, 2, 3, 4, 5, 6, 7, 8, 9, 0]);
  looping.ticker.advance(300);
  assert.equal(looping.p.frame, 3);

  const once = setup({ frameCount: 10, fps: 10, loop: false });
  once.p.play();
  once.ticker.advance(2000);
  assert.equal(once.p.frame, 9);
  assert.equal(once.p.playing, false);
  assert.deepEqual(once.shown, [1, 2, 3, 4, 5, 6, 7, 8, 9]);

  // Loop switched on later counts from then on.
  once.p.setLoop(true);
  assert.equal(once.p.loop, true);
  assert.equal(once.stateChanges(), 3);
});

test('play at the last frame starts again from the first', () => {
  const { p, ticker, shown } = setup({ frameCount: 10, fps: 10, frame: 9 });
  p.play();
  assert.equal(p.frame, 0);
  ticker.advance(200);
  assert.deepEqual(shown, [0, 1, 2]);
});

test('a single frame does not play', () => {
  const { p, ticker } = setup({ frameCount: 1 });
  p.play();
  assert.equal(p.playing, false);
  assert.equal(ticker.waiting, 0);
});

test('stepping pauses, and seeking and stepping stay within the reachable frames', () => {
  const { p, ticker, shown } = setup({ available: 50 });
  p.play();
  ticker.advance(100);
  p.step(1);
  assert.equal(p.playing, false);
  assert.equal(p.frame, 4);
  p.step(-10);
  assert.equal(p.frame, 0);
  p.seek(75);
  assert.equal(p.frame, 49, 'frames not indexed yet cannot be reached');
  assert.equal(p.lastReachable, 49);
  p.seek(12.6);
  assert.equal(p.frame, 13);
  const before = shown.length;
  p.seek(13);
  assert.equal(shown.length, before, 'the same frame again is not shown again');
});

test('while frames are not indexed yet, playback waits at the last reachable one and goes on once more are', () => {
  const { p, ticker } = setup({ frameCount: 100, fps: 10, available: 5 });
  p.play();
  ticker.advance(2000);
  assert.equal(p.frame, 4);
  assert.equal(p.playing, true);
  p.setAvailable(100);
  ticker.advance(300);
  assert.equal(p.frame, 7, 'time goes on from the frame it waited at');
});

test('the frame count may shrink or grow once the file is read to the end', () => {
  const { p, shown } = setup({ frame: 80 });
  p.setFrameCount(60);
  assert.equal(p.frameCount, 60);
  assert.equal(p.frame, 59);
  assert.deepEqual(shown, [59]);
  p.setFrameCount(200);
  assert.equal(p.frameCount, 200);
  assert.equal(p.available, 60, 'growing the count does not make more frames reachable');
  p.setAvailable(500);
  assert.equal(p.available, 200);
});

test('frames are skipped, not slowed down, while a listener is still drawing', async () => {
  const ticker = new FakeTicker();
  const p = new PlaybackController({ frameCount: 100, fps: 30 }, ticker);
  const shown: number[] = [];
  let finish: () => void = () => undefined;
  p.onFrame((f) => {
    shown.push(f);
    return new Promise<void>((resolve) => (finish = resolve));
  });
  p.play();
  ticker.advance(500);
  assert.deepEqual(shown, [1], 'no new frame while the first is being drawn');
  finish();
  await new Promise((r) => setImmediate(r));
  ticker.advance(10);
  assert.deepEqual(shown, [1, 15], 'then the frame due now, not the next one');
});

test('an external clock drives the frame while it runs; when it stops, playback keeps time from there', () => {
  const ticker = new FakeTicker();
  const { p, shown } = setup({ fps: 10 }, ticker);
  let seconds: number | null = null;
  const starts: [number, number][] = [];
  let stops = 0;
  const clock: PlaybackClock = {
    start: (s, speed) => {
      starts.push([s, speed]);
      seconds = s;
    },
    stop: () => stops++,
    time: () => seconds,
  };
  p.seek(20);
  p.setClock(clock);
  p.play();
  assert.deepEqual(starts, [[2, 1]]);
  seconds = 5;
  ticker.advance(10);
  assert.equal(p.frame, 50, 'the clock says 5 s');
  seconds = null; // the audio ended
  ticker.advance(10);
  assert.equal(p.frame, 50);
  ticker.advance(1000);
  assert.equal(p.frame, 60, 'one second on from where the clock stopped');
  p.pause();
  assert.equal(stops, 1);
  assert.ok(shown.includes(50));
});

test('views hear of every change they show', () => {
  const { p, ticker } = setup({ fps: 10 });
  let changes = 0;
  p.onChange(() => changes++);
  p.seek(3);
  assert.equal(changes, 1);
  p.play();
  assert.equal(changes, 2);
  ticker.advance(100);
  assert.equal(changes, 3);
  p.setAvailable(50);
  assert.equal(changes, 4);
  p.pause();
  assert.equal(changes, 5);
});
