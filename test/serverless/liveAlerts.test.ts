/**
 * What the live index tells supervisors about a call's failed pauses (docs/api.md, the live-calls
 * index): a pause Twilio refused puts the count on the call's item at once, as "not recovered";
 * the agent's next try that pauses marks it recovered; a call that never failed carries neither.
 */
import { handleDesktopEvent } from '../../src/serverless/lib/signals/desktopEvent';
import { desktopDeps, liveIndex, signed } from '../support/harness';
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
