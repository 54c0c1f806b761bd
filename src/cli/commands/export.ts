import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { frameArrays, personsOf } from '../../core/bodycompress/frameArrays';
import type { NdArray } from '../../core/numpy/ndarray';
import { toJsonValue } from '../../core/bodycompress/pyValues';
import { openBodyCompress } from '../../core/bodycompress/reader';
import { InputError } from '../../core/errors';
import { writeFileAtomic } from '../../core/io/atomicFile';
import { writeNpz } from '../../core/numpy/npz';
import { writeObj } from '../../core/writers/obj';
import { writePly } from '../../core/writers/ply';
import { UsageError, type Command } from '../command';
import { printJson, reportError } from '../output';
import { progressLine } from '../progress';

const FORMATS = ['npz', 'ply', 'obj'] as const;
type Format = (typeof FORMATS)[number];

/** Python-style `start:end:step` (parts optional), or a single frame number. */
export function parseFrameRange(text: string): { start: number; end: number; step: number } {
  const parts = text.split(':');
  const num = (s: string | undefined, name: string, dflt: number) => {
    if (s === undefined || s.trim() === '') return dflt;
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--frames: ${name} must be a whole number ≥ 0 (got "${s}")`);
    return n;
  };
  if (parts.length === 1) {
    const i = num(parts[0], 'the frame', NaN);
    if (Number.isNaN(i)) throw new UsageError('--frames needs start:end:step or a frame number');
    return { start: i, end: i + 1, step: 1 };
  }
  if (parts.length > 3) throw new UsageError('--frames takes start:end:step');
  const range = { start: num(parts[0], 'start', 0), end: num(parts[1], 'end', Infinity), step: num(parts[2], 'step', 1) };
  if (range.step < 1) throw new UsageError('--frames: step must be at least 1');
  return range;
}

const pad = (i: number) => String(i).padStart(6, '0');

export const exportCommand: Command = {
  name: 'export',
  summary: 'Export BodyCompress frames to .npz per frame, or meshes (.ply/.obj) per person',
  usage: 'bodycap export <file.xz> --out DIR [--format npz|ply|obj] [--frames start:end:step] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { out: { type: 'string' }, format: { type: 'string' }, frames: { type: 'string' }, json: { type: 'boolean' } },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError('export takes exactly one file');
    if (!values.out) throw new UsageError('export needs --out DIR');
    const format = (values.format ?? 'npz') as Format;
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
    const range = values.frames ? parseFrameRange(values.frames) : { start: 0, end: Infinity, step: 1 };
    const path = positionals[0]!;
    const out = values.out;
    const json = values.json ?? false;
    const progress = io.isTty ? progressLine(io) : null;
    let frames = 0;
    let files = 0;
    try {
      const file = await openBodyCompress(path, { index: false });
      try {
        await mkdir(out, { recursive: true });
        await writeFileAtomic(join(out, 'metadata.json'), JSON.stringify(toJsonValue(file.metadata, Infinity), null, 2) + '\n');
        files++;
        for await (const frame of file.frames(range)) {
          const name = `frame_${pad(frame.index)}`;
          if (format === 'npz') {
            await writeNpz(join(out, `${name}.npz`), frameArrays(frame));
            files++;
          } else {
            const people = personsOf(frame.values.get('vertices') as NdArray | undefined);
            for (const [p, vertices] of people.entries()) {
              const target = join(out, `${name}_person_${p}.${format}`);
              const mesh = { vertices, comment: `${path} frame ${frame.index} person ${p} (mm)` };
              await (format === 'ply' ? writePly(target, mesh) : writeObj(target, mesh));
              files++;
            }
          }
          frames++;
          progress?.(`Exporting frame ${frame.index}${file.claimedFrames ? ` of ${file.claimedFrames}` : ''}`);
        }
      } finally {
        progress?.(null);
        await file.close();
      }
      if (frames === 0 && range.start > 0) {
        throw new InputError('not-found', `No frame in ${range.start}:${range.end === Infinity ? '' : range.end}:${range.step} exists in ${path}`);
      }
      if (json) printJson(io, { out, format, frames, files });
      else io.out(`Exported ${frames} frame${frames === 1 ? '' : 's'} (${files} files) to ${out}\n`);
      return 0;
    } catch (err) {
      // Files written so far are complete (each was renamed into place); say how far it got.
      if (err instanceof InputError && frames > 0) {
        return reportError(io, new InputError(err.code, `${err.message} (exported ${frames} frames before that)`), json);
      }
      return reportError(io, err, json);
    }
  },
};
