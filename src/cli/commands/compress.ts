import { parseArgs } from 'node:util';
import { defaultCompressOutput, openCompressInput, parseLengthUnit, type ArrayRoles } from '../../core/bodycompress/compressInputs';
import { fromJsonValue, type PyValue } from '../../core/bodycompress/pyValues';
import { metadataWithFps } from '../../core/bodycompress/writeFrames';
import { refuseToOverwrite, WRITE_FLAGS, WRITE_USAGE, writeAndReport, writeSettings } from '../bodyCompressWrite';
import { UsageError, type Command } from '../command';
import { reportError } from '../output';

export const compressCommand: Command = {
  name: 'compress',
  summary: 'Write a BodyCompress .xz from .npz/.npy arrays or a folder of per-frame .npz',
  usage:
    'bodycap compress <input.npz | input.npy | folder> [--out file.xz] [--units mm|m] [--metadata JSON] [--fps N]\n' +
    '       [--vertices NAME] [--joints NAME] [--vertex-uncertainties NAME] [--joint-uncertainties NAME]\n' +
    '       [--quantization-mm 0.5] [--block-frames N] [--force] [--json]\n' +
    '  input: vertices (T, V, 3) or (T, P, V, 3), optional joints (same leading axes), vertex_uncertainties,\n' +
    '  joint_uncertainties (m); --vertices etc. name arrays called otherwise (--joints "" for none).\n' +
    '  --units: of vertices and joints (default mm; m is converted to mm).\n' +
    '  A folder holds one .npz per frame (as `bodycap export` writes) and optionally metadata.json.\n' +
    WRITE_USAGE,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        ...WRITE_FLAGS,
        metadata: { type: 'string' },
        units: { type: 'string' },
        vertices: { type: 'string' },
        joints: { type: 'string' },
        'vertex-uncertainties': { type: 'string' },
        'joint-uncertainties': { type: 'string' },
      },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError('compress takes exactly one input');
    const input = positionals[0]!;
    const out = values.out ?? defaultCompressOutput(input);
    const settings = writeSettings(values);
    let metadata: PyValue | undefined;
    if (values.metadata !== undefined) {
      try {
        metadata = fromJsonValue(JSON.parse(values.metadata));
      } catch (err) {
        throw new UsageError(`--metadata is not valid JSON: ${(err as Error).message}`);
      }
    }
    // An empty name means "none"; an absent flag, the standard name when the input has it.
    const role = (v: string | undefined) => (v === undefined ? undefined : v === '' ? null : v);
    const roles: ArrayRoles = {
      vertices: role(values.vertices),
      joints: role(values.joints),
      vertex_uncertainties: role(values['vertex-uncertainties']),
      joint_uncertainties: role(values['joint-uncertainties']),
    };
    const json = values.json ?? false;
    try {
      const unit = values.units === undefined ? 'mm' : parseLengthUnit(values.units);
      await refuseToOverwrite(out, values.force);
      const source = await openCompressInput(input, { roles, unit });
      try {
        await writeAndReport(io, out, source, { ...settings.writer, metadata: metadataWithFps(metadata ?? source.metadata, settings.fps), json });
        return 0;
      } finally {
        await source.close();
      }
    } catch (err) {
      if (err instanceof UsageError) throw err;
      return reportError(io, err, json);
    }
  },
};
