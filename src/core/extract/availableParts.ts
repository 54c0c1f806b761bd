import type { SmcInventory } from '../smc/smcInventory';
import { SmcPerformance } from '../smc/smcPerformance';
import { EXTRACT_PARTS, type ExtractPart } from './extractOptions';
import type { PerformanceInput } from './extractInputs';

/** Whether an inventory holds what a part extracts (metadata always; the visualization needs colour images). */
const HOLDS: Record<ExtractPart, (inv: SmcInventory) => boolean> = {
  metadata: () => true,
  calibration: (i) => (i.calibration?.cameraIds.length ?? 0) > 0,
  images: (i) => (i.color?.images ?? 0) > 0,
  masks: (i) => (i.mask?.images ?? 0) > 0,
  audio: (i) => i.audio !== null,
  keypoints2d: (i) => (i.keypoints2d?.cameras.length ?? 0) > 0,
  keypoints3d: (i) => (i.keypoints3d?.frames.length ?? 0) > 0,
  flame: (i) => (i.flame?.frames.length ?? 0) > 0,
  uv: (i) => (i.uvTexture?.frames.length ?? 0) > 0,
  scan: (i) => i.scan !== null,
  scan_mask: (i) => (i.scanMask?.cameraIds.length ?? 0) > 0,
  visualization: (i) => (i.color?.images ?? 0) > 0,
};

/** The parts any of these inventories holds, in EXTRACT_PARTS order. */
export function partsHeld(inventories: readonly (SmcInventory | null)[]): ExtractPart[] {
  const present = inventories.filter((i): i is SmcInventory => i !== null);
  return EXTRACT_PARTS.filter((p) => present.some((inv) => HOLDS[p](inv)));
}

/**
 * The parts the performances hold (their anno and raw files together; over several performances, any
 * of them), so a Custom pick offers only those. A performance that does not open adds nothing.
 */
export async function partsOfPerformances(inputs: readonly PerformanceInput[], signal?: AbortSignal): Promise<ExtractPart[]> {
  const inventories: (SmcInventory | null)[] = [];
  for (const input of inputs) {
    signal?.throwIfAborted();
    let perf: SmcPerformance | undefined;
    try {
      perf = await SmcPerformance.open(input.primary, { partner: input.partner });
      const inv = await perf.inventory();
      inventories.push(inv.anno, inv.raw);
    } catch {
      // Reported when the extraction plans it.
    } finally {
      perf?.close();
    }
  }
  return partsHeld(inventories);
}
