/**
 * The randomized fault run (test/support/faultRun.ts): "paused ⇔ open hold" at Twilio after every
 * one of thousands of steps with faults, replays and concurrency. The seeds are fixed so that a
 * run of `npm test` cannot go red at random; `npm run bench` searches new seeds. FAULT_RUN_SEED
 * replays one run (found by the bench, say). More seeds: faultRunFlexOrder.test.ts.
 */
import { faultRunTest } from '../support/faultRun';

// Two runs a file: a run's stand-in and mocks hold a good deal of memory until the file ends.
faultRunTest([
  { seed: 789219, flexOrder: false },
  { seed: 789219, flexOrder: true },
]);
