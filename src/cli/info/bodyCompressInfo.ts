import { openBodyCompress, type BodyCompressSummary, type Seekability } from '../../core/bodycompress/reader';
import { toJsonValue } from '../../core/bodycompress/pyValues';
import type { CliIo } from '../command';
import { formatFields, printJson } from '../output';
import { progressLine } from '../progress';

const SEEK_TEXT: Record<Seekability, string> = {
  blocks: 'random access by block',
  'single-block': 'one block: a frame is found by decoding the frames from the start',
  sequential: 'block list unreadable (truncated or damaged file): sequential access only',
};

/**
 * `bodycap info <file.xz>`: header, metadata and what a full pass over the frames finds. Returns the
 * exit code: 2 when the frames end early (truncated or damaged), so batch checks notice.
 */
export async function bodyCompressInfo(path: string, json: boolean, io: CliIo): Promise<number> {
  const file = await openBodyCompress(path);
  const progress = io.isTty ? progressLine(io) : null;
  const stop = file.onIndexProgress((p) =>
    progress?.(`Indexing ${path}: ${p.frames} frames, ${Math.round((100 * p.compressedBytes) / Math.max(1, p.totalCompressedBytes))}%`),
  );
  let s: BodyCompressSummary;
  try {
    s = await file.summary();
  } finally {
    stop();
    progress?.(null);
    await file.close();
  }
  const length = s.format === 'v0.2' ? s.claimedFrames : null;
  if (json) {
    printJson(io, {
      format: 'bodycompress',
      path,
      version: s.version,
      length,
      frames: s.frames,
      complete: s.error === null,
      metadata: toJsonValue(s.metadata),
      keys: s.keys,
      persons: s.persons,
      blocks: s.blocks,
      seekable: s.seekability,
      fileSize: s.fileBytes,
      compressedBytes: s.dataCompressedBytes,
      uncompressedBytes: s.dataUncompressedBytes,
      ratio: s.ratio,
      error: s.error ? { code: s.error.code, message: s.error.message } : null,
    });
  } else {
    const meta = JSON.stringify(toJsonValue(s.metadata, 8));
    io.out(
      formatFields([
        ['File', path],
        ['Format', s.version ? `BodyCompress ${s.version.join('.')}` : 'BodyCompress 0.1 (legacy, no header)'],
        ['Frames', `${s.frames}${length !== null ? ` (header: ${length})` : s.claimedFrames !== null ? ` (metadata: ${s.claimedFrames})` : ''}`],
        ['Keys', s.keys.join(', ') || '—'],
        ['People per frame', s.persons ? (s.persons.min === s.persons.max ? `${s.persons.min}` : `${s.persons.min}–${s.persons.max}`) : '—'],
        ['Metadata', meta.length > 300 ? `${meta.slice(0, 297)}...` : meta],
        ['xz blocks', s.blocks === null ? `unknown (${SEEK_TEXT[s.seekability]})` : `${s.blocks} (${SEEK_TEXT[s.seekability]})`],
        ['File size', `${s.fileBytes.toLocaleString('en-US')} bytes`],
        [
          'Frame data',
          `${s.dataCompressedBytes.toLocaleString('en-US')} bytes compressed, ${s.dataUncompressedBytes.toLocaleString('en-US')} uncompressed` +
            (s.ratio ? ` (ratio ${s.ratio.toFixed(2)}×)` : ''),
        ],
      ]),
    );
  }
  // Still worth describing, but say clearly that the data ends early.
  if (!s.error) return 0;
  io.err(`bodycap: ${s.error.message}\n`);
  return 2;
}
