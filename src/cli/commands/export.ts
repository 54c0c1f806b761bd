import { parseArgs } from 'node:util';
import { ALL_FRAMES, EXPORT_FORMATS, exportFrames, parseFrameRange, type ExportFormat } from '../../core/bodycompress/exportFrames';
import { InputError } from '../../core/errors';
import { checkFacesFit, readFacesFile } from '../../core/faces/readFaces';
import { plural } from '../../core/plural';
import { UsageError, type Command } from '../command';
import { printJson, reportError } from '../output';
import { progressLine } from '../progress';

export const exportCommand: Command = {
  name: 'export',
  summary: 'Export BodyCompress frames to .npz per frame, or meshes (.ply/.obj) per person',
  usage: 'bodycap export <file.xz> --out DIR [--format npz|ply|obj] [--frames start:end:step] [--faces FACES.npy|.ply|.obj] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { out: { type: 'string' }, format: { type: 'string' }, frames: { type: 'string' }, faces: { type: 'string' }, json: { type: 'boolean' } },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError('export takes exactly one file');
    if (!values.out) throw new UsageError('export needs --out DIR');
    const format = (values.format ?? 'npz') as ExportFormat;
    if (!EXPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
    if (values.faces !== undefined && format === 'npz') throw new UsageError('--faces applies to --format ply or obj');
    const path = positionals[0]!;
    const out = values.out;
    const json = values.json ?? false;
    const progress = io.isTty ? progressLine(io) : null;
    let frames = 0;
    try {
      const range = values.frames ? parseFrameRange(values.frames) : ALL_FRAMES;
      // The template faces (as Set Template Faces gives the editor): bodies they do not fit are written without them, once said.
      const facesPath = values.faces;
      const template = facesPath !== undefined ? await readFacesFile(facesPath) : null;
      const faces = async (vertexCount: number) => {
        if (!template || facesPath === undefined) return null;
        try {
          checkFacesFit(template, vertexCount, facesPath);
          return template.indices;
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          io.err(`bodycap: warning: meshes of ${plural(vertexCount, 'vertex', 'vertices')} are written without faces: ${err.message}\n`);
          return null;
        }
      };
      const r = await exportFrames(path, out, {
        format,
        range,
        faces,
        onProgress: (p) => {
          frames = p.frames;
          progress?.(`Exporting frame ${p.frame}${p.claimedFrames ? ` of ${p.claimedFrames}` : ''}`);
        },
      });
      progress?.(null);
      for (const note of r.leftOut) io.err(`bodycap: warning: ${note}\n`);
      if (json) printJson(io, { out, format, frames: r.frames, files: r.files, ...(r.leftOut.length ? { leftOut: r.leftOut } : {}) });
      else io.out(`Exported ${r.frames} frame${r.frames === 1 ? '' : 's'} (${r.files} files) to ${out}\n`);
      return 0;
    } catch (err) {
      progress?.(null);
      // Files written so far are complete (each was renamed into place); say how far it got.
      if (err instanceof InputError && frames > 0) {
        return reportError(io, new InputError(err.code, `${err.message} (exported ${plural(frames, 'frame')} before that)`), json);
      }
      return reportError(io, err, json);
    }
  },
};
