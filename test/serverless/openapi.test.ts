/**
 * docs/openapi.json against what the functions really accept and answer: every public function
 * that is built is documented (and nothing else), every documented field is accepted (and only
 * those), and real answers — successes and every kind of refusal — validate against the
 * documented schema and codes.
 */
import Ajv2020 from 'ajv/dist/2020';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CRM_FIELD_FIELDS, DESKTOP_ITEM_EVENT_FIELDS, DesktopItemEvent } from '../../src/core/desktopEvents';
import { DESKTOP_EVENT_FIELDS } from '../../src/core/desktopEventRequest';
import { handler as configFunction } from '../../src/serverless/functions/desktop-events/config';
import { handler as automationHealthFunction } from '../../src/serverless/functions/automation-health';
import { handler as sweepFunction } from '../../src/serverless/functions/sweep';
import { handler as syncTokenFunction } from '../../src/serverless/functions/sync-token';
import { SYNC_TOKEN_FIELDS } from '../../src/serverless/lib/endpoints/syncToken';
import { Authenticator } from '../../src/serverless/lib/endpoints/auth';
import {
  ConfigApiDeps,
  handleCrmFields,
  handleDesktopEventsConfig,
  handleDesktopEventsConfigHistory,
  SAVE_FIELDS,
} from '../../src/serverless/lib/endpoints/desktopEventsConfigApi';
import { VERBS, type Verb } from '../../src/core/wire';
import { handleRecordingControl, VERB_BODIES } from '../../src/serverless/lib/endpoints/recordingControls';
import { handleDesktopEvent } from '../../src/serverless/lib/endpoints/desktopEvent';
import { DesktopEventsConfigStore } from '../../src/serverless/lib/stores/desktopEventsConfig';
import { readSettings } from '../../src/serverless/lib/base/settings';
import { twilioClient } from '../../src/serverless/lib/twilio/twilioClient';
import { DEFAULT_RETRIES } from '../../src/serverless/lib/twilio/retry';
import { functionContext, invoke } from '../support/functionRuntime';
import { apiDeps, desktopDeps, shippedConfig, signed, testEnv, useStandin } from '../support/harness';

const standin = useStandin();
jest.setTimeout(30_000);
const root = join(__dirname, '../..');
const builtFunctions = join(root, 'build/serverless/functions');
const doc = JSON.parse(readFileSync(join(root, 'docs/openapi.json'), 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
// RFC 3339 date-times, as the contract says.
ajv.addFormat('date-time', (value: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value));
ajv.addSchema({ $id: 'openapi', components: doc.components });

type Method = 'get' | 'put' | 'post';
type Json = Record<string, any>;
const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

/** A documented schema, with its references pointing into the document's components. */
const compile = (schema: unknown) => ajv.compile(JSON.parse(JSON.stringify(schema).replace(/"#\/components/g, '"openapi#/components')));
const component = (name: string): Json => doc.components.schemas[name];
const fieldsOf = (schema: Json): string[] => Object.keys(schema.properties).sort();

/** Every public function the build makes, as its path: each `.js` but the protected ones. */
function publicFunctionPaths(dir = builtFunctions): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return publicFunctionPaths(path);
    if (!entry.name.endsWith('.js') || entry.name.endsWith('.protected.js')) return [];
    return [`/${relative(builtFunctions, path).replace(/\\/g, '/').replace(/\.js$/, '')}`];
  });
}

function operation(path: string, method: Method): Json {
  const documented = doc.paths[path]?.[method];
  if (!documented) throw new Error(`the document has no ${method.toUpperCase()} ${path}`);
  return documented;
}

function expectDocumented(path: string, status: number, body: unknown, method: Method = 'post') {
  const response = operation(path, method).responses[String(status)];
  if (!response) throw new Error(`${method.toUpperCase()} ${path} answered ${status}, which the document does not list`);
  const validate = compile(response.content[JSON_TYPE].schema);
  if (!validate(body)) throw new Error(`${method.toUpperCase()} ${path} ${status}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(body)}`);
  const code = (body as { error?: { code: string } }).error?.code;
  if (code) expect(response.description).toContain(code);
}

/** Whether the documented request body of that type admits `body`. */
function documentedRequestAdmits(path: string, method: Method, type: string, body: unknown): boolean {
  const content = operation(path, method).requestBody?.content?.[type];
  if (!content) throw new Error(`${method.toUpperCase()} ${path} documents no ${type} body`);
  return compile(content.schema)(body) as boolean;
}

test('every documented path is a public function, and every public function is documented', () => {
  const built = publicFunctionPaths().sort();
  // Without a build there is nothing to compare against: `npm run build:functions` first.
  expect(built).toContain('/desktop-event');
  expect(Object.keys(doc.paths).sort()).toEqual(built);
});

test('the documented request fields are exactly the accepted ones', () => {
  expect(fieldsOf(component('DesktopSignal'))).toEqual([...DESKTOP_EVENT_FIELDS].sort());
  expect(fieldsOf(component('DesktopSignalWithToken'))).toEqual([...DESKTOP_EVENT_FIELDS, 'Token'].sort());
  for (const verb of VERBS) {
    const schema = operation(`/recording-controls/${verb}`, 'post').requestBody.content[JSON_TYPE].schema;
    expect(fieldsOf(schema)).toEqual(Object.keys(VERB_BODIES[verb].shape).sort());
  }
  expect(fieldsOf(component('ConfigSave'))).toEqual([...SAVE_FIELDS].sort());
  expect(fieldsOf(component('DesktopItemEvent'))).toEqual([...DESKTOP_ITEM_EVENT_FIELDS].sort());
  expect(fieldsOf(component('CrmField'))).toEqual([...CRM_FIELD_FIELDS].sort());
  for (const type of [JSON_TYPE, FORM_TYPE])
    expect(fieldsOf(operation('/sync-token', 'post').requestBody.content[type].schema)).toEqual([...SYNC_TOKEN_FIELDS].sort());
});

test('sync-token answers match the document', async () => {
  const live = standin.createLiveCall({ agent: 'alice', recording: 'none' });
  const form: Array<[string, string]> = [['Content-Type', FORM_TYPE]];
  const { TWILIO_API_KEY: _key, ...withoutKey } = functionContext;
  const answers = [
    await invoke(syncTokenFunction, { headers: form, body: { Token: live.token } }),
    await invoke(syncTokenFunction, { headers: [['Content-Type', JSON_TYPE]], body: { Token: live.token } }),
    await invoke(syncTokenFunction, { headers: form, body: { Token: 'forged' } }),
    await invoke(syncTokenFunction, { headers: [...form, ['Authorization', 'Bearer test-api-key']], body: {} }),
    await invoke(syncTokenFunction, { headers: form, body: { Token: live.token, extra: 'x' } }),
    await invoke(syncTokenFunction, { headers: form, body: { Token: live.token } }, withoutKey as typeof functionContext),
    await invoke(syncTokenFunction, { headers: form, body: { Token: live.token } }, { ...functionContext, SYNC_SERVICE_SID: 'default' }),
  ];
  expect(answers.map((answer) => answer.status)).toEqual([200, 200, 401, 403, 400, 500, 500]);
  for (const answer of answers) expectDocumented('/sync-token', answer.status, answer.body);
  for (const body of [{ Token: live.token }, { Token: live.token, extra: 'x' }]) {
    expect(documentedRequestAdmits('/sync-token', 'post', FORM_TYPE, body)).toBe(Object.keys(body).length === 1);
  }
});

test('automation-health answers and fields match the document', async () => {
  const live = standin.createLiveCall({ agent: 'alice', recording: 'call' });
  const other = standin.createLiveCall({ agent: 'bob', recording: 'call' });
  const form: Array<[string, string]> = [['Content-Type', FORM_TYPE]];
  const answers = [
    await invoke(automationHealthFunction, { headers: form, body: { Token: live.token, callSid: live.callSid, problems: 'crm-fields' } }),
    await invoke(automationHealthFunction, { headers: [['Content-Type', JSON_TYPE]], body: { Token: live.token, callSid: live.callSid, problems: [] } }),
    await invoke(automationHealthFunction, { headers: form, body: { Token: live.token, callSid: live.callSid, problems: 'nope' } }),
    await invoke(automationHealthFunction, { headers: form, body: { Token: 'forged', callSid: live.callSid, problems: '' } }),
    await invoke(automationHealthFunction, { headers: form, body: { Token: other.token, callSid: live.callSid, problems: 'sync' } }),
    await invoke(automationHealthFunction, { headers: form, body: { Token: live.token, callSid: 'CA' + '0'.repeat(32), problems: '' } }),
  ];
  expect(answers.map((answer) => answer.status)).toEqual([200, 200, 400, 401, 403, 404]);
  for (const answer of answers) expectDocumented('/automation-health', answer.status, answer.body);
  for (const type of [FORM_TYPE, JSON_TYPE]) {
    expect(fieldsOf(operation('/automation-health', 'post').requestBody.content[type].schema)).toEqual(['Token', 'callSid', 'problems', 'taskSid']);
  }
});

test('desktop-event answers match the document', async () => {
  standin.createLiveCall({ agent: 'alice', recording: 'both' });
  const deps = desktopDeps();
  const answers = [
    await handleDesktopEvent(deps, signed({ agent: 'alice', trigger: 'card-number.focus' })),
    await handleDesktopEvent(deps, { headers: {}, body: {} }),
    await handleDesktopEvent(deps, signed({ agent: 'alice', trigger: 'cvv.focus' }, { secret: 'x' })),
    await handleDesktopEvent(deps, signed({ agent: 'nobody', trigger: 'cvv.focus' })),
    await handleDesktopEvent(deps, signed({ agent: 'alice', trigger: 'nope' })),
    await handleDesktopEvent(desktopDeps({}, { DESKTOP_EVENT_SECRET: '' }), signed({ agent: 'alice', trigger: 'cvv.focus' })),
  ];
  standin.injectFault({ operation: 'recording.update', status: 503, code: 20503, times: 1000 });
  answers.push(await handleDesktopEvent(deps, signed({ agent: 'alice', trigger: 'cvv.focus' })));
  expect(answers.map((answer) => answer.status)).toEqual([200, 400, 401, 404, 422, 500, 502]);
  for (const answer of answers) expectDocumented('/desktop-event', answer.status, answer.body);
});

test('desktop-event with a Flex token instead of the signature: answers and bodies match the document', async () => {
  const alice = standin.createLiveCall({ agent: 'alice', recording: 'both' });
  standin.createLiveCall({ agent: 'bob', recording: 'call' });
  // Flex tokens need no desktop secret: a contact center without a desktop agent has none.
  const deps = desktopDeps({ auth: new Authenticator(readSettings(testEnv)) }, { DESKTOP_EVENT_SECRET: '' });
  const json = { 'content-type': JSON_TYPE };
  const sent: Array<{ headers: Record<string, string>; body: Json }> = [
    { headers: json, body: { eventId: 'evt-token-1', trigger: 'card-number.focus', Token: alice.token } },
    { headers: { ...json, token: alice.token }, body: { eventId: 'evt-token-2', agent: 'alice', trigger: 'card-number.blur' } },
    { headers: json, body: { eventId: 'evt-token-3', trigger: 'cvv.focus', Token: 'forged' } },
    { headers: json, body: { eventId: 'evt-token-4', agent: 'bob', trigger: 'cvv.focus', Token: alice.token } },
  ];
  const answers = [];
  for (const request of sent) answers.push(await handleDesktopEvent(deps, request));
  expect(answers.map((answer) => answer.status)).toEqual([200, 200, 401, 403]);
  expect(answers.slice(0, 2).map((answer) => (answer.body as Json).outcome)).toEqual(['paused', 'resumed']);
  for (const answer of answers) expectDocumented('/desktop-event', answer.status, answer.body);
  // What was sent is what the document describes, and a signed body may not carry a Token.
  for (const { body } of sent) expect(documentedRequestAdmits('/desktop-event', 'post', JSON_TYPE, body)).toBe(true);
  expect(compile(component('DesktopSignal'))(sent[0].body)).toBe(false);
});

describe('desktop-events configuration answers match the document', () => {
  const settings = readSettings(testEnv);
  const KEY = { authorization: 'Bearer test-admin-key' };
  const json = { 'content-type': JSON_TYPE };
  const form = { 'content-type': FORM_TYPE };
  const shipped = shippedConfig.ok ? shippedConfig.config.events : [];
  const withCrmField = (seconds: number): DesktopItemEvent[] =>
    shipped.map((event) =>
      event.id === 'cvv' ? { ...event, durationSeconds: seconds, fields: [{ selector: 'input[name=cvv]', origin: 'https://crm.example.com' }] } : event,
    );
  /** One function container's configuration API. */
  const container = (): ConfigApiDeps => ({
    auth: new Authenticator(settings),
    configs: new DesktopEventsConfigStore(twilioClient(settings), DEFAULT_RETRIES, 'default', { asset: () => shippedConfig, log: () => undefined }),
    log: () => undefined,
  });

  test('/desktop-events/config: read, save, and every refusal', async () => {
    const deps = container();
    const admin = standin.createLiveCall({ agent: 'ada', recording: 'none', role: 'admin' }).token;
    const agent = standin.createLiveCall({ agent: 'alice', recording: 'none' }).token;
    const path = '/desktop-events/config';
    const call = async (method: Method, headers: Record<string, string>, body: Json = {}) => {
      const answer = await handleDesktopEventsConfig(deps, { headers, body });
      expectDocumented(path, answer.status, answer.body, method);
      return { status: answer.status, body: answer.body as Json };
    };

    expect(await call('get', KEY)).toEqual({ status: 200, body: { version: 0, events: shipped } });
    expect((await call('post', form, { Token: admin })).status).toBe(200);
    const save = { version: 0, events: withCrmField(10) };
    expect(await call('put', { ...json, ...KEY }, save)).toMatchObject({ status: 200, body: { version: 1, updatedBy: 'admin-key-1' } });
    const browserSave = { version: 1, events: withCrmField(20), Token: admin };
    expect(await call('post', json, browserSave)).toMatchObject({ status: 200, body: { version: 2, updatedBy: 'ada' } });
    for (const body of [save, browserSave]) expect(documentedRequestAdmits(path, 'put', JSON_TYPE, body)).toBe(true);

    const stale = await call('put', { ...json, ...KEY }, { version: 1, events: withCrmField(30) });
    expect(stale).toMatchObject({ status: 409, body: { error: { code: 'version_conflict', current: { version: 2, updatedBy: 'ada' } } } });

    // An event with neither a duration nor a stop trigger never ends: the document refuses it too.
    const endless = { version: 2, events: [{ id: 'endless', startTrigger: 'endless.focus', action: 'pause' }] };
    const invalid = await call('put', { ...json, ...KEY }, endless);
    expect(invalid).toMatchObject({ status: 400, body: { error: { code: 'invalid_config', problems: [expect.stringMatching(/^events\[0\]: /)] } } });
    expect(documentedRequestAdmits(path, 'put', JSON_TYPE, endless)).toBe(false);

    expect(await call('get', {})).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    expect(await call('put', { ...json, token: agent }, { version: 2, events: shipped })).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden' } },
    });
    expect((await call('get', KEY)).body.version).toBe(2);
  });

  test('/desktop-events/config: a body the function cannot read is invalid_config without a problem list', async () => {
    const nested = { version: 0, events: [{ fields: [{ origin: { deeper: { still: { deeper: 'x' } } } }] }] };
    const body = JSON.stringify(nested);
    const answer = await invoke(configFunction, {
      headers: [
        ['Content-Type', JSON_TYPE],
        ['Content-Length', String(body.length)],
        ['Authorization', 'Bearer test-admin-key'],
      ],
      body: nested,
    });
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'invalid_config' } } });
    expectDocumented('/desktop-events/config', answer.status, answer.body, 'put');
  });

  test('/desktop-events/config/history and /desktop-events/crm-fields', async () => {
    const deps = container();
    const admin = standin.createLiveCall({ agent: 'ada', recording: 'none', role: 'admin' }).token;
    const agent = standin.createLiveCall({ agent: 'alice', recording: 'none' }).token;
    await handleDesktopEventsConfig(deps, { headers: { ...json, ...KEY }, body: { version: 0, events: withCrmField(10) } });
    await handleDesktopEventsConfig(deps, { headers: { ...json, ...KEY }, body: { version: 1, events: withCrmField(20) } });

    const history = async (method: Method, headers: Record<string, string>, body: Json = {}) => {
      const answer = await handleDesktopEventsConfigHistory(deps, { headers, body });
      expectDocumented('/desktop-events/config/history', answer.status, answer.body, method);
      return { status: answer.status, body: answer.body as Json };
    };
    expect((await history('get', KEY)).body.versions.map((version: Json) => version.version)).toEqual([2, 1]);
    expect((await history('post', form, { Token: admin, before: '2' })).body.versions.map((version: Json) => version.version)).toEqual([1]);
    expect(documentedRequestAdmits('/desktop-events/config/history', 'post', FORM_TYPE, { Token: admin, before: 2 })).toBe(true);
    expect(await history('get', KEY, { before: 'latest' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect(await history('get', {})).toMatchObject({ status: 401 });
    expect(await history('post', form, { Token: agent })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });

    const crmFields = async (method: Method, headers: Record<string, string>, body: Json = {}) => {
      const answer = await handleCrmFields(container(), { headers, body });
      expectDocumented('/desktop-events/crm-fields', answer.status, answer.body, method);
      return { status: answer.status, body: answer.body as Json };
    };
    // Any Flex user reads them: the agent's own plugin relays the CRM's fields.
    expect(await crmFields('post', form, { Token: agent })).toEqual({
      status: 200,
      body: { fields: [{ origin: 'https://crm.example.com', selector: 'input[name=cvv]', event: 'cvv', focusTrigger: 'cvv.focus', blurTrigger: 'cvv.blur' }] },
    });
    expect((await crmFields('get', KEY)).status).toBe(200);
    expect(await crmFields('get', { token: 'forged' })).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
  });
});

test('sweep answers match the document', async () => {
  const bearer = (key: string): Array<[string, string]> => [['Authorization', `Bearer ${key}`]];
  for (const headers of [[], bearer('wrong')]) {
    const refused = await invoke(sweepFunction, { headers });
    expect(refused).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    expectDocumented('/sweep', refused.status, refused.body);
  }
  // A desktop hold opened two minutes ago for 60 s: its time ran out, the sweep closes it.
  standin.createLiveCall({ agent: 'alice', recording: 'call' });
  const twoMinutesAgo = new Date(Date.now() - 120_000);
  const opened = await handleDesktopEvent(
    desktopDeps({ now: () => twoMinutesAgo }),
    signed({ agent: 'alice', trigger: 'card-number.focus' }, { timestamp: twoMinutesAgo.getTime() / 1000 }),
  );
  expect(opened.status).toBe(200);
  const swept = await invoke(sweepFunction, { headers: bearer('test-api-key') });
  expect(swept).toEqual({ status: 200, body: { live: 1, due: 1, changed: 1, failed: 0, marked: 0, repaired: 0 } });
  expectDocumented('/sweep', swept.status, swept.body);
});

test('recording-controls answers match the document', async () => {
  const live = standin.createLiveCall({ agent: 'alice', recording: 'none' });
  const other = standin.createLiveCall({ agent: 'bob', recording: 'call' });
  const key = { authorization: 'Bearer test-api-key' };
  const run = async (verb: Verb, body: Record<string, unknown>, headers: Record<string, string> = {}, env: Record<string, string> = {}) => {
    const answer = await handleRecordingControl(verb, apiDeps(env), { headers, body });
    expectDocumented(`/recording-controls/${verb}`, answer.status, answer.body);
    return answer.status;
  };
  const statuses = [
    await run('start', { callSid: live.callSid, Token: live.token }),
    await run('start', { callSid: live.callSid, Token: live.token }),
    await run('pause', { callSid: live.callSid, Token: live.token, reason: 'card' }),
    await run('status', { callSid: live.callSid }, key),
    await run('timeline', { callSid: live.callSid }, key),
    await run('resume', { callSid: live.callSid, Token: live.token }),
    await run('tags', { taskSid: live.taskSid, tags: ['a'], metadata: { b: 'c' } }, key),
    await run('stop', { callSid: live.callSid }, key),
    await run('stop', { callSid: live.callSid }, key, { ALLOW_STOP_RECORDING: 'true' }),
    await run('pause', { callSid: other.callSid, Token: live.token }),
    await run('pause', { callSid: live.callSid }),
    await run('pause', { callSid: 'nope' }, key),
    await run('status', { callSid: `CA${'e'.repeat(32)}` }, key),
  ];
  expect(statuses).toEqual([200, 409, 200, 200, 200, 200, 200, 403, 200, 403, 401, 400, 404]);
});
