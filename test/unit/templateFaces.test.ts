// Template faces for the BodyCompress editor's meshes: the .npy / .ply / .obj readers (on files
// written by our own writers and by hand), their limits, and the setting's resolution and checks.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkFacesFit, readFacesFile } from '../../src/core/faces/readFaces';
import { InputError } from '../../src/core/errors';
import { NdArray } from '../../src/core/numpy/ndarray';
import { writeNpy } from '../../src/core/numpy/npy';
import { writeObj } from '../../src/core/writers/obj';
import { writePly } from '../../src/core/writers/ply';
import { TemplateFacesLibrary } from '../../src/extension/bodycompress/templateFaces';
import { gridFaces, gridVertices } from '../helpers/gridFaces';
import { tempDir } from '../helpers/tempDir';

const ROWS = 32;
const COLS = 32;
const V = ROWS * COLS;
const faces = gridFaces(ROWS, COLS);

let dir: string;
before(async () => {
  dir = await tempDir('faces');
});
after(() => rm(dir, { recursive: true, force: true }));

describe('reading faces files', () => {
  test('.npy of every integer type and byte order gives the same triangles', async () => {
    const cases: [string, ArrayLike<number | bigint>, string?][] = [
      ['<i4', Int32Array.from(faces)],
      ['<u4', faces],
      ['<i8', BigInt64Array.from(faces, (x) => BigInt(x))],
      ['<u2', Uint16Array.from(faces)],
    ];
    for (const [dtype, values] of cases) {
      const path = join(dir, `faces_${dtype.slice(1)}.npy`);
      await writeNpy(path, NdArray.fromTyped(values as Int32Array, [faces.length / 3, 3]));
      const f = await readFacesFile(path);
      assert.deepEqual(f.indices, faces, dtype);
      assert.equal(f.declaredVertices, null);
    }
    // Big-endian int32: the bytes swapped by hand.
    const be = new Uint8Array(faces.length * 4);
    const view = new DataView(be.buffer);
    faces.forEach((x, i) => view.setInt32(i * 4, x, false));
    const path = join(dir, 'faces_be.npy');
    await writeNpy(path, new NdArray('>i4', [faces.length / 3, 3], be));
    assert.deepEqual((await readFacesFile(path)).indices, faces);
  });

  test('.ply (our binary writer, ASCII by hand, big-endian, polygons) and .obj (our writer, corner forms, quads)', async () => {
    const ply = join(dir, 'grid.ply');
    await writePly(ply, { vertices: gridVertices(ROWS, COLS), faces });
    assert.deepEqual(await readFacesFile(ply), { indices: faces, declaredVertices: V });

    const obj = join(dir, 'grid.obj');
    await writeObj(obj, { vertices: gridVertices(ROWS, COLS), faces });
    assert.deepEqual(await readFacesFile(obj), { indices: faces, declaredVertices: V });

    const ascii = join(dir, 'quad.ply');
    await writeFile(
      ascii,
      'ply\nformat ascii 1.0\ncomment a quad and a triangle\nelement vertex 5\nproperty float x\nproperty float y\nproperty float z\n' +
        'element face 2\nproperty uchar red\nproperty list uchar int vertex_indices\nend_header\n' +
        '0 0 0\n1 0 0\n1 1 0\n0 1 0\n2 2 2\n7 4 0 1 2 3\n9 3 2 3 4\n',
    );
    assert.deepEqual(await readFacesFile(ascii), { indices: Uint32Array.of(0, 1, 2, 0, 2, 3, 2, 3, 4), declaredVertices: 5 });

    // Big-endian binary with a list in the vertex element (read past) and ushort indices.
    const head =
      'ply\nformat binary_big_endian 1.0\nelement vertex 3\nproperty double x\nproperty list uchar float extra\nelement face 1\nproperty list uchar ushort vertex_index\nend_header\n';
    const body = new DataView(new ArrayBuffer(3 * (8 + 1 + 8) + 1 + 6));
    let p = 0;
    for (let k = 0; k < 3; k++) {
      body.setFloat64(p, k);
      body.setUint8(p + 8, 2);
      p += 8 + 1 + 8;
    }
    body.setUint8(p, 3);
    [2, 0, 1].forEach((x, i) => body.setUint16(p + 1 + i * 2, x));
    const be = join(dir, 'be.ply');
    await writeFile(be, Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(body.buffer)]));
    assert.deepEqual(await readFacesFile(be), { indices: Uint32Array.of(2, 0, 1), declaredVertices: 3 });

    const forms = join(dir, 'forms.obj');
    await writeFile(
      forms,
      '# corners as v, v/vt, v//vn, v/vt/vn and negative\nv 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nvt 0 0\nvn 0 0 1\nf 1/1 2/1/1 3//1 4\nf -4 -3 -2\n',
    );
    assert.deepEqual(await readFacesFile(forms), { indices: Uint32Array.of(0, 1, 2, 0, 2, 3, 0, 1, 2), declaredVertices: 4 });
  });

  test('bad files are refused with a reason', async () => {
    const cases: [string, string | Uint8Array | NdArray, RegExp][] = [
      ['float.npy', NdArray.fromTyped(Float32Array.from(faces), [faces.length / 3, 3]), /float32|<f4.*integers/],
      ['shape.npy', NdArray.fromTyped(Int32Array.from(faces), [faces.length]), /shape \(\d+\).*\(F, 3\)/],
      ['negative.npy', NdArray.fromTyped(Int32Array.of(0, 1, -2), [1, 3]), /-2, which is not a vertex number/],
      ['empty.npy', NdArray.fromTyped(new Int32Array(0), [0, 3]), /holds no faces/],
      ['noface.ply', 'ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nend_header\n1\n', /no faces/],
      ['short.ply', 'ply\nformat ascii 1.0\nelement face 2\nproperty list uchar int vertex_indices\nend_header\n3 0 1 2\n', /ends early/],
      ['noend.ply', 'ply\nformat ascii 1.0\nelement face 2\n', /no end_header/],
      ['notply.ply', 'solid cube\n', /not a PLY file/],
      ['format.ply', 'ply\nformat binary_middle_endian 1.0\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n', /not supported/],
      ['line.ply', 'ply\nformat ascii 1.0\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n2 0 1\n', /2 corners/],
      ['bad.obj', 'v 0 0 0\nf 1 2 x\n', /line 2: "x" is not a vertex number/],
      ['before.obj', 'v 0 0 0\nf -1 -2 -3\n', /before the first one/],
      ['none.obj', 'v 0 0 0\n', /holds no faces/],
      ['faces.txt', '1 2 3\n', /\.npy, \.ply or \.obj/],
    ];
    for (const [name, content, why] of cases) {
      const path = join(dir, name);
      if (content instanceof NdArray) await writeNpy(path, content);
      else await writeFile(path, content);
      await assert.rejects(readFacesFile(path), (err: unknown) => err instanceof InputError && why.test(err.message), name);
    }
    await assert.rejects(readFacesFile(join(dir, 'missing.npy')), /File not found/);
  });

  test('faces are checked against the body they are for', async () => {
    const f = await readFacesFile(join(dir, 'grid.ply'));
    checkFacesFit({ ...f, declaredVertices: null }, V, 'grid');
    assert.throws(() => checkFacesFit({ ...f, declaredVertices: null }, V - 1, 'grid'), /refers to vertex 1023, but these bodies have 1,023 vertices/);
    assert.throws(() => checkFacesFit(f, 6890, 'grid.ply'), /mesh of 1,024 vertices, but these bodies have 6,890/);
  });
});

describe('the bodyCapture.templateFaces setting', () => {
  const lib = new TemplateFacesLibrary();

  test('no setting or no entry for the vertex count: none; a relative path resolves against the workspace', async () => {
    assert.deepEqual(await lib.facesFor(undefined, V, dir), { status: 'none' });
    assert.deepEqual(await lib.facesFor({}, V, dir), { status: 'none' });
    assert.deepEqual(await lib.facesFor({ 6890: 'x.npy' }, V, dir), { status: 'none' });
    const r = await lib.facesFor({ [V]: 'grid.ply' }, V, dir);
    assert.equal(r.status, 'ok');
    if (r.status === 'ok') {
      assert.equal(r.path, join(dir, 'grid.ply'));
      assert.deepEqual(r.indices, faces);
    }
  });

  test('what cannot be used is an error the page shows (it falls back to points)', async () => {
    const expectError = async (setting: unknown, count: number, base: string | null, why: RegExp) => {
      const r = await lib.facesFor(setting, count, base);
      assert.equal(r.status, 'error', JSON.stringify(setting));
      if (r.status === 'error') assert.match(r.message, why);
    };
    await expectError({ 1023: 'grid.ply' }, 1023, dir, /mesh of 1,024 vertices/);
    await expectError({ [V]: 'missing.npy' }, V, dir, /File not found/);
    await expectError({ [V]: 'grid.ply' }, V, null, /no workspace folder/);
    await expectError({ [V]: 3 }, V, dir, /must be the path/);
    await expectError(['grid.ply'], V, dir, /must map vertex counts/);
  });

  test('a faces file that changes is read again', async () => {
    const path = join(dir, 'changing.npy');
    await writeNpy(path, NdArray.fromTyped(Int32Array.of(0, 1, 2), [1, 3]));
    const a = await lib.facesFor({ 3: path }, 3, null);
    assert.ok(a.status === 'ok' && a.indices.length === 3);
    await writeNpy(path, NdArray.fromTyped(Int32Array.of(0, 1, 2, 2, 1, 0), [2, 3]));
    await utimes(path, new Date(), new Date(Date.now() + 5000));
    const b = await lib.facesFor({ 3: path }, 3, null);
    assert.ok(b.status === 'ok' && b.indices.length === 6);
  });
});
