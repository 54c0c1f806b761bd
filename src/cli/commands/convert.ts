import { parseArgs } from 'node:util';
import { defaultConvertOutput, openSmcConversion } from '../../core/bodycompress/fromSmc';
import { refuseToOverwrite, WRITE_FLAGS, WRITE_USAGE, writeAndReport, writeSettings } from '../bodyCompressWrite';
import { UsageError, type Command } from '../command';
import { reportError } from '../output';

export const convertCommand: Command = {
  name: 'convert',
  summary: 'Convert a RenderMe360 .smc performance (FLAME vertices, 3D keypoints) to BodyCompress .xz',
  usage:
    'bodycap convert <file.smc> [--out file.xz] [--fps 30] [--partner FILE | --no-partner]\n' +
    '       [--quantization-mm 0.5] [--block-frames N] [--force] [--json]\n' +
    '  Expression parts: FLAME verts (5023) as vertices and the 106 3D keypoints as joints; other parts:\n' +
    '  the keypoints as both. Metres become millimetres. The anno/raw partner is found next to the file.\n' +
    '  Default output: <actor>_<part>.xz next to the input.\n' +
    WRITE_USAGE,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...WRITE_FLAGS, partner: { type: 'string' }, 'no-partner': { type: 'boolean' } },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError('convert takes exactly one .smc file');
    if (values.partner !== undefined && values['no-partner']) throw new UsageError('--partner and --no-partner exclude each other');
    const settings = writeSettings(values);
    const json = values.json ?? false;
    const input = positionals[0]!;
    try {
      const conversion = await openSmcConversion(input, { fps: settings.fps, partner: values['no-partner'] ? null : values.partner });
      try {
        const out = values.out ?? defaultConvertOutput(input, conversion.performance);
        await refuseToOverwrite(out, values.force);
        const extra = { kind: conversion.kind, vertices: conversion.vertexCount, joints: conversion.jointCount, missing: conversion.missing };
        await writeAndReport(io, out, conversion, { ...settings.writer, metadata: conversion.metadata, json, extra });
        return 0;
      } finally {
        await conversion.close();
      }
    } catch (err) {
      if (err instanceof UsageError) throw err;
      return reportError(io, err, json);
    }
  },
};
