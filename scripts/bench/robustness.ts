/**
 * Robustness figures: the randomized fault run of the tests (test/support/faultRun.ts),
 * through the real `twilio` SDK and msw to the stand-in, reported instead of asserted.
 */
import { faultRunOnce } from '../../src/rig/faultRun';

const STEPS = 1000;
/** Open search: a new seed every run (the tests run fixed ones); a failure names its seed to replay with FAULT_RUN_SEED. */
const SEED = Number(process.env.FAULT_RUN_SEED ?? Date.now() % 1_000_000);

export async function run(): Promise<string[]> {
  const outcome = await faultRunOnce({ steps: STEPS, seed: SEED, flexOrder: true });
  // A seed that breaks the rule is the finding: print it to replay (FAULT_RUN_SEED=<seed> npm test -- test/serverless/faultRun.test.ts).
  if ('broken' in outcome) return [`fault run (${STEPS} steps, seed ${SEED}): RULE BROKEN — ${outcome.broken}`];
  const { report } = outcome;
  return [
    `fault run (${report.steps} steps, seed ${SEED}): ${report.faultsInjected} faults injected (429, 500, 503, 16114, dropped connections on recordings and Sync)`,
    `  answers: ${Object.entries(report.answers)
      .map(([status, count]) => `${count} × ${status}`)
      .join(', ')}; partial pauses undone within their request: ${report.partialPausesUndone}`,
    `  recordings found paused without a hold after a step: ${report.violationsRepaired} (each flagged and repaired by the sweep; most sweeps needed: ${report.maxSweepsToRepair}, i.e. ≤ ${report.maxSweepsToRepair} s at one sweep a second); never open-ended`,
    `  replays refused (a signed signal sent again within its window, to any container): ${report.replaysRefused}`,
    `  Flex's order: ${report.redeliveries} TaskRouter events delivered again, ${report.outsideRecordings} recordings started by someone else (paused within ${report.maxSweepsToPauseOutside} sweeps when a hold was open)`,
  ];
}
