/**
 * `npm run soak`: the randomized fault run (src/rig/faultRun.ts) searching new seeds, long runs
 * one after another, until SOAK_MINUTES (default 10) have passed or a run breaks the rule. `npm test`
 * replays a few fixed seeds only (it must never go red at random); this is where new ones are found.
 * A finding names its seed: replay it step for step with
 *   FAULT_RUN_SEED=<seed> FAULT_RUN_STEPS=<steps> npm test -- test/serverless/faultRun.test.ts
 * and add it to the fixed seeds once fixed.
 */
import { spawnSync } from 'node:child_process';
import { faultRunOnce, type FaultRunOptions } from '../src/rig/faultRun';

const minutes = Number(process.env.SOAK_MINUTES ?? 10);
const steps = Number(process.env.FAULT_RUN_STEPS ?? 1600);
/** Set in the process that plays one run: its options. */
const ONE_RUN = 'SOAK_ONE_RUN';

type Outcome = Awaited<ReturnType<typeof faultRunOnce>>;

/**
 * One run in a process of its own, so that whatever a run leaves in memory goes with it (a single
 * process ran out of heap after a few runs of 1,600 steps).
 */
function runApart(options: FaultRunOptions): Outcome {
  const child = spawnSync(process.execPath, [...process.execArgv, __filename], {
    env: { ...process.env, [ONE_RUN]: JSON.stringify(options) },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const last = child.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as Outcome;
  } catch {
    return {
      broken: `the run's process ended without a report (exit ${child.status ?? child.signal}): ${child.stderr.trim().split('\n').slice(-3).join(' / ')}`,
    };
  }
}

async function main(): Promise<void> {
  const until = Date.now() + minutes * 60_000;
  let seed = Number(process.env.FAULT_RUN_SEED ?? Date.now() % 1_000_000);
  let runs = 0;
  while (Date.now() < until) {
    for (const flexOrder of [true, false]) {
      const outcome = runApart({ steps, seed, flexOrder });
      runs += 1;
      if ('broken' in outcome) {
        console.log(`seed ${seed} (${steps} steps, Flex's order: ${flexOrder}): RULE BROKEN — ${outcome.broken}`);
        console.log(
          `replay: FAULT_RUN_SEED=${seed} FAULT_RUN_STEPS=${steps}${flexOrder ? '' : ' FAULT_RUN_FLEX_ORDER=off'} npm test -- test/serverless/faultRun.test.ts`,
        );
        process.exit(1);
      }
      const { faultsInjected, violationsRepaired, replaysRefused, redeliveries, answers } = outcome.report;
      console.log(
        `seed ${seed} (${steps} steps, Flex's order: ${flexOrder}): held — ${faultsInjected} faults, ${violationsRepaired} repaired by the sweep, ${replaysRefused} replays refused, ${redeliveries} events redelivered, answers ${JSON.stringify(answers)}`,
      );
    }
    seed += 1;
  }
  console.log(`${runs} runs of ${steps} steps, the rule held in every one`);
}

const one = process.env[ONE_RUN];
if (one) void faultRunOnce(JSON.parse(one) as FaultRunOptions).then((outcome) => process.stdout.write(`\n${JSON.stringify(outcome)}\n`));
else void main();
