/**
 * A pause never outlives its request without a trace a Sync outage cannot hide: when Sync fails
 * for longer than the retries right after a pause went out, the call is marked on its task in
 * TaskRouter, and the sweep puts the recordings back to what the ledger says once Sync answers.
 */
import { handleRecordingControl } from '../../src/serverless/lib/endpoints/recordingControls';
import { sweep } from '../../src/serverless/lib/control/sweep';
import { Retries } from '../../src/serverless/lib/twilio/retry';
import { apiDeps, liveIndex, statusOf, useStandin } from '../support/harness';

const standin = useStandin();
// Retries within a long budget, milliseconds apart: the outage outlasts them all the same.
const retry = { budgetMs: 10_000, startingDelayMs: 1, maxDelayMs: 4 };
const sweepRetries = new Retries(retry, () => new Date());
beforeAll(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
afterAll(() => jest.restoreAllMocks());

const repairMark = (taskSid: string) => (standin.task(taskSid)?.attributes as { recording_controls?: Record<string, unknown> }).recording_controls ?? {};

test('an API pause during a long Sync outage answers 502, marks the task, and the next sweep after Sync is back resumes the recordings', async () => {
  const call = standin.createLiveCall({ agent: 'dora', recording: 'both' });
  const deps = apiDeps({}, undefined, { retry });
  // Long enough for every read of the pause and of the sweep below, each with its retries.
  standin.injectFault({ operation: 'sync.document.fetch', status: 500, code: 20500, times: 80 });

  const paused = await handleRecordingControl('pause', deps, { headers: {}, body: { callSid: call.callSid, Token: call.token } });
  expect(paused.status).toBe(502);
  // Twilio paused the recordings and nothing in Sync says so: the task does.
  expect(repairMark(call.taskSid)).toMatchObject({ repair_needed: true, repair_call_sid: call.callSid });

  // Still out: the sweep tries, the mark stays.
  const during = await sweep(liveIndex(sweepRetries), deps.control, deps.now);
  expect(during.marked).toBe(1);
  expect(repairMark(call.taskSid)).toMatchObject({ repair_needed: true });

  standin.injectFault({ operation: 'sync.document.fetch', status: 500, code: 20500, times: 0 });
  const later = new Date(Date.now() + 60_000);
  const after = await sweep(liveIndex(sweepRetries), deps.control, () => later);
  expect(after).toMatchObject({ marked: 1, repaired: 1 });
  for (const sid of call.recordingSids) expect(await statusOf(standin, sid)).toBe('in-progress');
  expect(repairMark(call.taskSid)).not.toHaveProperty('repair_needed');
});
