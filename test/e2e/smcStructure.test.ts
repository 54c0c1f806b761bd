// The Structure view as a researcher coming from H5Web uses it, on an HDF5 file written by h5py at
// test time: members in natural order, the name filter, a heatmap of a 2-D dataset and of a plane
// of a 3-D one, a paged table, a line plot, a JPEG byte dataset shown as an image (made by ffmpeg),
// and both copy buttons. Every expected value is what h5py (or the known image colours) says.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { runH5py } from '../helpers/h5py';
import { decodePng } from '../helpers/png';
import { VsCodeSession } from './vscodeSession';

/** argv: the file to write, a JPEG to store. Prints what h5py reads back, as JSON. */
const WRITE = String.raw`
import sys, json, h5py, numpy as np
path, jpeg = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(18)
with h5py.File(path, 'w') as f:
    for i in range(13):
        f.create_group(f'frames/{i}').attrs['index'] = i
    f['grid'] = (np.arange(40)[:, None] * 100 + np.arange(60)[None, :]).astype('f4')
    f.create_dataset('volume', data=np.fromfunction(lambda k, i, j: k * 1000 + i * 10 + j, (4, 30, 50)), chunks=(1, 10, 25), compression='gzip')
    f.create_dataset('table', data=rng.normal(size=(20000, 3)) * 100, chunks=(1000, 3), compression='gzip')
    f['series'] = np.sin(np.arange(500) / 20)
    f['big'] = (np.arange(3000)[:, None] + np.arange(2000)[None, :]).astype('u1')
    f['Camera/25/color/3'] = np.frombuffer(open(jpeg, 'rb').read(), dtype='u1')
with h5py.File(path, 'r') as f:
    t = f['table']
    print(json.dumps({
        'frames': list(f['frames'].keys()),
        'page1': [[str(x) for x in row] for row in t[0:100]],
        'page2': [[str(x) for x in row] for row in t[100:200]],
        'volume3': [repr(float(f['volume'][3].min())), repr(float(f['volume'][3].max()))],
        'grid': [repr(float(f['grid'][()].min())), repr(float(f['grid'][()].max()))],
        'grid20_30': repr(float(f['grid'][20, 30])),
        'volumeT': [[str(x) for x in f['volume'][3, :20, j]] for j in range(2)],
        'jpegBytes': int(f['Camera/25/color/3'].shape[0]),
    }))
`;

interface Written {
  frames: string[];
  page1: string[][];
  page2: string[][];
  volume3: [string, string];
  grid: [string, string];
  grid20_30: string;
  volumeT: string[][];
  jpegBytes: number;
}

let vscode: VsCodeSession;
let dir: string;
let h5py: Written;
let frame: Frame;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bcv-structure-'));
  const jpeg = join(dir, 'halves.jpg');
  // A 160×120 JPEG: left half red, right half blue.
  const ff = spawnSync('ffmpeg', [
    ...['-v', 'error', '-f', 'lavfi', '-i', 'color=c=red:s=80x120', '-f', 'lavfi', '-i', 'color=c=blue:s=80x120'],
    ...['-filter_complex', 'hstack', '-frames:v', '1', '-q:v', '2', jpeg],
  ]);
  assert.equal(ff.status, 0, String(ff.stderr));
  const file = join(dir, 'structure_demo.smc');
  h5py = JSON.parse(runH5py(WRITE, [file, jpeg])) as Written;
  vscode = await VsCodeSession.start({ links: { 'structure_demo.smc': file } });
});

after(async () => {
  await vscode?.close();
  await rm(dir, { recursive: true, force: true });
});

const text = async (selector: string) => ((await frame.locator(selector).first().textContent()) ?? '').trim();

async function select(path: string): Promise<void> {
  await frame.locator(`vscode-tree-item[data-hdf5-path="${path}"]`).click();
  await vscode.webviewFrame(`#structure-details[data-path="${path}"]`);
}

/** The RGB of a pixel of an element as it appears on screen, at fractions (fx, fy) of its size. */
async function pixelAt(selector: string, points: [number, number][]): Promise<number[][]> {
  const img = decodePng(await frame.locator(selector).first().screenshot());
  return points.map(([fx, fy]) => {
    const x = Math.round(fx * (img.width - 1));
    const y = Math.round(fy * (img.height - 1));
    const i = (y * img.width + x) * img.channels;
    return [img.pixels[i]!, img.pixels[i + 1]!, img.pixels[i + 2]!];
  });
}

function near(got: number[], want: number[], tolerance: number, what: string): void {
  assert.ok(
    got.every((v, i) => Math.abs(v - want[i]!) <= tolerance),
    `${what}: ${got.join(',')} is not within ${tolerance} of ${want.join(',')}`,
  );
}

/** Viridis ends: the minimum is dark violet, the maximum yellow. */
const VIOLET = [68, 1, 84];
const YELLOW = [253, 231, 37];

test('structure: natural order, filter, heatmaps, paged table, line plot, image preview and copy actions', async () => {
  await vscode.openFile('structure_demo.smc');
  frame = await vscode.webviewFrame('#structure-tree[data-loaded]');

  // Groups named 0..12 list in numeric order (h5py lists them as 0, 1, 10, 11, 12, 2, …).
  assert.deepEqual(h5py.frames.slice(0, 4), ['0', '1', '10', '11']);
  await select('/frames');
  await frame.locator('vscode-tree-item[data-hdf5-path="/frames/12"]').waitFor();
  const listed = await frame
    .locator('vscode-tree-item[data-hdf5-path^="/frames/"]')
    .evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.hdf5Path));
  assert.deepEqual(
    listed,
    Array.from({ length: 13 }, (_, i) => `/frames/${i}`),
  );

  // The filter keeps matches and their groups: "1" matches 1, 10, 11, 12 among the opened members.
  await frame.locator('#structure-filter input').fill('1');
  await frame.locator('#structure-filter-count', { hasText: 'matches' }).waitFor();
  assert.equal(await text('#structure-filter-count'), '4 matches in the opened groups');
  const visible = await frame
    .locator('vscode-tree-item[data-hdf5-path]:not(.filtered-out)')
    .evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.hdf5Path));
  assert.deepEqual(visible, ['/', '/frames', '/frames/1', '/frames/10', '/frames/11', '/frames/12']);
  await vscode.screenshot('smc-structure-filter');
  await frame.locator('#structure-filter input').fill('');
  await frame.locator('#structure-filter-count:empty').waitFor({ state: 'attached' });

  // A 2-D float dataset: heatmap with min at the top left and max at the bottom right.
  await select('/grid');
  await frame.locator('#structure-heatmap').waitFor();
  assert.equal(await text('#structure-heatmap-legend .heatmap-min'), `min ${h5py.grid[0]}`);
  assert.equal(await text('#structure-heatmap-legend .heatmap-max'), `max ${h5py.grid[1]}`);
  const [topLeft, topRight, bottomLeft, bottomRight] = await pixelAt('#structure-heatmap', [
    [0.02, 0.02],
    [0.98, 0.02],
    [0.02, 0.98],
    [0.98, 0.98],
  ]);
  near(topLeft!, VIOLET, 12, 'grid[0, 0] (the minimum)');
  near(bottomRight!, YELLOW, 12, 'grid[39, 59] (the maximum)');
  // Values grow 100 per row and 1 per column: the top right stays violet, the bottom left is yellow-green.
  near(topRight!, VIOLET, 25, 'grid[0, 59]');
  near(bottomLeft!, YELLOW, 40, 'grid[39, 0]');
  // Hovering reads out the cell under the pointer: 51 % across and down is grid[20, 30].
  const box = (await frame.locator('#structure-heatmap').boundingBox())!;
  await frame.locator('#structure-heatmap').hover({ position: { x: box.width * 0.51, y: box.height * 0.51 } });
  await frame.locator('#structure-heatmap-readout', { hasText: '=' }).waitFor();
  assert.equal(await text('#structure-heatmap-readout'), `[20, 30] = ${h5py.grid20_30}`);
  // The Values heading at the top of the pane: caption, heatmap and legend in view (the README's screenshot).
  await frame.locator('#structure-values').evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await vscode.screenshot('smc-structure-heatmap');

  // A 3-D dataset: the plane at index 3 of axis 0.
  await select('/volume');
  await frame.locator('#structure-heatmap').waitFor();
  assert.match(await text('#structure-heatmap-caption'), /axis 1 \(rows\) × axis 2 \(columns\) at 0, :, :/);
  await frame.locator('#values-index-0 input').fill('3');
  await frame.locator('#values-index-0 input').press('Enter');
  await frame.locator('#structure-heatmap-caption', { hasText: 'at 3, :, :' }).waitFor();
  await frame.locator('#structure-heatmap-legend .heatmap-min', { hasText: h5py.volume3[0] }).waitFor();
  assert.equal(await text('#structure-heatmap-legend .heatmap-max'), `max ${h5py.volume3[1]}`);
  // Axis 2 along the rows: the plane is volume[3, :, :] transposed, in the table too.
  await frame.locator('#values-row-axis').evaluate((select) => {
    (select as HTMLElement & { value: string }).value = '2';
    select.dispatchEvent(new Event('change'));
  });
  await frame.locator('#structure-heatmap-caption', { hasText: 'axis 2 (rows) × axis 1 (columns) at 3, :, :' }).waitFor();
  await frame.locator('#values-page-label', { hasText: 'Rows 1–50 of 50 · columns 1–20 of 30' }).waitFor();
  const firstRows = await frame
    .locator('#structure-values-table tbody tr')
    .evaluateAll((rows) => rows.slice(0, 2).map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent)));
  assert.deepEqual(firstRows, h5py.volumeT);
  await frame.locator('#structure-heatmap-legend').scrollIntoViewIfNeeded();
  await vscode.screenshot('smc-structure-volume');

  // 6 MB of bytes: the heatmap reads every 3rd row and 2nd column (at most 1,024 per axis) and says so.
  await select('/big');
  await frame.locator('#structure-heatmap').waitFor();
  assert.equal(
    await text('#structure-heatmap-caption'),
    'Heatmap of axis 0 (rows) × axis 1 (columns) · every 3rd row and every 2nd column (at most 1,024 per axis and 4 MiB per slice)',
  );
  assert.equal(await text('#values-page-label'), 'Rows 1–100 of 3,000 · columns 1–20 of 2,000');

  // 20,000 rows: the table shows a page of 100, with h5py's str() of every value, and pages on.
  await select('/table');
  await frame.locator('#structure-values-table').waitFor();
  const cells = async () =>
    frame.locator('#structure-values-table tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent)));
  assert.equal(await text('#values-page-label'), 'Rows 1–100 of 20,000 · columns 1–3 of 3');
  assert.deepEqual(await cells(), h5py.page1);
  await frame.locator('#values-next-rows').click();
  await frame.locator('#values-page-label', { hasText: 'Rows 101–200' }).waitFor();
  assert.deepEqual(await cells(), h5py.page2);
  await vscode.screenshot('smc-structure-table');

  // A 1-D series is plotted.
  await select('/series');
  await frame.locator('#structure-line-plot polyline').waitFor();
  assert.equal((await frame.locator('#structure-line-plot polyline').getAttribute('points'))!.trim().split(/\s+/).length, 500);
  await frame.locator('#structure-line-plot').scrollIntoViewIfNeeded();
  await vscode.screenshot('smc-structure-plot');

  // JPEG bytes are shown as the image they hold: red on the left, blue on the right.
  for (const group of ['/Camera', '/Camera/25', '/Camera/25/color']) await select(group);
  await select('/Camera/25/color/3');
  await frame.locator('#structure-image').waitFor();
  await frame.waitForFunction(() => document.querySelector<HTMLImageElement>('#structure-image')?.complete === true);
  assert.equal(await text('#structure-image-caption'), `JPEG image, 160 × 120 pixels, ${h5py.jpegBytes.toLocaleString('en-US')} bytes stored`);
  const [left, right] = await pixelAt('#structure-image', [
    [0.25, 0.5],
    [0.75, 0.5],
  ]);
  near(left!, [255, 0, 0], 40, 'left half');
  near(right!, [0, 0, 255], 40, 'right half');
  await vscode.screenshot('smc-structure-image');

  // Both copy actions put their text on the clipboard.
  const copied = async (id: string) =>
    vscode.clipboardAfter(async () => {
      await frame.locator(id).click();
      await frame.locator(id, { hasText: 'Copied' }).waitFor();
    });
  assert.equal(await copied('#structure-copy-path'), '/Camera/25/color/3');
  assert.equal(await copied('#structure-copy-snippet'), "f['Camera/25/color/3'][()]");
});
