import * as vscode from 'vscode';
import { plural } from '../../core/plural';
import { basename } from 'node:path';
import {
  defaultCompressOutput,
  frameCount,
  guessLengthUnit,
  inspectCompressInput,
  openCompressInput,
  pointArrays,
  uncertaintyArrays,
  type ArrayRoles,
  type CompressInput,
  type InputArray,
  type LengthUnit,
} from '../../core/bodycompress/compressInputs';
import { DEFAULT_QUANTIZATION_MM } from '../../core/bodycompress/defaults';
import { fromJsonValue, type PyValue } from '../../core/bodycompress/pyValues';
import { metadataWithFps, writeFrames, type WriteProgress } from '../../core/bodycompress/writeFrames';
import { InputError } from '../../core/errors';
import { VIEW_TYPES } from '../ids';
import { commandInput, confirmReplace, displayPath, review, runJob, showInputProblem, textSetting, type Setting } from '../kit/commandUi';

const TITLE = 'Compress to BodyCompress';

/** Opens a written file in the BodyCompress editor. */
export async function openInBodyCompressEditor(path: string): Promise<void> {
  await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(path), VIEW_TYPES.bodyCompress);
}

export function writeProgressText(p: WriteProgress): string {
  return p.verifying ? 'verifying the written file…' : `frame ${p.done} of ${p.total}`;
}

/** Settings shared by Compress and Convert: output file, quantization step, fps. */
export interface WriteSettings {
  out: string;
  quantizationMm: number;
  fps: number | undefined;
  /** The output the user already agreed to replace (in the save dialog). */
  replaceConfirmed?: string;
}

export function writeSettingsFor(out: string, fps: number | undefined): WriteSettings {
  return { out, fps, quantizationMm: vscode.workspace.getConfiguration('bodyCapture.compress').get<number>('quantizationMm', DEFAULT_QUANTIZATION_MM) };
}

const positiveNumber = (what: string) => (text: string) => {
  const n = Number(text.trim());
  if (!(text.trim() !== '' && n > 0 && Number.isFinite(n))) throw new Error(`${what} must be a positive number`);
  return n;
};

/** Review lines for the output file, quantization and fps. */
export function writeSettingLines(s: WriteSettings): Setting[] {
  return [
    {
      label: 'Output',
      value: () => displayPath(s.out),
      async edit() {
        const uri = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(s.out), filters: { BodyCompress: ['xz'] }, saveLabel: 'Write Here' });
        if (uri) s.out = s.replaceConfirmed = uri.fsPath; // the save dialog asked about replacing
      },
    },
    textSetting(
      'Quantization',
      () => s.quantizationMm,
      (v) => (s.quantizationMm = v),
      (v) => `${v} mm`,
      {
        prompt: 'Quantization step in millimetres (0.5 mm keeps every point within 0.25 mm)',
        initial: () => String(s.quantizationMm),
        parse: positiveNumber('The step'),
      },
    ),
    textSetting(
      'Frame rate',
      () => s.fps,
      (v) => (s.fps = v),
      (v) => (v === undefined ? 'not recorded' : `${v} fps`),
      {
        prompt: 'Frames per second, stored as fps in the metadata (empty: none)',
        initial: () => (s.fps === undefined ? '' : String(s.fps)),
        parse: (t) => (t.trim() === '' ? undefined : positiveNumber('The frame rate')(t)),
      },
    ),
  ];
}

/** Asks to replace an existing output unless the save dialog already did. */
export function confirmOutput(s: WriteSettings): Promise<boolean> {
  return s.replaceConfirmed === s.out ? Promise.resolve(true) : confirmReplace(s.out);
}

interface ArrayItem extends vscode.QuickPickItem {
  name: string | null;
}

/** Asks which array plays a role; the suggestion comes first. null = none; undefined = dismissed. */
async function pickArray(
  question: string,
  candidates: InputArray[],
  suggested: string | null | undefined,
  optional: boolean,
): Promise<string | null | undefined> {
  const items: ArrayItem[] = candidates.map((a) => ({
    label: a.name,
    description: `(${a.shape.join(', ')}) ${a.dtype}${a.name === suggested ? ' · suggested' : ''}`,
    name: a.name,
  }));
  const none: ArrayItem = { label: 'None', description: optional ? 'leave it out' : '', name: null };
  if (optional) items.push(none);
  const first = items.findIndex((i) => i.name === (suggested ?? null));
  if (first > 0) items.unshift(...items.splice(first, 1));
  const picked = await vscode.window.showQuickPick(items, { title: TITLE, placeHolder: question, matchOnDescription: true });
  return picked ? picked.name : undefined;
}

/** Asks which arrays are vertices, joints and uncertainties (inputs without the standard names). */
async function pickRoles(input: CompressInput): Promise<ArrayRoles | undefined> {
  const points = pointArrays(input);
  if (points.length === 0) {
    const dims = input.layout === 'folder' ? '(V, 3) or (P, V, 3)' : '(T, V, 3) or (T, P, V, 3)';
    throw new InputError(
      'invalid-value',
      `no array has the shape of vertices, ${dims} (it has: ${input.arrays.map((a) => `${a.name} (${a.shape.join(', ')})`).join(', ')})`,
    );
  }
  const byName = (n: string | null | undefined) => input.arrays.find((a) => a.name === n);
  const vertices = await pickArray('Which array holds the vertices?', points, input.roles.vertices, false);
  if (!vertices) return undefined;
  const joints = await pickArray(
    'Which array holds the joints? (None: an empty joints array)',
    points.filter((a) => a.name !== vertices),
    input.roles.joints,
    true,
  );
  if (joints === undefined) return undefined;
  const roles: ArrayRoles = { vertices, joints };
  for (const [key, of] of [
    ['vertex_uncertainties', vertices],
    ['joint_uncertainties', joints],
  ] as const) {
    const candidates = uncertaintyArrays(input, byName(of));
    if (candidates.length === 0) {
      roles[key] = null;
      continue;
    }
    const picked = await pickArray(`Which array holds the ${key.replace('_', ' ')} (metres)?`, candidates, input.roles[key], true);
    if (picked === undefined) return undefined;
    roles[key] = picked;
  }
  return roles;
}

/** Asks for the unit of the points, the guess from the data first. */
async function pickUnit(guess: { unit: LengthUnit; largest: number } | null): Promise<LengthUnit | undefined> {
  const hint = guess
    ? `The first frame's coordinates reach ${Number(guess.largest.toPrecision(3))}: this looks like ${guess.unit === 'm' ? 'metres' : 'millimetres'}`
    : undefined;
  const items: (vscode.QuickPickItem & { unit: LengthUnit })[] = [
    { label: 'mm', description: 'millimetres, stored as they are', unit: 'mm' },
    { label: 'm', description: 'metres, converted to millimetres', unit: 'm' },
  ];
  if (guess?.unit === 'm') items.reverse();
  if (hint) items[0]!.detail = hint;
  const picked = await vscode.window.showQuickPick(items, { title: TITLE, placeHolder: 'Unit of the vertices and joints in this input' });
  return picked?.unit;
}

/** Compress to BodyCompress…: .npz / .npy / a folder of per-frame .npz → .xz, then opens it. */
export async function compressToBodyCompress(arg?: unknown): Promise<void> {
  const path = await commandInput(TITLE, arg, {
    glob: '**/*.{npz,npy}',
    placeHolder: 'The .npz or .npy to compress (Browse… also takes a folder of per-frame .npz)',
    filters: { 'numpy arrays': ['npz', 'npy'] },
    canSelectFolders: true,
  });
  if (!path) return;
  const failure = `Cannot compress ${basename(path)}`;
  let input: CompressInput;
  let roles: ArrayRoles | undefined;
  let guess: Awaited<ReturnType<typeof guessLengthUnit>>;
  try {
    input = await inspectCompressInput(path);
    roles = input.standardNames ? input.roles : await pickRoles(input);
    if (!roles) return;
    guess = await guessLengthUnit(path, roles);
  } catch (err) {
    showInputProblem(failure, err);
    return;
  }
  const unit = await pickUnit(guess);
  if (!unit) return;

  const s = writeSettingsFor(defaultCompressOutput(path), undefined);
  let metadata: PyValue | undefined;
  let metadataText = '';
  const metadataLine = textSetting(
    'Metadata',
    () => metadataText,
    (t) => {
      metadataText = t;
      metadata = t.trim() === '' ? undefined : fromJsonValue(JSON.parse(t));
    },
    (t) => t || (input.layout === 'folder' ? "the folder's metadata.json, if any" : 'none'),
    {
      prompt: 'Metadata as JSON, e.g. {"video_path": "take1.mp4"} (empty: none)',
      initial: () => metadataText,
      parse: (t) => (t.trim() === '' ? '' : (JSON.parse(t), t)),
    },
  );
  const frames = frameCount(input, roles);
  const action = {
    label: 'Compress',
    detail: () => `${frames === null ? '? frames' : plural(frames, 'frame')} in ${unit === 'm' ? 'metres' : 'millimetres'} → ${basename(s.out)}`,
  };
  const confirmed = await review(`${TITLE}: ${basename(path)}`, action, [...writeSettingLines(s), metadataLine]);
  if (!confirmed || !(await confirmOutput(s))) return;

  const result = await runJob(`Compressing ${basename(path)}`, failure, async (progress, signal) => {
    const source = await openCompressInput(path, { roles, unit });
    try {
      return await writeFrames(s.out, source, {
        metadata: metadataWithFps(metadata ?? source.metadata, s.fps),
        quantizationMm: s.quantizationMm,
        signal,
        onProgress: (p) => progress.report(writeProgressText(p), p.total ? p.done / p.total : null),
      });
    } finally {
      await source.close();
    }
  });
  if (result) await openInBodyCompressEditor(result.path);
}
