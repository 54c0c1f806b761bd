import { basename } from 'node:path';
import { comparePage } from '../../core/bodycompress/comparePage';
import { openBodyCompress, type BodyCompressFile } from '../../core/bodycompress/reader';
import { pageSamples } from '../../core/bodycompress/trajectorySampling';
import { InputError } from '../../core/errors';
import type { BodyCompressComparePage, BodyCompressComparison, BodyCompressFrame } from '../../protocol/bodyCompressProtocol';
import { frameForWebview } from './bodyCompressFrameData';
import { ParamError } from '../kit/requestParams';

/** The compared file's reader keeps fewer decoded frames than the editor's own (it follows the same frames). */
const COMPARE_READER = { cacheBytes: 32 << 20, prefetch: 30 };

/**
 * A second BodyCompress file opened read-only beside an editor's own (Compare with BodyCompress
 * File…): its frames for the overlay, its index progress, and pages of per-frame distances over
 * the frames both files have. No VS Code API here, so it is tested in plain Node.
 */
export class Comparison {
  private constructor(
    readonly path: string,
    private readonly file: BodyCompressFile,
  ) {}

  static async open(path: string): Promise<Comparison> {
    return new Comparison(path, await openBodyCompress(path, COMPARE_READER));
  }

  /** What the webview is told: the file's name, claimed length and index progress. */
  get info(): BodyCompressComparison {
    const p = this.file.indexProgress;
    const fraction = p.done ? 1 : p.totalCompressedBytes > 0 ? Math.min(1, p.compressedBytes / p.totalCompressedBytes) : 0;
    let maxPersons = 0;
    for (let i = 0; i < p.frames; i++) maxPersons = Math.max(maxPersons, this.file.personsIn(i));
    return {
      fileName: basename(this.path),
      length: this.file.claimedFrames,
      index: { frames: p.frames, done: p.done, fraction, maxPersons, error: p.error?.message ?? null },
    };
  }

  onIndex(listener: () => void): () => void {
    return this.file.onIndexProgress(listener);
  }

  /** Frame `frame` of this file for the overlay, or null when it has no such frame. */
  async frame(f: number): Promise<BodyCompressFrame | null> {
    const p = this.file.indexProgress;
    if (p.done && f >= p.frames) return null;
    try {
      return frameForWebview(await this.file.getFrame(f), false);
    } catch (err) {
      // Beyond the end of a file that is still being indexed, or truncated before it.
      if (err instanceof InputError) return null;
      throw err;
    }
  }

  /** A page of distances over the frames both files have indexed, every `step`-th from `from`. */
  async stats(own: BodyCompressFile, from: number, step: number): Promise<BodyCompressComparePage> {
    const common = Math.min(own.indexProgress.frames, this.file.indexProgress.frames);
    if (common <= 0) throw new ParamError('The two files have no frame in common');
    if (from >= common) throw new ParamError(`from ${from} is outside 0..${common - 1}`);
    return comparePage(
      (o) => own.frames(o),
      (o) => this.file.frames(o),
      { from, end: common, step, count: pageSamples(step) },
    );
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
