/**
 * Pause policy per TaskRouter queue and the caps of manual and API holds (docs/desktop-events.md):
 * a `never` queue is not paused by anything — not even for the moment a speculative pause lasts —
 * and a `desktop-events-only` queue only by desktop events; a manual hold closes by itself; the
 * compliance report counts the calls a `never` policy kept recorded in full.
 */
import { handleDesktopEvent } from '../../src/serverless/lib/endpoints/desktopEvent';
import type { Verb } from '../../src/core/wire';
import { handleRecordingControl } from '../../src/serverless/lib/endpoints/recordingControls';
import type { ConfigCheck, QueuePolicy } from '../../src/core/desktopEvents';
import { dayOf } from '../../src/core/report';
import { apiDeps, desktopDeps, shippedConfig, signed, statusOf } from '../support/harness';
import { useStandinWithTaskEvents } from '../support/taskEvents';

const { standin } = useStandinWithTaskEvents();
jest.setTimeout(30_000);

type Json = Record<string, any>;
const api = (verb: Verb, body: Json, headers: Record<string, string> = {}) =>
  handleRecordingControl(verb, apiDeps(), { headers, body }).then((result) => ({ status: result.status, body: result.body as Json }));
const bearer = { authorization: 'Bearer test-api-key' };
/** The stand-in's calls are in the queue "Everyone". */
async function saveRules(queuePolicies: QueuePolicy[], pauseCaps?: Json) {
  if (!shippedConfig.ok) throw new Error('the shipped configuration is invalid');
  const rules = { events: shippedConfig.config.events, queuePolicies, ...(pauseCaps && { pauseCaps }) };
  const saved = await apiDeps().configs!.save(0, rules, 'test-admin');
  expect(saved.ok).toBe(true);
  // Signals read the same configuration (here handed to their container directly).
  signalConfig = { ok: true, config: rules };
}
let signalConfig: ConfigCheck = shippedConfig;
const signalDeps = () => desktopDeps({ config: signalConfig });
const recordingUpdates = (since: number) =>
  standin
    .requests()
    .slice(since)
    .filter((request) => request.operation === 'recording.update');

test('a never queue: signals and API pauses answer 403 pause_not_allowed and nothing is ever paused', async () => {
  await saveRules([{ queue: 'Everyone', policy: 'never' }]);
  const live = standin.createLiveCall({ agent: 'alice', recording: 'both', conferenceDelayMs: 0 });
  const before = standin.requests().length;
  const signal = await handleDesktopEvent(signalDeps(), signed({ agent: 'alice', trigger: 'card-number.focus' }));
  expect(signal).toMatchObject({ status: 403, body: { error: { code: 'pause_not_allowed' } } });
  // The warm container that found the call: its next signal is refused too, still without a pause.
  const deps = signalDeps();
  expect((await handleDesktopEvent(deps, signed({ agent: 'alice', trigger: 'cvv.focus' }))).status).toBe(403);
  expect((await handleDesktopEvent(deps, signed({ agent: 'alice', trigger: 'cvv.focus', callSid: live.callSid }))).status).toBe(403);
  expect(await api('pause', { callSid: live.callSid, Token: live.token })).toMatchObject({ status: 403, body: { error: { code: 'pause_not_allowed' } } });
  expect(await api('pause', { callSid: live.callSid }, bearer)).toMatchObject({ status: 403 });
  expect(recordingUpdates(before)).toEqual([]);
  for (const sid of live.recordingSids) expect(await statusOf(standin, sid)).toBe('in-progress');
  // The agent's plugin is told the policy with the call's state, and disables its pause button.
  expect(await api('status', { callSid: live.callSid, Token: live.token })).toMatchObject({
    status: 200,
    body: { recording: 'in-progress', pausePolicy: 'never' },
  });
  // A stop trigger opens nothing: it is answered as always.
  expect((await handleDesktopEvent(deps, signed({ agent: 'alice', trigger: 'cvv.blur' }))).status).toBe(200);
});

test('desktop-events-only: desktop events pause, the button and the API may not', async () => {
  await saveRules([{ queue: 'Everyone', policy: 'desktop-events-only' }]);
  const live = standin.createLiveCall({ agent: 'bob', recording: 'call', conferenceDelayMs: 0 });
  expect(await api('pause', { callSid: live.callSid, Token: live.token })).toMatchObject({ status: 403, body: { error: { code: 'pause_not_allowed' } } });
  expect(await api('pause', { callSid: live.callSid }, bearer)).toMatchObject({ status: 403 });
  expect((await handleDesktopEvent(signalDeps(), signed({ agent: 'bob', trigger: 'cvv.focus' }))).body).toMatchObject({ outcome: 'paused' });
  expect(await api('status', { callSid: live.callSid, Token: live.token })).toMatchObject({
    status: 200,
    body: { recording: 'paused', pausePolicy: 'desktop-events-only' },
  });
});

test('a queue not listed is allowed; a manual hold closes by itself after its cap', async () => {
  await saveRules([{ queue: 'Regulated desk', policy: 'never' }], { manualSeconds: 120 });
  const live = standin.createLiveCall({ agent: 'carol', recording: 'call', conferenceDelayMs: 0 });
  expect((await api('status', { callSid: live.callSid, Token: live.token })).body).toMatchObject({ pausePolicy: 'allowed' });
  const paused = await api('pause', { callSid: live.callSid, Token: live.token });
  expect(paused.body).toMatchObject({ outcome: 'paused' });
  const [hold] = paused.body.holds;
  expect(Date.parse(hold.resumeAt) - Date.parse(hold.openedAt)).toBe(120_000);
  // The API's own hold has the default cap: 10 minutes.
  const byKey = await api('pause', { callSid: live.callSid }, bearer);
  const apiHold = byKey.body.holds.find((candidate: Json) => candidate.source === 'api');
  expect(Date.parse(apiHold.resumeAt) - Date.parse(apiHold.openedAt)).toBe(600_000);
  // Two minutes on, the status the plugin asks at the due moment closes the manual hold; the API's keeps the call paused.
  const later = () => new Date(Date.now() + 121_000);
  const status = await handleRecordingControl('status', apiDeps({}, later), { headers: bearer, body: { callSid: live.callSid } });
  expect((status.body as Json).holds.map((candidate: Json) => candidate.source)).toEqual(['api']);
});

test('a save that leaves the policies and caps out keeps them; bad ones are refused with every problem', async () => {
  await saveRules([{ queue: 'Everyone', policy: 'never' }], { apiSeconds: 60 });
  const configs = apiDeps().configs!;
  const events = shippedConfig.ok ? shippedConfig.config.events : [];
  expect(await configs.save(1, { events }, 'events-only-editor')).toMatchObject({
    ok: true,
    saved: { version: 2, queuePolicies: [{ queue: 'Everyone', policy: 'never' }], pauseCaps: { apiSeconds: 60 } },
  });
  const { desktopEventsConfigIssues } = await import('../../src/core/desktopEvents');
  const codes = desktopEventsConfigIssues({
    events,
    queuePolicies: [
      { queue: 'A', policy: 'sometimes' },
      { queue: 'B', policy: 'never' },
      { queue: 'B', policy: 'allowed' },
    ],
    pauseCaps: { manualSeconds: 5 },
  }).map((issue) => issue.code);
  expect(codes).toEqual(['queue_policy', 'pause_cap', 'duplicate_queue']);
});

test('the compliance report counts a call of a never queue, recorded in full by rule', async () => {
  await saveRules([{ queue: 'Everyone', policy: 'never' }]);
  const live = standin.createLiveCall({ agent: 'dave', recording: 'call', conferenceDelayMs: 0 });
  await standin.callbacksDelivered();
  expect((await handleDesktopEvent(signalDeps(), signed({ agent: 'dave', trigger: 'card-number.focus' }))).status).toBe(403);
  standin.endCall(live.callSid);
  await standin.callbacksDelivered();
  const day = dayOf(new Date());
  const answer = await api('report', { from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z`, groupBy: 'queue' }, bearer);
  expect(answer.status).toBe(200);
  expect(answer.body.groups).toEqual([expect.objectContaining({ key: 'Everyone', calls: 1, pauses: 0, failedPauses: 0, neverPauseCalls: 1 })]);
});
