/**
 * What a Flex user can do to the state from the browser console, and why it changes nothing the
 * functions decide. The functions run as Twilio runs them (built, in the real local runtime,
 * twilio-run, over HTTP) with the stand-in behind them; an agent's Flex token writes every Sync
 * object it can reach at the stand-in over REST with `X-Twilio-Token`, as Flex's Sync client
 * could: on Flex's own `default` service (ACLs off) anything it likes, on the product's service
 * (ACLs on) nothing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startLocalStack, type LocalStack } from '../../scripts/localStack';
import { signedHeaders } from '../../src/core/signature';
import { agentDocumentName, liveCallsShardOf } from '../../src/serverless/lib/ledger/liveIndex';
import { signalKey } from '../../src/serverless/lib/signals/seenSignals';
import { shippedConfig, testEnv } from '../support/harness';

jest.setTimeout(120_000);
let stack: LocalStack;
const shipped = shippedConfig.ok ? shippedConfig.config.events : [];
const ADMIN_KEY = { Authorization: 'Bearer test-admin-key' };

beforeAll(async () => {
  if (!existsSync(join(__dirname, '../../build/serverless/functions/sync-token.js'))) {
    throw new Error('build the functions first: npm run build:functions (npm test does)');
  }
  stack = await startLocalStack({ env: testEnv, functionsPort: await freePort(), standinPort: await freePort(), output: 'ignore' });
});
afterAll(() => stack?.stop());
beforeEach(() => stack?.standin.reset());

async function functions(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const response = await fetch(`${stack.functionsUrl}${path}`, { method: init.method ?? 'POST', headers: init.headers, body: init.body });
  return { status: response.status, body: await response.json() };
}
const signal = (body: Record<string, unknown>) =>
  functions('/desktop-event', {
    headers: { ...signedHeaders(testEnv.DESKTOP_EVENT_SECRET, body), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

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
) {
  const forgedConfig = {
    version: 99,
    events: shipped.map((event) => ({ ...event, durationSeconds: 3600 })),
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

test("an agent's Sync writes from the browser change nothing the functions decide", async () => {
  // An admin's saved configuration: the CVV pauses for 12 s.
  const saved = shipped.map((event) => (event.id === 'cvv' ? { ...event, durationSeconds: 12 } : event));
  expect(
    (
      await functions('/desktop-events/config', {
        method: 'POST',
        headers: { ...ADMIN_KEY, 'Content-Type': 'application/json' },
        body: JSON.stringify({ version: 0, events: saved }),
      })
    ).status,
  ).toBe(200);

  const mallory = stack.standin.createLiveCall({ agent: 'mallory', recording: 'both' });
  const alice = stack.standin.createLiveCall({ agent: 'alice', recording: 'both' });
  await stack.standin.callbacksDelivered(); // reservation.accepted: the ledgers and the index are there
  const eventId = 'alice-cvv-1';

  // Flex's own service takes every forgery; the product's refuses every one.
  const onFlexService = await forgeEverything(mallory.token, 'default', { agent: 'alice', callSid: alice.callSid }, mallory, eventId);
  expect(onFlexService.filter((status) => status >= 300)).toEqual([]);
  const onProductService = await forgeEverything(mallory.token, stack.syncServiceSid, { agent: 'alice', callSid: alice.callSid }, mallory, eventId);
  // Each refused: the token reaches nothing of the product's service.
  expect(onProductService).toEqual(onProductService.map(() => 403));

  // The configuration served is the one the admin saved.
  expect(await functions('/desktop-events/config', { method: 'GET', headers: ADMIN_KEY })).toMatchObject({
    status: 200,
    body: { version: 1, events: saved, updatedBy: 'admin-key-1' },
  });

  // Alice's signal pauses Alice's own call — not Mallory's, not answered as "seen" — for the saved 12 s.
  const paused = await signal({ eventId, agent: 'alice', trigger: 'cvv.focus' });
  expect(paused).toMatchObject({ status: 200, body: { duplicate: false, outcome: 'paused', callSid: alice.callSid, recording: 'paused' } });
  const hold = paused.body.holds[0];
  expect((Date.parse(hold.resumeAt) - Date.parse(hold.openedAt)) / 1000).toBe(12);
  for (const sid of alice.recordingSids) expect(stack.standin.recording(sid)?.status).toBe('paused');
  for (const sid of mallory.recordingSids) expect(stack.standin.recording(sid)?.status).toBe('in-progress');

  // What Alice's indicator reads — her call's document, through her own Sync token — is what Twilio confirmed.
  const token = await functions('/sync-token', {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Token: alice.token }).toString(),
  });
  expect(token).toMatchObject({ status: 200, body: { identity: 'alice', serviceSid: stack.syncServiceSid } });
  const indicatorSource = async () => {
    const response = await fetch(
      `${stack.standinUrl}/__standin/sync/documents/rc-call-${alice.callSid}?service=${stack.syncServiceSid}&token=${encodeURIComponent(token.body.token)}`,
    );
    return (await response.json()) as { data: { recording: string; holds: Array<{ id: string }> } };
  };
  expect((await indicatorSource()).data).toMatchObject({ recording: 'paused', holds: [{ id: 'cvv' }] });

  const resumed = await signal({ eventId: 'alice-cvv-2', agent: 'alice', trigger: 'cvv.blur' });
  expect(resumed.body).toMatchObject({ outcome: 'resumed', recording: 'in-progress' });
  for (const sid of alice.recordingSids) expect(stack.standin.recording(sid)?.status).toBe('in-progress');
  expect((await indicatorSource()).data).toMatchObject({ recording: 'in-progress', holds: [] });

  // Mallory's own Sync token reads her call, not Alice's.
  const mine = await functions('/sync-token', {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Token: mallory.token }).toString(),
  });
  expect(await asFlexUser(mine.body.token, 'GET', `${stack.syncServiceSid}/Documents/rc-call-${alice.callSid}`)).toBe(403);
  expect(await asFlexUser(mine.body.token, 'GET', `${stack.syncServiceSid}/Documents/rc-call-${mallory.callSid}`)).toBe(200);
});
