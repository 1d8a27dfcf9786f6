/**
 * Robustness figures (issue 9): the randomized fault run of the tests (test/support/faultRun.ts),
 * through the real `twilio` SDK and msw to the stand-in, reported instead of asserted.
 */
import { setupServer } from 'msw/node';
import { standinHandlers } from '../../src/standin/msw';
import { runFaultRun } from '../../test/support/faultRun';
import { testStandin } from '../../test/support/harness';

const STEPS = 1000;
const SEED = 20261128;

export async function run(): Promise<string[]> {
  // As the tests have it: the product's own Sync service, ACLs on.
  const standin = testStandin();
  const server = setupServer(...standinHandlers(standin));
  server.listen({ onUnhandledRequest: 'error' });
  const quiet = console.error;
  console.error = () => undefined; // the functions log each refused change; the figures say it all
  try {
    const report = await runFaultRun(standin, { steps: STEPS, seed: SEED });
    return [
      `fault run (${report.steps} steps, seed ${SEED}): ${report.faultsInjected} faults injected (429, 500, 503, 16114, dropped connections on recordings and Sync)`,
      `  answers: ${Object.entries(report.answers).map(([status, count]) => `${count} × ${status}`).join(', ')}; partial pauses undone within their request: ${report.partialPausesUndone}`,
      `  recordings found paused without a hold after a step: ${report.violationsRepaired} (each flagged and repaired by the sweep; most sweeps needed: ${report.maxSweepsToRepair}, i.e. ≤ ${report.maxSweepsToRepair} s at one sweep a second); never open-ended`,
      `  replays refused (a signed signal sent again within its window, to any container): ${report.replaysRefused}`,
    ];
  } finally {
    console.error = quiet;
    server.close();
  }
}
