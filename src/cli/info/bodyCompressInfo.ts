import { stat } from 'node:fs/promises';
import { probeBodyCompress } from '../../core/bodycompress/probe';
import type { CliIo } from '../command';
import { formatFields, printJson } from '../output';

/** `bodycap info <file.xz>`. */
export async function bodyCompressInfo(path: string, json: boolean, io: CliIo): Promise<void> {
  const probe = await probeBodyCompress(path);
  const { size } = await stat(path);
  if (json) {
    printJson(io, { format: 'bodycompress', version: probe.version, length: probe.length, fileSize: size });
    return;
  }
  io.out(
    formatFields([
      ['File', path],
      ['Format', `BodyCompress ${probe.version ? probe.version.join('.') : '0.1 (legacy)'}`],
      ['Frames (header)', probe.length ?? 'not recorded'],
      ['Size', `${size} bytes`],
    ]),
  );
}
