/**
 * An Event Streams delivery of many tasks, as the sink posts it to /task-event: the stand-in's own
 * sink makes the CloudEvents (130 calls accepted and their conferences named), and the function is
 * called as Twilio's runtime calls it, its `twilio` SDK reaching the stand-in over HTTP. Twilio's
 * account REST concurrency is on (429 / 20429 past it), and every answer takes a little while, so
 * tasks that run side by side overlap in the stand-in's request log.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inFlight } from '../../scripts/bench/loadStats';
import { limitRestConcurrency } from '../../scripts/bench/restConcurrency';
import { handler as taskEventFunction } from '../../src/serverless/functions/task-event.protected';
import { TASKS_AT_ONCE } from '../../src/serverless/lib/control/taskEventBatch';
import { agentDocumentName } from '../../src/serverless/lib/stores/liveIndex';
import { startStandinServer } from '../../src/standin/server';
import type { LiveCallResult, RequestRecord } from '../../src/standin/standin';
import { functionContext, invoke } from '../support/functionRuntime';
import { ACCOUNT_SID, testEnv, testStandin } from '../support/harness';

jest.setTimeout(120_000);

const BIG = 130;
const FAILING = 30;
const agentOf = (index: number) => `batch-agent-${index}`;
const standin = testStandin({ authToken: testEnv.AUTH_TOKEN });
const restLimit = limitRestConcurrency(standin, 50);
const cloudEvents: Array<{ type: string; data: { payload: { task_sid: string } } }> = [];
/** The sink: keeps the CloudEvents the stand-in delivers, for the test to post to the function as one delivery. */
const sink = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  request.on('end', () => {
    cloudEvents.push(...(JSON.parse(body) as typeof cloudEvents));
    response.writeHead(204).end();
  });
});
let twilioServer: Server;
let context: typeof functionContext;
let standinBase = '';

const listening = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
beforeAll(async () => {
  twilioServer = await startStandinServer(standin, 0);
  standinBase = listening(twilioServer);
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  context = { ...functionContext, TWILIO_API_BASE_URL: standinBase } as typeof functionContext;
});
afterAll(async () => {
  restLimit.undo();
  standin.closeStreams();
  for (const server of [twilioServer, sink]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A Twilio REST request with the account's credentials (what the twilio CLI sends). */
const twilioRequest = async (path: string, form: Array<[string, string]>) => {
  const response = await fetch(`${standinBase}${path}`, {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${testEnv.AUTH_TOKEN}`).toString('base64')}` },
    body: new URLSearchParams(form),
  });
  return (await response.json()) as { sid: string };
};

/** Calls whose events make the big delivery; and those of the smaller one a task fails in. */
let bigCalls: LiveCallResult[] = [];
let failingCalls: LiveCallResult[] = [];

beforeAll(async () => {
  const { sid: sinkSid } = await twilioRequest('/v1/Sinks', [
    ['Description', 'task events'],
    ['SinkType', 'webhook'],
    ['SinkConfiguration', JSON.stringify({ destination: `${listening(sink)}/task-event`, method: 'POST', batch_events: true })],
  ]);
  const types = ['reservation.accepted', 'task.updated', 'task.wrapup'].map((type): [string, string] => [
    'Types',
    JSON.stringify({ type: `com.twilio.taskrouter.${type}`, schema_version: 1 }),
  ]);
  await twilioRequest('/v1/Subscriptions', [['Description', 'task events'], ['SinkSid', sinkSid], ...types]);
  const calls = Array.from({ length: BIG + FAILING }, (_, index) => standin.createLiveCall({ agent: agentOf(index), recording: 'both', conferenceDelayMs: 1 }));
  while (cloudEvents.length < 2 * calls.length) await new Promise((resolve) => setTimeout(resolve, 10));
  await standin.callbacksDelivered();
  bigCalls = calls.slice(0, BIG);
  failingCalls = calls.slice(BIG);
  // Every answer waits: side by side, tasks overlap at the stand-in.
  standin.setLatency(15);
});

/** The calls' events as one delivery (a JSON array), in the order the sink was told them. */
function deliver(calls: LiveCallResult[]) {
  const tasks = new Set(calls.map((call) => call.taskSid));
  const body = cloudEvents.filter((event) => tasks.has(event.data.payload.task_sid));
  return invoke(taskEventFunction, { headers: [['Content-Type', 'application/json']], body }, context);
}

/** Whether the call's ledger names its task and the conference Flex named (both events handled, in order). */
async function isHandled(call: LiveCallResult): Promise<boolean> {
  const response = await fetch(`${standinBase}/v1/Services/${testEnv.SYNC_SERVICE_SID}/Documents/rc-call-${call.callSid}`, {
    headers: { Authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${testEnv.AUTH_TOKEN}`).toString('base64')}` },
  });
  if (!response.ok) return false;
  const { data } = (await response.json()) as { data: { call?: { taskSid?: string; conferenceSid?: string } } };
  return data.call?.taskSid === call.taskSid && data.call.conferenceSid === call.conferenceSid;
}

/** Each call, whether it was handled: read one after another, within the account's REST concurrency. */
async function handled(calls: LiveCallResult[]): Promise<boolean[]> {
  const answers: boolean[] = [];
  for (const call of calls) answers.push(await isHandled(call));
  return answers;
}

/**
 * The most tasks with a Twilio request in flight at once, from the stand-in's request log: a task's
 * requests name its task, its call, its conference, its ledger or its agent's entry.
 */
function tasksInFlight(calls: LiveCallResult[], requests: RequestRecord[]): number {
  const spans = calls.map((call, index) => {
    const names = [call.taskSid, call.callSid, call.conferenceSid, agentDocumentName(agentOf(index))];
    const own = requests.filter((request) => names.some((name) => request.path.includes(name)) && request.answeredAt);
    return { start: Math.min(...own.map((request) => Date.parse(request.at))), end: Math.max(...own.map((request) => Date.parse(request.answeredAt!))) };
  });
  expect(spans.every(({ start, end }) => start <= end)).toBe(true);
  return inFlight(spans, 0, Number.MAX_SAFE_INTEGER).peak;
}

test(`a delivery of ${BIG} tasks is answered 204 with every task handled, at most ${TASKS_AT_ONCE} tasks at a time`, async () => {
  const mark = standin.requests().length;
  expect((await deliver(bigCalls)).status).toBe(204);
  const peak = tasksInFlight(bigCalls, standin.requests().slice(mark));
  expect(await handled(bigCalls)).toEqual(bigCalls.map(() => true));
  expect(peak).toBeLessThanOrEqual(TASKS_AT_ONCE);
  expect(peak).toBeGreaterThan(1); // side by side, not one after another
});

test('a task that fails makes the delivery non-2xx while the others are handled; the delivery sent again is answered 204 with all handled', async () => {
  // TaskRouter refuses one task read outright (not a rate limit: no retry helps).
  standin.injectFault({ operation: 'taskrouter.task.fetch', status: 400, code: 20001, times: 1 });
  expect((await deliver(failingCalls)).status).toBe(502);
  expect((await handled(failingCalls)).filter((done) => !done)).toHaveLength(1);

  expect((await deliver(failingCalls)).status).toBe(204);
  expect(await handled(failingCalls)).toEqual(failingCalls.map(() => true));
});

test("a task's end whose task read meets Twilio's REST concurrency limit is tried again: the end is recorded on the task", async () => {
  const call = standin.createLiveCall({ agent: 'ending-agent', recording: 'both', conferenceDelayMs: 1 });
  const eventsOf = () => cloudEvents.filter((event) => event.data.payload.task_sid === call.taskSid);
  while (eventsOf().length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
  expect((await deliver([call])).status).toBe(204);
  standin.endCall(call.callSid);
  while (eventsOf().length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
  standin.injectFault({ operation: 'taskrouter.task.fetch', status: 429, code: 20429, times: 2 });
  const end = eventsOf().filter((event) => event.type === 'com.twilio.taskrouter.task.wrapup');
  expect((await invoke(taskEventFunction, { headers: [['Content-Type', 'application/json']], body: end }, context)).status).toBe(204);
  expect(standin.task(call.taskSid)?.attributes).toMatchObject({ recording_controls: expect.any(Object) });
});
