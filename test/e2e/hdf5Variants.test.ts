// An HDF5 file as other pipelines write it (h5py with a user block, a float16 attribute, an
// attribute of a type we cannot decode, an LZF-compressed dataset), opened in the real VS Code:
// the Structure view lists every attribute with h5py's values, names the one it cannot read, and
// shows the compressed dataset. Values are h5py's, printed by the script that writes the file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runH5py } from '../helpers/h5py';
import { VsCodeSession } from './vscodeSession';

const WRITE = `
import sys, json, h5py, numpy as np
path = sys.argv[1]
with h5py.File(path, 'w', userblock_size=512) as f:
    f.attrs['scale'] = np.float16(0.333)
    f.attrs['name'] = 'abc'
    f.attrs['precise'] = np.longdouble(1.5)
    f.create_dataset('data/lzf', data=np.arange(4, dtype='<f4') / 3, compression='lzf', chunks=(2,))
with h5py.File(path, 'r') as f:
    print(json.dumps({'scale': repr(float(f.attrs['scale'])), 'name': f.attrs['name'], 'attrs': sorted(f.attrs.keys()),
                      'lzf': [f['data/lzf'].dtype.str, list(f['data/lzf'].shape), f['data/lzf'].compression]}))
`;

let vscode: VsCodeSession;
let dir: string;
let h5py: { scale: string; name: string; attrs: string[]; lzf: [string, number[], string] };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bcv-h5py-'));
  const file = join(dir, 'h5py_variants.smc');
  h5py = JSON.parse(runH5py(WRITE, [file])) as typeof h5py;
  vscode = await VsCodeSession.start({ links: { 'h5py_variants.smc': file } });
});

after(async () => {
  await vscode?.close();
  await rm(dir, { recursive: true, force: true });
});

test('an h5py file with a user block, float16, an undecodable attribute and LZF opens in the Structure view', async () => {
  assert.equal(h5py.lzf[2], 'lzf');
  await vscode.openFile('h5py_variants.smc');
  const frame = await vscode.webviewFrame('#hdf5-notice');
  assert.match((await frame.locator('#hdf5-notice').textContent()) ?? '', /valid HDF5 file but not a RenderMe360 SMC/);

  // The root is selected when the page opens.
  await vscode.webviewFrame('#structure-details[data-path="/"]');
  const rows = frame.locator('#structure-attributes vscode-table-row');
  await rows.first().waitFor();
  const attributes = new Map<string, string>();
  for (const row of await rows.all()) {
    const cells = await row.locator('vscode-table-cell').allTextContents();
    if (cells.length >= 3) attributes.set(cells[0]!.trim(), cells[2]!.trim());
  }
  // Every attribute h5py lists is listed; the one we cannot decode says so instead of hiding the others.
  assert.deepEqual([...attributes.keys()].sort(), h5py.attrs);
  assert.equal(attributes.get('scale'), h5py.scale);
  assert.equal(attributes.get('name'), JSON.stringify(h5py.name));
  assert.match(attributes.get('precise') ?? '', /unreadable/);
  await vscode.screenshot('hdf5-h5py-variants-attributes');

  await frame.locator('vscode-tree-item[data-hdf5-path="/data"]').click();
  const lzf = frame.locator('vscode-tree-item[data-hdf5-path="/data/lzf"]');
  await lzf.waitFor();
  assert.ok(((await lzf.textContent()) ?? '').includes(`float32 (${h5py.lzf[1].join(', ')})`));
  await lzf.click();
  const details = await vscode.webviewFrame('#structure-details[data-path="/data/lzf"]');
  assert.match((await details.locator('#structure-fields').textContent()) ?? '', /lzf/i);
  await vscode.screenshot('hdf5-h5py-variants');
});
