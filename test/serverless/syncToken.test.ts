/**
 * `POST /sync-token` and the read permissions behind it: a Flex user's plugin gets a Sync token
 * for its own identity on the product's Sync service (ACLs on), and with it reads only what the
 * functions granted — its own calls' documents, and the live-calls map for supervisors — and
 * writes nothing. A deployment whose Sync service has ACLs off is refused, naming the setting.
 *
 * The functions run as Twilio runs them (their shells, the runtime's event), TaskRouter's
 * events reach the task-event function, and Twilio is the stand-in behind msw.
 */
import { liveCallsShardNames } from '../../src/core/syncNames';
import { liveCallsShardOf } from '../../src/serverless/lib/stores/liveIndex';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { handler as desktopEvent } from '../../src/serverless/functions/desktop-event';
import { handler as desktopEventsConfig } from '../../src/serverless/functions/desktop-events/config';
import { handler as status } from '../../src/serverless/functions/recording-controls/status';
import { handler as syncToken } from '../../src/serverless/functions/sync-token';
import { handler as taskEvent } from '../../src/serverless/functions/task-event.protected';
import { standinHandlers } from '../../src/standin/msw';
import { functionContext, invoke } from '../support/functionRuntime';
import { PRODUCT_SYNC_SERVICE_SID, signed, testEnv, testStandin } from '../support/harness';

const CALLBACK_URL = 'https://callbacks.example.com/task-event';
const standin = testStandin({ eventCallbackUrl: CALLBACK_URL, authToken: testEnv.AUTH_TOKEN });
const form = [['Content-Type', 'application/x-www-form-urlencoded']] as Array<[string, string]>;
const server = setupServer(
  http.post(CALLBACK_URL, async ({ request }) => {
    const answer = await invoke(taskEvent, { headers: form, body: Object.fromEntries(new URLSearchParams(await request.text())) });
    return new HttpResponse(null, { status: answer.status });
  }),
  ...standinHandlers(standin),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => standin.reset());
afterAll(() => server.close());
jest.setTimeout(30_000);

const tokenFor = (flexToken: string, context = functionContext) => invoke(syncToken, { headers: form, body: { Token: flexToken } }, context);

/** What the plugin's Sync client can do with its token: a Sync REST request as the browser's client makes it. */
async function withSyncToken(token: string, method: string, path: string, data?: unknown) {
  const response = await fetch(`https://sync.twilio.com/v1/Services/${PRODUCT_SYNC_SERVICE_SID}/${path}`, {
    method,
    headers: { 'X-Twilio-Token': token, ...(data !== undefined && { 'Content-Type': 'application/x-www-form-urlencoded' }) },
    body: data === undefined ? undefined : new URLSearchParams({ Data: JSON.stringify(data) }).toString(),
  });
  return { status: response.status, body: await response.json() };
}

const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

async function liveCall(agent: string, role: 'agent' | 'supervisor' | 'admin' = 'agent') {
  const call = standin.createLiveCall({ agent, recording: 'conference', role });
  await standin.callbacksDelivered();
  return call;
}

describe('POST /sync-token', () => {
  it("gives an agent a one-hour token for its own identity on the product's service, that reads its call's document and writes nothing", async () => {
    const alice = await liveCall('alice');
    const answer = await tokenFor(alice.token);
    expect(answer).toEqual({ status: 200, body: { token: expect.any(String), identity: 'alice', serviceSid: PRODUCT_SYNC_SERVICE_SID, ttl: 3600 } });
    const payload = payloadOf(answer.body.token);
    expect(payload).toMatchObject({
      iss: testEnv.TWILIO_API_KEY,
      sub: testEnv.ACCOUNT_SID,
      grants: { identity: 'alice', data_sync: { service_sid: PRODUCT_SYNC_SERVICE_SID } },
    });
    expect(payload.exp - payload.iat).toBe(3600);

    const document = await withSyncToken(answer.body.token, 'GET', `Documents/rc-call-${alice.callSid}`);
    expect(document).toMatchObject({ status: 200, body: { data: { call: { callSid: alice.callSid, agent: 'alice' } } } });
    expect(await withSyncToken(answer.body.token, 'POST', `Documents/rc-call-${alice.callSid}`, { holds: [], recording: 'paused' })).toMatchObject({
      status: 403,
      body: { code: 54007 },
    });
  });

  it('refuses a bad or missing Flex token with 401, and an API key with 403', async () => {
    expect(await tokenFor('not-a-flex-token')).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    expect(await invoke(syncToken, { headers: form, body: {} })).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    expect(await invoke(syncToken, { headers: [...form, ['Authorization', 'Bearer test-api-key']], body: {} })).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden' } },
    });
    expect(await invoke(syncToken, { headers: form, body: { Token: 'x', identity: 'someone-else' } })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request' } },
    });
  });

  it("lets a supervisor's token read every shard of the live-calls index, and not an agent's", async () => {
    const alice = await liveCall('alice');
    const supervisor = standin.createWorker({ agent: 'sam', role: 'supervisor' });
    const sam = (await tokenFor(supervisor.token)).body.token;
    const keys: string[] = [];
    for (const shard of liveCallsShardNames()) {
      const items = await withSyncToken(sam, 'GET', `Maps/${shard}/Items`);
      expect(items.status).toBe(200);
      keys.push(...items.body.items.map((item: { key: string }) => item.key));
    }
    expect(keys).toEqual([alice.callSid]);

    const agent = (await tokenFor(alice.token)).body.token;
    expect(await withSyncToken(agent, 'GET', `Maps/${liveCallsShardOf(alice.callSid)}/Items`)).toMatchObject({ status: 403, body: { code: 54007 } });
  });

  it("does not let an agent's token read a colleague's call document", async () => {
    const alice = await liveCall('alice');
    const bob = await liveCall('bob');
    const token = (await tokenFor(alice.token)).body.token;
    expect(await withSyncToken(token, 'GET', `Documents/rc-call-${bob.callSid}`)).toMatchObject({ status: 403, body: { code: 54007 } });
    // Asking for the colleague's status is refused, and grants nothing.
    expect(await invoke(status, { headers: form, body: { Token: alice.token, callSid: bob.callSid } })).toMatchObject({ status: 403 });
    expect(await withSyncToken(token, 'GET', `Documents/rc-call-${bob.callSid}`)).toMatchObject({ status: 403 });
  });

  it("lets a supervisor who asks a call's status read that call's document", async () => {
    const alice = await liveCall('alice');
    const supervisor = standin.createWorker({ agent: 'sam', role: 'supervisor' });
    const token = (await tokenFor(supervisor.token)).body.token;
    expect((await withSyncToken(token, 'GET', `Documents/rc-call-${alice.callSid}`)).status).toBe(403);
    expect((await invoke(status, { headers: form, body: { Token: supervisor.token, callSid: alice.callSid } })).status).toBe(200);
    expect(await withSyncToken(token, 'GET', `Documents/rc-call-${alice.callSid}`)).toMatchObject({
      status: 200,
      body: { data: { call: { agent: 'alice' } } },
    });
  });

  it('is not configured without an API key to sign with', async () => {
    const alice = await liveCall('alice');
    const { TWILIO_API_KEY: _key, TWILIO_API_SECRET: _secret, ...withoutKey } = functionContext;
    const answer = await tokenFor(alice.token, withoutKey as typeof functionContext);
    expect(answer).toMatchObject({ status: 500, body: { error: { code: 'not_configured', message: expect.stringContaining('TWILIO_API_KEY') } } });
  });
});

describe('a Sync service whose ACLs are off', () => {
  const refusedWith = (context: typeof functionContext) => async () => {
    const alice = await liveCall('alice');
    const signal = signed({ agent: 'alice', trigger: 'cvv.focus' });
    const answers = [
      await invoke(desktopEvent, { headers: Object.entries(signal.headers), body: signal.body }, context),
      await invoke(status, { headers: form, body: { Token: alice.token, callSid: alice.callSid } }, context),
      await invoke(desktopEventsConfig, { headers: [['Authorization', 'Bearer test-api-key']] }, context),
      await tokenFor(alice.token, context),
    ];
    for (const answer of answers)
      expect(answer).toMatchObject({ status: 500, body: { error: { code: 'not_configured', message: expect.stringContaining('SYNC_SERVICE_SID') } } });
    // Nothing was paused meanwhile.
    for (const sid of alice.recordingSids) expect(standin.recording(sid)?.status).toBe('in-progress');
  };

  it("is refused as the functions' store when SYNC_SERVICE_SID names Flex's default service", refusedWith({ ...functionContext, SYNC_SERVICE_SID: 'default' }));

  it('is refused when SYNC_SERVICE_SID names a service created without AclEnabled', async () => {
    const open = standin.createSyncService({ friendlyName: 'acl-off', aclEnabled: false });
    await refusedWith({ ...functionContext, SYNC_SERVICE_SID: open })();
  });
});
