// Meshes and landmarks projected through the SMC calibration, checked against numpy
// (test/helpers/reprojectionReference.py): the per-camera reprojection error table on the fixture
// and on a copy whose camera 25 is turned by 2 degrees (h5py), the FLAME and scan projections
// (also with distortion), and the scan wireframe's edges.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { meshEdges, reprojectionTable } from '../../src/extension/smc/smcReprojection';
import { closeSmcSource, openSmcSource, SmcSession } from '../../src/extension/smc/smcSession';
import type { SmcProjectedMesh, SmcReprojectionTable } from '../../src/protocol/smcProtocol';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { runH5py } from '../helpers/h5py';
import { misalignSmc, projectionReference, type ProjectionReference } from '../helpers/smcProjection';
import { tempDir } from '../helpers/tempDir';

const anno = expectedJson('smc', '0026_e0_anno');
const TOL = 1e-3;

function assertTableMatches(table: SmcReprojectionTable | null, ref: ProjectionReference): void {
  assert.ok(table);
  assert.deepEqual(table.rows.map((r) => r.camera).sort(), Object.keys(ref.errors).sort(), 'every calibrated camera, once');
  for (const row of table.rows) {
    const want = ref.errors[row.camera]!;
    assert.equal(row.landmarks, want.landmarks, row.camera);
    for (const [got, exp] of [
      [row.meanError, want.mean],
      [row.maxError, want.max],
    ] as const) {
      if (exp === null) assert.equal(got, null, row.camera);
      else assert.ok(got !== null && Math.abs(got - exp) <= TOL, `camera ${row.camera}: ${got} vs numpy ${exp}`);
    }
  }
  // Worst first; cameras without landmarks after all those with an error.
  const means = table.rows.map((r) => r.meanError ?? -1);
  assert.deepEqual(
    means,
    [...means].sort((a, b) => b - a),
  );
}

function assertPointsMatch(got: SmcProjectedMesh | null, want: [number | null, number | null][], what: string): void {
  assert.ok(got, what);
  assert.equal(got.points.length, 2 * want.length, what);
  want.forEach(([x, y], i) => {
    if (x === null || y === null) assert.ok(Number.isNaN(got.points[2 * i]), `${what} ${i} behind the camera`);
    else
      assert.ok(
        Math.abs(got.points[2 * i]! - x) <= TOL && Math.abs(got.points[2 * i + 1]! - y) <= TOL,
        `${what} vertex ${i}: ${got.points[2 * i]}, ${got.points[2 * i + 1]} vs ${x}, ${y}`,
      );
  });
}

describe('the reference fixture', () => {
  let s: SmcSession;
  const file = fixturePath('smc', '0026_e0_anno.smc');
  before(async () => {
    s = new SmcSession(await openSmcSource(file));
  });
  after(() => closeSmcSource(s.source));

  test('error table of every calibrated camera matches numpy; all near zero, none flagged', async () => {
    for (const frame of anno.keypoints3d.frames as number[]) {
      const table = await s.handlers.reprojectionErrors({ frame });
      const ref = projectionReference(file, frame, '25');
      assertTableMatches(table, ref);
      assert.equal(table!.rows.length, anno.calibration.camera_ids.length);
      assert.equal(table!.rows.filter((r) => r.meanError !== null).length, Object.keys(anno.keypoints2d.cameras).length);
      assert.ok(table!.rows.every((r) => !r.flagged));
      assert.ok(table!.median !== null && table!.median < 1e-3);
    }
  });

  test('FLAME vertices and the scan projected through a camera match numpy', async () => {
    const ref = projectionReference(file, 1, '25');
    const flame = await s.handlers.projectedFlame({ camera: '25', frame: 1 });
    assert.equal(flame?.points.length, 2 * anno.flame.keys.verts.shape[0]);
    assertPointsMatch(flame, ref.flame, 'FLAME');
    const scan = await s.handlers.projectedScan({ camera: '25' });
    assertPointsMatch(scan, ref.scan, 'scan');
    // A closed triangle mesh has 3/2 edges per face; none thinned out at this size.
    assert.equal(scan!.totalEdges, (anno.scan.ply.face_count * 3) / 2);
    assert.equal(scan!.edges!.length, 2 * scan!.totalEdges);
  });

  test('the scan wireframe joins exactly the vertices that share a face (numpy)', async () => {
    const scan = await s.handlers.projectedScan({ camera: '00' });
    const want = runH5py(
      `import h5py, numpy as np, sys
f = np.asarray(h5py.File(sys.argv[1], 'r')['Scan/vertex_indices'][()])
e = np.sort(np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]]), axis=1)
print(' '.join(f'{a}-{b}' for a, b in np.unique(e, axis=0)))`,
      [file],
    ).split(' ');
    const got = Array.from({ length: scan!.edges!.length / 2 }, (_, i) => `${scan!.edges![2 * i]}-${scan!.edges![2 * i + 1]}`);
    assert.deepEqual(got, want);
  });

  test('requests outside the file are refused', async () => {
    await assert.rejects(s.handlers.projectedFlame({ camera: '99', frame: 0 }), /camera/);
    await assert.rejects(s.handlers.reprojectionErrors({ frame: anno.camera_info.num_frame }), /outside/);
  });
});

describe('a copy with camera 25 turned by 2 degrees (h5py)', () => {
  let s: SmcSession;
  let file: string;
  before(async () => {
    const dir = await tempDir('misaligned');
    file = join(dir, '0026_e0_anno.smc');
    misalignSmc(fixturePath('smc', '0026_e0_anno.smc'), file, '25', 2);
    s = new SmcSession(await openSmcSource(file));
  });
  after(() => closeSmcSource(s.source));

  test('camera 25 tops the table, flagged, with numpy’s error; no other camera is flagged', async () => {
    const table = await s.handlers.reprojectionErrors({ frame: 0 });
    const ref = projectionReference(file, 0, '25');
    assertTableMatches(table, ref);
    const [top, second] = table!.rows;
    assert.equal(top!.camera, '25');
    assert.ok(top!.flagged && top!.meanError! > 5, JSON.stringify(top));
    assert.ok(!second!.flagged && second!.meanError! < 1e-3);
    assert.equal(table!.rows.filter((r) => r.flagged).length, 1);
  });

  test('with distortion too: FLAME and scan projections still match numpy (OpenCV model)', async () => {
    const dir = await tempDir('distorted');
    const distorted = join(dir, '0026_e0_anno.smc');
    misalignSmc(fixturePath('smc', '0026_e0_anno.smc'), distorted, '25', 0, [0.3, -0.2, 0.01, -0.02, 0.1]);
    const d = new SmcSession(await openSmcSource(distorted));
    try {
      const ref = projectionReference(distorted, 0, '25');
      assertPointsMatch(await d.handlers.projectedFlame({ camera: '25', frame: 0 }), ref.flame, 'distorted FLAME');
      assertPointsMatch(await d.handlers.projectedScan({ camera: '25' }), ref.scan, 'distorted scan');
      assertTableMatches(await d.handlers.reprojectionErrors({ frame: 0 }), ref);
    } finally {
      closeSmcSource(d.source);
    }
  });
});

describe('table ranking and wireframe thinning', () => {
  test('worst first, uncomparable cameras last in their order, flagged only far above the median', () => {
    const pts = (d: number) => [0, 0, d, 0];
    const t = reprojectionTable(0, [
      { camera: 'a', detected: [0, 0, 0, 0], projected: pts(1) },
      { camera: 'b', detected: null, projected: pts(0) },
      { camera: 'c', detected: [0, 0, 0, 0], projected: pts(20) },
      { camera: 'd', detected: [0, 0, 0, 0], projected: pts(2) },
      { camera: 'e', detected: null, projected: null },
      { camera: 'f', detected: [0, 0, Number.NaN, 0], projected: pts(4) },
    ]);
    // Means 0.5, 10, 1, 0 → median 0.75; flagged above max(3 × 0.75, 0.75 + 2) px.
    assert.deepEqual(
      t.rows.map((r) => [r.camera, r.meanError, r.maxError, r.landmarks, r.flagged]),
      [
        ['c', 10, 20, 2, true],
        ['d', 1, 2, 2, false],
        ['a', 0.5, 1, 2, false],
        ['f', 0, 0, 1, false],
        ['b', null, null, 0, false],
        ['e', null, null, 0, false],
      ],
    );
    assert.equal(t.median, 0.75);
  });

  test('a huge mesh keeps an even subset of its distinct edges', () => {
    // A strip of n quads: 2n triangles; per quad two sides, a diagonal and a rung, plus the first rung.
    const n = 1000;
    const faces: number[] = [];
    for (let i = 0; i < n; i++) faces.push(2 * i, 2 * i + 1, 2 * i + 2, 2 * i + 1, 2 * i + 3, 2 * i + 2);
    const all = meshEdges(faces, 2 * n + 2, 1e9);
    assert.equal(all.total, 4 * n + 1);
    assert.equal(all.edges.length, 2 * all.total);
    const some = meshEdges(faces, 2 * n + 2, 500);
    assert.equal(some.total, 4 * n + 1);
    assert.ok(some.edges.length / 2 <= 500 && some.edges.length / 2 > 400, String(some.edges.length));
  });
});
