import type { JobSpec } from './decodeWorkerProtocol';
import type { BodyCompressHead } from './header';
import { streamOfBlocks, type SourcePiece, type XzBlock, type XzLayout, type XzStream } from './xzContainer';
import type { XzEngine } from './xzDecode';

/** Unacknowledged payload bytes a reader's decode job may have in flight. */
const FLOW_WINDOW = 32 << 20;

interface RegionBlock {
  block: XzBlock;
  stream: XzStream;
  /** Offset of the block's data within the decoded frame region. */
  offset: number;
}

export type JobPlan = Pick<JobSpec, 'pieces' | 'skipBytes' | 'firstOrdinal'>;

/**
 * The frame region of an open file (from the end of the metadata to the end of the file) and the
 * decode jobs over it: from its start, or from the xz block holding a given frame once the block
 * list is read. Shared, read-only apart from the layout arriving, by the reader's schedulers.
 */
export class FrameRegion {
  /** The xz container and the blocks of the frame region: known shortly after open. */
  layout: XzLayout | null = null;
  blocks: RegionBlock[] | null = null;
  /** Resolves when the block list was read or found unusable (never rejects). */
  readonly ready: Promise<void>;

  constructor(
    readonly path: string,
    readonly fileSize: number,
    readonly head: BodyCompressHead,
    readonly engine: XzEngine,
    readonly maxFrameBytes: number,
    layout: Promise<XzLayout>,
  ) {
    this.ready = layout.then(
      (l) => {
        this.layout = l;
        this.blocks = regionBlocksOf(l, head.frames.fileOffset);
      },
      // An unreadable block list only costs random access its shortcut.
      () => undefined,
    );
  }

  /** Compressed bytes from the start of the frame data to the end of the file. */
  get compressedBytes(): number {
    return this.fileSize - this.head.frames.fileOffset;
  }

  /** True when frames can be decoded from their own block (more than one block is known). */
  get seekable(): boolean {
    return this.blocks !== null && this.blocks.length > 1;
  }

  /** A decode job over the frame region from its start, with `over` changed. */
  job(over: Partial<Omit<JobSpec, 'id'>>): Omit<JobSpec, 'id'> {
    return {
      path: this.path,
      engine: this.engine,
      pieces: this.pieces(),
      skipBytes: 0,
      firstOrdinal: 0 - this.head.frames.objectsBefore,
      deliver: { from: 0, to: 0, step: 1 },
      index: false,
      stopAt: Infinity,
      pauseAt: Infinity,
      window: FLOW_WINDOW,
      maxObjectBytes: this.maxFrameBytes,
      ...over,
    };
  }

  /** Decode plan starting at frame i, which lies at region offset `off`: from its block when blocks are known. */
  planFrom(i: number, off: number): JobPlan {
    const blocks = this.blocks;
    if (!blocks || blocks.length <= 1) return { pieces: this.pieces(), skipBytes: off, firstOrdinal: i };
    const rb = blocks[this.blockAt(off)]!;
    const s = rb.stream;
    const pieces = streamOfBlocks(s, s.blocks.slice(s.blocks.indexOf(rb.block)));
    // Later streams follow as they are: concatenated xz streams decode as one sequence.
    const streams = this.layout!.streams;
    const next = streams[streams.indexOf(s) + 1];
    if (next) pieces.push({ start: next.fileOffset, end: Infinity });
    return { pieces, skipBytes: off - rb.offset, firstOrdinal: i };
  }

  /** Region offset where the block holding region offset `off` starts (blocks must be known). */
  blockStart(off: number): number {
    return this.blocks![this.blockAt(off)]!.offset;
  }

  private pieces(): SourcePiece[] {
    return [{ start: this.head.frames.fileOffset, end: Infinity }];
  }

  /** Block (index into `blocks`) whose decoded data contains region offset `off`. */
  private blockAt(off: number): number {
    const b = this.blocks!;
    let lo = 0;
    let hi = b.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (b[mid]!.offset <= off) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** The blocks of the frame region, with offsets relative to its decoded start; null if unusable. */
function regionBlocksOf(layout: XzLayout, fileOffset: number): RegionBlock[] | null {
  if (!layout.complete) return null;
  const streams = layout.streams.filter((s) => s.fileOffset >= fileOffset);
  if (streams.length === 0 || streams[0]!.fileOffset !== fileOffset) return null;
  const base = streams[0]!.uncompressedOffset;
  const out: RegionBlock[] = [];
  for (const s of streams) for (const b of s.blocks) out.push({ block: b, stream: s, offset: b.uncompressedOffset - base });
  return out;
}
