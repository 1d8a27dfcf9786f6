/**
 * docs/deploy.md, followed: its `twilio api:…` commands run in order against the stand-in (as the
 * twilio CLI would send them), the functions start with what they made (the Sync service, the API
 * key) in the real local runtime, and TaskRouter's events reach them only through the Event Streams
 * sink and subscription the guide creates — the workspace's Event Callback URL stays unset.
 *
 * A stack of its own, not the run's shared one: the functions start with what the guide made (its
 * Sync service and API key) and the stand-in delivers TaskRouter's events through Event Streams.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startLocalStack, type LocalStack } from '../../scripts/localStack';
import { signedHeaders } from '../../src/core/signature';
import { testEnv } from '../support/harness';
import { apiCommands, restRequest } from '../support/twilioCli';

jest.setTimeout(180_000);

const GUIDE = join(__dirname, '../../docs/deploy.md');
let stack: LocalStack;
const ran: Array<{ text: string; status: number }> = [];
const kept: Record<string, string> = {};

beforeAll(async () => {
  if (!existsSync(join(__dirname, '../../build/serverless/functions/task-event.protected.js')))
    throw new Error('build the functions first: npm run build:functions (npm test does)');
  const functionsPort = await freePort();
  // The functions' settings of the guide's step 2 come from its step 1; their own Sync service and key replace the test's.
  const { SYNC_SERVICE_SID: _service, TWILIO_API_KEY: _key, TWILIO_API_SECRET: _secret, ...env } = testEnv as Record<string, string>;
  stack = await startLocalStack({
    env,
    functionsPort,
    standinPort: await freePort(),
    output: 'ignore',
    eventCallbackUrl: null,
    prepare: async (standinUrl) => {
      // A deployment's domain is https; the local functions answer plain http on loopback.
      const vars: Record<string, string> = { TWILIO_WORKSPACE_SID: env.TWILIO_WORKSPACE_SID, FUNCTIONS_DOMAIN: `127.0.0.1:${functionsPort}` };
      for (const command of apiCommands(GUIDE, vars)) {
        const { method, path, form } = restRequest(
          command.words.map((word) => word.replace(`https://${vars.FUNCTIONS_DOMAIN}`, `http://${vars.FUNCTIONS_DOMAIN}`)),
          env.ACCOUNT_SID,
        );
        const response = await fetch(`${standinUrl}${path}`, {
          method,
          headers: {
            Authorization: `Basic ${Buffer.from(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`).toString('base64')}`,
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          body: method === 'GET' ? undefined : form,
        });
        const answer = (await response.json()) as Record<string, string>;
        ran.push({ text: command.text, status: response.status });
        const [sidName, secretName] = command.keeps;
        if (sidName) vars[sidName] = kept[sidName] = answer.sid;
        if (secretName) vars[secretName] = kept[secretName] = answer.secret;
      }
      return { SYNC_SERVICE_SID: kept.SYNC_SERVICE_SID, TWILIO_API_KEY: kept.TWILIO_API_KEY, TWILIO_API_SECRET: kept.TWILIO_API_SECRET };
    },
  });
});
afterAll(() => stack?.stop());

async function signal(body: Record<string, unknown>) {
  const response = await fetch(`${stack.functionsUrl}/desktop-event`, {
    method: 'POST',
    headers: signedHeaders(testEnv.DESKTOP_EVENT_SECRET, body),
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

test('every Twilio command of the guide is accepted, in order, and yields what the next steps use', () => {
  expect(ran.map(({ text }) => text.split(' ')[1])).toEqual([
    'api:sync:v1:services:create',
    'api:core:keys:create',
    'api:events:v1:sinks:create',
    'api:events:v1:subscriptions:create',
  ]);
  expect(ran.map(({ status }) => status)).toEqual([201, 201, 201, 201]);
  expect(kept).toEqual({
    SYNC_SERVICE_SID: expect.stringMatching(/^IS[0-9a-f]{32}$/),
    TWILIO_API_KEY: expect.stringMatching(/^SK[0-9a-f]{32}$/),
    TWILIO_API_SECRET: expect.any(String),
    SINK_SID: expect.stringMatching(/^DG[0-9a-f]{32}$/),
  });
  expect(stack.syncServiceSid).toBe(kept.SYNC_SERVICE_SID);
});

test('through the sink alone, the functions follow a call: accepted, conference named, paused, transferred, ended and recorded on the task', async () => {
  const call = stack.standin.createLiveCall({ agent: 'esme', recording: 'both' });
  await stack.standin.callbacksDelivered();
  const paused = await signal({ eventId: 'guide-1', agent: 'esme', trigger: 'card-number.focus' });
  expect(paused).toMatchObject({ status: 200, body: { outcome: 'paused', recording: 'paused', callSid: call.callSid } });
  // The key of step 1 signs the agent's Sync token, and the grant made on acceptance lets it read the call.
  const issued = await fetch(`${stack.functionsUrl}/sync-token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ Token: call.token }),
  });
  const { token } = (await issued.json()) as { token: string };
  const document = await fetch(`${stack.standinUrl}/v1/Services/${kept.SYNC_SERVICE_SID}/Documents/rc-call-${call.callSid}`, {
    headers: { 'X-Twilio-Token': token },
  });
  expect(document.status).toBe(200);

  const transfer = stack.standin.transferCall(call.callSid, 'fern');
  await stack.standin.callbacksDelivered();
  // Esme's pause left with her; Fern's signal finds the call from the index the events keep.
  for (const sid of call.recordingSids) expect(stack.standin.recording(sid)?.status).toBe('in-progress');
  expect((await signal({ eventId: 'guide-2', agent: 'fern', trigger: 'cvv.focus' })).body).toMatchObject({ outcome: 'paused', callSid: call.callSid });
  expect((await signal({ eventId: 'guide-3', agent: 'fern', trigger: 'cvv.blur' })).body).toMatchObject({ outcome: 'resumed' });

  stack.standin.endCall(call.callSid);
  await stack.standin.callbacksDelivered();
  const deliveries = stack.standin.eventCallbacks();
  expect(new Set(deliveries.map((delivery) => delivery.eventType))).toEqual(new Set(['reservation.accepted', 'task.updated', 'task.wrapup']));
  expect(deliveries.every((delivery) => delivery.status === 204)).toBe(true);
  // The pause record reaches the task only from its end event.
  const record = (stack.standin.task(transfer.taskSid)?.attributes as { recording_controls?: { intervals?: unknown[] } }).recording_controls;
  expect(record?.intervals).toEqual([
    expect.objectContaining({ by: ['esme'], holdIds: ['card-number'] }),
    expect.objectContaining({ by: ['fern'], holdIds: ['cvv'] }),
  ]);
});

test('a delivery not signed by Twilio is refused before the function runs', async () => {
  const batch = [{ specversion: '1.0', type: 'com.twilio.taskrouter.task.completed', id: 'EV1', data: { payload: { task_sid: `WT${'1'.repeat(32)}` } } }];
  const response = await fetch(`${stack.functionsUrl}/task-event?bodySHA256=${'0'.repeat(64)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Twilio-Signature': 'forged' },
    body: JSON.stringify(batch),
  });
  expect(response.status).toBe(401);
});
