import { parseArgs } from 'node:util';
import { InputError } from '../../core/errors';
import { freeBytes } from '../../core/extract/diskSpace';
import { isAbortError } from '../../core/errors';
import { extractInWorkers, type BatchItem } from '../../core/extract/extractBatch';
import { resolveInputs, type PerformanceInput } from '../../core/extract/extractInputs';
import { parseCameras, parseFrames, parseParts, PRESETS, type ExtractRequest, type PresetName } from '../../core/extract/extractOptions';
import { extractPerformance, type PlanSummary } from '../../core/extract/extractPerformance';
import { progressText } from '../../core/extract/progressText';
import { formatBytes } from '../../core/formatBytes';
import { UsageError, type CliIo, type Command } from '../command';
import { formatTable, printJson, reportError } from '../output';
import { escapeControl } from '../../core/printable';
import { progressLine } from '../progress';
import pkg from '../../../package.json';

const USAGE = `bodycap extract <file.smc | folder>... --out DIR [--layout separate|combined]
    [--parts images,masks,audio,keypoints2d,keypoints3d,flame,uv,scan,scan_mask,calibration,metadata,visualization]
    [--cameras 0-59 | 18,25,30-32 | spread:12] [--frames start:end:step | spread:3] [--preset full|sample|avatar]
    [--dry-run] [--force] [--jobs N] [--json]
  A file is one performance (its anno/raw partner is found next to it or in the release layout); a folder
  is every performance under it. Output: DIR/<actor>_<part>/ (from_anno/ and from_raw/ with --layout separate).
  Images and masks are the stored JPEG/PNG bytes. Re-running skips complete files; --force rewrites them.
  --jobs N: performances extracted at once, one worker thread each (default: cores).`;

export const extractCommand: Command = {
  name: 'extract',
  summary: 'Extract SMC performances (anno + raw) into an organized folder tree',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        layout: { type: 'string' },
        parts: { type: 'string' },
        cameras: { type: 'string' },
        frames: { type: 'string' },
        preset: { type: 'string' },
        'dry-run': { type: 'boolean' },
        force: { type: 'boolean' },
        jobs: { type: 'string' },
        json: { type: 'boolean' },
      },
      allowPositionals: true,
    });
    if (positionals.length === 0) throw new UsageError('extract needs at least one .smc file or folder');
    if (!values.out) throw new UsageError('extract needs --out DIR');
    const json = values.json ?? false;
    let request: ExtractRequest;
    let jobs: number | undefined;
    try {
      request = parseRequest(values);
      jobs = values.jobs === undefined ? undefined : Number(values.jobs);
      if (jobs !== undefined && !(Number.isSafeInteger(jobs) && jobs >= 1)) throw new UsageError(`--jobs must be a whole number ≥ 1 (got ${values.jobs})`);
    } catch (err) {
      if (err instanceof InputError) throw new UsageError(err.message);
      throw err;
    }
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.once('SIGINT', onSigint);
    try {
      const { performances, problems } = await resolveInputs(positionals);
      for (const p of problems) io.err(`bodycap: warning: ${escapeControl(p)}\n`);
      if (performances.length === 0) throw new InputError('not-found', 'No SMC performance to extract');
      const dryRun = values['dry-run'] ?? false;
      const opts = { out: values.out, dryRun, force: values.force ?? false, jobs, signal: abort.signal, free: await freeBytes(values.out) };
      const items = performances.length === 1 ? [await inProcess(performances[0]!, request, opts, io)] : await inWorkers(performances, request, opts, io);
      return await report(io, items, { json, dryRun, out: values.out });
    } catch (err) {
      if (isAbortError(err)) {
        io.err('bodycap: cancelled; complete files were kept and temporary files removed (run again to resume)\n');
        return 130;
      }
      return reportError(io, err, json);
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};

function parseRequest(values: { layout?: string; parts?: string; cameras?: string; frames?: string; preset?: string }): ExtractRequest {
  const request: ExtractRequest = {};
  if (values.preset !== undefined) {
    if (!(PRESETS as readonly string[]).includes(values.preset)) throw new UsageError(`--preset must be one of ${PRESETS.join(', ')}`);
    request.preset = values.preset as PresetName;
  }
  if (values.layout !== undefined) {
    if (values.layout !== 'separate' && values.layout !== 'combined') throw new UsageError('--layout must be separate or combined');
    request.layout = values.layout;
  }
  if (values.parts !== undefined) request.parts = parseParts(values.parts);
  if (values.cameras !== undefined) request.cameras = parseCameras(values.cameras);
  if (values.frames !== undefined) request.frames = parseFrames(values.frames);
  return request;
}

interface RunOpts {
  out: string;
  dryRun: boolean;
  force: boolean;
  jobs: number | undefined;
  signal: AbortSignal;
  /** Free bytes at the output when the command started. */
  free: number | null;
}

/** One performance: planned and written in this process (nothing else competes for the thread). */
async function inProcess(input: PerformanceInput, request: ExtractRequest, o: RunOpts, io: CliIo): Promise<BatchItem> {
  const progress = io.isTty ? progressLine(io) : null;
  try {
    const { summary, result } = await extractPerformance(input, request, o.out, {
      version: pkg.version,
      dryRun: o.dryRun,
      force: o.force,
      signal: o.signal,
      onPlanned: (s) => (o.dryRun ? undefined : announce(io, s, o.free)),
      onProgress: (p) => progress?.(`${input.label}: ${progressText(p)}`),
    });
    return { input, summary, result, error: null };
  } catch (err) {
    if (isAbortError(err) || !(err instanceof InputError)) throw err;
    return { input, summary: null, result: null, error: { code: err.code, message: err.message } };
  } finally {
    progress?.(null);
  }
}

/** Several performances: one worker thread each, `--jobs` at a time. */
async function inWorkers(inputs: PerformanceInput[], request: ExtractRequest, o: RunOpts, io: CliIo): Promise<BatchItem[]> {
  const progress = io.isTty ? progressLine(io) : null;
  try {
    return await extractInWorkers(inputs, request, o.out, {
      version: pkg.version,
      dryRun: o.dryRun,
      force: o.force,
      signal: o.signal,
      concurrency: o.jobs,
      onPlanned: (_input, s) => {
        progress?.(null);
        if (!o.dryRun) announce(io, s, o.free);
      },
      onProgress: (p) => progress?.(`${inputs.length} performances: ${progressText(p)}`),
    });
  } finally {
    progress?.(null);
  }
}

/** The estimate before writing, with the free space at the start (a re-run needs less: complete files are kept). */
function announce(io: CliIo, s: PlanSummary, free: number | null): void {
  const fits = free === null || s.bytes <= free ? '' : ' — more than is free; complete files from an earlier run are kept, so a re-run needs less';
  io.err(`${s.label}: ${s.files.toLocaleString('en-US')} files, ${formatBytes(s.bytes)}${free === null ? '' : ` (${formatBytes(free)} free)`}${fits}\n`);
}

async function report(io: CliIo, items: BatchItem[], o: { json: boolean; dryRun: boolean; out: string }): Promise<number> {
  const failed = items.filter((i) => i.error);
  const free = await freeBytes(o.out);
  if (o.json) {
    printJson(io, {
      out: o.out,
      dryRun: o.dryRun,
      freeBytes: free,
      performances: items.map((i) => ({
        label: i.input.label,
        files: [i.input.primary, i.input.partner].filter(Boolean),
        plan: i.summary && {
          root: i.summary.root,
          files: i.summary.files,
          bytes: i.summary.bytes,
          exact: i.summary.exact,
          byGroup: i.summary.byGroup,
          notes: i.summary.notes,
        },
        result: i.result,
        error: i.error,
      })),
    });
  } else {
    const rows = items.map((i) => {
      const s = i.summary;
      if (i.error) return [i.input.label, '—', '—', `failed: ${i.error.message}`];
      if (o.dryRun || !i.result) return [i.input.label, String(s!.files), formatBytes(s!.bytes), `${s!.notes.length} notes → ${s!.root}`];
      const r = i.result;
      const speed = r.seconds > 0 ? `${formatBytes(r.bytesWritten / r.seconds)}/s` : '';
      return [
        i.input.label,
        String(s!.files),
        formatBytes(s!.bytes),
        `${r.filesWritten} written, ${r.filesSkipped} skipped in ${r.seconds.toFixed(1)} s ${speed} → ${r.root}`,
      ];
    });
    io.out(formatTable(['performance', 'files', 'size', o.dryRun ? 'plan' : 'result'], rows));
    const total = items.reduce((n, i) => n + (i.summary?.bytes ?? 0), 0);
    if (o.dryRun) io.out(`Would write ${formatBytes(total)}${free === null ? '' : ` (${formatBytes(free)} free)`}; nothing was written.\n`);
    for (const i of items) for (const n of i.result?.notes ?? []) io.err(`bodycap: ${i.input.label}: ${escapeControl(n)}\n`);
  }
  for (const f of failed) io.err(`bodycap: ${f.input.label}: ${escapeControl(f.error!.message)}\n`);
  if (failed.length === 0) return 0;
  return failed.every((f) => f.error!.code) ? 2 : 1;
}
