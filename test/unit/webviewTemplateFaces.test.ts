import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BodyCompressFaces } from '../../src/protocol/bodyCompressProtocol';
import { TemplateFaces } from '../../src/webview/bodycompress/templateFaces';

/** A host whose faces replies the test sends, and a 3D view and warning banners that record what they got. */
function setup() {
  const asked: { vertexCount: number; reply: (f: BodyCompressFaces) => void; fail: (e: Error) => void }[] = [];
  const set: [number, number | null][] = [];
  const banners = new Map<string, string>();
  let changes = 0;
  const faces = new TemplateFaces(
    (vertexCount) => new Promise((reply, fail) => asked.push({ vertexCount, reply, fail })),
    { setFaces: (vertexCount, indices) => set.push([vertexCount, indices ? indices.length : null]) },
    (warning) => (warning === null ? banners.delete('faces-warning') : banners.set('faces-warning', warning)),
    () => changes++,
  );
  const settle = () => new Promise((r) => setImmediate(r));
  return { faces, asked, set, banners, changes: () => changes, settle };
}

const ok = (n: number): BodyCompressFaces => ({ status: 'ok', path: 'faces.npy', indices: new Uint32Array(n) });

test('asks once per vertex count, and not for bodies without vertices', async () => {
  const { faces, asked, set, settle } = setup();
  faces.follow(0);
  faces.follow(1024);
  faces.follow(1024);
  assert.deepEqual(
    asked.map((a) => a.vertexCount),
    [1024],
  );
  asked[0]!.reply(ok(6));
  await settle();
  assert.equal(faces.ok, true);
  assert.deepEqual(set, [[1024, 6]]);
});

test('only the newest question counts: a slow answer for other bodies is dropped', async () => {
  const { faces, asked, set, changes, settle } = setup();
  faces.follow(1024);
  faces.follow(6890);
  asked[1]!.reply({ status: 'none' });
  asked[0]!.reply(ok(6));
  await settle();
  assert.deepEqual(set, [[6890, null]]);
  assert.equal(faces.ok, false);
  assert.equal(changes(), 1);
});

test('a changed setting drops the answers on their way and asks again', async () => {
  const { faces, asked, set, settle } = setup();
  faces.follow(1024);
  faces.refresh(1024);
  assert.equal(asked.length, 2);
  asked[0]!.fail(new Error('old setting'));
  asked[1]!.reply(ok(3));
  await settle();
  assert.deepEqual(set, [[1024, 3]]);
  faces.refresh(null);
  assert.equal(asked.length, 2, 'no bodies shown: nothing to ask for');
});

test('faces that do not fit, or fail to load, leave points and a warning', async () => {
  const { faces, asked, set, banners, settle } = setup();
  faces.follow(1024);
  asked[0]!.reply({ status: 'error', path: 'f.npy', message: 'face 3 refers to vertex 2047' });
  await settle();
  assert.match(banners.get('faces-warning') ?? '', /1,024-vertex bodies cannot be used, so the bodies are shown as points: face 3 refers/);
  faces.refresh(2048);
  assert.equal(banners.has('faces-warning'), false, 'the warning goes while asking again');
  asked[1]!.fail(new Error('no such file'));
  await settle();
  assert.equal(banners.get('faces-warning'), 'Template faces could not be loaded: no such file');
  assert.deepEqual(set.at(-1), [2048, null]);
});

test('after dispose no answer is applied', async () => {
  const { faces, asked, set, settle } = setup();
  faces.follow(1024);
  faces.dispose();
  asked[0]!.reply(ok(3));
  await settle();
  assert.deepEqual(set, []);
});
