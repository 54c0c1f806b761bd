import type { ExtractRequest } from './extractOptions';
import type { PerformanceInput } from './extractInputs';
import type { PlanSummary } from './extractPerformance';
import type { ExtractProgress, ExtractResult } from './extractRunner';

/** Messages between the main thread and an extraction worker (one performance per worker). */
export type ToExtractWorker =
  { type: 'start'; input: PerformanceInput; request: ExtractRequest; outDir: string; version: string; dryRun: boolean; force: boolean } | { type: 'cancel' };

export type FromExtractWorker =
  | { type: 'planned'; summary: PlanSummary }
  | { type: 'progress'; progress: ExtractProgress }
  | { type: 'done'; result: ExtractResult | null }
  | { type: 'failed'; error: { name: string; code: string | null; message: string } };
