import { ALL_FORMATS, CustomSource, Input, VideoSampleSink, type InputVideoTrack, type VideoSample } from 'mediabunny';

/**
 * A video demuxed and decoded in the page (mediabunny + WebCodecs) from byte ranges the host reads
 * for us: nothing is fetched but the ranges the demuxer asks for, and the frame shown for frame i
 * is the one whose presentation time covers (i + 0.5) / fps after the first. Frame rate and frame
 * count come from the container's packets, not from playing it.
 */

/** Frame rates a detected one is taken for when within 1 % (after the file's own). */
const COMMON_RATES = [24000 / 1001, 24, 25, 30000 / 1001, 30, 48, 50, 60000 / 1001, 60, 100, 120];
/** A frame further ahead than this (s) is decoded from its key frame rather than by decoding on through the frames between. */
const DECODE_ON_LIMIT_S = 2;
/** Packets whose timestamps give the frame rate: ~2 s of video is read for it, not the whole file. */
const RATE_PACKETS = 64;

/** The container or codec is one this page cannot decode. */
export class UnplayableVideo extends Error {}

export type ReadBytes = (start: number, end: number) => Promise<Uint8Array>;

export class StreamedVideo {
  /** The decoding position: samples from a key frame on, and where the span of the last one taken ends (s). */
  private cursor: { samples: AsyncGenerator<VideoSample, void, unknown>; end: number } | null = null;
  /** One frame at a time: the cursor is shared. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly input: Input,
    private readonly sink: VideoSampleSink,
    private readonly first: number,
    readonly fps: number,
    readonly frames: number,
  ) {}

  /**
   * Opens the video of `size` bytes read through `read`. Throws UnplayableVideo when it is not a
   * video this page decodes, and whatever `read` throws when the bytes cannot be had.
   */
  static async open(size: number, read: ReadBytes, fileFps: number): Promise<StreamedVideo> {
    let readError = null as Error | null;
    const source = new CustomSource({
      getSize: () => size,
      read: (start, end) =>
        read(start, end).catch((err: unknown) => {
          readError = err instanceof Error ? err : new Error('the host did not answer');
          throw readError;
        }),
      // Small page-aligned read-ahead: 'network' read ahead 4x more of a 22 MB video (9.2 MB
      // against 2.4 MB to open it and show 3 frames) in about as many round trips.
      prefetchProfile: 'fileSystem',
    });
    const input = new Input({ formats: ALL_FORMATS, source });
    try {
      const track = await input.getPrimaryVideoTrack();
      if (!track) throw new UnplayableVideo('no video track');
      if (!(await track.canDecode())) throw new UnplayableVideo(`${(await track.getCodec()) ?? 'unknown'} video is not decoded here`);
      const [first, end, fps] = await Promise.all([track.getFirstTimestamp(), track.computeDuration(), frameRate(track, fileFps)]);
      const frames = Math.max(0, Math.round((end - first) * fps));
      return new StreamedVideo(input, new VideoSampleSink(track), first, fps, frames);
    } catch (err) {
      input.dispose();
      if (readError) throw readError;
      throw err instanceof UnplayableVideo ? err : new UnplayableVideo(err instanceof Error ? err.message : String(err));
    }
  }

  /** The decoded image of frame `f` and the frame number its timestamp says it is; null beyond the end. Close the sample when drawn. */
  frame(f: number): Promise<{ sample: VideoSample; index: number } | null> {
    const next = this.queue.then(() => this.decode(f));
    this.queue = next.catch(() => undefined);
    return next;
  }

  dispose(): void {
    const c = this.cursor;
    this.cursor = null;
    void c?.samples.return().catch(() => undefined);
    this.input.dispose();
  }

  private async decode(f: number): Promise<{ sample: VideoSample; index: number } | null> {
    const t = this.first + (f + 0.5) / this.fps;
    // Decoding on from the samples already decoded serves playback; the frame taken last, one before
    // it or a long jump ahead starts again at the key frame before t.
    if (!this.cursor || t < this.cursor.end || t - this.cursor.end > DECODE_ON_LIMIT_S) {
      void this.cursor?.samples.return().catch(() => undefined);
      this.cursor = { samples: this.sink.samples(t), end: -Infinity };
    }
    const cursor = this.cursor;
    for (;;) {
      const r = await cursor.samples.next();
      if (r.done) {
        this.cursor = null;
        return null;
      }
      const s = r.value;
      cursor.end = s.timestamp + (s.duration > 0 ? s.duration : 1 / this.fps);
      // The sample whose span covers t (or the first after it, when the video skips a frame there).
      if (cursor.end > t) return { sample: s, index: Math.round((s.timestamp - this.first) * this.fps) };
      s.close();
    }
  }
}

/** The track's frame rate from its packets' timestamps; the file's rate or a common one when within 1 %. */
async function frameRate(track: InputVideoTrack, fileFps: number): Promise<number> {
  const m = await track.computeFrameRateMetrics({ targetPacketCount: RATE_PACKETS });
  const fps = m.underlyingFrameRate ?? m.bestGuessFrameRate;
  if (!(fps > 0)) throw new UnplayableVideo('no frame rate');
  return [fileFps, ...COMMON_RATES].find((r) => Math.abs(fps - r) / r < 0.01) ?? fps;
}
