// Concurrency and leaks of every registered editor, through the real extension (activated against
// test/helpers/fakeVscode): two editors on one document, closing editors while their requests are
// still being answered, and a writing job (extraction, export) on the same file while it is open.
// Afterwards the process holds no more file descriptors, worker threads or watchers than before.
import { bugsLoggedSince, extensionUnderTest, OpenDocument, recorded, watcherCount, type FakeWebviewPanel } from '../helpers/fakeVscode';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readdir, readlink, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { exportFrames } from '../../src/core/bodycompress/exportFrames';
import { probeBodyCompress } from '../../src/core/bodycompress/probe';
import { openBodyCompress } from '../../src/core/bodycompress/reader';
import { extractInWorkers } from '../../src/core/extract/extractBatch';
import { resolveInputs } from '../../src/core/extract/extractInputs';
import { liveWorkerCount } from '../../src/core/io/workerThreads';
import { parseSmcFileName } from '../../src/core/smc/smcNames';
import { EDITORS, fixtureFile, type EditorFixture } from '../helpers/editorFixtures';
import { tempDir } from '../helpers/tempDir';

/** Open/close cycles per editor. */
const CYCLES = 5;
/** Requests in flight when an editor is closed. */
const IN_FLIGHT = 40;

const { unhandled } = extensionUnderTest();

interface Resources {
  fds: number;
  /** Files under `dir` with descriptors open on them. */
  openInDir: string[];
  workers: number;
  watchers: number;
}

async function resources(dir: string): Promise<Resources> {
  const fds = await readdir('/proc/self/fd');
  const openInDir: string[] = [];
  for (const fd of fds) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target.startsWith(`${dir}/`)) openInDir.push(target.slice(dir.length + 1));
  }
  return { fds: fds.length, openInDir: openInDir.sort(), workers: liveWorkerCount(), watchers: watcherCount() };
}

/** Polls (up to 10 s) until `done` holds: workers, threads and reads in flight take a moment to end. */
async function settled(dir: string, done: (r: Resources) => boolean): Promise<Resources> {
  let now = await resources(dir);
  for (let i = 0; i < 100 && !done(now); i++) {
    await new Promise((r) => setTimeout(r, 100));
    now = await resources(dir);
  }
  return now;
}

/** Nothing of ours open: no descriptor on the test's files, no worker, no watcher. */
const idle = (dir: string) => settled(dir, (r) => r.openInDir.length === 0 && r.workers === 0 && r.watchers === 0);
const backTo = (baseline: Resources, dir: string) => settled(dir, (r) => isDeepStrictEqual(r, baseline));

let nextId = 1;

/** Sends every valid request `times` times without waiting for the replies. */
function flood(panel: FakeWebviewPanel, e: EditorFixture, times: number): void {
  for (let i = 0; i < times; i++) {
    for (const [method, params] of Object.entries(e.requests)) {
      if (method !== 'reopenWith') panel.send({ kind: 'request', id: nextId++, method, params });
    }
  }
}

/** Every valid request once, answered successfully. */
async function answersAll(panel: FakeWebviewPanel, e: EditorFixture): Promise<void> {
  await Promise.all(
    Object.entries(e.requests).map(async ([method, params]) => {
      const r = await panel.request(nextId++, method, params);
      assert.ok(r.ok, `${e.viewType} ${method}: ${r.ok ? '' : r.error}`);
    }),
  );
}

/** A copy of the editor's fixture (with an SMC's partner) in a fresh folder. */
async function copyFixture(e: EditorFixture): Promise<{ dir: string; path: string }> {
  const dir = await tempDir('leaks');
  const src = fixtureFile(e);
  const names = [basename(src)];
  const smc = parseSmcFileName(src);
  if (smc) names.push(basename(src).replace(`_${smc.kind}.smc`, `_${smc.kind === 'anno' ? 'raw' : 'anno'}.smc`));
  for (const n of names) await copyFile(join(dirname(src), n), join(dir, n));
  return { dir, path: join(dir, basename(src)) };
}

/** A job that writes from the editor's file while it is open: what each file type offers. */
const WRITING_JOBS: Record<string, (path: string, out: string) => Promise<string>> = {
  'bodyCapture.smc': async (path, out) => {
    const { performances } = await resolveInputs([path]);
    const [item] = await extractInWorkers(performances, { preset: 'sample' }, out, { version: 'test', concurrency: 1 });
    assert.equal(item?.error, null, item?.error?.message);
    return `${item.result!.filesWritten} files extracted`;
  },
  'bodyCapture.bodycompress': async (path, out) => {
    const r = await exportFrames(path, out, { format: 'npz', range: { start: 0, end: 40, step: 1 } });
    return `${r.files} frames exported`;
  },
};

for (const e of EDITORS) {
  describe(`${e.viewType} on ${basename(e.fixture)}`, () => {
    let dir: string;
    let path: string;
    before(async () => {
      ({ dir, path } = await copyFixture(e));
      // Warm up: the first opening loads modules (h5wasm, codecs) that stay loaded.
      const doc = await OpenDocument.open(e.viewType, path);
      await answersAll(await doc.addEditor(), e);
      doc.close();
      await new Promise((r) => setTimeout(r, 500));
    });
    after(() => rm(dir, { recursive: true, force: true }));

    test(`two editors on one document, each closed while ${IN_FLIGHT} requests are in flight, ${CYCLES} times: no descriptors, workers or watchers left`, async () => {
      unhandled.length = 0;
      const logStart = recorded.log.length;
      const baseline = await idle(dir);
      assert.deepEqual(baseline.openInDir, []);
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const doc = await OpenDocument.open(e.viewType, path);
        const [a, b] = [await doc.addEditor(), await doc.addEditor()];
        await Promise.all([answersAll(a, e), answersAll(b, e)]);
        // What there is to leak: the file (SMC, or BodyCompress while indexing) or a decode thread.
        const held = await resources(dir);
        assert.ok(held.openInDir.length > 0 || held.workers > 0, 'the document holds the file or a decode thread');

        flood(a, e, IN_FLIGHT / Object.keys(e.requests).length + 1);
        doc.closeEditor(a);
        await answersAll(b, e); // the other editor still works
        flood(b, e, IN_FLIGHT / Object.keys(e.requests).length + 1);
        doc.closeEditor(b); // the last editor: the document closes with requests in flight
      }
      assert.deepEqual(await backTo(baseline, dir), baseline);
      assert.deepEqual(bugsLoggedSince(logStart), [], 'closing mid-request is not a bug');
      assert.deepEqual(unhandled, []);
    });

    test('a writing job on the same file while it is open: both finish, the editor still answers, the input is untouched', async () => {
      const job = WRITING_JOBS[e.viewType];
      assert.ok(job, `add a writing job for ${e.viewType} to WRITING_JOBS`);
      unhandled.length = 0;
      const out = join(dir, 'out');
      const before = (await stat(path)).mtimeMs;
      const baseline = await idle(dir);
      assert.deepEqual(baseline.openInDir, []);
      const doc = await OpenDocument.open(e.viewType, path);
      try {
        const panel = await doc.addEditor();
        const done = job(path, out);
        flood(panel, e, 3);
        await answersAll(panel, e);
        assert.match(await done, /^[1-9]\d* /);
        await answersAll(panel, e);
      } finally {
        doc.close();
      }
      assert.deepEqual(await backTo(baseline, dir), baseline);
      assert.equal((await stat(path)).mtimeMs, before);
      assert.deepEqual(unhandled, []);
    });
  });
}

describe('the BodyCompress reader closes its file before it ends a decode thread', () => {
  // Terminating a thread does not close the descriptors it opened: they stay open in the process.
  test('probes, and readers closed while indexing, leave no descriptor and no thread', async () => {
    const e = EDITORS.find((x) => x.viewType === 'bodyCapture.bodycompress')!;
    const { dir, path } = await copyFixture(e);
    try {
      // A probe's decode job ends after two objects, while the decoder may still hold the file.
      for (let i = 0; i < 30; i++) await probeBodyCompress(path);
      // Readers closed as soon as indexing is under way, while their index jobs read the file.
      for (const engine of ['xz', 'wasm'] as const) {
        for (let i = 0; i < 4; i++) {
          const f = await openBodyCompress(path, { engine });
          await new Promise<void>((resolve) => {
            const stop = f.onIndexProgress(() => {
              stop();
              resolve();
            });
          });
          await f.close();
        }
      }
      const now = await resources(dir);
      assert.deepEqual([now.openInDir, now.workers], [[], 0]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
