import * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import {
  ALL_FRAMES,
  existingExportFiles,
  exportFrames,
  formatFrameRange,
  parseFrameRange,
  type ExportFormat,
  type FrameRange,
} from '../../core/bodycompress/exportFrames';
import { probeBodyCompress } from '../../core/bodycompress/probe';
import { plural } from '../../core/plural';
import { TEMPLATE_FACES_SETTING, TemplateFacesLibrary } from './templateFaces';
import { VIEW_TYPES } from '../ids';
import { choiceSetting, commandInput, displayPath, review, runJob, showInputProblem, textSetting } from '../kit/commandUi';

const TITLE = 'Export Frames';

/**
 * The template faces the editor draws bodies of `vertexCount` vertices with (the
 * `bodyCapture.templateFaces` setting), or null when none are set or they do not fit.
 */
async function templateFacesFor(path: string, vertexCount: number): Promise<Uint32Array | null> {
  const uri = vscode.Uri.file(path);
  const folder = vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
  const setting = vscode.workspace.getConfiguration('bodyCapture').get<unknown>(TEMPLATE_FACES_SETTING);
  const faces = await new TemplateFacesLibrary().facesFor(setting, vertexCount, folder?.uri.fsPath ?? null);
  if (faces.status === 'error')
    void vscode.window.showWarningMessage(`Meshes of ${vertexCount.toLocaleString('en-US')} vertices are exported without faces: ${faces.message}`);
  return faces.status === 'ok' ? faces.indices : null;
}

/** Frames of `range` a file of `length` frames has. */
function framesIn(range: FrameRange, length: number): number {
  const end = Math.min(range.end, length);
  return end <= range.start ? 0 : Math.ceil((end - range.start) / range.step);
}

/**
 * Export Frames…: frames of a BodyCompress file to .npz per frame or .ply/.obj per person. The
 * editor passes `preset.range` (its current frame) as the review list's starting point.
 */
export async function exportBodyCompressFrames(arg?: unknown, preset: { range?: FrameRange } = {}): Promise<void> {
  const path = await commandInput(TITLE, arg, {
    viewType: VIEW_TYPES.bodyCompress,
    glob: '**/*.xz',
    placeHolder: 'The BodyCompress file to export frames from',
    filters: { BodyCompress: ['xz'] },
  });
  if (!path) return;
  const failure = `Cannot export frames of ${basename(path)}`;
  let length: number | null;
  try {
    const probe = await probeBodyCompress(path);
    length = probe.length;
    // No frames (finalized empty, or cut where its frames start): nothing to offer.
    if (length === 0 || (probe.dataStart !== null && (await stat(path)).size <= probe.dataStart)) {
      void vscode.window.showInformationMessage(`${basename(path)} holds no frames: there is nothing to export.`);
      return;
    }
  } catch (err) {
    showInputProblem(failure, err);
    return;
  }
  const s = { range: preset.range ?? ALL_FRAMES, format: 'npz' as ExportFormat, dir: join(dirname(path), `${basename(path, extname(path))}_frames`) };
  const count = () => (length === null ? null : framesIn(s.range, length));
  const settings = [
    textSetting(
      'Frames',
      () => s.range,
      (r) => (s.range = r),
      (r) => (r === ALL_FRAMES ? `all${length === null ? '' : ` (${length})`}` : `${formatFrameRange(r)}${count() === null ? '' : ` (${count()})`}`),
      { prompt: 'start:end:step as in Python (e.g. 0:100:10), or one frame number', initial: () => formatFrameRange(s.range), parse: parseFrameRange },
    ),
    choiceSetting(
      'Format',
      () => s.format,
      (f) => (s.format = f),
      [
        { value: 'npz', description: 'one .npz per frame with every array (what Compress reads back)' },
        { value: 'ply', description: 'one binary PLY per person and frame (vertices, mm; with the template faces when set)' },
        { value: 'obj', description: 'one OBJ per person and frame (vertices, mm; with the template faces when set)' },
      ],
    ),
    {
      label: 'Folder',
      value: () => displayPath(s.dir),
      async edit() {
        const picked = await vscode.window.showOpenDialog({
          canSelectFiles: false,
          canSelectFolders: true,
          defaultUri: vscode.Uri.file(dirname(s.dir)),
          openLabel: 'Export Here',
        });
        if (picked?.[0]) s.dir = picked[0].fsPath;
      },
    },
  ];
  const action = {
    label: 'Export',
    detail: () => {
      const c = count();
      return `${c === null ? 'all frames' : plural(c, 'frame')} as ${s.format} → ${displayPath(s.dir)}`;
    },
  };
  if (!(await review(`${TITLE}: ${basename(path)}`, action, settings))) return;
  const existing = await existingExportFiles(s.dir, s.format);
  if (existing.length > 0) {
    const answer = await vscode.window.showWarningMessage(
      `${displayPath(s.dir)} already holds ${plural(existing.length, 'exported file')}.`,
      { modal: true, detail: 'Files with the same names will be replaced.' },
      'Replace',
    );
    if (answer !== 'Replace') return;
  }
  const expected = count();
  const result = await runJob(`Exporting frames of ${basename(path)}`, failure, (progress, signal) =>
    exportFrames(path, s.dir, {
      format: s.format,
      range: s.range,
      signal,
      faces: (vertexCount) => templateFacesFor(path, vertexCount),
      onProgress: (p) => progress.report(`frame ${p.frame}${expected ? ` (${p.frames} of ${expected})` : ''}`, expected ? p.frames / expected : null),
    }),
  );
  if (!result) return;
  // Keys of the file that cannot name an .npz member were not exported: say so, as the CLI does.
  const notes = result.leftOut;
  if (notes.length > 0)
    void vscode.window.showWarningMessage(
      `${notes.slice(0, 3).join('. ')}${notes.length > 3 ? `. ${plural(notes.length - 3, 'more key was', 'more keys were')} left out` : ''}.`,
    );
  const reveal = await vscode.window.showInformationMessage(
    `Exported ${plural(result.frames, 'frame')} (${plural(result.files, 'file')}) to ${displayPath(s.dir)}`,
    'Reveal in Explorer',
  );
  if (reveal) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(s.dir));
}
