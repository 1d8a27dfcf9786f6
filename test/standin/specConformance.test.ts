/**
 * The stand-in checked against Twilio's own OpenAPI documents (twilio-oai): a representative run
 * of the functions — desktop events, every Recording Controls verb, the sweep, a task ending —
 * plus the Sync maps, lists and errors they rely on, all through the real twilio SDK. Every
 * request the SDK sends must be an operation of the spec with parameters it knows; every answer
 * must carry a status the spec lists and a body its schema accepts (and no field it lacks), or
 * Twilio's error body; no page may be larger than the spec's PageSize maximum.
 */
import { setupServer } from 'msw/node';
import { taskEvent } from '../../src/serverless/lib/control/callbacks';
import { handleDesktopEvent } from '../../src/serverless/lib/endpoints/desktopEvent';
import type { Verb } from '../../src/core/wire';
import { handleRecordingControl } from '../../src/serverless/lib/endpoints/recordingControls';
import { sweep } from '../../src/serverless/lib/control/sweep';
import { readSettings } from '../../src/serverless/lib/base/settings';
import { twilioClient } from '../../src/serverless/lib/twilio/twilioClient';
import { standinHandlers } from '../../src/standin/msw';
import { FAULT_OPERATIONS } from '../../src/standin/standin';
import { PRODUCT_SYNC_SERVICE_SID, WORKSPACE_SID, apiDeps, callbackDeps, desktopDeps, liveIndex, signed, testEnv, testStandin } from '../support/harness';
import { type Exchange, type Operation, TwilioSpecs, errorBodyProblems } from './twilioSpecs';

jest.setTimeout(60_000);

const standin = testStandin();
const exchanges: Exchange[] = [];
// The stand-in's msw handler, with every request and answer written down on the way.
const server = setupServer(
  ...standinHandlers({
    ...standin,
    async handle(request: Request) {
      const body = await request.clone().text();
      const response = await standin.handle(request);
      const responseBody = response.type === 'error' ? '' : await response.clone().text();
      exchanges.push({ method: request.method, url: new URL(request.url), headers: request.headers, body, status: response.status, responseBody });
      return response;
    },
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

let specs: TwilioSpecs;
beforeAll(() => {
  specs = new TwilioSpecs();
});

const client = twilioClient(readSettings(testEnv));
const key = { authorization: 'Bearer test-api-key' };
const control = (verb: Verb, body: Record<string, unknown>, headers: Record<string, string> = key) =>
  handleRecordingControl(verb, apiDeps(), { headers, body });

/** The functions at work on a few calls, as a day of use would have them. */
async function representativeRun(): Promise<void> {
  const alice = standin.createLiveCall({ agent: 'alice', recording: 'both' });
  const bob = standin.createLiveCall({ agent: 'bob', recording: 'none' });
  const carol = standin.createLiveCall({ agent: 'carol', recording: 'call' });

  // Desktop events: a card field gains and loses focus; the CVV pauses with an automatic resume.
  const desktop = desktopDeps();
  expect((await handleDesktopEvent(desktop, signed({ agent: 'alice', trigger: 'card-number.focus' }))).status).toBe(200);
  expect((await handleDesktopEvent(desktop, signed({ agent: 'alice', trigger: 'card-number.blur' }))).status).toBe(200);
  expect((await handleDesktopEvent(desktopDeps(), signed({ agent: 'carol', trigger: 'cvv.focus', callSid: carol.callSid }))).status).toBe(200);

  // Every Recording Controls verb.
  expect((await control('start', { callSid: bob.callSid })).status).toBe(200);
  expect((await control('pause', { callSid: bob.callSid, Token: bob.token, reason: 'reading card' }, {})).status).toBe(200);
  expect((await control('status', { taskSid: bob.taskSid, Token: bob.token }, {})).status).toBe(200);
  expect((await control('timeline', { callSid: bob.callSid })).status).toBe(200);
  expect((await control('resume', { callSid: bob.callSid, Token: bob.token }, {})).status).toBe(200);
  expect((await control('tags', { taskSid: bob.taskSid, tags: ['payment'], metadata: { order: 'A-17' } })).status).toBe(200);
  expect((await control('status', { callSid: `CA${'e'.repeat(32)}` })).status).toBe(404);
  await control('stop', { callSid: bob.callSid });

  // The sweep resumes what has expired; a task ending writes the record to its attributes.
  const later = () => new Date(Date.now() + 10 * 60_000);
  await sweep(liveIndex(), apiDeps({}, later).control, later);
  await control('pause', { callSid: alice.callSid });
  standin.endCall(alice.callSid);
  await taskEvent(callbackDeps(), {
    EventType: 'task.wrapup',
    TaskSid: alice.taskSid,
    TaskAttributes: JSON.stringify(standin.task(alice.taskSid)?.attributes),
  });
  // A signal for a call that has ended meets Twilio's refusals.
  await handleDesktopEvent(desktopDeps(), signed({ agent: 'alice', trigger: 'cvv.focus', callSid: alice.callSid }));
}

/** Twilio's refusals the functions must understand, each met once. */
async function refusalsRun(): Promise<void> {
  const ended = standin.createLiveCall({ agent: 'dave', recording: 'both' });
  standin.endCall(ended.callSid);
  const twice = standin.createLiveCall({ agent: 'erin', recording: 'call' });
  await client.calls(twice.callSid).recordings.create({ recordingChannels: 'dual' });
  const attempts = [
    client.calls(ended.callSid).recordings('Twilio.CURRENT').update({ status: 'paused' }), // 400 21220
    client.conferences(ended.conferenceSid).recordings('Twilio.CURRENT').update({ status: 'paused' }), // 400 16022
    client.calls(twice.callSid).recordings('Twilio.CURRENT').update({ status: 'paused' }), // 400 16108
    client
      .calls(`CA${'d'.repeat(32)}`)
      .recordings('Twilio.CURRENT')
      .update({ status: 'paused' }), // 404 20404
    client.taskrouter.v1.workspaces(WORKSPACE_SID).tasks(twice.taskSid).update({ attributes: '{}', ifMatch: '7' }), // 412 20412
    client.sync.v1.services('default').documents('rc-spec-none').update({ data: {}, ifMatch: 'W/"not-a-revision"' }), // 404 54100
  ];
  for (const attempt of attempts) await attempt.catch(() => undefined);
  await client.sync.v1.services('default').documents.create({ uniqueName: 'rc-spec-etag', data: {} });
  await client.sync.v1
    .services('default')
    .documents('rc-spec-etag')
    .update({ data: {}, ifMatch: 'W/"not-a-revision"' })
    .catch(() => undefined); // 400 54003
}

/** The Sync objects the functions keep — documents, the live-calls maps, archive lists — and their refusals. */
async function syncRun(): Promise<void> {
  const service = client.sync.v1.services(PRODUCT_SYNC_SERVICE_SID);
  await service.documents.create({ uniqueName: 'rc-spec-doc', data: { holds: [] }, ttl: 3600 });
  await service.documents('rc-spec-doc').update({ data: { holds: [1] }, ifMatch: '0' });
  await service
    .documents('rc-spec-doc')
    .update({ data: {}, ifMatch: '0' })
    .catch(() => undefined); // 412
  await service
    .documents('rc-spec-none')
    .fetch()
    .catch(() => undefined); // 404

  await service
    .syncMaps('rc-spec-map')
    .syncMapItems.create({ key: 'CA1', data: {} })
    .catch(() => undefined); // 404: no implicit map
  await service.syncMaps.create({ uniqueName: 'rc-spec-map', ttl: 86_400 });
  await service.syncMaps.create({ uniqueName: 'rc-spec-map' }).catch(() => undefined); // 409
  for (let index = 0; index < 5; index += 1) await service.syncMaps('rc-spec-map').syncMapItems.create({ key: `CA${index}`, data: { index }, itemTtl: 600 });
  await service
    .syncMaps('rc-spec-map')
    .syncMapItems.create({ key: 'CA0', data: {} })
    .catch(() => undefined); // 409
  await service
    .syncMaps('rc-spec-map')
    .syncMapItems('CA0')
    .update({ data: { index: 'zero' }, ifMatch: '0' });
  await service
    .syncMaps('rc-spec-map')
    .syncMapItems('CA0')
    .update({ data: {}, ifMatch: '0' })
    .catch(() => undefined); // 412
  await service.syncMaps('rc-spec-map').syncMapItems('CA0').fetch();
  await service.syncMaps('rc-spec-map').syncMapItems.list({ pageSize: 2, order: 'desc', from: 'CA3', bounds: 'inclusive' });
  await service.syncMaps('rc-spec-map').syncMapItems('CA4').remove();
  await service.syncMaps('rc-spec-map').fetch();
  await service.syncMaps.list({ pageSize: 100 });

  await service.syncLists.create({ uniqueName: 'rc-intervals-CA1', collectionTtl: 86_400 });
  await service.syncLists('rc-intervals-CA1').syncListItems.create({ data: { from: 'a', to: 'b' } });
  await service
    .syncLists('rc-intervals-CA1')
    .syncListItems(0)
    .update({ data: { from: 'a', to: 'c' }, ifMatch: '0' });
  await service
    .syncLists('rc-intervals-CA1')
    .syncListItems(7)
    .fetch()
    .catch(() => undefined); // 404
  await service.syncLists('rc-intervals-CA1').syncListItems.list({ pageSize: 50 });
  await service.syncLists('rc-intervals-CA1').remove();
  await service.syncMaps('rc-spec-map').remove();
}

/** The stand-in's remaining routes, so that every answer it can give is checked at least once. */
async function remainingRoutesRun(): Promise<void> {
  const live = standin.createLiveCall({ agent: 'frank', recording: 'both' });
  const workspace = client.taskrouter.v1.workspaces(WORKSPACE_SID);
  await client.calls(live.callSid).fetch();
  await client.conferences(live.conferenceSid).fetch();
  // How the functions find a conference the task does not name yet.
  await client.conferences.list({ friendlyName: live.taskSid, status: 'in-progress' });
  await client.conferences.list({ dateCreatedAfter: new Date(Date.now() - 86_400_000), limit: 20 });
  await client.recordings(live.recordingSids[0]).fetch();
  await client.calls(live.callSid).recordings(live.recordingSids[1]).fetch();
  await client.conferences(live.conferenceSid).recordings(live.recordingSids[0]).fetch();
  await client.conferences(live.conferenceSid).recordings.list({ limit: 20 });
  await workspace.workers(live.workerSid).fetch();
  await workspace.tasks.list({ assignmentStatus: ['assigned', 'wrapping'], limit: 20 });
  // TaskRouter's event log: a task's creation as it was, and one event by its sid.
  const [created] = await workspace.events.list({ taskSid: live.taskSid, eventType: 'task.created', minutes: 43_200, limit: 5 });
  await workspace.events(created.sid).fetch();
  await workspace.events.list({ startDate: new Date(Date.now() - 3_600_000), endDate: new Date(Date.now() + 60_000), workerSid: live.workerSid });
  await workspace
    .events(`EV${'e'.repeat(32)}`)
    .fetch()
    .catch(() => undefined); // 404
  await client.calls(live.callSid).update({ status: 'completed' });

  const service = client.sync.v1.services('default');
  await service.documents.list({ pageSize: 20 });
  await service.syncMaps.create({ uniqueName: 'rc-spec-other-map' });
  await service.syncMaps('rc-spec-other-map').update({ collectionTtl: 600 });
  await service.syncMaps('rc-spec-other-map').syncMapItems.create({ key: 'k', data: {} });
  await service.syncMaps('rc-spec-other-map').syncMapItems('k').remove();
  await service.syncMaps('rc-spec-other-map').remove();
  await service.syncLists.create({ uniqueName: 'rc-spec-list' });
  await service.syncLists('rc-spec-list').fetch();
  await service.syncLists('rc-spec-list').update({ ttl: 600 });
  await service.syncLists.list({ pageSize: 20 });
  await service.syncLists('rc-spec-list').syncListItems.create({ data: {} });
  await service.syncLists('rc-spec-list').syncListItems(0).fetch();
  await service.syncLists('rc-spec-list').syncListItems(0).remove();
  await client.sync.v1.services(PRODUCT_SYNC_SERVICE_SID).documents('rc-spec-doc').remove();
}

/**
 * A service of the product's own with ACLs on, its objects' permissions, and what a Flex user's
 * token meets there (sent as a browser's Sync client sends it: X-Twilio-Token).
 */
async function aclRun(): Promise<void> {
  const created = await client.sync.v1.services.create({ friendlyName: 'recording-controls', aclEnabled: true });
  await client.sync.v1.services(created.sid).fetch();
  await client.sync.v1.services('default').fetch();
  await client.sync.v1
    .services(`IS${'e'.repeat(32)}`)
    .fetch()
    .catch(() => undefined); // 404
  const service = client.sync.v1.services(created.sid);
  await service.documents.create({ uniqueName: 'rc-call-CA1', data: { holds: [] } });
  await service.syncMaps.create({ uniqueName: 'rc-live-calls' });
  await service.syncLists.create({ uniqueName: 'rc-intervals-CA1' });
  await service.documents('rc-call-CA1').documentPermissions('alice').update({ read: true, write: false, manage: false });
  await service.documents('rc-call-CA1').documentPermissions('alice').fetch();
  await service
    .documents('rc-call-CA1')
    .documentPermissions('nobody')
    .fetch()
    .catch(() => undefined); // 404 54354
  await service.syncMaps('rc-live-calls').syncMapPermissions('sam').update({ read: true, write: false, manage: false });
  await service.syncMaps('rc-live-calls').syncMapPermissions('sam').fetch();
  await service.syncMaps('rc-live-calls').syncMapPermissions('sam').remove();
  await service.syncLists('rc-intervals-CA1').syncListPermissions('alice').update({ read: true, write: false, manage: false });
  await service.syncLists('rc-intervals-CA1').syncListPermissions('alice').fetch();
  await service.syncLists('rc-intervals-CA1').syncListPermissions('alice').remove();
  await service.documents('rc-call-CA1').documentPermissions('alice').remove();

  const flex = standin.createWorker({ agent: 'mallory', role: 'agent' });
  const asUser = (method: string, path: string, form?: Record<string, string>) =>
    fetch(`https://sync.twilio.com/v1/Services/${created.sid}${path}`, {
      method,
      headers: { 'X-Twilio-Token': flex.token, ...(form && { 'Content-Type': 'application/x-www-form-urlencoded' }) },
      body: form && new URLSearchParams(form).toString(),
    });
  await asUser('POST', '/Documents/rc-call-CA1', { Data: JSON.stringify({ holds: [], recording: 'paused' }) }); // 403 54007
  await asUser('GET', '/Documents/rc-call-CA1'); // 403 54007
}

/** What a deployment makes (docs/deploy.md): an API key, and an Event Streams sink subscribed to TaskRouter's events. */
async function deploymentRun(): Promise<void> {
  await client.newKeys.create({ friendlyName: 'recording-controls-sync' });
  const sink = await client.events.v1.sinks.create({
    description: 'recording-controls task events',
    sinkType: 'webhook',
    sinkConfiguration: { destination: 'https://example.com/task-event', method: 'POST', batch_events: true },
  });
  await client.events.v1.sinks.create({ description: 'no destination', sinkType: 'webhook', sinkConfiguration: {} }).catch(() => undefined); // 400
  await client.events.v1.sinks.list();
  const subscription = await client.events.v1.subscriptions.create({
    description: 'recording-controls task events',
    sinkSid: sink.sid,
    types: [{ type: 'com.twilio.taskrouter.task.updated', schema_version: 1 }],
  });
  await client.events.v1.subscriptions.list();
  await client.events.v1.subscriptions(subscription.sid).remove();
  await client.events.v1.sinks(sink.sid).remove();
}

/** What the deploy guide's Flex step and `flex:plugins:release` do: the Flex Configuration read and updated, a plugin version released. */
async function flexRun(): Promise<void> {
  const flex = client.flexApi.v1;
  await flex.configuration().fetch();
  // twilio-node sends these options as the JSON body, as Twilio takes it.
  await flex
    .configuration()
    .update({ account_sid: standin.accountSid, ui_attributes: { recordingControls: { serverlessBaseUrl: 'https://example.com' } } } as object);
  const plugin = await flex.plugins.create({ uniqueName: 'plugin-recording-controls' });
  await flex.plugins(plugin.sid).fetch();
  await flex.plugins(plugin.sid).update({ friendlyName: 'Recording controls' });
  await flex.plugins.list();
  const version = await flex.plugins(plugin.sid).pluginVersions.create({ versionParam: '1.0.0', pluginUrl: 'https://example.com/bundle.js' });
  await flex.plugins(plugin.sid).pluginVersions.list();
  await flex.plugins(plugin.sid).pluginVersions(version.sid).fetch();
  const configuration = await flex.pluginConfigurations.create({ name: 'Recording controls', plugins: [{ plugin_version: version.sid, phase: 3 }] });
  await flex.pluginConfigurations(configuration.sid).fetch();
  await flex.pluginConfigurations(configuration.sid).plugins.list();
  await flex.pluginReleases.create({ configurationId: configuration.sid });
  await flex.pluginReleases.list();
}

function operationOf(exchange: Exchange): Operation {
  const operation = specs.operation(exchange.method, exchange.url);
  if (typeof operation === 'string') throw new Error(operation);
  return operation;
}

/** The Flex token check is iam.twilio.com's, used by twilio-flex-token-validator and in no public spec. */
const isTokenCheck = (exchange: Exchange) => exchange.url.hostname === 'iam.twilio.com' && /\/Tokens\/validate$/.test(exchange.url.pathname);

describe("the stand-in against Twilio's OpenAPI documents", () => {
  let run: Exchange[];
  beforeAll(async () => {
    await representativeRun();
    await refusalsRun();
    await syncRun();
    await remainingRoutesRun();
    await aclRun();
    await deploymentRun();
    await flexRun();
    run = exchanges.splice(0);
  });

  it('reaches every route of the stand-in, and the operations the functions use, with successes and refusals', () => {
    const operations = new Set(standin.requests().map((request) => request.operation));
    expect([...FAULT_OPERATIONS].filter((operation) => !operations.has(operation))).toEqual([]);

    const seen = new Set(run.filter((exchange) => !isTokenCheck(exchange)).map((exchange) => `${exchange.method} ${operationOf(exchange).template}`));
    for (const expected of [
      'POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings/{Sid}.json',
      'POST /2010-04-01/Accounts/{AccountSid}/Conferences/{ConferenceSid}/Recordings/{Sid}.json',
      'POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings.json',
      'GET /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings.json',
      'GET /2010-04-01/Accounts/{AccountSid}/Conferences.json',
      'GET /v1/Workspaces/{WorkspaceSid}/Workers',
      'GET /v1/Workspaces/{WorkspaceSid}/Workers/{WorkerSid}/Reservations',
      'GET /v1/Workspaces/{WorkspaceSid}/Tasks/{Sid}',
      'POST /v1/Workspaces/{WorkspaceSid}/Tasks/{Sid}',
      'GET /v1/Workspaces/{WorkspaceSid}/Events',
      'GET /v1/Workspaces/{WorkspaceSid}/Events/{Sid}',
      'GET /v1/Services/{ServiceSid}/Documents/{Sid}',
      'POST /v1/Services/{ServiceSid}/Documents',
      'POST /v1/Services/{ServiceSid}/Maps/{MapSid}/Items',
      'POST /v1/Services/{ServiceSid}/Maps/{MapSid}/Items/{Key}',
      'GET /v1/Services/{ServiceSid}/Maps/{MapSid}/Items',
      'POST /v1/Services/{ServiceSid}/Lists/{ListSid}/Items',
    ]) {
      expect(seen).toContain(expected);
    }
    const statuses = new Set(run.map((exchange) => exchange.status));
    for (const status of [200, 201, 204, 400, 404, 409, 412]) expect(statuses).toContain(status);
    const codes = new Set(run.filter((exchange) => exchange.status >= 400).map((exchange) => JSON.parse(exchange.responseBody).code));
    for (const code of [21220, 16022, 16108, 20404, 20412, 54003, 54100, 54103, 54200, 54205, 54208, 54301, 54151, 54354, 54007]) expect(codes).toContain(code);
  });

  it('every request the SDK sent is an operation of the spec, with parameters the spec knows and accepts', () => {
    const problems = run.filter((exchange) => !isTokenCheck(exchange)).flatMap((exchange) => specs.requestProblems(exchange, operationOf(exchange)));
    // The Flex Configuration update's JSON body is described on Twilio's Flex Configuration page, not in the spec (which gives it no body).
    expect(problems.filter((problem) => problem !== 'POST /v1/Configuration: sends a body the spec does not take')).toEqual([]);
  });

  it("every answer has a status the spec lists and a body its schema accepts, or is Twilio's error body", () => {
    const problems = run.flatMap((exchange) =>
      isTokenCheck(exchange)
        ? exchange.status >= 400
          ? errorBodyProblems(exchange, 'token check')
          : []
        : specs.responseProblems(exchange, operationOf(exchange)),
    );
    expect(problems).toEqual([]);
  });
});

describe('page size caps, as the spec states them', () => {
  it('answers no more than the maximum when asked for more, and still reaches every item', async () => {
    standin.reset();
    const service = client.sync.v1.services('default');
    await service.syncMaps.create({ uniqueName: 'big' });
    await service.syncLists.create({ uniqueName: 'big' });
    for (let index = 0; index < 105; index += 1) {
      await service.syncMaps('big').syncMapItems.create({ key: `k${String(index).padStart(3, '0')}`, data: {} });
      await service.syncLists('big').syncListItems.create({ data: { index } });
    }
    for (let index = 0; index < 105; index += 1) await service.documents.create({ uniqueName: `doc-${index}`, data: {} });
    exchanges.splice(0);

    // Deliberately over Sync's maximum (these requests are not the functions' and break the spec on purpose).
    await service.syncMaps('big').syncMapItems.page({ pageSize: 1000 });
    await service.syncLists('big').syncListItems.page({ pageSize: 1000 });
    await service.documents.page({ pageSize: 1000 });
    for (const exchange of exchanges.splice(0)) {
      const operation = operationOf(exchange);
      const maximum = specs.maxPageSize(operation);
      expect(maximum).toBe(100);
      expect(specs.responseProblems(exchange, operation)).toEqual([]);
      expect(JSON.parse(exchange.responseBody).meta.page_size).toBe(maximum);
    }
    expect(await service.syncMaps('big').syncMapItems.list({ pageSize: 100 })).toHaveLength(105);
    expect(await service.documents.list({ pageSize: 100 })).toHaveLength(105);
  });
});
