/**
 * The randomized fault run (test/support/faultRun.ts): "paused ⇔ open hold" at Twilio after every
 * one of thousands of steps with faults, replays and concurrency. FAULT_RUN_SEED replays a run.
 */
import { useStandin } from '../support/harness';
import { runFaultRun } from '../support/faultRun';

const standin = useStandin();
jest.setTimeout(300_000);
// Each refused change is logged by the functions (name and code); hundreds of them say nothing here.
beforeAll(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
afterAll(() => jest.restoreAllMocks());

const STEPS = Number(process.env.FAULT_RUN_STEPS ?? 2000);
const SEED = Number(process.env.FAULT_RUN_SEED ?? Date.now() % 1_000_000);

test(`${STEPS} randomized steps with faults: paused ⇔ open hold at Twilio after every step (seed ${SEED})`, async () => {
  const report = await runFaultRun(standin, { steps: STEPS, seed: SEED, trace: !!process.env.FAULT_RUN_TRACE });
  console.log(`fault run: ${JSON.stringify(report)}`);
  expect(report.faultsInjected).toBeGreaterThan(STEPS / 20);
  expect(report.replaysRefused).toBeGreaterThan(0);
  expect(report.answers[200]).toBeGreaterThan(STEPS / 4);
});
