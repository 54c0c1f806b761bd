import { basename } from 'node:path';
import { RENDERME360_FPS } from '../../core/bodycompress/defaults';
import { defaultConvertOutput, openSmcConversion, type SmcConversion } from '../../core/bodycompress/fromSmc';
import type { PyDict } from '../../core/bodycompress/pyValues';
import { plural } from '../../core/plural';
import { writeFrames } from '../../core/bodycompress/writeFrames';
import { VIEW_TYPES } from '../ids';
import { confirmOutput, openInBodyCompressEditor, writeProgressText, writeSettingLines, writeSettingsFor } from './compressCommand';
import { commandInput, review, runJob, showInputProblem } from '../kit/commandUi';

const TITLE = 'Convert SMC Performance to BodyCompress';

function contents(c: SmcConversion): string {
  const what =
    c.kind === 'flame'
      ? `FLAME mesh (${plural(c.vertexCount, 'vertex', 'vertices')}) and ${plural(c.jointCount, '3D keypoint')}`
      : `${plural(c.jointCount, '3D keypoint')} (no FLAME in this part)`;
  const gaps = c.missing.flame.length + c.missing.keypoints3d.length;
  return `${c.performance}: ${what}, ${plural(c.total, 'frame')}${gaps ? `, ${plural(gaps, 'gap')} (empty in the output)` : ''}`;
}

/** Convert SMC Performance to BodyCompress…: FLAME vertices / 3D keypoints of a performance → .xz, then opens it. */
export async function convertSmcToBodyCompress(arg?: unknown): Promise<void> {
  const path = await commandInput(TITLE, arg, {
    viewType: VIEW_TYPES.smc,
    glob: '**/*.smc',
    placeHolder: 'The SMC performance to convert (anno or raw; its partner is found next to it)',
    filters: { 'RenderMe360 SMC': ['smc'] },
  });
  if (!path) return;
  const failure = `Cannot convert ${basename(path)}`;
  let conversion: SmcConversion;
  try {
    conversion = await openSmcConversion(path);
  } catch (err) {
    showInputProblem(failure, err);
    return;
  }
  try {
    const s = writeSettingsFor(defaultConvertOutput(path, conversion.performance), RENDERME360_FPS);
    const action = { label: 'Convert', detail: () => `${contents(conversion)} → ${basename(s.out)}` };
    if (!(await review(`${TITLE}: ${basename(path)}`, action, writeSettingLines(s))) || !(await confirmOutput(s))) return;
    // The metadata names the fps the user settled on (none when cleared), in its usual place.
    const metadata = new Map(conversion.metadata as PyDict);
    if (s.fps === undefined) metadata.delete('fps');
    else metadata.set('fps', s.fps);
    const result = await runJob(`Converting ${basename(path)}`, failure, (progress, signal) =>
      writeFrames(s.out, conversion, {
        metadata,
        quantizationMm: s.quantizationMm,
        signal,
        onProgress: (p) => progress.report(writeProgressText(p), p.done / p.total),
      }),
    );
    if (result) await openInBodyCompressEditor(result.path);
  } finally {
    await conversion.close();
  }
}
