/**
 * What a Flex user can do to the state from the browser console, and why it changes nothing the
 * functions decide. The functions run as Twilio runs them (built, in the real local runtime,
 * twilio-run, over HTTP) with the stand-in behind them; an agent's Flex token writes every Sync
 * object it can reach at the stand-in over REST with `X-Twilio-Token`, as Flex's Sync client
 * could: on Flex's own `default` service (ACLs off) anything it likes, on the product's service
 * (ACLs on) nothing. The same token then rewrites every attribute of the agent's own task, as
 * Flex's `task.setAttributes()` may, and that changes nothing the functions decide either. It runs
 * on the run's shared local stack (test/support/sharedStack.ts).
 */
import type { DesktopItemEvent } from '../../src/core/desktopEvents';
import { signedHeaders } from '../../src/core/signature';
import { agentDocumentName, liveCallsShardOf } from '../../src/serverless/lib/stores/liveIndex';
import { FRESH_MS } from '../../src/serverless/lib/stores/desktopEventsConfig';
import { signalKey } from '../../src/serverless/lib/base/replays';
import { LedgerStore } from '../../src/serverless/lib/stores/ledgerStore';
import { readSettings } from '../../src/serverless/lib/base/settings';
import { twilioClient } from '../../src/serverless/lib/twilio/twilioClient';
import { DEFAULT_RETRIES } from '../../src/serverless/lib/twilio/retry';
import { testEnv } from '../support/harness';
import { sharedStack, uniqueAgent } from '../support/sharedStack';

jest.setTimeout(120_000);
const stack = sharedStack();
const ADMIN_KEY = { Authorization: 'Bearer test-admin-key' };
const ledgers = new LedgerStore(
  twilioClient(readSettings({ ...testEnv, SYNC_SERVICE_SID: stack.syncServiceSid, TWILIO_API_BASE_URL: stack.standinUrl })),
  DEFAULT_RETRIES,
  stack.syncServiceSid,
);
/**
 * The admin's change: an event of this test's own, pausing for 12 s. The configuration is the
 * deployment's, so the events other tests send on the shared stack stay as they were.
 */
const OWN_EVENT: DesktopItemEvent = {
  id: 'sync-forgery-check',
  name: 'The field this test fills',
  startTrigger: 'sync-forgery-check.focus',
  action: 'pause',
  durationSeconds: 12,
  stopTrigger: 'sync-forgery-check.blur',
  stopAction: 'resume',
};

async function functions(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const response = await fetch(`${stack.functionsUrl}${path}`, { method: init.method ?? 'POST', headers: init.headers, body: init.body });
  return { status: response.status, body: await response.json() };
}
const signal = (body: Record<string, unknown>) =>
  functions('/desktop-event', {
    headers: { ...signedHeaders(testEnv.DESKTOP_EVENT_SECRET, body), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

/**
 * A signal answered from the saved configuration. The desktop-event function keeps a copy of its own,
 * up to FRESH_MS old, and on the shared stack other files' signals may have just read it: until it
 * reads the save, the test's own trigger is unknown there, a refusal that changes nothing.
 */
async function signalOnceSaved(body: Record<string, unknown>) {
  const deadline = Date.now() + FRESH_MS + 2_000;
  for (;;) {
    const answer = await signal(body);
    if (answer.body?.error?.code !== 'unknown_trigger' || Date.now() > deadline) return answer;
    await new Promise((done) => setTimeout(done, 200));
  }
}

/** A Sync REST request with a token, as a browser's Sync client sends it. */
async function asFlexUser(token: string, method: string, path: string, form?: Record<string, unknown>) {
  const response = await fetch(`${stack.standinUrl}/v1/Services/${path}`, {
    method,
    headers: { 'X-Twilio-Token': token, ...(form && { 'Content-Type': 'application/x-www-form-urlencoded' }) },
    body:
      form && new URLSearchParams(Object.entries(form).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)])).toString(),
  });
  return response.status;
}

/**
 * Every forgery that would matter if the functions read Flex's service: a configuration that
 * pauses for an hour, the colleague's index entry pointing at the forger's call, the colleague's
 * ledger saying "paused" while Twilio records with their next event id already "seen", and the
 * supervisors' live-calls item.
 */
async function forgeEverything(
  token: string,
  service: string,
  colleague: { agent: string; callSid: string },
  forgerCall: { callSid: string; taskSid: string; conferenceSid: string },
  eventId: string,
  events: DesktopItemEvent[],
) {
  const forgedConfig = {
    version: 99,
    events: events.map((event) => ({ ...event, durationSeconds: 3600 })),
    updatedAt: new Date().toISOString(),
    updatedBy: 'admin',
  };
  const forgedHold = { id: 'card-number', source: 'desktop', trigger: 'card-number.focus', openedAt: new Date().toISOString(), resumeAt: null };
  // The colleague's ledger: "paused", and their next event id already answered.
  const seen = { key: signalKey(colleague.agent, eventId), body: 'forged', at: new Date().toISOString(), answer: { outcome: 'unchanged' } };
  const forgedLedger = { call: { callSid: colleague.callSid }, recording: 'paused', holds: [forgedHold], signals: [seen] };
  return [
    await asFlexUser(token, 'POST', `${service}/Documents`, { UniqueName: 'rc-desktop-events-config', Data: forgedConfig }),
    await asFlexUser(token, 'POST', `${service}/Documents/rc-desktop-events-config`, { Data: forgedConfig }),
    await asFlexUser(token, 'POST', `${service}/Documents`, {
      UniqueName: agentDocumentName(colleague.agent),
      Data: { agent: colleague.agent, ...forgerCall },
    }),
    await asFlexUser(token, 'POST', `${service}/Documents/${agentDocumentName(colleague.agent)}`, { Data: { agent: colleague.agent, ...forgerCall } }),
    await asFlexUser(token, 'POST', `${service}/Documents`, { UniqueName: `rc-call-${colleague.callSid}`, Data: forgedLedger }),
    await asFlexUser(token, 'POST', `${service}/Documents/rc-call-${colleague.callSid}`, { Data: forgedLedger }),
    await asFlexUser(token, 'POST', `${service}/Maps`, { UniqueName: liveCallsShardOf(colleague.callSid) }),
    await asFlexUser(token, 'POST', `${service}/Maps/${liveCallsShardOf(colleague.callSid)}/Items`, {
      Key: colleague.callSid,
      Data: { callSid: colleague.callSid, recording: 'paused', holds: [forgedHold] },
    }),
    await asFlexUser(token, 'POST', `${service}/Maps/${liveCallsShardOf(colleague.callSid)}/Items/${colleague.callSid}`, {
      Data: { callSid: colleague.callSid, recording: 'paused', holds: [forgedHold] },
    }),
  ];
}

test("an agent's Sync writes and task attribute writes from the browser change nothing the functions decide", async () => {
  // An admin's saved configuration: the test's own event pauses for 12 s.
  const inForce = (await functions('/desktop-events/config', { method: 'GET', headers: ADMIN_KEY })).body as { version: number; events: DesktopItemEvent[] };
  const saved = [...inForce.events, OWN_EVENT];
  expect(
    (
      await functions('/desktop-events/config', {
        method: 'POST',
        headers: { ...ADMIN_KEY, 'Content-Type': 'application/json' },
        body: JSON.stringify({ version: inForce.version, events: saved }),
      })
    ).status,
  ).toBe(200);

  const alice = uniqueAgent('alice');
  // Answered once reservation.accepted has reached the functions: the ledgers and the index are there.
  const mallory = await stack.standin.createLiveCall({ agent: uniqueAgent('mallory'), recording: 'both' });
  const aliceCall = await stack.standin.createLiveCall({ agent: alice, recording: 'both' });
  const eventId = 'alice-forgery-1';

  // Flex's own service takes every forgery; the product's refuses every one.
  const onFlexService = await forgeEverything(mallory.token, 'default', { agent: alice, callSid: aliceCall.callSid }, mallory, eventId, saved);
  expect(onFlexService.filter((status) => status >= 300)).toEqual([]);
  const onProductService = await forgeEverything(mallory.token, stack.syncServiceSid, { agent: alice, callSid: aliceCall.callSid }, mallory, eventId, saved);
  // Each refused: the token reaches nothing of the product's service.
  expect(onProductService).toEqual(onProductService.map(() => 403));

  // Every attribute of her own task too: the call and conference it names, the record of its end, a
  // repair mark on Alice's call. TaskRouter tells the functions (task.updated) before this answers.
  const { attributes } = await stack.standin.task(mallory.taskSid);
  await stack.standin.setTaskAttributes(mallory.taskSid, mallory.token, {
    ...(attributes as Record<string, unknown>),
    call_sid: aliceCall.callSid,
    conference: { sid: aliceCall.conferenceSid, participants: { customer: aliceCall.callSid, worker: aliceCall.callSid } },
    recording_controls: { call_sid: aliceCall.callSid, ended_at: new Date().toISOString(), repair_needed: true, repair_call_sid: aliceCall.callSid },
  });
  // Alice's call is still Alice's, on her task; Mallory's is still hers.
  expect((await ledgers.load(aliceCall.callSid))?.record.call).toMatchObject({ agent: alice, taskSid: aliceCall.taskSid });
  expect((await ledgers.load(mallory.callSid))?.record.call).toMatchObject({ taskSid: mallory.taskSid, conferenceSid: mallory.conferenceSid });

  // The configuration served is the one the admin saved.
  expect(await functions('/desktop-events/config', { method: 'GET', headers: ADMIN_KEY })).toMatchObject({
    status: 200,
    body: { version: inForce.version + 1, events: saved, updatedBy: 'admin-key-1' },
  });

  // Alice's signal pauses Alice's own call — not Mallory's, not answered as "seen" — for the saved 12 s.
  const paused = await signalOnceSaved({ eventId, agent: alice, trigger: OWN_EVENT.startTrigger });
  expect(paused).toMatchObject({ status: 200, body: { duplicate: false, outcome: 'paused', callSid: aliceCall.callSid, recording: 'paused' } });
  const hold = paused.body.holds[0];
  expect((Date.parse(hold.resumeAt) - Date.parse(hold.openedAt)) / 1000).toBe(12);
  for (const sid of aliceCall.recordingSids) expect((await stack.standin.recording(sid)).status).toBe('paused');
  for (const sid of mallory.recordingSids) expect((await stack.standin.recording(sid)).status).toBe('in-progress');

  // What Alice's indicator reads — her call's document, through her own Sync token — is what Twilio confirmed.
  const token = await functions('/sync-token', {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Token: aliceCall.token }).toString(),
  });
  expect(token).toMatchObject({ status: 200, body: { identity: alice, serviceSid: stack.syncServiceSid } });
  const indicatorSource = async () => {
    const response = await fetch(
      `${stack.standinUrl}/__standin/sync/documents/rc-call-${aliceCall.callSid}?service=${stack.syncServiceSid}&token=${encodeURIComponent(token.body.token)}`,
    );
    return (await response.json()) as { data: { recording: string; holds: Array<{ id: string }> } };
  };
  expect((await indicatorSource()).data).toMatchObject({ recording: 'paused', holds: [{ id: OWN_EVENT.id }] });

  const resumed = await signalOnceSaved({ eventId: 'alice-forgery-2', agent: alice, trigger: OWN_EVENT.stopTrigger });
  expect(resumed.body).toMatchObject({ outcome: 'resumed', recording: 'in-progress' });
  for (const sid of aliceCall.recordingSids) expect((await stack.standin.recording(sid)).status).toBe('in-progress');
  expect((await indicatorSource()).data).toMatchObject({ recording: 'in-progress', holds: [] });

  // Mallory's pause through the API, naming her own task, pauses her own call alone.
  const own = await functions('/recording-controls/pause', {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Token: mallory.token, taskSid: mallory.taskSid }).toString(),
  });
  expect(own).toMatchObject({ status: 200, body: { callSid: mallory.callSid, recording: 'paused' } });
  for (const sid of mallory.recordingSids) expect((await stack.standin.recording(sid)).status).toBe('paused');
  for (const sid of aliceCall.recordingSids) expect((await stack.standin.recording(sid)).status).toBe('in-progress');

  // Mallory's own Sync token reads her call, not Alice's.
  const mine = await functions('/sync-token', {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Token: mallory.token }).toString(),
  });
  expect(await asFlexUser(mine.body.token, 'GET', `${stack.syncServiceSid}/Documents/rc-call-${aliceCall.callSid}`)).toBe(403);
  expect(await asFlexUser(mine.body.token, 'GET', `${stack.syncServiceSid}/Documents/rc-call-${mallory.callSid}`)).toBe(200);
});
