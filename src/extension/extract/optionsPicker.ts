import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import {
  describeCameras,
  describeFrames,
  EXTRACT_PARTS,
  parseCameras,
  parseFrames,
  presetOptions,
  type ExtractLayout,
  type ExtractPart,
  type ExtractRequest,
  type PresetName,
} from '../../core/extract/extractOptions';
import { BACK, inputStep, pickManyStep, pickStep, type StepResult } from './quickSteps';

/** What the user chose in the quick picks: the request and where to write. */
export interface ExtractChoice {
  request: ExtractRequest;
  outDir: vscode.Uri;
}

type PresetItem = vscode.QuickPickItem & { preset: PresetName | 'custom' };
const PRESET_ITEMS: PresetItem[] = [
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

type LayoutItem = vscode.QuickPickItem & { layout: ExtractLayout };
type PartItem = vscode.QuickPickItem & { part: ExtractPart };
type FolderItem = vscode.QuickPickItem & { uri?: vscode.Uri };
type SummaryItem = vscode.QuickPickItem & { extract?: true };

/** What the wizard needs from its caller. */
export interface PickerContext {
  /** "Extract Performance 0026_e0". */
  title: string;
  /** Whether the first step has a Back button (to the caller's previous step, e.g. the performance pick). */
  back: boolean;
  /** The parts the performances hold: Custom offers only these. */
  parts: () => Promise<ExtractPart[] | undefined>;
  /** The size of an extraction, shown in the summary ("…: 1,234 files, 6.7 MB into extracted (12 GB free)"). */
  estimate: (choice: ExtractChoice) => Promise<string | undefined>;
}

type Step = 'preset' | 'parts' | 'cameras' | 'frames' | 'layout' | 'output' | 'summary';

/**
 * The options as a series of quick inputs, each with a Back button that returns to the previous step
 * with its answer kept: preset (or Custom: parts the files hold, cameras, frames), layout, output
 * folder, then a summary with the exact size to confirm. BACK when the user goes back from the first
 * step, undefined when they dismiss a step.
 */
export async function pickExtractOptions(ctx: PickerContext): Promise<ExtractChoice | typeof BACK | undefined> {
  const title = ctx.title;
  let preset: PresetItem | undefined;
  let parts: ExtractPart[] | undefined;
  let held: ExtractPart[] | undefined;
  let cameras = 'all';
  let frames = 'all';
  let layout: ExtractLayout = vscode.workspace.getConfiguration('bodyCapture.extract').get<ExtractLayout>('layout', 'separate');
  let outDir: vscode.Uri | undefined;
  const history: Step[] = [];
  let step: Step = 'preset';
  const request = (): ExtractRequest =>
    preset?.preset === 'custom'
      ? { parts: parts ?? [], cameras: parseCameras(cameras), frames: parseFrames(frames), layout }
      : { preset: preset?.preset ?? 'full', layout };
  for (;;) {
    const back = history.length > 0 || ctx.back;
    let result: StepResult<Step>;
    switch (step) {
      case 'preset':
        result = then(await pickStep(PRESET_ITEMS, { title: `${title}: preset`, placeholder: 'What to extract', back, active: preset }), (p) => {
          preset = p;
          return p.preset === 'custom' ? 'parts' : 'layout';
        });
        break;
      case 'parts': {
        held ??= await ctx.parts();
        if (!held) return undefined;
        const items: PartItem[] = held.map((p) => ({ label: PART_LABELS[p], part: p }));
        const full = presetOptions('full', 'unknown').parts;
        const absent = EXTRACT_PARTS.filter((p) => !held!.includes(p));
        result = then(
          await pickManyStep(items, {
            // The title has the room (the placeholder is cut at the width of the box).
            title: `${title}: parts${absent.length ? ` (not in these files: ${absent.join(', ')})` : ''}`,
            placeholder: 'Parts to extract',
            back,
            picked: items.filter((i) => (parts ? parts.includes(i.part) : full.has(i.part))),
          }),
          (chosen) => {
            parts = chosen.map((c) => c.part);
            return 'cameras';
          },
        );
        break;
      }
      case 'cameras':
        result = then(
          await inputStep({
            title: `${title}: cameras`,
            placeholder: 'Cameras to extract',
            value: cameras,
            prompt: 'Camera numbers and ranges (0-59, 18,25,30-32), spread:12, or all',
            back,
            validate: validator(parseCameras),
          }),
          (text) => {
            cameras = text;
            return 'frames';
          },
        );
        break;
      case 'frames':
        result = then(
          await inputStep({
            title: `${title}: frames`,
            placeholder: 'Frames to extract',
            value: frames,
            prompt: 'start:end:step over frame ids (::10 = every 10th), a frame id, spread:3, or all',
            back,
            validate: validator(parseFrames),
          }),
          (text) => {
            frames = text;
            return 'layout';
          },
        );
        break;
      case 'layout': {
        const items: LayoutItem[] = [
          { label: 'Separate', description: 'from_anno/ and from_raw/, by the file that stores each part', layout: 'separate' },
          { label: 'Combined', description: 'one tree per performance', layout: 'combined' },
        ];
        result = then(
          await pickStep(items, {
            title: `${title}: layout`,
            placeholder: 'Layout of the output folders',
            back,
            active: items.find((i) => i.layout === layout),
          }),
          (l) => {
            layout = l.layout;
            return 'output';
          },
        );
        break;
      }
      case 'output': {
        const picked = await pickOutputFolder(title, back, outDir);
        result = then(picked, (uri) => {
          outDir = uri;
          return 'summary';
        });
        break;
      }
      case 'summary': {
        const choice: ExtractChoice = { request: request(), outDir: outDir! };
        const size = await ctx.estimate(choice);
        if (size === undefined) return undefined;
        const confirmed = await pickStep(summaryItems(choice, preset!, size), {
          title: `${title}: summary`,
          placeholder: 'Press Enter to extract, or Back to change a choice',
          back,
          accept: (item) => item.extract === true,
        });
        if (confirmed === undefined) return undefined;
        if (confirmed !== BACK) return choice;
        result = BACK;
        break;
      }
    }
    if (result === undefined) return undefined;
    if (result === BACK) {
      const previous = history.pop();
      if (!previous) return BACK;
      step = previous;
    } else {
      history.push(step);
      step = result;
    }
  }
}

/** Maps a step's answer to the next step; Back and dismissal pass through. */
function then<T>(result: StepResult<T>, next: (value: T) => Step): StepResult<Step> {
  if (result === undefined) return undefined;
  if (result === BACK) return BACK;
  return next(result);
}

function validator(parse: (text: string) => unknown): (text: string) => string | null {
  return (text) => {
    try {
      parse(text);
      return null;
    } catch (err) {
      return errorMessage(err);
    }
  };
}

/** The summary: an Extract item with the size, then one line per choice (shown, not selectable). */
function summaryItems(choice: ExtractChoice, preset: PresetItem, size: string): SummaryItem[] {
  const r = choice.request;
  const custom = preset.preset === 'custom';
  const lines: string[] = [
    `Preset: ${custom ? 'Custom' : preset.label}`,
    ...(custom
      ? [
          `Parts: ${(r.parts ?? []).join(', ')}`,
          `Cameras: ${describeCameras(r.cameras ?? { kind: 'all' })}`,
          `Frames: ${describeFrames(r.frames ?? { kind: 'range', start: 0, end: null, step: 1 })}`,
        ]
      : [`What: ${preset.description ?? ''}`]),
    `Layout: ${r.layout === 'combined' ? 'combined (one tree per performance)' : 'separate (from_anno/ and from_raw/)'}`,
    `Output folder: ${vscode.workspace.asRelativePath(choice.outDir)}`,
  ];
  return [
    { label: '$(desktop-download) Extract', description: size, extract: true },
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    ...lines.map((label) => ({ label })),
  ];
}

/** The configured output folder (relative paths are inside the first workspace folder). */
function defaultOutputFolder(): vscode.Uri | undefined {
  const setting = vscode.workspace.getConfiguration('bodyCapture.extract').get<string>('outputFolder', 'extracted') || 'extracted';
  if (/^([a-z]:)?[\\/]/i.test(setting)) return vscode.Uri.file(setting);
  const ws = vscode.workspace.workspaceFolders?.[0];
  return ws ? vscode.Uri.joinPath(ws.uri, setting) : undefined;
}

async function pickOutputFolder(title: string, back: boolean, previous: vscode.Uri | undefined): Promise<StepResult<vscode.Uri>> {
  const fallback = defaultOutputFolder();
  const items: FolderItem[] = [];
  if (fallback)
    items.push({
      label: vscode.workspace.asRelativePath(fallback),
      description: 'output folder (setting bodyCapture.extract.outputFolder)',
      uri: fallback,
    });
  if (previous && previous.toString() !== fallback?.toString())
    items.unshift({ label: vscode.workspace.asRelativePath(previous), description: 'chosen before', uri: previous });
  items.push({ label: 'Choose a folder…' });
  for (;;) {
    const pick = await pickStep(items, { title: `${title}: output folder`, placeholder: 'Where to write (one folder per performance inside it)', back });
    if (pick === undefined || pick === BACK) return pick;
    if (pick.uri) return pick.uri;
    const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Extract here', title });
    if (chosen?.[0]) return chosen[0];
  }
}
