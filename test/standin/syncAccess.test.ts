/**
 * A Flex user's reach into Sync at the stand-in, over real HTTP: a Flex token (or a Sync access
 * token) sent as `X-Twilio-Token` reads and writes everything on a service whose ACLs are off —
 * Flex's own `default` — and only what an object's permissions grant its identity on one created
 * with `AclEnabled=true`. Account credentials reach everything.
 */
import twilio from 'twilio';
import type { RequestOptions } from 'twilio/lib/base/RequestClient';
import { withStandinOverHttp } from './harness';
import { openEventStream, type EventStreamReader } from './sse';

const API_KEY = { sid: `SK${'5'.repeat(32)}`, secret: 'standin-api-key-secret' };
let clock = new Date();
const harness = withStandinOverHttp({ apiKeys: [API_KEY], now: () => clock });

let productSid: string;
beforeAll(async () => {
  productSid = (await harness.client.sync.v1.services.create({ friendlyName: 'recording-controls', aclEnabled: true })).sid;
});
afterEach(() => {
  clock = new Date();
});

/** A Sync REST request made with a token, as a browser's Sync client would. */
async function asToken(token: string, method: string, path: string, form?: Record<string, unknown>) {
  const response = await fetch(`${harness.base}/v1/Services/${path}`, {
    method,
    headers: { 'X-Twilio-Token': token, ...(form && { 'Content-Type': 'application/x-www-form-urlencoded' }) },
    body:
      form && new URLSearchParams(Object.entries(form).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)])).toString(),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const worker = (agent: string, role: 'agent' | 'supervisor' | 'admin' = 'agent') => harness.standin.createWorker({ agent, role }).token;

function accessToken(identity: string, serviceSid: string, options: { secret?: string; keySid?: string; ttl?: number } = {}): string {
  const token = new twilio.jwt.AccessToken(harness.standin.accountSid, options.keySid ?? API_KEY.sid, options.secret ?? API_KEY.secret, {
    identity,
    ttl: options.ttl ?? 3600,
  });
  token.addGrant(new twilio.jwt.AccessToken.SyncGrant({ serviceSid }));
  return token.toJwt();
}

// The first request of a file loads the SDK's Sync modules: slow on a busy machine.
jest.setTimeout(30_000);

describe('Sync services', () => {
  it("answers the default service with ACLs off and a created one with them on, in Twilio's shape", async () => {
    const flexOwn = await harness.client.sync.v1.services('default').fetch();
    expect(flexOwn).toMatchObject({ aclEnabled: false, sid: expect.stringMatching(/^IS[0-9a-f]{32}$/) });
    const product = await harness.client.sync.v1.services(productSid).fetch();
    expect(product).toMatchObject({ sid: productSid, friendlyName: 'recording-controls', aclEnabled: true, accountSid: harness.standin.accountSid });
    await expect(harness.client.sync.v1.services(`IS${'9'.repeat(32)}`).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it('keeps the services across a reset, emptied', async () => {
    await harness.client.sync.v1.services(productSid).documents.create({ uniqueName: 'kept-or-not', data: {} });
    harness.standin.reset();
    expect((await harness.client.sync.v1.services(productSid).fetch()).aclEnabled).toBe(true);
    await expect(harness.client.sync.v1.services(productSid).documents('kept-or-not').fetch()).rejects.toMatchObject({ status: 404, code: 54100 });
  });
});

describe("a Flex user's token on Flex's own service (ACLs off)", () => {
  it('reads and writes every object, as any Flex user can from the browser', async () => {
    const mallory = worker('mallory');
    await harness.client.sync.v1.services('default').documents.create({ uniqueName: 'rc-desktop-events-config', data: { version: 1 } });
    expect(await asToken(mallory, 'POST', 'default/Documents/rc-desktop-events-config', { Data: { version: 9, events: [] } })).toMatchObject({ status: 200 });
    expect((await harness.client.sync.v1.services('default').documents('rc-desktop-events-config').fetch()).data).toEqual({ version: 9, events: [] });
    expect(await asToken(mallory, 'POST', 'default/Maps', { UniqueName: 'rc-live-agents' })).toMatchObject({ status: 201 });
    expect(await asToken(mallory, 'POST', 'default/Maps/rc-live-agents/Items', { Key: 'agent-x', Data: { callSid: 'CA1' } })).toMatchObject({ status: 201 });
  });
});

describe("a Flex user's token on the product's service (ACLs on)", () => {
  const service = () => harness.client.sync.v1.services(productSid);

  it('is refused every write and every read it was not granted, with 403 54007', async () => {
    const mallory = worker('mallory');
    await service().documents.create({ uniqueName: 'rc-call-CA1', data: { recording: 'in-progress' } });
    await service().syncMaps.create({ uniqueName: 'rc-live-agents' });
    await service().syncLists.create({ uniqueName: 'rc-intervals-CA1' });
    const forbidden = { status: 403, body: { code: 54007, status: 403 } };
    expect(await asToken(mallory, 'GET', `${productSid}/Documents/rc-call-CA1`)).toMatchObject(forbidden);
    expect(await asToken(mallory, 'POST', `${productSid}/Documents/rc-call-CA1`, { Data: { recording: 'paused' } })).toMatchObject(forbidden);
    expect(await asToken(mallory, 'DELETE', `${productSid}/Documents/rc-call-CA1`)).toMatchObject(forbidden);
    expect(await asToken(mallory, 'POST', `${productSid}/Documents`, { UniqueName: 'rc-desktop-events-config', Data: {} })).toMatchObject(forbidden);
    expect(await asToken(mallory, 'GET', `${productSid}/Documents`)).toMatchObject(forbidden);
    expect(await asToken(mallory, 'POST', `${productSid}/Maps/rc-live-agents/Items`, { Key: 'agent-x', Data: {} })).toMatchObject(forbidden);
    expect(await asToken(mallory, 'POST', `${productSid}/Lists/rc-intervals-CA1/Items`, { Data: {} })).toMatchObject(forbidden);
    expect(
      await asToken(mallory, 'POST', `${productSid}/Documents/rc-call-CA1/Permissions/mallory`, { Read: 'true', Write: 'true', Manage: 'true' }),
    ).toMatchObject({ status: 401 });
    expect((await service().documents('rc-call-CA1').fetch()).data).toEqual({ recording: 'in-progress' });
    expect(await asToken(mallory, 'GET', `${productSid}/Documents/rc-call-CA1`)).toMatchObject(forbidden);
  });

  it('reads what a permission lets it read, and still writes nothing', async () => {
    const alice = worker('alice');
    await service().documents.create({ uniqueName: 'rc-call-CA2', data: { recording: 'paused' } });
    const granted = await service().documents('rc-call-CA2').documentPermissions('alice').update({ read: true, write: false, manage: false });
    expect(granted).toMatchObject({ identity: 'alice', read: true, write: false, manage: false, serviceSid: productSid });
    expect(await asToken(alice, 'GET', `${productSid}/Documents/rc-call-CA2`)).toMatchObject({ status: 200, body: { data: { recording: 'paused' } } });
    expect(await asToken(alice, 'POST', `${productSid}/Documents/rc-call-CA2`, { Data: { recording: 'in-progress' } })).toMatchObject({
      status: 403,
      body: { code: 54007 },
    });
    // Another identity's token gains nothing from alice's permission.
    expect(await asToken(worker('bob'), 'GET', `${productSid}/Documents/rc-call-CA2`)).toMatchObject({ status: 403 });

    await service().documents('rc-call-CA2').documentPermissions('alice').remove();
    expect(await asToken(alice, 'GET', `${productSid}/Documents/rc-call-CA2`)).toMatchObject({ status: 403 });
    await expect(service().documents('rc-call-CA2').documentPermissions('alice').fetch()).rejects.toMatchObject({ status: 404, code: 54354 });
  });

  it("grants map and list permissions the same way, and a map's read covers its items", async () => {
    await service().syncMaps.create({ uniqueName: 'rc-live-calls' });
    await service()
      .syncMaps('rc-live-calls')
      .syncMapItems.create({ key: 'CA1', data: { agents: ['alice'] } });
    const sam = worker('sam', 'supervisor');
    expect(await asToken(sam, 'GET', `${productSid}/Maps/rc-live-calls/Items`)).toMatchObject({ status: 403 });
    await service().syncMaps('rc-live-calls').syncMapPermissions('sam').update({ read: true, write: false, manage: false });
    expect(await asToken(sam, 'GET', `${productSid}/Maps/rc-live-calls/Items`)).toMatchObject({ status: 200, body: { items: [{ key: 'CA1' }] } });
    expect(await asToken(sam, 'POST', `${productSid}/Maps/rc-live-calls/Items/CA1`, { Data: { agents: [] } })).toMatchObject({ status: 403 });
    await service().syncLists.create({ uniqueName: 'rc-intervals-CA1' });
    expect(await service().syncLists('rc-intervals-CA1').syncListPermissions('sam').update({ read: true, write: true, manage: false })).toMatchObject({
      identity: 'sam',
      write: true,
    });
    expect(await asToken(sam, 'POST', `${productSid}/Lists/rc-intervals-CA1/Items`, { Data: { from: 'a' } })).toMatchObject({ status: 201 });
  });

  it('reaches nothing but Sync objects: other APIs take account credentials', async () => {
    const live = harness.standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const response = await fetch(`${harness.base}/2010-04-01/Accounts/${harness.standin.accountSid}/Calls/${live.callSid}/Recordings/Twilio.CURRENT.json`, {
      method: 'POST',
      headers: { 'X-Twilio-Token': live.token, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'Status=paused',
    });
    expect(response.status).toBe(401);
    expect(harness.standin.recording(live.recordingSids[0])?.status).toBe('in-progress');
  });

  it('answers an unknown token 401', async () => {
    expect(await asToken('not-a-token', 'GET', 'default/Documents')).toMatchObject({ status: 401, body: { code: 20101 } });
  });
});

describe('Sync access tokens signed with an API key the stand-in knows', () => {
  it('reach only the service of their grant, within their lifetime', async () => {
    await harness.client.sync.v1.services(productSid).documents.create({ uniqueName: 'rc-call-CA3', data: { recording: 'paused' } });
    await harness.client.sync.v1.services(productSid).documents('rc-call-CA3').documentPermissions('alice').update({ read: true, write: false, manage: false });
    const token = accessToken('alice', productSid);
    expect(await asToken(token, 'GET', `${productSid}/Documents/rc-call-CA3`)).toMatchObject({ status: 200 });
    expect(await asToken(token, 'GET', 'default/Documents')).toMatchObject({ status: 403, body: { code: 54007 } });

    clock = new Date(Date.now() + 3601_000);
    expect(await asToken(token, 'GET', `${productSid}/Documents/rc-call-CA3`)).toMatchObject({ status: 401, body: { code: 20104 } });
  });

  it('refuses one signed with the wrong secret or an unknown key', async () => {
    expect(await asToken(accessToken('alice', productSid, { secret: 'guessed' }), 'GET', `${productSid}/Documents/x`)).toMatchObject({
      status: 401,
      body: { code: 20107 },
    });
    expect(await asToken(accessToken('alice', productSid, { keySid: `SK${'6'.repeat(32)}` }), 'GET', `${productSid}/Documents/x`)).toMatchObject({
      status: 401,
      body: { code: 20103 },
    });
  });

  it('lets the API key pair itself authenticate REST requests, with its own secret only', async () => {
    class Local extends twilio.RequestClient {
      request<T>(request: RequestOptions<T>) {
        return super.request<T>({ ...request, uri: request.uri.replace(/^https:\/\/[^/]+/, harness.base) });
      }
    }
    const byKey = twilio(API_KEY.sid, API_KEY.secret, { accountSid: harness.standin.accountSid, httpClient: new Local() });
    expect((await byKey.sync.v1.services(productSid).fetch()).aclEnabled).toBe(true);
    const wrong = twilio(API_KEY.sid, 'not-the-secret', { accountSid: harness.standin.accountSid, httpClient: new Local() });
    await expect(wrong.sync.v1.services(productSid).fetch()).rejects.toMatchObject({ status: 401, code: 20003 });
  });
});

describe("the push channel for the product's service", () => {
  let stream: EventStreamReader | undefined;
  afterEach(() => {
    stream?.close();
    stream = undefined;
  });
  const read = async (path: string) => {
    const response = await fetch(`${harness.base}${path}`);
    return { status: response.status, body: await response.json() };
  };

  it('needs a token, and serves a document only to an identity that may read it', async () => {
    const service = harness.client.sync.v1.services(productSid);
    await service.documents.create({ uniqueName: 'rc-call-CA4', data: { recording: 'paused' } });
    const token = encodeURIComponent(accessToken('alice', productSid));
    expect((await read(`/__standin/sync/documents/rc-call-CA4?service=${productSid}`)).status).toBe(401);
    expect((await read(`/__standin/sync/documents/rc-call-CA4?service=${productSid}&token=${token}`)).status).toBe(403);
    await service.documents('rc-call-CA4').documentPermissions('alice').update({ read: true, write: false, manage: false });
    expect(await read(`/__standin/sync/documents/rc-call-CA4?service=${productSid}&token=${token}`)).toMatchObject({
      status: 200,
      body: { data: { recording: 'paused' } },
    });
    expect((await read(`/__standin/sync/stream?service=${productSid}&token=bad`)).status).toBe(401);
  });

  it("pushes only the changes of objects the token's identity may read", async () => {
    const service = harness.client.sync.v1.services(productSid);
    await service.documents.create({ uniqueName: 'rc-call-mine', data: { n: 0 } });
    await service.documents.create({ uniqueName: 'rc-call-theirs', data: { n: 0 } });
    await service.documents('rc-call-mine').documentPermissions('alice').update({ read: true, write: false, manage: false });
    stream = await openEventStream(`${harness.base}/__standin/sync/stream?service=${productSid}&token=${encodeURIComponent(accessToken('alice', productSid))}`);
    expect(stream.status).toBe(200);
    await service.documents('rc-call-theirs').update({ data: { n: 1 } });
    await service.documents('rc-call-mine').update({ data: { n: 1 } });
    await harness.client.sync.v1.services('default').documents.create({ uniqueName: 'rc-call-mine', data: { n: 'flex' } });
    expect(await stream.next()).toMatchObject({ event: 'document', data: { uniqueName: 'rc-call-mine', data: { n: 1 } } });
    await service.documents('rc-call-mine').remove();
    expect(await stream.next()).toMatchObject({ event: 'document_removed', data: { uniqueName: 'rc-call-mine' } });
  });
});
