/**
 * The randomized fault run (test/support/faultRun.ts): "paused ⇔ open hold" at Twilio after every
 * one of thousands of steps with faults, replays and concurrency. The seeds are fixed so that a
 * run of `npm test` cannot go red at random; `npm run bench` searches new seeds. FAULT_RUN_SEED
 * replays one run (found by the bench, say).
 */
import { useStandin } from '../support/harness';
import { runFaultRun } from '../support/faultRun';

const standin = useStandin();
jest.setTimeout(600_000);
// Each refused change is logged by the functions (name and code); hundreds of them say nothing here.
beforeAll(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
afterAll(() => jest.restoreAllMocks());

/** 789219 once left a pause without a hold after a long Sync outage; the others are kept as found. */
const SEEDS = process.env.FAULT_RUN_SEED ? [Number(process.env.FAULT_RUN_SEED)] : [789219, 20261128, 31337];
const STEPS = Number(process.env.FAULT_RUN_STEPS ?? 1600);

test.each(SEEDS)(`${STEPS} randomized steps with faults (seed %i): paused ⇔ open hold at Twilio after every step`, async (seed) => {
  const report = await runFaultRun(standin, { steps: STEPS, seed, trace: !!process.env.FAULT_RUN_TRACE });
  console.log(`fault run: ${JSON.stringify(report)}`);
  expect(report.faultsInjected).toBeGreaterThan(STEPS / 20);
  expect(report.replaysRefused).toBeGreaterThan(0);
  expect(report.answers[200]).toBeGreaterThan(STEPS / 4);
});
