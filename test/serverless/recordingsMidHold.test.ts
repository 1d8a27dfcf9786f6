/**
 * A recording started during a hold by someone else (Flex, another plugin, a Studio flow) reports
 * to nobody; while any hold is open the sweep (every second) and the call's status pause it, so it
 * does not keep recording card entry. Cost follows open holds: calls without one are not looked at.
 */
import { handleDesktopEvent } from '../../src/serverless/lib/endpoints/desktopEvent';
import { handleRecordingControl } from '../../src/serverless/lib/endpoints/recordingControls';
import { sweep } from '../../src/serverless/lib/control/sweep';
import { apiDeps, desktopDeps, ledgerStore, liveIndex, signed, statusOf, useStandin } from '../support/harness';
import { twilioClient } from '../../src/serverless/lib/twilio/twilioClient';
import { readSettings } from '../../src/serverless/lib/base/settings';
import { testEnv } from '../support/harness';

const standin = useStandin();
const body = (result: { body: unknown }) => result.body as Record<string, any>;
/** Another application's client, starting a recording on the call with no callback to us. */
const startedElsewhere = async (callSid: string) =>
  (await twilioClient(readSettings(testEnv)).calls(callSid).recordings.create({ recordingChannels: 'dual' })).sid;

test('a recording started on the call during a CVV hold is paused by the next sweep; a call without a hold is not touched', async () => {
  const call = standin.createLiveCall({ agent: 'erin', recording: 'both' });
  const idle = standin.createLiveCall({ agent: 'finn', recording: 'both' });
  const deps = desktopDeps();
  await handleDesktopEvent(deps, signed({ agent: 'erin', trigger: 'cvv.focus' }));
  await handleDesktopEvent(deps, signed({ agent: 'finn', trigger: 'cvv.blur' })); // indexed, no hold
  const extra = await startedElsewhere(call.callSid);
  expect(await statusOf(standin, extra)).toBe('in-progress');

  const before = standin.requests().length;
  const report = await sweep(liveIndex(), deps.control, deps.now);
  expect(report).toMatchObject({ due: 1, failed: 0 });
  expect(await statusOf(standin, extra)).toBe('paused');
  for (const sid of call.recordingSids) expect(await statusOf(standin, sid)).toBe('paused');
  // Nothing was asked about the call without a hold.
  expect(
    standin
      .requests()
      .slice(before)
      .filter((request) => request.path.includes(idle.callSid)),
  ).toEqual([]);
  expect((await ledgerStore().load(call.callSid))?.record.recordings.map((recording) => recording.sid)).toContain(extra);

  // A second sweep with nothing new writes nothing to the call's document.
  const writes = standin.requests().length;
  await sweep(liveIndex(), deps.control, deps.now);
  expect(
    standin
      .requests()
      .slice(writes)
      .filter((request) => request.operation === 'sync.document.update'),
  ).toEqual([]);

  const resumed = await handleDesktopEvent(deps, signed({ agent: 'erin', trigger: 'cvv.blur' }));
  expect(body(resumed)).toMatchObject({ outcome: 'resumed', recording: 'in-progress' });
  expect(await statusOf(standin, extra)).toBe('in-progress');
});

test("the call's status pauses a recording it finds running during a hold", async () => {
  const call = standin.createLiveCall({ agent: 'gus', recording: 'conference' });
  const api = apiDeps();
  await handleRecordingControl('pause', api, { headers: {}, body: { callSid: call.callSid, Token: call.token } });
  const extra = await startedElsewhere(call.callSid);
  const status = await handleRecordingControl('status', api, { headers: {}, body: { callSid: call.callSid, Token: call.token } });
  expect(body(status)).toMatchObject({ recording: 'paused' });
  expect(body(status).recordings).toEqual(expect.arrayContaining([expect.objectContaining({ sid: extra, status: 'paused' })]));
  expect(await statusOf(standin, extra)).toBe('paused');
});
