/**
 * Each request that once broke the functions (docs/api.md, *Errors*), sent to the real
 * function shells as Twilio's runtime hands it over — the event built by @twilio/runtime-handler's
 * own `constructEvent` from headers, query string and body — with the real `twilio` SDK talking to
 * the stand-in. Every answer is a contract code; nothing throws; no card digits come back or stay.
 */
import { signedHeaders } from '../../src/core/signature';
import { taskRouterString } from '../../src/core/taskRouterExpression';
import { handler as automationHealth } from '../../src/serverless/functions/automation-health';
import { handler as desktopEvent } from '../../src/serverless/functions/desktop-event';
import { handler as pause } from '../../src/serverless/functions/recording-controls/pause';
import { handler as tags } from '../../src/serverless/functions/recording-controls/tags';
import { handler as status } from '../../src/serverless/functions/recording-controls/status';
import { handler as sweep } from '../../src/serverless/functions/sweep';
import { handler as taskEvent } from '../../src/serverless/functions/task-event.protected';
import type { FunctionHandler } from '../../src/serverless/lib/base/functionTypes';
import { TaskOrigins } from '../../src/serverless/lib/twilio/taskOrigins';
import { TaskCalls } from '../../src/serverless/lib/twilio/taskCalls';
import { readSettings } from '../../src/serverless/lib/base/settings';
import { twilioClient } from '../../src/serverless/lib/twilio/twilioClient';
import { DEFAULT_RETRIES } from '../../src/serverless/lib/twilio/retry';
import { ledgerStore, liveIndex, SECRET, statusOf, testEnv, useStandin, WORKSPACE_SID } from '../support/harness';
import { functionContext, invoke, Sent } from '../support/functionRuntime';

const standin = useStandin();
jest.setTimeout(30_000);

const context = functionContext;
let logged: string[] = [];
beforeEach(() => {
  logged = [];
  for (const method of ['log', 'error', 'warn'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
  }
});
afterEach(() => jest.restoreAllMocks());

const jsonHeaders = (body: unknown): Array<[string, string]> => [
  ['Content-Type', 'application/json'],
  ['Content-Length', String(Buffer.byteLength(JSON.stringify(body)))],
];
const signedRequest = (body: unknown, secret = SECRET): Sent => ({
  headers: [...Object.entries(signedHeaders(secret, body)).filter(([name]) => name !== 'Content-Type'), ...jsonHeaders(body)],
  body,
});
const formRequest = (fields: Record<string, string>, extra: Array<[string, string]> = []): Sent => ({
  headers: [['Content-Type', 'application/x-www-form-urlencoded'], ['Content-Length', String(new URLSearchParams(fields).toString().length)], ...extra],
  body: fields,
});
const code = (answer: { body: any }) => answer.body?.error?.code;
const nested = (depth: number): unknown => {
  let value: unknown = 'x';
  for (let level = 0; level < depth; level += 1) value = { a: value };
  return value;
};

const CARD_FORMS = [
  '4111111111111111',
  '4111.1111.1111.1111',
  '4111/1111/1111/1111',
  '４１１１ １１１１ １１１１ １１１１',
  '4111\u200b1111\u200b1111\u200b1111',
];
/** Whether any form of the test card's digits is in `text`. */
const hasCardDigits = (text: string) =>
  text
    .normalize('NFKC')
    .replace(/[^0-9]/g, '')
    .includes('4111111111111111');

describe('no request crashes a function', () => {
  test('two Authorization headers, two Token headers: 401, never a throw', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const body = { callSid: live.callSid };
    const twoKeys = await invoke(status, {
      headers: [...jsonHeaders(body), ['Authorization', 'Bearer test-api-key'], ['Authorization', 'Bearer other']],
      body,
    });
    expect([twoKeys.status, code(twoKeys)]).toEqual([401, 'unauthenticated']);
    const twoTokens = await invoke(status, { headers: [...jsonHeaders(body), ['Token', live.token], ['Token', live.token]], body });
    expect([twoTokens.status, code(twoTokens)]).toEqual([401, 'unauthenticated']);
    const oneToken = await invoke(status, { headers: [...jsonHeaders(body), ['Token', live.token]], body });
    expect(oneToken.status).toBe(200);
  });

  test('X-Desktop-Timestamp twice is refused; copies of X-Desktop-Signature are one list', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const body = { eventId: 'two-timestamps', agent: 'alice', trigger: 'cvv.focus' };
    const request = signedRequest(body);
    const twice = await invoke(desktopEvent, { ...request, headers: [...request.headers!, ['X-Desktop-Timestamp', '1']] });
    expect([twice.status, code(twice)]).toEqual([401, 'invalid_signature']);

    const copies = signedRequest({ ...body, eventId: 'two-signatures' });
    const withWrongCopy = await invoke(desktopEvent, { ...copies, headers: [['X-Desktop-Signature', `v1=${'0'.repeat(64)}`], ...copies.headers!] });
    expect([withWrongCopy.status, withWrongCopy.body.outcome]).toEqual([200, 'paused']);
    expect(await statusOf(standin, live.recordingSids[0])).toBe('paused');
  });

  test('a `request` key in the query string or the body never replaces the headers', async () => {
    const body = { eventId: 'query-request', agent: 'alice', trigger: 'cvv.focus' };
    for (const query of [{ request: 'x' }, { request: ['x', 'y'] }, { request: { headers: 'x' } }, { request: { headers: { authorization: 1 } } }]) {
      const answer = await invoke(desktopEvent, { ...signedRequest(body), query });
      expect([answer.status, code(answer)]).toEqual([400, 'invalid_event']);
      const api = await invoke(status, { headers: [['Authorization', 'Bearer test-api-key']], query: { ...query, callSid: `CA${'0'.repeat(32)}` } });
      expect([api.status, code(api)]).toEqual([400, 'invalid_request']);
    }
    const inBody = await invoke(pause, formRequest({ request: 'Bearer test-api-key', callSid: `CA${'0'.repeat(32)}` }));
    expect([inBody.status, code(inBody)]).toEqual([400, 'invalid_request']);
    const missing = await new Promise<any>((resolve) => desktopEvent(context, { eventId: 'x' }, (_error, response) => resolve(response)));
    expect([missing.statusCode, missing.body.error.code]).toEqual([400, 'invalid_event']);
  });

  test('the automation report: doubled tokens, a token in the URL, card digits as a problem — each refused, nothing echoed, nothing written', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const fields = { callSid: live.callSid, problems: 'crm-fields' };
    const twoTokens = await invoke(
      automationHealth,
      formRequest(fields, [
        ['Token', live.token],
        ['Token', live.token],
      ]),
    );
    expect([twoTokens.status, code(twoTokens)]).toEqual([401, 'unauthenticated']);
    const inQuery = await invoke(automationHealth, { ...formRequest(fields), query: { Token: live.token } });
    expect([inQuery.status, code(inQuery)]).toEqual([401, 'unauthenticated']);
    for (const card of CARD_FORMS) {
      const answer = await invoke(automationHealth, formRequest({ ...fields, Token: live.token, problems: card }));
      expect([answer.status, code(answer)]).toEqual([400, 'invalid_request']);
      expect(hasCardDigits(JSON.stringify(answer.body))).toBe(false);
    }
    const keyed = await invoke(automationHealth, { headers: [...jsonHeaders(fields), ['Authorization', 'Bearer test-api-key']], body: fields });
    expect([keyed.status, code(keyed)]).toEqual([403, 'forbidden']);
    expect(await liveIndex().callItem(live.callSid)).toBeNull(); // nothing refused was written
    expect((await invoke(automationHealth, formRequest({ ...fields, Token: live.token }))).status).toBe(200);
    expect((await liveIndex().callItem(live.callSid))?.data).toMatchObject({ automationOff: ['crm-fields'] });
  });

  test('a body nested 20,000 levels deep (no Content-Length, as chunked) is 400 at every function', async () => {
    const deep = { eventId: 'deep', agent: 'alice', trigger: 'cvv.focus', extra: nested(20_000) };
    const chunked: Sent = {
      headers: [
        ['Content-Type', 'application/json'],
        ['X-Desktop-Timestamp', '1'],
        ['X-Desktop-Signature', 'v1=00'],
      ],
      body: deep,
    };
    for (const [fn, expected] of [
      [desktopEvent, 'invalid_event'],
      [pause, 'invalid_request'],
      [sweep, 'invalid_request'],
      [taskEvent, 'invalid_request'],
      [automationHealth, 'invalid_request'],
    ] as const) {
      const answer = await invoke(fn, chunked);
      expect([answer.status, code(answer), answer.body.error.message]).toEqual([400, expected, 'the body is nested too deeply']);
    }
  });

  test('a huge body without Content-Length is 400, measured from the body itself', async () => {
    const answer = await invoke(desktopEvent, {
      headers: [['Content-Type', 'application/json']],
      body: { eventId: 'big', agent: 'a'.repeat(5_000_000), trigger: 'cvv.focus' },
    });
    expect([answer.status, code(answer)]).toEqual([400, 'invalid_event']);
    const api = await invoke(tags, {
      headers: [['Content-Type', 'application/json']],
      body: { metadata: Object.fromEntries(Array.from({ length: 50_000 }, (_, index) => [`k${index}`, 'v'])) },
    });
    expect([api.status, code(api)]).toEqual([400, 'invalid_request']);
  });

  test('an unexpected failure inside a function is answered 502 and logged by name only', async () => {
    // A context whose settings cannot be read: the function fails where no request can reach.
    const broken = Object.defineProperty({ ...context }, 'ACCOUNT_SID', {
      enumerable: true,
      get() {
        throw new TypeError(`unreadable ${CARD_FORMS[0]}`);
      },
    });
    const body = { eventId: 'explode', agent: 'alice', trigger: 'cvv.focus' };
    const answer = await invoke(desktopEvent, signedRequest(body), broken);
    expect([answer.status, code(answer)]).toEqual([502, 'recording_update_failed']);
    expect(logged).toEqual(['desktop-event failed unexpectedly: TypeError']);
  });
});

describe('card digits are refused in every free-text field and never echoed', () => {
  test('reason, tags, metadata values and metadata keys, in every form', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const key: Array<[string, string]> = [['Authorization', 'Bearer test-api-key']];
    const send = (fn: FunctionHandler, body: Record<string, unknown>) => invoke(fn, { headers: [...jsonHeaders(body), ...key], body });
    for (const card of CARD_FORMS) {
      const answers = [
        await send(pause, { callSid: live.callSid, reason: `card ${card}` }),
        await send(tags, { taskSid: live.taskSid, tags: [card] }),
        await send(tags, { taskSid: live.taskSid, metadata: { note: card } }),
        await send(tags, { taskSid: live.taskSid, metadata: { [card]: 'x' } }),
      ];
      for (const answer of answers) {
        expect([answer.status, code(answer)]).toEqual([400, 'invalid_request']);
        expect(hasCardDigits(JSON.stringify(answer.body))).toBe(false);
      }
    }
    // The key is named by its place only, never by itself.
    const keyAnswer = await send(tags, { taskSid: live.taskSid, metadata: { '4111111111111111': 'x' } });
    expect(keyAnswer.body.error.message).toBe('metadata: each key must be 1–64 of A-Z a-z 0-9 _ . : - and never a card number');
    // Nothing reached Twilio: the recording runs, the task's attributes and the ledger hold no digits.
    expect(await statusOf(standin, live.recordingSids[0])).toBe('in-progress');
    expect(hasCardDigits(JSON.stringify(standin.task(live.taskSid)?.attributes))).toBe(false);
    expect(await ledgerStore().load(live.callSid)).toBeNull();
    expect(logged.some(hasCardDigits)).toBe(false);
  });

  test('a desktop signal never echoes an unknown trigger, nor an agent it cannot find', async () => {
    standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const unknown = await invoke(desktopEvent, signedRequest({ eventId: 'evt-trigger', agent: 'alice', trigger: '4111111111111111' }));
    expect([unknown.status, code(unknown)]).toEqual([422, 'unknown_trigger']);
    const nobody = await invoke(desktopEvent, signedRequest({ eventId: 'evt-agent', agent: '4111 1111 1111 1111', trigger: 'cvv.focus' }));
    expect([nobody.status, code(nobody)]).toEqual([404, 'no_active_call']);
    for (const answer of [unknown, nobody]) expect(hasCardDigits(JSON.stringify(answer.body))).toBe(false);
    expect(logged.some(hasCardDigits)).toBe(false);
  });

  test('what agents do type still works: a reason, tags and metadata without card numbers', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const body = { taskSid: live.taskSid, tags: ['refund', 'order 12345'], metadata: { crm_case: '2024-05-01 case 778' } };
    const answer = await invoke(tags, { headers: [...jsonHeaders(body), ['Authorization', 'Bearer test-api-key']], body });
    expect(answer).toMatchObject({ status: 200, body: { tags: ['refund', 'order 12345'], metadata: { crm_case: '2024-05-01 case 778' } } });
  });
});

describe('credentials from the right places only; no open endpoints', () => {
  test('a Flex token in the query string is refused; in the form body or a Token header it works', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const inQuery = await invoke(pause, { ...formRequest({ callSid: live.callSid }), query: { Token: live.token } });
    expect([inQuery.status, code(inQuery)]).toEqual([401, 'unauthenticated']);
    const noBody = await invoke(pause, { query: { Token: live.token, callSid: live.callSid } });
    expect([noBody.status, code(noBody)]).toEqual([401, 'unauthenticated']);
    expect(await statusOf(standin, live.recordingSids[0])).toBe('in-progress');

    const inBody = await invoke(pause, formRequest({ callSid: live.callSid, Token: live.token }));
    expect([inBody.status, inBody.body.recording]).toEqual([200, 'paused']);
    const body = { callSid: live.callSid };
    const inHeader = await invoke(status, { headers: [...jsonHeaders(body), ['Token', live.token]], body });
    expect(inHeader.status).toBe(200);
  });

  test('an API key in the query string is not a credential', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const answer = await invoke(pause, { ...formRequest({ callSid: live.callSid }), query: { Authorization: 'Bearer test-api-key' } });
    expect([answer.status, code(answer)]).toEqual([400, 'invalid_request']);
    expect(await statusOf(standin, live.recordingSids[0])).toBe('in-progress');
  });

  test('POST /sweep takes an API key, and tells nothing to anyone else', async () => {
    for (const headers of [
      [],
      [['Authorization', 'Bearer wrong']],
      [
        ['Authorization', 'Bearer test-api-key'],
        ['Authorization', 'Bearer test-api-key'],
      ],
    ] as Array<Array<[string, string]>>) {
      const refused = await invoke(sweep, { headers });
      expect(refused.status).toBe(401);
      expect(Object.keys(refused.body)).toEqual(['error']);
      expect(code(refused)).toBe('unauthenticated');
    }
    const keyInBody = await invoke(sweep, formRequest({ Authorization: 'Bearer test-api-key' }));
    expect(keyInBody.status).toBe(401);
    const allowed = await invoke(sweep, { headers: [['Authorization', 'Bearer test-api-key']] });
    expect(allowed.status).toBe(200);
  });

  test('a desktop event that is not Content-Type: application/json is 400 invalid_event', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const body = { eventId: 'form-event', agent: 'alice', trigger: 'cvv.focus' };
    const signature = signedHeaders(SECRET, body);
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', undefined]) {
      const headers: Array<[string, string]> = [
        ['X-Desktop-Timestamp', signature['X-Desktop-Timestamp']],
        ['X-Desktop-Signature', signature['X-Desktop-Signature']],
        ...(type ? ([['Content-Type', type]] as Array<[string, string]>) : []),
      ];
      const answer = await invoke(desktopEvent, { headers, body });
      expect([type, answer.status, code(answer)]).toEqual([type, 400, 'invalid_event']);
    }
    expect(await statusOf(standin, live.recordingSids[0])).toBe('in-progress');
  });
});

describe('a signed JSON array', () => {
  test('is 400 invalid_event, though the runtime flattens it into {0: …}', async () => {
    const body = [{ eventId: 'array', agent: 'alice', trigger: 'cvv.focus' }];
    const answer = await invoke(desktopEvent, signedRequest(body));
    expect([answer.status, code(answer)]).toEqual([400, 'invalid_event']);
    const api = await invoke(status, { headers: [...jsonHeaders(body), ['Authorization', 'Bearer test-api-key']], body });
    expect([api.status, code(api)]).toEqual([400, 'invalid_request']);
  });
});

describe('TaskRouter expressions cannot be injected', () => {
  test('values are quoted with a quote they do not contain, or refused', () => {
    expect(taskRouterString('client:alice')).toBe('"client:alice"');
    expect(taskRouterString("client:o'brien")).toBe('"client:o\'brien"');
    expect(taskRouterString('client:say "hi"')).toBe('\'client:say "hi"\'');
    expect(taskRouterString('client:both \' and "')).toBeUndefined();
    expect(taskRouterString('client:back\\slash')).toBeUndefined();
    expect(taskRouterString('client:new\nline')).toBeUndefined();
  });

  test('an identity with a quote does not match another worker; identities with one quote still work', async () => {
    const alice = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    for (const agent of ['alice" and contact_uri != "x', "alice' and contact_uri != 'x", 'x" and 1 == 1 and contact_uri != "y']) {
      const answer = await invoke(desktopEvent, signedRequest({ eventId: `inject-${agent.length}-${agent.charCodeAt(5)}`, agent, trigger: 'cvv.focus' }));
      expect([agent, answer.status, code(answer)]).toEqual([agent, 404, 'no_active_call']);
    }
    expect(await statusOf(standin, alice.recordingSids[0])).toBe('in-progress');

    for (const agent of ["o'brien@example.com", 'say "hi"']) {
      const live = standin.createLiveCall({ agent, recording: 'call' });
      const answer = await invoke(desktopEvent, signedRequest({ eventId: `quoted-${agent.length}`, agent, trigger: 'cvv.focus' }));
      expect([agent, answer.status, answer.body.outcome]).toEqual([agent, 200, 'paused']);
      expect(await statusOf(standin, live.recordingSids[0])).toBe('paused');
    }
  });

  test('a call sid with a quote finds no task', async () => {
    standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const client = twilioClient(readSettings(testEnv));
    const tasks = new TaskCalls(client, DEFAULT_RETRIES, WORKSPACE_SID, new TaskOrigins(client, DEFAULT_RETRIES, WORKSPACE_SID), async () => undefined);
    expect(await tasks.find({ callSid: 'CA" and 1 == 1 and call_sid != "x' })).toBeUndefined();
    expect(await tasks.find({ callSid: "CA' and 1 == 1 and call_sid != 'x" })).toBeUndefined();
  });
});
