/**
 * The functions as Twilio runs them: built, served by the real local runtime (twilio-run) over
 * HTTP, reaching the stand-in over HTTP with the real SDK — the way `npm start` runs them. Most
 * tests use the run's shared local stack (test/support/sharedStack.ts), each on agents of its own.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startLocalStack, type LocalStack } from '../../scripts/localStack';
import { signedHeaders } from '../../src/core/signature';
import { testEnv } from '../support/harness';
import { sharedStack, uniqueAgent } from '../support/sharedStack';

jest.setTimeout(120_000);
const shared = sharedStack();

async function post(functionsUrl: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${functionsUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

function signal(functionsUrl: string, body: Record<string, unknown>, secret = testEnv.DESKTOP_EVENT_SECRET) {
  return post(functionsUrl, '/desktop-event', body, signedHeaders(secret, body));
}

test('a signed signal through twilio-run pauses the recordings at the stand-in, and the stop resumes them', async () => {
  const rita = uniqueAgent('rita');
  const call = await shared.standin.createLiveCall({ agent: rita, recording: 'both' });
  const paused = await signal(shared.functionsUrl, { eventId: 'rt-1', agent: rita, trigger: 'card-number.focus' });
  expect(paused).toEqual({
    status: 200,
    body: expect.objectContaining({ eventId: 'rt-1', outcome: 'paused', recording: 'paused', callSid: call.callSid }),
  });
  for (const sid of call.recordingSids) expect((await shared.standin.recording(sid)).status).toBe('paused');

  const again = await signal(shared.functionsUrl, { eventId: 'rt-1', agent: rita, trigger: 'card-number.focus' });
  expect(again.body).toEqual({ ...paused.body, duplicate: true });

  const resumed = await signal(shared.functionsUrl, { eventId: 'rt-2', agent: rita, trigger: 'card-number.blur' });
  expect(resumed.body).toMatchObject({ outcome: 'resumed', recording: 'in-progress' });
  for (const sid of call.recordingSids) expect((await shared.standin.recording(sid)).status).toBe('in-progress');
});

test('contract errors come back as JSON with their codes over HTTP', async () => {
  const rita = uniqueAgent('rita');
  expect(await signal(shared.functionsUrl, { eventId: 'rt-3', agent: rita, trigger: 'cvv.focus' }, 'wrong')).toEqual({
    status: 401,
    body: { error: { code: 'invalid_signature', message: expect.any(String) } },
  });
  expect((await signal(shared.functionsUrl, { eventId: 'rt-4', agent: rita, trigger: 'nope.focus' })).body.error.code).toBe('unknown_trigger');
  expect((await signal(shared.functionsUrl, { eventId: 'rt-5', agent: uniqueAgent('nobody'), trigger: 'cvv.focus' })).status).toBe(404);
});

test('a body that is not JSON gets a JSON 400 with the contract code', async () => {
  const response = await fetch(`${shared.functionsUrl}/desktop-event`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{not json' });
  expect(response.status).toBe(400);
  expect(await response.json()).toEqual({ error: { code: 'invalid_event', message: 'the body is not valid JSON' } });
});

test('the API over HTTP: a form-encoded pause with the Flex token, as Flex sends it', async () => {
  const call = await shared.standin.createLiveCall({ agent: uniqueAgent('tom'), recording: 'call' });
  const response = await fetch(`${shared.functionsUrl}/recording-controls/pause`, {
    method: 'POST',
    body: new URLSearchParams({ Token: call.token, callSid: call.callSid }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
  expect(await response.json()).toMatchObject({ recording: 'paused', outcome: 'paused' });
  expect((await shared.standin.recording(call.recordingSids[0])).status).toBe('paused');
});

test('a body over 4 KiB is refused as sent, padding included', async () => {
  const body = JSON.stringify({ eventId: 'rt-9', agent: 'rita', trigger: 'cvv.focus' }) + ' '.repeat(4200);
  const response = await fetch(`${shared.functionsUrl}/desktop-event`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  expect(response.status).toBe(400);
  expect((await response.json()).error.code).toBe('invalid_event');
});

// An outage reaches every call of a stand-in, and the report counts every call that ended today:
// on the shared stack both would meet other files' calls, so these run on a stack of their own.
describe('on a stack of its own', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    if (!existsSync(join(__dirname, '../../build/serverless/functions/desktop-event.js'))) {
      throw new Error('build the functions first: npm run build:functions (npm test does)');
    }
    stack = await startLocalStack({ env: testEnv, functionsPort: await freePort(), standinPort: await freePort(), output: 'ignore' });
  });
  afterAll(() => stack?.stop());
  beforeEach(() => stack?.standin.reset());

  test('a Twilio outage answers 502 and the recording stays unpaused', async () => {
    const call = stack.standin.createLiveCall({ agent: 'sam', recording: 'call' });
    stack.standin.injectFault({ operation: 'recording.update', status: 503, code: 20503, times: 1000 });
    const failed = await signal(stack.functionsUrl, { eventId: 'rt-6', agent: 'sam', trigger: 'cvv.focus' });
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('recording_update_failed');
    expect(stack.standin.recording(call.recordingSids[0])?.status).toBe('in-progress');
  });

  test('when the call ends, TaskRouter’s event callback writes the pause record into the task’s attributes', async () => {
    const call = stack.standin.createLiveCall({ agent: 'uma', recording: 'conference' });
    await signal(stack.functionsUrl, { eventId: 'rt-7', agent: 'uma', trigger: 'card-number.focus' });
    await signal(stack.functionsUrl, { eventId: 'rt-8', agent: 'uma', trigger: 'card-number.blur' });
    const ended = await fetch(`${stack.standinUrl}/__standin/live-calls/${call.callSid}/end`, { method: 'POST' });
    expect(ended.status).toBe(200);
    const task = await (await fetch(`${stack.standinUrl}/__standin/tasks/${call.taskSid}`)).json();
    expect(task.assignmentStatus).toBe('wrapping');
    expect(task.attributes.recording_controls).toMatchObject({
      call_sid: call.callSid,
      holds: [],
      intervals: [expect.objectContaining({ holdIds: ['card-number'], sources: ['desktop'], by: ['uma'] })],
      timeline: [expect.objectContaining({ sid: call.recordingSids[0], pauses: [expect.objectContaining({ holdIds: ['card-number'] })] })],
    });

    // The ended call is in the compliance report, as JSON and as the CSV an assessor opens.
    const day = new Date().toISOString().slice(0, 10);
    const range = { from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z`, groupBy: 'agent' };
    const bearer = { Authorization: `Bearer ${testEnv.RECORDING_CONTROLS_API_KEYS}` };
    expect(await post(stack.functionsUrl, '/recording-controls/report', range, bearer)).toMatchObject({
      status: 200,
      body: { groups: [expect.objectContaining({ key: 'uma', calls: 1, pausedCalls: 1, pauses: 1, exposureSamples: 1 })] },
    });
    const csv = await fetch(`${stack.functionsUrl}/recording-controls/report`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...bearer },
      body: JSON.stringify({ ...range, format: 'csv' }),
    });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, row] = (await csv.text()).trim().split('\r\n');
    expect(header.split(',').slice(0, 5)).toEqual(['key', 'calls', 'cardEntryCalls', 'pausedCalls', 'pauses']);
    expect(row.split(',').slice(0, 5)).toEqual(['uma', '1', '1', '1', '1']);
  });
});
