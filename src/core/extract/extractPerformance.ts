import { SmcPerformance } from '../smc/smcPerformance';
import type { ExtractRequest } from './extractOptions';
import type { PerformanceInput } from './extractInputs';
import { planExtraction } from './extractPlan';
import { runExtraction, type ExtractResult, type RunOptions } from './extractRunner';
import { planTotals, type ExtractPlan, type PlanTotals } from './planTypes';

/** What a plan will write, small enough to pass between threads and show to the user. */
export interface PlanSummary extends PlanTotals {
  label: string;
  root: string;
  cameras: string[];
  frameCount: number;
  notes: string[];
}

export function summarize(label: string, plan: ExtractPlan): PlanSummary {
  return { label, root: plan.root, cameras: plan.cameras, frameCount: plan.frames.length, notes: plan.notes, ...planTotals(plan.files) };
}

export interface ExtractOneOptions extends RunOptions {
  /** The tool version written into extraction_info.txt. */
  version: string;
  /** Plan only: report what would be written. */
  dryRun?: boolean;
  /** Called with the plan's summary before anything is written. */
  onPlanned?: (summary: PlanSummary) => void;
}

/** Plans and (unless dryRun) runs the extraction of one performance, in this thread. */
export async function extractPerformance(
  input: PerformanceInput,
  request: ExtractRequest,
  outDir: string,
  options: ExtractOneOptions,
): Promise<{ summary: PlanSummary; result: ExtractResult | null }> {
  const perf = await SmcPerformance.open(input.primary, { partner: input.partner });
  try {
    const plan = await planExtraction(perf, request, outDir, options.version);
    const summary = summarize(input.label, plan);
    options.onPlanned?.(summary);
    if (options.dryRun) return { summary, result: null };
    return { summary, result: await runExtraction(plan, perf, options) };
  } finally {
    perf.close();
  }
}
