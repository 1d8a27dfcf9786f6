/**
 * Triggers from CRM pages shown in Flex, server side: the CRM fields every Flex user's plugin may
 * read, and desktop events authenticated with the agent's Flex token instead of a signature
 * (docs/api.md) — acting only for that token's worker.
 */
import { Authenticator } from '../../src/serverless/lib/endpoints/auth';
import { handleDesktopEvent } from '../../src/serverless/lib/endpoints/desktopEvent';
import { DesktopEventsConfigStore } from '../../src/serverless/lib/stores/desktopEventsConfig';
import { handleCrmFields, handleDesktopEventsConfig } from '../../src/serverless/lib/endpoints/desktopEventsConfigApi';
import { readSettings } from '../../src/serverless/lib/base/settings';
import { twilioClient } from '../../src/serverless/lib/twilio/twilioClient';
import { DEFAULT_RETRIES } from '../../src/serverless/lib/twilio/retry';
import { desktopDeps, shippedConfig, signed, statusOf, testEnv, useStandin } from '../support/harness';

const standin = useStandin();
jest.setTimeout(20_000);

type Json = Record<string, any>;
const settings = readSettings(testEnv);
const auth = new Authenticator(settings);
const shipped = shippedConfig.ok ? shippedConfig.config.events : [];
const configs = () => new DesktopEventsConfigStore(twilioClient(settings), DEFAULT_RETRIES, 'default', { asset: () => shippedConfig, log: () => undefined });

/** A signal as the plugin sends it from inside Flex: JSON, the agent's token, no signature. */
const fromFlex = (token: string, body: Json) => ({
  headers: { 'content-type': 'application/json', token },
  body: { eventId: `crm-${Math.random().toString(36).slice(2)}`, ...body },
});
const tokenDeps = (env: Record<string, string> = {}) => ({ ...desktopDeps({}, env), auth: new Authenticator(readSettings({ ...testEnv, ...env })) });
const answer = (result: { status: number; body: unknown }) => ({ status: result.status, body: result.body as Json });

describe('GET /desktop-events/crm-fields', () => {
  test('every Flex user (an agent too) gets the fields with their triggers, and nothing else of the configuration', async () => {
    const store = configs();
    const withFields = shipped.map((event) =>
      event.id === 'cvv'
        ? {
            ...event,
            fields: [
              { selector: 'input[name=cvv]', origin: 'https://crm.example.com' },
              { selector: '#cvc', origin: 'http://localhost:3000' },
            ],
          }
        : event,
    );
    await handleDesktopEventsConfig(
      { auth, configs: store },
      { headers: { 'content-type': 'application/json', authorization: 'Bearer test-admin-key' }, body: { version: 0, events: withFields } },
    );
    const agent = standin.createLiveCall({ agent: 'alice', recording: 'none' });
    const fields = answer(await handleCrmFields({ auth, configs: configs() }, { headers: { token: agent.token }, body: {} }));
    expect(fields).toEqual({
      status: 200,
      body: {
        fields: [
          { origin: 'https://crm.example.com', selector: 'input[name=cvv]', event: 'cvv', focusTrigger: 'cvv.focus', blurTrigger: 'cvv.blur' },
          { origin: 'http://localhost:3000', selector: '#cvc', event: 'cvv', focusTrigger: 'cvv.focus', blurTrigger: 'cvv.blur' },
        ],
      },
    });
  });

  test('an event that keeps its pause while the agent is in the field tells its fields how often to renew it', async () => {
    const store = configs();
    const kept = shipped.map((event) =>
      event.id === 'cvv'
        ? { ...event, durationSeconds: 60, keepPausedWhileFocused: true, fields: [{ selector: 'input[name=cvv]', origin: 'https://crm.example.com' }] }
        : event,
    );
    const saved = await handleDesktopEventsConfig(
      { auth, configs: store },
      { headers: { 'content-type': 'application/json', authorization: 'Bearer test-admin-key' }, body: { version: 0, events: kept } },
    );
    expect(saved.status).toBe(200);
    const agent = standin.createLiveCall({ agent: 'alice', recording: 'none' });
    const fields = answer(await handleCrmFields({ auth, configs: configs() }, { headers: { token: agent.token }, body: {} }));
    // 45 s: before the hold's last 10 s (when the agent would be warned), with 5 s for the renewal to land.
    expect(fields.body.fields).toEqual([
      {
        origin: 'https://crm.example.com',
        selector: 'input[name=cvv]',
        event: 'cvv',
        focusTrigger: 'cvv.focus',
        blurTrigger: 'cvv.blur',
        renewEveryMs: 45_000,
      },
    ]);
  });

  test('without a valid Flex token or key: 401', async () => {
    expect(answer(await handleCrmFields({ auth, configs: configs() }, { headers: {}, body: {} }))).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthenticated' } },
    });
    expect(answer(await handleCrmFields({ auth, configs: configs() }, { headers: { token: 'forged' }, body: {} })).status).toBe(401);
  });
});

describe('POST /desktop-event with the agent’s Flex token (a relay inside Flex)', () => {
  test('pauses the agent’s own call; `agent` may be left out; the stop resumes it', async () => {
    const call = standin.createLiveCall({ agent: 'alice', recording: 'both' });
    const deps = tokenDeps();
    const paused = answer(await handleDesktopEvent(deps, fromFlex(call.token, { trigger: 'cvv.focus' })));
    expect(paused).toMatchObject({ status: 200, body: { outcome: 'paused', recording: 'paused', callSid: call.callSid } });
    expect(paused.body.holds).toEqual([expect.objectContaining({ id: 'cvv', source: 'desktop', by: 'alice' })]);
    for (const sid of call.recordingSids) expect(await statusOf(standin, sid)).toBe('paused');

    const resumed = answer(await handleDesktopEvent(deps, fromFlex(call.token, { agent: 'alice', trigger: 'cvv.blur', callSid: call.callSid })));
    expect(resumed).toMatchObject({ status: 200, body: { outcome: 'resumed', recording: 'in-progress' } });
    for (const sid of call.recordingSids) expect(await statusOf(standin, sid)).toBe('in-progress');
  });

  test('the token in the body works too (the twilio-flex-token-validator convention)', async () => {
    const call = standin.createLiveCall({ agent: 'bea', recording: 'call' });
    const signal = { headers: { 'content-type': 'application/json' }, body: { eventId: 'crm-body-token', trigger: 'card-number.focus', Token: call.token } };
    expect(answer(await handleDesktopEvent(tokenDeps(), signal))).toMatchObject({ status: 200, body: { outcome: 'paused' } });
  });

  test('another agent’s signal is 403 forbidden and changes nothing', async () => {
    const alice = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const bob = standin.createLiveCall({ agent: 'bob', recording: 'call' });
    const refused = answer(await handleDesktopEvent(tokenDeps(), fromFlex(alice.token, { agent: 'bob', trigger: 'cvv.focus' })));
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await statusOf(standin, bob.recordingSids[0])).toBe('in-progress');
  });

  test('a token that is not valid is 401 and pauses nothing; a body that is not a signal is 400', async () => {
    const call = standin.createLiveCall({ agent: 'carol', recording: 'call' });
    expect(answer(await handleDesktopEvent(tokenDeps(), fromFlex('forged', { agent: 'carol', trigger: 'cvv.focus' })))).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthenticated' } },
    });
    expect(answer(await handleDesktopEvent(tokenDeps(), fromFlex(call.token, { trigger: 'cvv.focus', value: '4111 1111 1111 1111' })))).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_event' } },
    });
    expect(await statusOf(standin, call.recordingSids[0])).toBe('in-progress');
  });

  test('works where no desktop secret is configured: a Flex customer without a desktop agent', async () => {
    const call = standin.createLiveCall({ agent: 'dan', recording: 'call' });
    const deps = tokenDeps({ DESKTOP_EVENT_SECRET: '' });
    expect(answer(await handleDesktopEvent(deps, fromFlex(call.token, { trigger: 'cvv.focus' })))).toMatchObject({ status: 200, body: { outcome: 'paused' } });
    // A signed signal there is still refused: there is no secret to check it with.
    expect(answer(await handleDesktopEvent(deps, signed({ agent: 'dan', trigger: 'cvv.blur' })))).toMatchObject({
      status: 500,
      body: { error: { code: 'not_configured' } },
    });
  });

  test('a signature and a token together: the signature decides', async () => {
    const call = standin.createLiveCall({ agent: 'eve', recording: 'call' });
    const request = signed({ agent: 'eve', trigger: 'cvv.focus' });
    const both = { headers: { ...request.headers, token: call.token }, body: request.body };
    expect(answer(await handleDesktopEvent(tokenDeps(), both))).toMatchObject({ status: 200, body: { outcome: 'paused' } });
  });
});
