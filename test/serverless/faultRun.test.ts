/**
 * The randomized fault run (test/support/faultRun.ts): "paused ⇔ open hold" at Twilio after every
 * step of runs with faults, replays and concurrency. The seeds are fixed so that a run of `npm test`
 * cannot go red at random; `npm run soak` (and the bench) search new seeds with long runs.
 * FAULT_RUN_SEED replays one run. More seeds: faultRunFlexOrder.test.ts.
 */
import { runFaultRun } from '../../src/rig/faultRun';
import { faultRunTest } from '../support/faultRun';

// Two runs a file: a run's stand-in and mocks hold a good deal of memory until the file ends.
faultRunTest([
  { seed: 789219, flexOrder: false },
  { seed: 789219, flexOrder: true },
]);

test('a seed replays step for step: the same steps, answers and Twilio requests at the same moments', async () => {
  const first = await runFaultRun({ steps: 40, seed: 20261207, flexOrder: true });
  const again = await runFaultRun({ steps: 40, seed: 20261207, flexOrder: true });
  expect(again).toEqual(first);
  expect(first.digest).toMatch(/^[0-9a-f]{16}$/);
  // Another seed is another run.
  expect((await runFaultRun({ steps: 40, seed: 20261208, flexOrder: true })).digest).not.toBe(first.digest);
});
