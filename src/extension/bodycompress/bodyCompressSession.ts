import { basename } from 'node:path';
import { openBodyCompress, type BodyCompressFile, type OpenOptions } from '../../core/bodycompress/reader';
import { cameraView } from '../../core/bodycompress/camera';
import { DEFAULT_FPS } from '../../core/bodycompress/defaults';
import { fileStatus } from '../../core/bodycompress/fileStatus';
import type { BodyFrame } from '../../core/bodycompress/frame';
import { asNumber, dictGet, toJsonValue, type PyValue } from '../../core/bodycompress/pyValues';
import { valueTree } from '../../core/bodycompress/valueView';
import { InputError, errorMessage } from '../../core/errors';
import { NdArray } from '../../core/numpy/ndarray';
import type { Loaded } from '../../protocol/common';
import type { BodyCompressIndexState, BodyCompressOpened, BodyCompressRequests } from '../../protocol/bodyCompressProtocol';
import { frameForWebview } from './bodyCompressFrameData';
import { trajectoryRequest } from './trajectoryRequest';
import { boolParam, frameParam, intParam, ParamError } from '../kit/requestParams';
import type { SessionHandlers } from '../kit/sessionHandlers';

/** Metadata arrays with at most this many values are sent with their values. */
const METADATA_ARRAY_VALUES = 64;
/** Metadata larger than this as JSON is not sent whole (it is shown as a note instead). */
const MAX_METADATA_JSON = 1 << 20;

/**
 * Reader options for the editor: decoded frames kept for scrubbing back and forth (64 MiB is
 * ~20 s of one SMPL person), and frames decoded ahead of the one asked for: a second of playback,
 * so the decoder seldom pauses and restarts (five people: 13 ms a frame instead of 26 with 8).
 */
export const EDITOR_READER_OPTIONS: OpenOptions = { cacheBytes: 64 << 20, prefetch: 30 };

export type OpenFile = (path: string, options: OpenOptions) => Promise<BodyCompressFile>;

/** Requests a session answers (the rest need VS Code itself). */
type Handlers = SessionHandlers<BodyCompressRequests, 'open' | 'frame' | 'personCounts' | 'trajectory'>;

/** One opening of the file: the reader and what the editor learned from it. */
interface Opening {
  file: BodyCompressFile;
  first: BodyFrame | null;
  firstError: string | null;
  /** People per indexed frame, and the most seen, kept up with the index. */
  persons: Int16Array;
  counted: number;
  maxPersons: number;
  stopListening: () => void;
}

/**
 * One open BodyCompress file, shared by every editor of the document: the reader (its decode
 * worker threads), index progress for the timeline, frames on request, and reopening when the
 * file changes on disk. Closing it ends the reader's workers. No VS Code API here, so it is
 * tested in plain Node.
 */
export class BodyCompressSession {
  private current: Promise<Loaded<Opening>>;
  private readonly indexListeners = new Set<(s: BodyCompressIndexState) => void>();
  private readonly reloadListeners = new Set<() => void>();
  private readonly vertexCounts = new Set<number>();
  private closed = false;
  private reloading: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly openFile: OpenFile = openBodyCompress,
    /** Called with errors that are not the file's fault (bugs), for the log. */
    private readonly onUnexpected: (what: string, err: unknown) => void = () => undefined,
  ) {
    this.current = this.load();
  }

  /** What the editor shows first, or why the file cannot be shown. */
  async opened(): Promise<Loaded<BodyCompressOpened>> {
    const o = await this.current;
    if (!o.ok) return o;
    const { file, first, firstError } = o.value;
    const metadata = file.metadata;
    const fps = asNumber(dictGet(metadata, 'fps'));
    const fpsOk = fps !== undefined && Number.isFinite(fps) && fps > 0 && fps <= 10_000;
    return {
      ok: true,
      value: {
        fileName: basename(this.path),
        fileSize: file.fileSize,
        format: file.format,
        version: file.version,
        length: file.claimedFrames,
        fps: fpsOk ? fps : DEFAULT_FPS,
        fpsFromFile: fpsOk,
        worldUp: worldUpOf(metadata, first),
        metadata: metadataJson(metadata),
        metadataView: valueTree('', metadata),
        index: this.indexStateOf(o.value),
        firstFrame: first ? this.webviewFrame(first, true) : null,
        firstFrameError: firstError,
      },
    };
  }

  /** Index progress now (frames 0 when the file could not be opened). */
  async indexState(): Promise<BodyCompressIndexState> {
    const o = await this.current;
    return o.ok ? this.indexStateOf(o.value) : { frames: 0, done: true, fraction: 1, maxPersons: 0, error: o.message };
  }

  /** Called as indexing advances (about ten times a second at most), also after a reload. */
  onIndex(listener: (s: BodyCompressIndexState) => void): () => void {
    this.indexListeners.add(listener);
    return () => this.indexListeners.delete(listener);
  }

  /** Called once the file has been opened again after a change on disk. */
  onReload(listener: () => void): () => void {
    this.reloadListeners.add(listener);
    return () => this.reloadListeners.delete(listener);
  }

  /** Vertex counts of the bodies in frames shown so far (for "Set Template Faces…"). */
  get vertexCountsSeen(): number[] {
    return [...this.vertexCounts];
  }

  readonly handlers: Handlers = {
    open: () => this.opened(),
    frame: async (params) => {
      const o = await this.opening();
      const i = frameParam(params, o.file.indexProgress.frames);
      const uncertainties = boolParam(params, 'uncertainties');
      return this.webviewFrame(await o.file.getFrame(i), uncertainties);
    },
    personCounts: async (params) => {
      const o = await this.opening();
      this.countPersons(o);
      const from = intParam(params, 'from', 0, o.counted);
      return o.persons.slice(from, o.counted);
    },
    trajectory: async (params) => {
      const o = await this.opening();
      return trajectoryRequest(o.file, params);
    },
  };

  /** The open reader, for passes over the frames of its own (a comparison's distances). */
  async reader(): Promise<BodyCompressFile> {
    return (await this.opening()).file;
  }

  /** Closes the reader and opens the file again (after it changed on disk); listeners are told. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(async () => {
      if (this.closed) return;
      const old = this.current;
      this.current = this.load();
      await closeOpening(old);
      await this.current;
      if (this.closed) return;
      for (const l of this.reloadListeners) l();
    });
    return this.reloading;
  }

  /** Ends the reader and its worker threads. Idempotent; later requests fail. */
  async close(): Promise<void> {
    if (this.closed) return this.reloading;
    this.closed = true;
    this.indexListeners.clear();
    this.reloadListeners.clear();
    await this.reloading;
    await closeOpening(this.current);
  }

  // ----------------------------------------------------------------------------------------------

  private async load(): Promise<Loaded<Opening>> {
    let file: BodyCompressFile;
    try {
      file = await this.openFile(this.path, EDITOR_READER_OPTIONS);
    } catch (err) {
      return this.failure(err);
    }
    const o: Opening = { file, first: null, firstError: null, persons: new Int16Array(1024), counted: 0, maxPersons: 0, stopListening: () => undefined };
    o.stopListening = file.onIndexProgress(() => {
      if (this.closed) return;
      const s = this.indexStateOf(o);
      for (const l of this.indexListeners) l(s);
    });
    try {
      o.first = await file.firstFrame();
    } catch (err) {
      // A file truncated or damaged before its first frame still shows its header and metadata.
      if (!(err instanceof InputError)) {
        o.stopListening();
        await file.close();
        return this.failure(err);
      }
      o.firstError = err.message;
    }
    return { ok: true, value: o };
  }

  private failure(err: unknown): Loaded<Opening> {
    if (err instanceof InputError) return { ok: false, code: err.code, message: err.message };
    this.onUnexpected(`opening ${this.path}`, err);
    return { ok: false, code: 'internal', message: `Could not read ${basename(this.path)}: ${errorMessage(err)}` };
  }

  private async opening(): Promise<Opening> {
    if (this.closed) throw new ParamError('The file was closed');
    const o = await this.current;
    if (!o.ok) throw new ParamError(o.message);
    return o.value;
  }

  private webviewFrame(frame: BodyFrame, uncertainties: boolean) {
    const f = frameForWebview(frame, uncertainties);
    if (f.vertexCount > 0) this.vertexCounts.add(f.vertexCount);
    return f;
  }

  /** Brings the per-frame people counts up to the index. */
  private countPersons(o: Opening): void {
    const n = o.file.indexProgress.frames;
    if (n <= o.counted) return;
    if (n > o.persons.length) {
      let cap = o.persons.length;
      while (cap < n) cap *= 2;
      const grown = new Int16Array(cap);
      grown.set(o.persons.subarray(0, o.counted));
      o.persons = grown;
    }
    for (let i = o.counted; i < n; i++) {
      const p = Math.min(o.file.personsIn(i), 0x7fff);
      o.persons[i] = p;
      if (p > o.maxPersons) o.maxPersons = p;
    }
    o.counted = n;
  }

  private indexStateOf(o: Opening): BodyCompressIndexState {
    this.countPersons(o);
    const p = o.file.indexProgress;
    const fraction = p.done ? 1 : p.totalCompressedBytes > 0 ? Math.min(1, p.compressedBytes / p.totalCompressedBytes) : 0;
    const status = fileStatus(this.path, o.file.fileSize, o.file.head, p);
    // Every frame the header announces is there (only the container's end is cut): no frame is missing.
    const claimed = o.file.claimedFrames;
    const error = p.error && !(claimed !== null && p.frames >= claimed) ? p.error.message : null;
    return { frames: p.frames, done: p.done, fraction, maxPersons: o.maxPersons, error, status };
  }
}

async function closeOpening(p: Promise<Loaded<Opening>>): Promise<void> {
  const o = await p;
  if (!o.ok) return;
  o.value.stopListening();
  await o.value.file.close();
}

/** The metadata as typed JSON, unless it is too large to send (then a note saying so). */
function metadataJson(metadata: PyValue): unknown {
  const json = toJsonValue(metadata, METADATA_ARRAY_VALUES);
  const size = JSON.stringify(json)?.length ?? 0;
  return size > MAX_METADATA_JSON ? { $note: `The metadata is ${(size / 2 ** 20).toFixed(1)} MiB as JSON, too large to show here` } : json;
}

/** World up: the metadata's `world_up` (NLF), else the first frame's camera `up`, as a unit vector. */
export function worldUpOf(metadata: PyValue, first: BodyFrame | null): [number, number, number] | null {
  const unit = (v: ArrayLike<number> | null | undefined): [number, number, number] | null => {
    if (v?.length !== 3) return null;
    const n = Math.hypot(v[0]!, v[1]!, v[2]!);
    return n > 0 && Number.isFinite(n) ? [v[0]! / n, v[1]! / n, v[2]! / n] : null;
  };
  const w = dictGet(metadata, 'world_up');
  const values = w instanceof NdArray ? w.values() : null;
  const fromMeta = values ? Array.from(values as ArrayLike<number | bigint>, Number) : Array.isArray(w) ? w.map((x) => asNumber(x) ?? NaN) : null;
  return unit(fromMeta) ?? unit(first ? cameraView(first.values.get('camera'))?.up : null);
}
