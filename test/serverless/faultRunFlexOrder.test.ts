/**
 * The randomized fault run with Flex's order (late conferences, TaskRouter events delivered again,
 * recordings started during a hold), on more fixed seeds; see faultRun.test.ts.
 */
import { faultRunTest } from '../support/faultRun';

faultRunTest([
  { seed: 20261128, flexOrder: true },
  { seed: 31337, flexOrder: true },
]);
