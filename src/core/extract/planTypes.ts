import type { NdArray } from '../numpy/ndarray';
import type { PerformanceKind, SmcFileKind } from '../smc/smcHeader';
import type { SmcPerformance } from '../smc/smcPerformance';
import type { ExtractPart, ResolvedOptions } from './extractOptions';
import type { NpzEntryLayout } from './npzLayout';
import type { PayloadReader } from './payloadReader';

/**
 * An extraction plan: every file to write for one performance, where its bytes come from and its
 * exact size, decided before anything is written (so the estimate is exact and a re-run can tell
 * complete files from missing ones).
 */
export interface ExtractPlan {
  performance: PlannedPerformance;
  /** Absolute folder of this performance: `<out>/<actor>_<part>`. */
  root: string;
  options: ResolvedOptions;
  /** Selected cameras and frames, after resolving presets against the files. */
  cameras: string[];
  frames: number[];
  /** In writing order; the two reports come last, so their presence marks a finished run. */
  files: PlannedFile[];
  /** Missing data and skipped ids, as written to extraction_info.txt. */
  notes: string[];
}

export interface PlannedPerformance {
  actorId: string;
  part: string;
  kind: PerformanceKind;
  /** Paths of the files read (null when absent). */
  anno: string | null;
  raw: string | null;
}

export type FileGroup = ExtractPart | 'report';

export interface PlannedFile {
  /** Path under the performance folder, '/'-separated. */
  rel: string;
  group: FileGroup;
  /** Bytes the file will have. */
  bytes: number;
  /** False only for encoded previews (visualization), whose size is known after encoding. */
  exact: boolean;
  source: FileSource;
}

/** A float array assembled from one dataset per row (a frame, a camera); null rows are filled with NaN. */
export interface RowsSource {
  type: 'rows';
  file: SmcFileKind;
  paths: (string | null)[];
}

export interface PlannedNpzEntry extends NpzEntryLayout {
  data: { type: 'array'; array: NdArray } | RowsSource | { type: 'audio'; file: SmcFileKind };
}

export type FileSource =
  /** Stored payload bytes, unchanged; `offset` when they lie in one unfiltered run of the file. */
  | { type: 'copy'; file: SmcFileKind; dataset: string; offset: number | null }
  | { type: 'text'; text: string }
  | { type: 'npz'; entries: PlannedNpzEntry[] }
  | { type: 'wav'; file: SmcFileKind; channels: number; sampleRate: number; frames: number }
  | { type: 'ply'; file: SmcFileKind; vertices: number; faces: number; comment: string }
  | { type: 'contact-sheet'; file: SmcFileKind; frame: number; cameras: string[] }
  | { type: 'overlay'; file: SmcFileKind; camera: string; frame: number };

/** What writing a planned file reads from (the file writers and the previews share it). */
export interface ProduceContext {
  perf: SmcPerformance;
  reader: PayloadReader;
  /** Notes about the data found while writing (e.g. an image in another format than its camera's first). */
  note(message: string): void;
}

/** Files and bytes of a plan, in total and per group. */
export interface PlanTotals {
  files: number;
  bytes: number;
  /** True when every size is exact (no visualization). */
  exact: boolean;
  byGroup: { group: FileGroup; files: number; bytes: number }[];
}

export function planTotals(files: readonly PlannedFile[]): PlanTotals {
  const groups = new Map<FileGroup, { files: number; bytes: number }>();
  let bytes = 0;
  let exact = true;
  for (const f of files) {
    bytes += f.bytes;
    exact &&= f.exact;
    const g = groups.get(f.group) ?? { files: 0, bytes: 0 };
    g.files++;
    g.bytes += f.bytes;
    groups.set(f.group, g);
  }
  return { files: files.length, bytes, exact, byGroup: [...groups].map(([group, g]) => ({ group, ...g })) };
}
