import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { InputError } from '../../core/errors';
import { sniffFile } from '../../core/io/fileHead';
import { UsageError, type Command } from '../command';
import { bodyCompressInfo } from '../info/bodyCompressInfo';
import { smcFolderInfo, smcInfo } from '../info/smcInfo';
import { reportError } from '../output';

export const infoCommand: Command = {
  name: 'info',
  summary: 'Describe a RenderMe360 .smc or BodyCompress .xz file, or list the performances in a folder',
  usage: 'bodycap info <file.smc | file.xz | folder> [--json]',
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, allowPositionals: true });
    if (positionals.length !== 1) throw new UsageError('info takes exactly one file or folder');
    const path = positionals[0]!;
    const json = values.json ?? false;
    try {
      // A folder: every RenderMe360 performance in its tree, paired.
      if (await isDirectory(path)) {
        await smcFolderInfo(path, json, io);
        return 0;
      }
      // Route by content, not by extension: a misnamed file still gets the right reader or message.
      const kind = await sniffFile(path);
      if (kind === 'xz' || (kind !== 'hdf5' && path.toLowerCase().endsWith('.xz'))) return await bodyCompressInfo(path, json, io);
      if (kind === 'hdf5' || kind === 'empty' || path.toLowerCase().endsWith('.smc')) await smcInfo(path, json, io);
      else throw new InputError('unsupported', `Not a RenderMe360 .smc (HDF5) or BodyCompress .xz file: ${path}`);
      return 0;
    } catch (err) {
      return reportError(io, err, json);
    }
  },
};

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false; // missing or unreadable: the file readers report it
  }
}
