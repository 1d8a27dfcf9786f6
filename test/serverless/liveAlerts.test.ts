/**
 * What the live index tells supervisors about a call (docs/architecture.md, "Supervisors' alerts"):
 * a pause Twilio refused puts the count on the call's item at once, as "not recovered"; the agent's
 * next try that pauses marks it recovered; a call that never failed carries neither. And what the
 * agent's plugin reports keeps card fields from pausing by themselves (`POST /automation-health`).
 */
import { handleDesktopEvent } from '../../src/serverless/lib/endpoints/desktopEvent';
import { automationHealth } from '../../src/serverless/lib/endpoints/automationHealth';
import { apiDeps, desktopDeps, liveIndex, signed } from '../support/harness';
import { useStandinWithTaskEvents } from '../support/taskEvents';

const { standin } = useStandinWithTaskEvents();
jest.setTimeout(60_000);

const signal = (agent: string, trigger: string) => handleDesktopEvent(desktopDeps(), signed({ agent, trigger }));
const itemOf = async (callSid: string) => (await liveIndex().callItem(callSid))?.data;

test('a failed pause is on the call’s live item until a later try pauses, and a call without one carries nothing', async () => {
  const failing = standin.createLiveCall({ agent: 'bob', recording: 'both', conferenceDelayMs: 0 });
  const fine = standin.createLiveCall({ agent: 'alice', recording: 'call', conferenceDelayMs: 0 });
  await standin.callbacksDelivered();

  standin.injectFault({ operation: 'recording.update', status: 503, code: 20503, times: 1000 });
  expect((await signal('bob', 'cvv.focus')).status).toBe(502);
  standin.injectFault({ operation: 'recording.update', status: 503, code: 20503, times: 0 });
  expect(await itemOf(failing.callSid)).toMatchObject({ holds: [], failedPauses: 1, failedPausesNotRecovered: 1 });

  expect((await signal('bob', 'cvv.focus')).body).toMatchObject({ outcome: 'paused' });
  expect(await itemOf(failing.callSid)).toMatchObject({ recording: 'paused', failedPauses: 1, failedPausesNotRecovered: 0 });

  expect((await signal('alice', 'card-number.focus')).body).toMatchObject({ outcome: 'paused' });
  const item = await itemOf(fine.callSid);
  expect(item).toMatchObject({ recording: 'paused' });
  expect(item).not.toHaveProperty('failedPauses');
  expect(item).not.toHaveProperty('failedPausesNotRecovered');
});

test('what the agent’s plugin says keeps card fields from pausing by themselves is on the call’s live item, for that agent only', async () => {
  const live = standin.createLiveCall({ agent: 'carol', recording: 'call', conferenceDelayMs: 0 });
  const other = standin.createLiveCall({ agent: 'dave', recording: 'call', conferenceDelayMs: 0 });
  await standin.callbacksDelivered();
  const report = (body: Record<string, unknown>) => automationHealth(apiDeps(), { headers: {}, body });

  expect(await report({ Token: live.token, callSid: live.callSid, problems: 'crm-fields' })).toMatchObject({ status: 200, body: { problems: ['crm-fields'] } });
  expect(await itemOf(live.callSid)).toMatchObject({ automationOff: ['crm-fields'] });
  // Said again in another order, with one more: one list, in one order.
  expect((await report({ Token: live.token, callSid: live.callSid, problems: 'sync,crm-fields' })).status).toBe(200);
  expect(await itemOf(live.callSid)).toMatchObject({ automationOff: ['crm-fields', 'sync'] });

  // Only an agent of the call's task may say so; what is not a known problem is refused.
  expect(await report({ Token: other.token, callSid: live.callSid, problems: 'sync' })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
  expect(await report({ Token: live.token, callSid: live.callSid, problems: 'card 4111111111111111' })).toMatchObject({
    status: 400,
    body: { error: { code: 'invalid_request' } },
  });
  expect(JSON.stringify(await report({ Token: live.token, callSid: live.callSid, problems: '4111111111111111' }))).not.toContain('4111111111111111');
  expect(await report({ callSid: live.callSid, problems: 'sync' })).toMatchObject({ status: 401 });

  // Transferred: what carol's plugin said is not said of erin's.
  standin.transferCall(live.callSid, 'erin');
  await standin.callbacksDelivered();
  expect(await itemOf(live.callSid)).toMatchObject({ agents: ['erin'] });
  expect(await itemOf(live.callSid)).not.toHaveProperty('automationOff');

  // All well again: nothing on the item.
  expect((await report({ Token: other.token, callSid: other.callSid, problems: 'sync' })).status).toBe(200);
  expect((await report({ Token: other.token, callSid: other.callSid, problems: '' })).status).toBe(200);
  expect(await itemOf(other.callSid)).not.toHaveProperty('automationOff');
});
