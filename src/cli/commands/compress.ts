import { parseArgs } from 'node:util';
import { openFrameSource } from '../../core/bodycompress/frameSources';
import { fromJsonValue, type PyValue } from '../../core/bodycompress/pyValues';
import { createBodyCompressWriter } from '../../core/bodycompress/writer';
import { InputError } from '../../core/errors';
import { UsageError, type Command } from '../command';
import { printJson, reportError } from '../output';
import { progressLine } from '../progress';

export const compressCommand: Command = {
  name: 'compress',
  summary: 'Write a BodyCompress .xz from .npz/.npy arrays or a folder of per-frame .npz',
  usage:
    'bodycap compress <input.npz | input.npy | folder> --out <file.xz> [--metadata JSON] [--quantization-mm 0.5] [--block-frames N] [--json]\n' +
    '  input: vertices (T, V, 3) or (T, P, V, 3) in mm, optional joints, vertex_uncertainties, joint_uncertainties (m);\n' +
    '  a folder holds one .npz per frame (as `bodycap export` writes) and optionally metadata.json.\n' +
    '  --block-frames N starts a new xz block every N frames: random access gets fast for a few % of size.',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        metadata: { type: 'string' },
        'quantization-mm': { type: 'string' },
        'block-frames': { type: 'string' },
        json: { type: 'boolean' },
      },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError('compress takes exactly one input');
    if (!values.out) throw new UsageError('compress needs --out <file.xz>');
    const q = values['quantization-mm'] === undefined ? 0.5 : Number(values['quantization-mm']);
    if (!(q > 0) || !Number.isFinite(q)) throw new UsageError(`--quantization-mm must be a positive number (got ${values['quantization-mm']})`);
    const blockFrames = values['block-frames'] === undefined ? undefined : Number(values['block-frames']);
    if (blockFrames !== undefined && !(Number.isSafeInteger(blockFrames) && blockFrames >= 1)) {
      throw new UsageError(`--block-frames must be a whole number ≥ 1 (got ${values['block-frames']})`);
    }
    let metadata: PyValue | undefined;
    if (values.metadata !== undefined) {
      try {
        metadata = fromJsonValue(JSON.parse(values.metadata));
      } catch (err) {
        throw new UsageError(`--metadata is not valid JSON: ${(err as Error).message}`);
      }
    }
    const json = values.json ?? false;
    const progress = io.isTty ? progressLine(io) : null;
    try {
      const source = await openFrameSource(positionals[0]!);
      try {
        const writer = await createBodyCompressWriter(values.out, { metadata: metadata ?? source.metadata ?? null, quantizationMm: q, blockFrames });
        try {
          let t = 0;
          for await (const frame of source.frames()) {
            try {
              await writer.append(frame);
            } catch (err) {
              if (err instanceof InputError) throw new InputError(err.code, `Frame ${t}: ${err.message}`);
              throw err;
            }
            t++;
            progress?.(`Compressing frame ${t} of ${source.total}`);
          }
          progress?.('Verifying...');
          const r = await writer.close();
          progress?.(null);
          if (json) printJson(io, { out: r.path, frames: r.frames, fileBytes: r.fileBytes, dataBytes: r.dataBytes, ratio: r.dataBytes / r.fileBytes });
          else io.out(`Wrote ${r.path}: ${r.frames} frames, ${r.fileBytes.toLocaleString('en-US')} bytes (verified)\n`);
          return 0;
        } finally {
          await writer.abort();
        }
      } finally {
        progress?.(null);
        await source.close();
      }
    } catch (err) {
      return reportError(io, err, json);
    }
  },
};
