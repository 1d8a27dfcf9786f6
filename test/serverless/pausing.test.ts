/**
 * A relay's signal reaches the functions, not the agent's Flex: while Twilio has not confirmed its
 * pause (an outage's retries), the call's ledger — which the agent's plugin follows — says a pause is
 * on its way (`pausing`), so the indicator does not show a calm "Recording" meanwhile. Any later write
 * takes the mark away, whether the pause then landed or failed.
 */
import { handleDesktopEvent } from '../../src/serverless/lib/endpoints/desktopEvent';
import { RETRY_POLICY } from '../../src/serverless/lib/twilio/retry';
import type { CallRecord } from '../../src/serverless/lib/base/callRecord';
import { desktopDeps, ledgerAtStandin, ledgerStore, signed } from '../support/harness';
import { useStandinWithTaskEvents } from '../support/taskEvents';

// The call's ledger is made when the agent accepts its task, as TaskRouter's events say.
const { standin } = useStandinWithTaskEvents();
// Retries a few hundred ms apart, as Twilio's 429s would be met.
const timing = { retry: { ...RETRY_POLICY, startingDelayMs: 200, maxDelayMs: 400 } };

/** Every state of the call's ledger seen while `work` runs, read between turns of the event loop. */
async function watchLedger(callSid: string, work: Promise<unknown>): Promise<Array<CallRecord | undefined>> {
  const seen: Array<CallRecord | undefined> = [];
  let done = false;
  void work.finally(() => (done = true));
  while (!done) {
    seen.push((await ledgerAtStandin(standin, callSid))?.record);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return seen;
}

test('Twilio slow to confirm: the ledger says "pausing" until the pause is written, then no more', async () => {
  const call = standin.createLiveCall({ agent: 'wes', recording: 'call' });
  await standin.callbacksDelivered();
  // A container that knows the call (its signals came here), then Twilio answering every request in 0.8 s.
  const deps = desktopDeps({}, {}, timing);
  await handleDesktopEvent(deps, signed({ agent: 'wes', trigger: 'cvv.focus' }));
  await handleDesktopEvent(deps, signed({ agent: 'wes', trigger: 'cvv.blur' }));
  standin.setLatency(800);
  const signal = handleDesktopEvent(deps, signed({ agent: 'wes', trigger: 'card-number.focus' }));
  const seen = await watchLedger(call.callSid, signal).finally(() => standin.setLatency(0));
  expect((await signal).status).toBe(200);
  expect(seen.some((record) => typeof record?.pausing === 'string')).toBe(true);
  const after = (await ledgerStore().load(call.callSid))!.record;
  expect(after.pausing).toBeUndefined();
  expect(after.holds.map((hold) => hold.id)).toEqual(['card-number']);
});

test('a pause Twilio never confirms: the mark goes when the failure is written down', async () => {
  const call = standin.createLiveCall({ agent: 'xan', recording: 'call' });
  await standin.callbacksDelivered();
  standin.injectFault({ operation: 'recording.update', status: 500, code: 20500, times: 60 });
  const signal = handleDesktopEvent(desktopDeps({}, {}, timing), signed({ agent: 'xan', trigger: 'card-number.focus' }));
  const seen = await watchLedger(call.callSid, signal);
  expect((await signal).status).toBe(502);
  expect(seen.some((record) => typeof record?.pausing === 'string')).toBe(true);
  expect((await ledgerStore().load(call.callSid))!.record.pausing).toBeUndefined();
});

test('Twilio quick to confirm: no mark is written', async () => {
  const call = standin.createLiveCall({ agent: 'yara', recording: 'call' });
  await standin.callbacksDelivered();
  const signal = handleDesktopEvent(desktopDeps({}, {}, timing), signed({ agent: 'yara', trigger: 'card-number.focus' }));
  const seen = await watchLedger(call.callSid, signal);
  expect((await signal).status).toBe(200);
  expect(seen.some((record) => record?.pausing !== undefined)).toBe(false);
});
