/** The rig's randomized fault run (src/rig/faultRun.ts) as a jest test of fixed seeds. */
import { runFaultRun } from '../../src/rig/faultRun';

/**
 * The jest test of a file's fixed runs (so `npm test` cannot go red at random); FAULT_RUN_SEED
 * replays one seed instead (FAULT_RUN_FLEX_ORDER=off for the old order), FAULT_RUN_STEPS sets the length.
 */
const STEPS = 150;

export function faultRunTest(runs: Array<{ seed: number; flexOrder: boolean }>): void {
  jest.setTimeout(600_000);
  // Each refused change is logged by the functions (name and code); hundreds of them say nothing here.
  beforeAll(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());
  const chosen = process.env.FAULT_RUN_SEED ? [{ seed: Number(process.env.FAULT_RUN_SEED), flexOrder: process.env.FAULT_RUN_FLEX_ORDER !== 'off' }] : runs;
  // Long enough for every kind of step and fault to come up many times; `npm run soak` runs long ones.
  const steps = Number(process.env.FAULT_RUN_STEPS ?? STEPS);
  test.each(chosen)(
    `${steps} randomized steps with faults (seed $seed, Flex's order: $flexOrder): paused ⇔ open hold at Twilio after every step`,
    async ({ seed, flexOrder }) => {
      const report = await runFaultRun({ steps, seed, flexOrder, trace: !!process.env.FAULT_RUN_TRACE });
      console.log(`fault run: ${JSON.stringify(report)}`);
      expect(report.faultsInjected).toBeGreaterThan(steps / 20);
      expect(report.replaysRefused).toBeGreaterThan(0);
      expect(report.answers[200]).toBeGreaterThan(steps / 4);
      if (flexOrder) expect(report.redeliveries + report.outsideRecordings).toBeGreaterThan(0);
    },
  );
}
