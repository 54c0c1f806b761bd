import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isAbortError } from '../errors';
import { removeTemporaryFiles } from '../io/atomicFile';
import type { SmcPerformance } from '../smc/smcPerformance';
import { PayloadReader } from './payloadReader';
import type { ExtractPlan, PlannedFile, ProduceContext } from './planTypes';
import type { CopyJob } from './copyProtocol';
import { copyInThreads } from './copyThreads';
import { expectedContent, produceFile, STREAM_COPY_BYTES } from './produceFile';
import { isComplete } from './resumeCheck';
import { insideRoot } from './safeNames';

export interface ExtractProgress {
  filesTotal: number;
  /** Written or skipped so far. */
  filesDone: number;
  filesSkipped: number;
  bytesTotal: number;
  /** Bytes of the files done (written or skipped). */
  bytesDone: number;
  bytesWritten: number;
  seconds: number;
}

export interface ExtractResult {
  root: string;
  filesWritten: number;
  filesSkipped: number;
  bytesWritten: number;
  bytesSkipped: number;
  seconds: number;
  /** Found while writing (e.g. an image whose format differs from its camera's first). */
  notes: string[];
}

export interface RunOptions {
  /** Rewrite files that are already complete. */
  force?: boolean;
  signal?: AbortSignal;
  /** Called at most every `progressMs` (default 100 ms) and once at the end. */
  onProgress?: (p: ExtractProgress) => void;
  progressMs?: number;
  /** Generated files written at once, and completeness checks run at once (default 8). */
  concurrency?: number;
  /** Threads copying stored payloads (default 2). */
  copyThreads?: number;
}

const DEFAULT_CONCURRENCY = 8;
/** Copy threads per performance: one per core of a typical laptop or of this 2-core VM. */
const COPY_THREADS = 2;
const SCRATCH_BYTES = 2 ** 20;

/**
 * Writes a plan: every file through a temporary name and a rename, skipping files already complete
 * (unless `force`), with progress and cancellation. Cancelling (or a failure) lets the files in flight
 * finish or abort, removes every temporary file of the tree, and rejects (AbortError when cancelled);
 * the complete files stay, so a re-run resumes. The two reports are written last.
 */
export async function runExtraction(plan: ExtractPlan, perf: SmcPerformance, options: RunOptions = {}): Promise<ExtractResult> {
  const started = performance.now();
  const { signal } = options;
  signal?.throwIfAborted();
  const notes: string[] = [];
  const reader = await PayloadReader.open({ anno: perf.anno, raw: perf.raw });
  const ctx: ProduceContext = { perf, reader, note: (m) => notes.push(m) };
  const dirs = plannedDirs(plan);
  const progress: ExtractProgress = {
    filesTotal: plan.files.length,
    filesDone: 0,
    filesSkipped: 0,
    bytesTotal: plan.files.reduce((n, f) => n + f.bytes, 0),
    bytesDone: 0,
    bytesWritten: 0,
    seconds: 0,
  };
  let lastReport = 0;
  const report = (final = false) => {
    const now = performance.now();
    if (!options.onProgress || (!final && now - lastReport < (options.progressMs ?? 100))) return;
    lastReport = now;
    options.onProgress({ ...progress, seconds: (now - started) / 1000 });
  };
  const done = (file: PlannedFile, skipped: boolean) => {
    if (skipped) progress.filesSkipped++;
    else progress.bytesWritten += file.bytes;
    progress.filesDone++;
    progress.bytesDone += file.bytes;
    report();
  };
  const write = async (file: PlannedFile, scratch: Buffer) => {
    await produceFile(file, insideRoot(plan.root, file.rel), ctx, scratch);
    done(file, false);
  };
  // Files already there (from an earlier run): only those need the completeness check.
  let existing = new Set<string>();
  // Stops the copy threads and the other writers together when either fails.
  const inner = new AbortController();
  const stopInner = () => inner.abort();
  signal?.addEventListener('abort', stopInner, { once: true });
  try {
    existing = await removeTemporaryFiles(dirs);
    for (const d of dirs) await mkdir(d, { recursive: true });
    const todo: PlannedFile[] = [];
    const check = plan.files.filter((f) => f.group !== 'report' && !options.force && existing.has(insideRoot(plan.root, f.rel)));
    const checked = new Set<PlannedFile>();
    await pool(
      check,
      options.concurrency ?? DEFAULT_CONCURRENCY,
      async (f) => {
        if (await isComplete(f, insideRoot(plan.root, f.rel), () => expectedContent(f, ctx))) {
          checked.add(f);
          done(f, true);
        }
      },
      signal,
    );
    for (const f of interleaveByFolder(plan.files.filter((f) => f.group !== 'report'))) if (!checked.has(f)) todo.push(f);
    // Stored payloads at known offsets go to the copy threads; everything else is written here.
    const direct = (f: PlannedFile) => f.source.type === 'copy' && f.source.offset !== null && f.bytes <= STREAM_COPY_BYTES;
    const jobs: CopyJob[] = [];
    const copied: PlannedFile[] = [];
    for (const f of todo.filter(direct)) {
      const s = f.source as Extract<PlannedFile['source'], { type: 'copy' }>;
      jobs.push({ source: reader.file(s.file).path, dataset: s.dataset, offset: s.offset!, length: f.bytes, target: insideRoot(plan.root, f.rel) });
      copied.push(f);
    }
    let copiedCount = 0;
    const stopOthersOnFailure = (err: unknown) => {
      inner.abort();
      throw err;
    };
    const results = await Promise.allSettled([
      copyInThreads(jobs, {
        threads: options.copyThreads ?? COPY_THREADS,
        signal: inner.signal,
        onCopied: (files) => {
          for (let i = 0; i < files; i++) done(copied[copiedCount++]!, false);
        },
      }).then((r) => notes.push(...r.notes), stopOthersOnFailure),
      pool(
        todo.filter((f) => !direct(f)),
        options.concurrency ?? DEFAULT_CONCURRENCY,
        write,
        inner.signal,
      ).catch(stopOthersOnFailure),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !isAbortError(r.reason));
    if (failed) throw failed.reason;
    signal?.throwIfAborted();
    // The reports last: their presence says the extraction finished.
    const scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
    for (const f of plan.files.filter((f) => f.group === 'report')) {
      if (!options.force && existing.has(insideRoot(plan.root, f.rel)) && (await isComplete(f, insideRoot(plan.root, f.rel), () => expectedContent(f, ctx))))
        done(f, true);
      else await write(f, scratch);
    }
  } catch (err) {
    inner.abort();
    await removeTemporaryFiles(dirs);
    throw err;
  } finally {
    signal?.removeEventListener('abort', stopInner);
    await reader.close();
  }
  report(true);
  return {
    root: plan.root,
    filesWritten: progress.filesDone - progress.filesSkipped,
    filesSkipped: progress.filesSkipped,
    bytesWritten: progress.bytesWritten,
    bytesSkipped: progress.bytesDone - progress.bytesWritten,
    seconds: (performance.now() - started) / 1000,
    notes,
  };
}

/**
 * Runs `work` over `items` with `width` in flight, in order. Stops starting new items after the first
 * failure or an abort, waits for those in flight, then rethrows.
 */
async function pool<T>(items: readonly T[], width: number, work: (item: T, scratch: Buffer) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | null = null;
  const lane = async () => {
    const scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
    while (next < items.length && !failure && !signal?.aborted) {
      const item = items[next++]!;
      try {
        await work(item, scratch);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, lane));
  if (failure) throw (failure as { err: unknown }).err;
  signal?.throwIfAborted();
}

/**
 * The files in round-robin order over their folders (cam_00/frame_0, cam_01/frame_0, ...): writes in
 * flight then go to different folders, which ext4 handles in parallel, while creating and renaming in
 * one folder serializes on that folder's lock (measured: ~20 % faster, with less system time).
 */
function interleaveByFolder(files: PlannedFile[]): PlannedFile[] {
  const folders = new Map<string, PlannedFile[]>();
  for (const f of files) {
    const dir = f.rel.slice(0, f.rel.lastIndexOf('/') + 1);
    const list = folders.get(dir);
    if (list) list.push(f);
    else folders.set(dir, [f]);
  }
  const lists = [...folders.values()];
  const out: PlannedFile[] = [];
  for (let i = 0; out.length < files.length; i++) for (const l of lists) if (i < l.length) out.push(l[i]!);
  return out;
}

/** Every folder the plan writes into, parents first. */
function plannedDirs(plan: ExtractPlan): string[] {
  const dirs = new Set<string>([plan.root]);
  for (const f of plan.files) dirs.add(dirname(insideRoot(plan.root, f.rel)));
  return [...dirs].sort();
}
