import { plural } from '../core/plural';
import { stat } from 'node:fs/promises';
import { DEFAULT_QUANTIZATION_MM } from '../core/bodycompress/defaults';
import { writeFrames, type FrameSource } from '../core/bodycompress/writeFrames';
import type { WriteResult, WriterOptions } from '../core/bodycompress/writer';
import type { PyValue } from '../core/bodycompress/pyValues';
import { UsageError, type CliIo } from './command';
import { printJson } from './output';
import { progressLine } from './progress';

/** The flags of every command that writes a BodyCompress file (`compress`, `convert`), for parseArgs. */
export const WRITE_FLAGS = {
  out: { type: 'string' },
  fps: { type: 'string' },
  'quantization-mm': { type: 'string' },
  'block-frames': { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export const WRITE_USAGE =
  '  --out FILE.xz (default: next to the input), --fps N (stored in the metadata), --quantization-mm 0.5,\n' +
  '  --block-frames N (a new xz block every N frames: fast random access for a few % of size),\n' +
  '  --force to replace an existing file, --json for a JSON result.';

interface WriteFlagValues {
  fps?: string;
  'quantization-mm'?: string;
  'block-frames'?: string;
}

/** Writer options and fps from the flags; UsageError for values that are not numbers in range. */
export function writeSettings(values: WriteFlagValues): { writer: WriterOptions; fps: number | undefined } {
  const q = values['quantization-mm'] === undefined ? DEFAULT_QUANTIZATION_MM : Number(values['quantization-mm']);
  if (!(q > 0) || !Number.isFinite(q)) throw new UsageError(`--quantization-mm must be a positive number (got ${values['quantization-mm']})`);
  const blockFrames = values['block-frames'] === undefined ? undefined : Number(values['block-frames']);
  if (blockFrames !== undefined && !(Number.isSafeInteger(blockFrames) && blockFrames >= 1)) {
    throw new UsageError(`--block-frames must be a whole number ≥ 1 (got ${values['block-frames']})`);
  }
  const fps = values.fps === undefined ? undefined : Number(values.fps);
  if (fps !== undefined && !(fps > 0 && Number.isFinite(fps))) throw new UsageError(`--fps must be a positive number (got ${values.fps})`);
  return { writer: { quantizationMm: q, blockFrames }, fps };
}

/** Refuses to replace an existing file unless --force. */
export async function refuseToOverwrite(out: string, force: boolean | undefined): Promise<void> {
  if (force) return;
  const exists = await stat(out).then(
    () => true,
    () => false,
  );
  if (exists) throw new UsageError(`${out} already exists; add --force to replace it`);
}

/** Writes the frames with a progress line on a terminal, then prints the result (one line, or JSON with `extra`). */
export async function writeAndReport(
  io: CliIo,
  out: string,
  source: FrameSource,
  options: WriterOptions & { metadata: PyValue; json: boolean; extra?: Record<string, unknown> },
): Promise<WriteResult> {
  const { json, extra, ...writerOptions } = options;
  const progress = io.isTty ? progressLine(io) : null;
  let r: WriteResult;
  try {
    r = await writeFrames(out, source, {
      ...writerOptions,
      onProgress: (p) => progress?.(p.verifying ? 'Verifying...' : `Compressing frame ${p.done} of ${p.total}`),
    });
  } finally {
    progress?.(null);
  }
  if (json) printJson(io, { out: r.path, frames: r.frames, fileBytes: r.fileBytes, dataBytes: r.dataBytes, ratio: r.dataBytes / r.fileBytes, ...extra });
  else io.out(`Wrote ${r.path}: ${plural(r.frames, 'frame')}, ${r.fileBytes.toLocaleString('en-US')} bytes (verified)\n`);
  return r;
}
