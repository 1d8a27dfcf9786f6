/**
 * The Desktop Manager's functions as Twilio runs them: built, in the real local runtime
 * (twilio-run) over HTTP, with the stand-in behind. A server uses GET and PUT with a key; a
 * browser must do what Twilio's gateway lets it (POST, the token in the body); a saved change
 * applies to the next signal with no redeploy; the browser assets are served.
 *
 * A stack of its own, emptied before each test, not the run's shared one: the configuration is one
 * for the whole deployment. These tests start where none was ever saved (version 0, the asset),
 * change durations other files' signals would meet, and expect the very next signal to use a save.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startLocalStack, type LocalStack } from '../../scripts/localStack';
import { signedHeaders } from '../../src/core/signature';
import { shippedConfig, testEnv } from '../support/harness';

jest.setTimeout(120_000);
let stack: LocalStack;
const shipped = shippedConfig.ok ? shippedConfig.config.events : [];
const KEY = { Authorization: 'Bearer test-admin-key' };

beforeAll(async () => {
  if (!existsSync(join(__dirname, '../../build/serverless/functions/desktop-events/config.js'))) {
    throw new Error('build the functions first: npm run build:functions (npm test does)');
  }
  stack = await startLocalStack({ env: testEnv, functionsPort: await freePort(), standinPort: await freePort(), output: 'ignore' });
});
afterAll(() => stack?.stop());
beforeEach(() => stack?.standin.reset());

async function request(method: string, path: string, options: { headers?: Record<string, string>; body?: string } = {}) {
  const response = await fetch(`${stack.functionsUrl}${path}`, { method, headers: options.headers, body: options.body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}
const json = (value: unknown) => ({ headers: { ...KEY, 'Content-Type': 'application/json' }, body: JSON.stringify(value) });
const withCvvSeconds = (seconds: number) => shipped.map((event) => (event.id === 'cvv' ? { ...event, durationSeconds: seconds } : event));

test('a server reads with GET and saves with POST (an admin key); the next signal uses the saved duration', async () => {
  expect(await request('GET', '/desktop-events/config', { headers: KEY })).toMatchObject({ status: 200, body: { version: 0, events: shipped } });
  const saved = await request('POST', '/desktop-events/config', json({ version: 0, events: withCvvSeconds(12) }));
  expect(saved).toMatchObject({ status: 200, body: { version: 1, updatedBy: 'admin-key-1', events: withCvvSeconds(12) } });
  expect((await request('POST', '/desktop-events/config', json({ version: 0, events: withCvvSeconds(20) }))).body.error.code).toBe('version_conflict');
  expect(
    (await request('GET', '/desktop-events/config/history', { headers: KEY })).body.versions.map((version: { version: number }) => version.version),
  ).toEqual([1]);

  stack.standin.createLiveCall({ agent: 'rita', recording: 'call' });
  const body = { eventId: 'rt-config-1', agent: 'rita', trigger: 'cvv.focus' };
  const signal = await request('POST', '/desktop-event', { headers: signedHeaders(testEnv.DESKTOP_EVENT_SECRET, body), body: JSON.stringify(body) });
  const hold = signal.body.holds[0];
  expect((Date.parse(hold.resumeAt) - Date.parse(hold.openedAt)) / 1000).toBe(12);
});

test('a GET with Content-Type: application/json (as many HTTP clients send it) reads; an app key may read but not save', async () => {
  const appKey = { Authorization: 'Bearer test-api-key', 'Content-Type': 'application/json' };
  expect(await request('GET', '/desktop-events/config', { headers: appKey })).toMatchObject({ status: 200, body: { version: 0, events: shipped } });
  const refused = await request('POST', '/desktop-events/config', { headers: appKey, body: JSON.stringify({ version: 0, events: withCvvSeconds(5) }) });
  expect(refused).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
  expect(await request('GET', '/desktop-events/config', { headers: KEY })).toMatchObject({ status: 200, body: { version: 0 } });
});

test('from a browser: the gateway allows POST with Content-Type and no Token header, so the token travels in the body', async () => {
  const preflight = await request('OPTIONS', '/desktop-events/config', {
    headers: { Origin: 'https://flex.twilio.com', 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type,token' },
  });
  expect(preflight.headers.get('access-control-allow-methods')).not.toMatch(/PUT/);
  expect(preflight.headers.get('access-control-allow-headers')).not.toMatch(/\bToken\b/i);
  expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Content-Type/);

  const admin = stack.standin.createLiveCall({ agent: 'ada', recording: 'none', role: 'admin' });
  const read = await request('POST', '/desktop-events/config', {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Token: admin.token }).toString(),
  });
  expect(read).toMatchObject({ status: 200, body: { version: 0 } });
  expect(read.headers.get('access-control-allow-origin')).toBe('*');
  const saved = await request('POST', '/desktop-events/config', {
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ Token: admin.token, version: 0, events: withCvvSeconds(9) }),
  });
  expect(saved).toMatchObject({ status: 200, body: { version: 1, updatedBy: 'ada' } });

  // The agent's plugin relays a CRM field the same way.
  const agent = stack.standin.createLiveCall({ agent: 'alice', recording: 'both' });
  const signal = await request('POST', '/desktop-event', {
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ eventId: 'crm-rt-1', trigger: 'cvv.focus', Token: agent.token }),
  });
  expect(signal).toMatchObject({ status: 200, body: { outcome: 'paused', callSid: agent.callSid } });
  expect(signal.headers.get('access-control-allow-origin')).toBe('*');
  for (const sid of agent.recordingSids) expect(stack.standin.recording(sid)?.status).toBe('paused');
});

test('a Flex token in the URL of a read is refused', async () => {
  const admin = stack.standin.createLiveCall({ agent: 'ada', recording: 'none', role: 'admin' });
  expect(await request('GET', `/desktop-events/config?Token=${admin.token}`)).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
});

test('the browser assets are public: crm-relay.js for CRM pages, desktop-manager.js for admins', async () => {
  for (const asset of ['/crm-relay.js', '/desktop-manager.js']) {
    const response = await fetch(`${stack.functionsUrl}${asset}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
  }
  const relay = await (await fetch(`${stack.functionsUrl}/crm-relay.js`)).text();
  // Every CRM page loads it: a few KB, no framework (6.2 KB with the chip, its countdown, the renewal and the banner; 2.7 KB gzip).
  expect(relay.length).toBeLessThan(8 * 1024);
});
