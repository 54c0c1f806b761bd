/**
 * Every custom editor the extension registers, with a fixture it opens and one valid request per
 * method its webview sends. The security, trust and leak tests (unit and e2e) run over this list;
 * a test fails when package.json declares an editor that is missing here, or when a webview sends
 * a method that has no entry, or when its requests differ from those its protocol declares, so a new
 * or rewritten editor is covered once its line is added.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bodyCompressRequests } from '../../src/protocol/bodyCompressProtocol';
import type { RequestMap } from '../../src/protocol/rpc';
import { smcRequests } from '../../src/protocol/smcProtocol';
import { expectedJson, FIXTURES } from './fixtures';

export interface EditorFixture {
  viewType: string;
  /** The editor's protocol object (src/protocol): every request it declares. */
  protocol: RequestMap;
  /** A file the editor opens, relative to test/fixtures (also its place in the e2e workspace). */
  fixture: string;
  /** method → params of a request that succeeds on the fixture. */
  requests: Record<string, unknown>;
}

const anno = expectedJson('smc', '0026_e0_anno');
/** A 1×1 PNG, as a screenshot the webview sends. */
const ONE_PIXEL_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

export const EDITORS: EditorFixture[] = [
  {
    viewType: 'bodyCapture.smc',
    protocol: smcRequests,
    fixture: 'smc/0026_e0_anno.smc',
    requests: {
      reopenWith: null,
      open: null,
      contents: null,
      image: { camera: '25', kind: 'color', frame: 0 },
      keypoints: { camera: anno.keypoints2d.samples[0].camera, frame: anno.keypoints2d.samples[0].frame },
      calibration: null,
      keypoints3d: { frame: 0 },
      flameVertices: { frame: anno.flame.frames[0] },
      scanMesh: null,
      reprojectionErrors: { frame: 0 },
      projectedFlame: { camera: '25', frame: anno.flame.frames[0] },
      projectedScan: { camera: '25' },
      flameFaces: { vertexCount: anno.flame.keys.verts.shape[0] },
      flameFrame: { frame: anno.flame.frames[0] },
      flameSeries: { name: 'jaw_pose' },
      flameAlbedo: { frame: anno.flame.frames[0] },
      uvTexture: { frame: anno.uv_texture.frames[0] },
      scanMask: { camera: anno.scan_mask.camera_ids[0] },
      audio: { buckets: 64 },
      structure: { file: 0, path: '/Camera' },
      datasetSlice: { file: 0, path: '/Keypoints2d/25/0', start: [0, 0], count: [2, 2], step: [1, 1], text: true },
      datasetImage: { file: 0, path: '/Camera/25/mask/0' },
      copyText: { text: 'camera 25' },
      exportVideo: {
        targets: [{ id: 'view', label: 'View', detail: '', nativeSize: null }],
        reason: null,
        frames: 1,
        current: 0,
        fps: 29.97,
        viewSize: [64, 48],
      },
      videoProgress: { id: 1, done: 0 },
      videoWrite: { id: 1, position: 0, data: new Uint8Array(4) },
      videoFinish: { id: 1, error: null },
      saveContactSheet: { png: ONE_PIXEL_PNG, frame: 0 },
    },
  },
  {
    viewType: 'bodyCapture.bodycompress',
    protocol: bodyCompressRequests,
    fixture: 'bodycompress/long_300f_multiblock.xz',
    requests: {
      reopenWith: null,
      open: null,
      frame: { frame: 0, uncertainties: true },
      personCounts: { from: 0 },
      faces: { vertexCount: 6890 },
      saveScreenshot: { png: ONE_PIXEL_PNG, frame: 0 },
      exportFrames: { start: 0, end: null },
      trajectory: { person: 0, kind: 'joint', index: 0, from: 0, step: 30 },
      compareWith: null,
      stopCompare: null,
      compareFrame: { frame: 0 },
      compareStats: { from: 0, step: 1 },
      sourceVideo: null,
      sourceVideoBytes: { token: 0, start: 0, end: 1 },
      sourceImage: { token: 0, index: 0 },
      pickSourceVideo: null,
      exportVideo: {
        targets: [{ id: 'view', label: 'View', detail: '', nativeSize: null }],
        reason: null,
        frames: 1,
        current: 0,
        fps: 29.97,
        viewSize: [64, 48],
      },
      videoProgress: { id: 1, done: 0 },
      videoWrite: { id: 1, position: 0, data: new Uint8Array(4) },
      videoFinish: { id: 1, error: null },
    },
  },
];

/** Requests with effects outside the editor (pickers, dialogs, the clipboard), left out where a test only reads. */
export const SIDE_EFFECTS = new Set([
  'reopenWith',
  'copyText',
  'saveScreenshot',
  'exportFrames',
  'compareWith',
  'pickSourceVideo',
  'exportVideo',
  'saveContactSheet',
]);

/** The requests of an editor that only read. */
export const readRequests = (e: EditorFixture): [string, unknown][] => Object.entries(e.requests).filter(([m]) => !SIDE_EFFECTS.has(m));

export const fixtureFile = (e: EditorFixture): string => join(FIXTURES, e.fixture);

/** The custom editors package.json contributes. */
export function contributedEditors(): string[] {
  const manifest = JSON.parse(readFileSync(join(FIXTURES, '..', '..', 'package.json'), 'utf8'));
  return manifest.contributes.customEditors.map((e: { viewType: string }) => e.viewType);
}

/** Every method the webview bundle `bundle` (src/webview/<bundle>/) sends with `request('…'`. */
export function methodsSentByWebview(bundle: string): string[] {
  const dir = join(FIXTURES, '..', '..', 'src', 'webview', bundle);
  const methods = new Set<string>();
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!f.endsWith('.ts')) continue;
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/\brequest(?:<[^>]*>)?\(\s*['"](\w+)['"]/g)) methods.add(m[1]!);
  }
  return [...methods].sort();
}
