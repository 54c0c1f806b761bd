import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import {
  EXTRACT_PARTS,
  parseCameras,
  parseFrames,
  presetOptions,
  type ExtractLayout,
  type ExtractPart,
  type ExtractRequest,
  type PresetName,
} from '../../core/extract/extractOptions';

/** What the user chose in the quick picks: the request and where to write. */
export interface ExtractChoice {
  request: ExtractRequest;
  outDir: vscode.Uri;
}

const PRESET_ITEMS: (vscode.QuickPickItem & { preset: PresetName | 'custom' })[] = [
  { label: 'Full', description: 'everything stored, all cameras and frames', preset: 'full' },
  { label: 'Sample', description: '4 cameras, 3 frames, every part and a contact sheet: look first', preset: 'sample' },
  {
    label: 'Avatar research',
    description: 'speech: audio + 12 cameras every 10th frame; expressions: FLAME, UV, landmarks, calibration',
    preset: 'avatar',
  },
  { label: 'Custom…', description: 'choose parts, cameras and frames', preset: 'custom' },
];

const PART_LABELS: Record<ExtractPart, string> = {
  metadata: 'Metadata (info.json, info.txt)',
  calibration: 'Calibration (K, D, RT)',
  images: 'Colour images (stored JPEGs)',
  masks: 'Masks (stored PNGs)',
  audio: 'Audio (WAV + npz)',
  keypoints2d: '2D landmarks',
  keypoints3d: '3D landmarks',
  flame: 'FLAME parameters',
  uv: 'UV textures',
  scan: 'Scan mesh (PLY)',
  scan_mask: 'Scan masks',
  visualization: 'Visualization (contact sheet, landmark overlay; decodes JPEGs)',
};

/**
 * The options as a short series of quick picks: preset (or custom parts, cameras and frames), layout
 * and output folder. Undefined when the user cancels at any step.
 */
export async function pickExtractOptions(title: string): Promise<ExtractChoice | undefined> {
  const preset = await vscode.window.showQuickPick(PRESET_ITEMS, { title: `${title}: preset`, placeHolder: 'What to extract', ignoreFocusOut: true });
  if (!preset) return undefined;
  const request: ExtractRequest = {};
  if (preset.preset !== 'custom') request.preset = preset.preset;
  else {
    const full = presetOptions('full', 'unknown').parts;
    const parts = await vscode.window.showQuickPick(
      EXTRACT_PARTS.map((p) => ({ label: PART_LABELS[p], part: p, picked: full.has(p) })),
      { title: `${title}: parts`, placeHolder: 'Parts to extract', canPickMany: true, ignoreFocusOut: true },
    );
    if (!parts || parts.length === 0) return undefined;
    request.parts = parts.map((p) => p.part);
    const cameras = await askParsed(`${title}: cameras`, 'all', 'Camera numbers and ranges (0-59, 18,25,30-32), spread:12, or all', parseCameras);
    if (cameras === undefined) return undefined;
    request.cameras = cameras;
    const frames = await askParsed(`${title}: frames`, 'all', 'start:end:step over frame ids (::10 = every 10th), a frame id, spread:3, or all', parseFrames);
    if (frames === undefined) return undefined;
    request.frames = frames;
  }
  const config = vscode.workspace.getConfiguration('bodyCapture.extract');
  const defaultLayout = config.get<ExtractLayout>('layout', 'separate');
  const layouts: (vscode.QuickPickItem & { layout: ExtractLayout })[] = [
    { label: 'Separate', description: 'from_anno/ and from_raw/, by the file that stores each part', layout: 'separate' },
    { label: 'Combined', description: 'one tree per performance', layout: 'combined' },
  ];
  layouts.sort((a, b) => Number(b.layout === defaultLayout) - Number(a.layout === defaultLayout));
  const layout = await vscode.window.showQuickPick(layouts, { title: `${title}: layout`, placeHolder: 'Layout of the output folders', ignoreFocusOut: true });
  if (!layout) return undefined;
  request.layout = layout.layout;
  const outDir = await pickOutputFolder(title);
  return outDir ? { request, outDir } : undefined;
}

async function askParsed<T>(title: string, value: string, prompt: string, parse: (text: string) => T): Promise<T | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    value,
    prompt,
    ignoreFocusOut: true,
    validateInput: (t) => {
      try {
        parse(t);
        return null;
      } catch (err) {
        return errorMessage(err);
      }
    },
  });
  return text === undefined ? undefined : parse(text);
}

/** The configured output folder (relative paths are inside the first workspace folder). */
function defaultOutputFolder(): vscode.Uri | undefined {
  const setting = vscode.workspace.getConfiguration('bodyCapture.extract').get<string>('outputFolder', 'extracted') || 'extracted';
  if (/^([a-z]:)?[\\/]/i.test(setting)) return vscode.Uri.file(setting);
  const ws = vscode.workspace.workspaceFolders?.[0];
  return ws ? vscode.Uri.joinPath(ws.uri, setting) : undefined;
}

async function pickOutputFolder(title: string): Promise<vscode.Uri | undefined> {
  const fallback = defaultOutputFolder();
  const items: (vscode.QuickPickItem & { uri?: vscode.Uri })[] = [];
  if (fallback)
    items.push({
      label: vscode.workspace.asRelativePath(fallback, true),
      description: 'output folder (setting bodyCapture.extract.outputFolder)',
      uri: fallback,
    });
  items.push({ label: 'Choose a folder…' });
  const pick = await vscode.window.showQuickPick(items, {
    title: `${title}: output folder`,
    placeHolder: 'Where to write (one folder per performance inside it)',
    ignoreFocusOut: true,
  });
  if (!pick) return undefined;
  if (pick.uri) return pick.uri;
  const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Extract here', title });
  return chosen?.[0];
}
