/**
 * The randomized fault run (test/support/faultRun.ts): "paused ⇔ open hold" at Twilio after every
 * one of thousands of steps with faults, replays and concurrency. The seeds are fixed so that a
 * run of `npm test` cannot go red at random; `npm run bench` searches new seeds. FAULT_RUN_SEED
 * replays one run (found by the bench, say).
 */
import { useStandinWithTaskEvents } from '../support/taskEvents';
import { runFaultRun } from '../support/faultRun';

const { standin } = useStandinWithTaskEvents();
jest.setTimeout(600_000);
// Each refused change is logged by the functions (name and code); hundreds of them say nothing here.
beforeAll(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
afterAll(() => jest.restoreAllMocks());

/**
 * 789219 once left a pause without a hold after a long Sync outage (replayed as it ran then, and
 * again with Flex's order); the others are kept as found.
 */
const RUNS: Array<{ seed: number; flexOrder: boolean }> = process.env.FAULT_RUN_SEED
  ? [{ seed: Number(process.env.FAULT_RUN_SEED), flexOrder: process.env.FAULT_RUN_FLEX_ORDER !== 'off' }]
  : [
      { seed: 789219, flexOrder: false },
      { seed: 789219, flexOrder: true },
      { seed: 20261128, flexOrder: true },
      { seed: 31337, flexOrder: true },
    ];
const STEPS = Number(process.env.FAULT_RUN_STEPS ?? 1600);

test.each(RUNS)(`${STEPS} randomized steps with faults (seed $seed, Flex's order: $flexOrder): paused ⇔ open hold at Twilio after every step`, async ({ seed, flexOrder }) => {
  const report = await runFaultRun(standin, { steps: STEPS, seed, flexOrder, trace: !!process.env.FAULT_RUN_TRACE });
  console.log(`fault run: ${JSON.stringify(report)}`);
  expect(report.faultsInjected).toBeGreaterThan(STEPS / 20);
  expect(report.replaysRefused).toBeGreaterThan(0);
  expect(report.answers[200]).toBeGreaterThan(STEPS / 4);
  if (flexOrder) expect(report.redeliveries + report.outsideRecordings).toBeGreaterThan(0);
});
