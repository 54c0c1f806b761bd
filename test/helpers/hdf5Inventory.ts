import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Hdf5File } from '../../src/core/hdf5/hdf5File';
import { hdf5Tree, type Hdf5TreeNode } from '../../src/core/hdf5/hdf5Tree';

/** A dataset in the reference's `hdf5.datasets`; images also have the hash and format of their bytes. */
export interface ReferenceDataset {
  dtype: string;
  shape: number[];
  sha256?: string;
  encoded?: string;
}

/** The reference's `hdf5` inventory of a file. */
export interface ReferenceHdf5 {
  groups: string[];
  datasets: Record<string, ReferenceDataset>;
  attributes: unknown;
}

/** The generic tree walker reproduces the reference's full inventory of groups, datasets, attributes. */
export async function checkHdf5Inventory(file: { hdf5: Hdf5File }, expected: ReferenceHdf5) {
  const tree = hdf5Tree(file.hdf5);
  const groups: string[] = [];
  const datasets: Record<string, { dtype: string; shape: number[] | null }> = {};
  const attributes: Record<string, Record<string, unknown>> = {};
  const visit = (n: Hdf5TreeNode) => {
    if (n.kind === 'group' && n.path !== '/') groups.push(n.path);
    if (n.dataset) datasets[n.path] = { dtype: n.dataset.dtype.name, shape: n.dataset.shape };
    if (n.attributes.length > 0) {
      attributes[n.path] = Object.fromEntries(
        n.attributes.map((a) => {
          const type = a.dtype.kind === 'vlen-string' || a.dtype.kind === 'string' ? 'string' : a.dtype.name;
          const raw = a.value;
          const value = ArrayBuffer.isView(raw)
            ? Array.from(raw as unknown as ArrayLike<number | bigint>, Number)
            : typeof raw === 'bigint'
              ? Number(raw)
              : raw;
          return [a.name, { type, value, ...(a.shape && a.shape.length > 0 ? { shape: a.shape } : {}) }];
        }),
      );
    }
    n.children?.forEach(visit);
  };
  visit(tree);
  assert.deepEqual(groups.sort(), [...expected.groups].sort());
  const expDatasets = Object.fromEntries(Object.entries(expected.datasets).map(([p, d]) => [p, { dtype: d.dtype, shape: d.shape }]));
  assert.deepEqual(datasets, expDatasets);
  assert.deepEqual(attributes, expected.attributes);
  for (const [p, d] of Object.entries(expected.datasets)) {
    if (!d.sha256) continue;
    const bytes = (await file.hdf5.readBytes(p))!;
    assert.equal(createHash('sha256').update(bytes).digest('hex'), d.sha256, p);
    assert.equal(bytes[0] === 0xff ? 'jpeg' : 'png', d.encoded);
  }
}
