/**
 * Transfers and TaskRouter's event callback, over real HTTP as `npm start` runs them: the
 * control surface changes the call, the stand-in POSTs signed events to a local receiver, and
 * the real SDK sees the result.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { AUTH_TOKEN, withStandinOverHttp } from './harness';

interface ReceivedEvent {
  params: Record<string, string>;
  signatureValid: boolean;
}

const received: ReceivedEvent[] = [];
const receiver = http.createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  request.on('end', () => {
    const params = Object.fromEntries(new URLSearchParams(body));
    const signature = String(request.headers['x-twilio-signature'] ?? '');
    received.push({ params, signatureValid: twilio.validateRequest(AUTH_TOKEN, signature, callbackUrl, params) });
    response.writeHead(204).end();
  });
});
let callbackUrl = '';
const harness = withStandinOverHttp(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/task-event`;
  return { eventCallbackUrl: callbackUrl, authToken: AUTH_TOKEN };
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
afterEach(() => {
  received.length = 0;
});

async function control(method: string, path: string, body?: unknown) {
  const response = await fetch(`${harness.base}/__standin${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
  });
  return { status: response.status, body: await response.json() };
}

const workspace = () => harness.client.taskrouter.v1.workspaces(harness.standin.workspaceSid);
const eventTypes = () => received.map((event) => `${event.params.EventType} ${event.params.TaskSid}`);

describe("TaskRouter's event callback", () => {
  it('tells task.created (still pending), then reservation.accepted when a live call starts, with the task (its conference not named yet), worker and reservation as TaskRouter names them, signed', async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'both' });
    expect(received).toHaveLength(2); // delivered before the control surface answered
    const [created, { params, signatureValid }] = received;
    expect(created.signatureValid).toBe(true);
    expect(created.params).toMatchObject({
      EventType: 'task.created',
      ResourceType: 'task',
      ResourceSid: live.taskSid,
      TaskSid: live.taskSid,
      TaskAssignmentStatus: 'pending',
      TaskQueueName: 'Everyone',
    });
    expect(created.params).not.toHaveProperty('WorkerSid');
    expect(created.params.TaskAttributes).toBe(params.TaskAttributes);
    expect(signatureValid).toBe(true);
    expect(params).toMatchObject({
      EventType: 'reservation.accepted',
      ResourceType: 'reservation',
      AccountSid: harness.standin.accountSid,
      WorkspaceSid: harness.standin.workspaceSid,
      TaskSid: live.taskSid,
      TaskAssignmentStatus: 'assigned',
      TaskChannelUniqueName: 'voice',
      WorkerSid: live.workerSid,
      WorkerName: 'alice',
    });
    expect(params.ReservationSid).toMatch(/^WR[0-9a-f]{32}$/);
    expect(params.ResourceSid).toBe(params.ReservationSid);
    expect(JSON.parse(params.TaskAttributes)).toMatchObject({ call_sid: live.callSid });
    expect(JSON.parse(params.TaskAttributes)).not.toHaveProperty('conference');
    expect(JSON.parse(params.WorkerAttributes)).toMatchObject({ contact_uri: 'client:alice', roles: ['agent'] });
    expect(Number(params.Timestamp)).toBeGreaterThan(0);
  });

  it('tells reservation.wrapup before task.wrapup when the call ends, and both completions when the task completes', async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'call' });
    await control('POST', `/live-calls/${live.callSid}/end`);
    await workspace().tasks(live.taskSid).update({ assignmentStatus: 'completed', reason: 'wrap-up done' });
    await harness.standin.callbacksDelivered();
    expect(eventTypes()).toEqual([
      `task.created ${live.taskSid}`,
      `reservation.accepted ${live.taskSid}`,
      `reservation.wrapup ${live.taskSid}`,
      `task.wrapup ${live.taskSid}`,
      `reservation.completed ${live.taskSid}`,
      `task.completed ${live.taskSid}`,
    ]);
    expect(received.at(-1)?.params).toMatchObject({ ResourceType: 'task', ResourceSid: live.taskSid, TaskCompletedReason: 'wrap-up done' });
    expect(received.every((event) => event.signatureValid)).toBe(true);
  });
});

describe('transfers', () => {
  it("keeps the call, conference and recordings going; completes the agent's reservation, wraps up their task and gives a new accepted task to the new agent", async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'both', conferenceDelayMs: 0 });
    await harness.client.calls(live.callSid).recordings('Twilio.CURRENT').update({ status: 'paused' });
    received.length = 0;

    const transfer = await control('POST', `/live-calls/${live.callSid}/transfer`, { agent: 'bob' });
    expect(transfer.status).toBe(200);
    expect(transfer.body).toEqual({
      workerSid: expect.stringMatching(/^WK[0-9a-f]{32}$/),
      taskSid: expect.stringMatching(/^WT[0-9a-f]{32}$/),
      token: expect.any(String),
    });
    const { workerSid: bobSid, taskSid: newTaskSid } = transfer.body;
    expect(newTaskSid).not.toBe(live.taskSid);

    // The events, in order, as a live-call index would follow them.
    expect(eventTypes()).toEqual([
      `reservation.completed ${live.taskSid}`,
      `task.wrapup ${live.taskSid}`,
      `task.created ${newTaskSid}`,
      `reservation.accepted ${newTaskSid}`,
    ]);
    expect(received[0].params).toMatchObject({ WorkerName: 'alice', WorkerSid: live.workerSid });
    expect(received[3].params).toMatchObject({ WorkerName: 'bob', WorkerSid: bobSid, TaskChannelUniqueName: 'voice' });
    expect(JSON.parse(received[3].params.TaskAttributes)).toMatchObject({ call_sid: live.callSid, conference: { sid: live.conferenceSid } });

    // What the functions read through the SDK.
    expect((await harness.client.calls(live.callSid).fetch()).status).toBe('in-progress');
    expect((await harness.client.conferences(live.conferenceSid).fetch()).status).toBe('in-progress');
    expect((await harness.client.calls(live.callSid).recordings.list()).map((recording) => recording.status)).toEqual(['paused']);
    expect((await harness.client.conferences(live.conferenceSid).recordings.list()).map((recording) => recording.status)).toEqual(['in-progress']);
    expect((await workspace().tasks(live.taskSid).fetch()).assignmentStatus).toBe('wrapping');
    const newTask = await workspace().tasks(newTaskSid).fetch();
    expect(newTask.assignmentStatus).toBe('assigned');
    expect(JSON.parse(newTask.attributes)).toMatchObject({
      call_sid: live.callSid,
      conference: { sid: live.conferenceSid, participants: { customer: live.callSid } },
    });
    expect(await workspace().workers(live.workerSid).reservations.list({ reservationStatus: 'accepted' })).toEqual([]);
    expect((await workspace().workers(bobSid).reservations.list({ reservationStatus: 'accepted' })).map((reservation) => reservation.taskSid)).toEqual([
      newTaskSid,
    ]);
    expect(
      (await workspace().tasks.list({ evaluateTaskAttributes: `call_sid == "${live.callSid}"`, assignmentStatus: ['assigned'] })).map((task) => task.sid),
    ).toEqual([newTaskSid]);
    const [bob] = await workspace().workers.list({ targetWorkersExpression: `contact_uri == "client:bob"` });
    expect(bob.sid).toBe(bobSid);

    // Bob's token is a Flex token the stand-in accepts.
    const validation = await fetch(`${harness.base}/v1/Accounts/${harness.standin.accountSid}/Tokens/validate`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${harness.standin.accountSid}:${AUTH_TOKEN}`).toString('base64')}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: transfer.body.token }),
    });
    expect(await validation.json()).toMatchObject({ valid: true, identity: 'bob', worker_sid: bobSid });

    // Ending the call now ends Bob's task; Alice's stays in wrap-up.
    received.length = 0;
    await control('POST', `/live-calls/${live.callSid}/end`);
    expect(eventTypes()).toEqual([`reservation.wrapup ${newTaskSid}`, `task.wrapup ${newTaskSid}`]);
    expect(harness.standin.recording(live.recordingSids[0])?.status).toBe('completed');
  });

  it('transfers to an existing worker, keeping their roles, and back again', async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'conference' });
    const { body: supervisor } = await control('POST', '/workers', { agent: 'sue', role: 'supervisor' });
    const first = await control('POST', `/live-calls/${live.callSid}/transfer`, { agent: 'sue' });
    expect(first.body.workerSid).toBe(supervisor.workerSid);
    expect(received.at(-1)?.params.WorkerAttributes).toContain('"roles":["supervisor"]');

    const second = await control('POST', `/live-calls/${live.callSid}/transfer`, { agent: 'alice' });
    expect(second.body.workerSid).toBe(live.workerSid);
    expect(harness.standin.task(first.body.taskSid)?.assignmentStatus).toBe('wrapping');
    expect(harness.standin.task(second.body.taskSid)?.assignmentStatus).toBe('assigned');
  });

  it('refuses an unknown call (404), a bad agent or an ended call (400)', async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'none' });
    expect((await control('POST', `/live-calls/CA${'0'.repeat(32)}/transfer`, { agent: 'bob' })).status).toBe(404);
    expect((await control('POST', `/live-calls/${live.callSid}/transfer`, { agent: '' })).status).toBe(400);
    expect((await control('POST', `/live-calls/${live.callSid}/transfer`, 'bob')).status).toBe(400);
    await control('POST', `/live-calls/${live.callSid}/end`);
    expect((await control('POST', `/live-calls/${live.callSid}/transfer`, { agent: 'bob' })).status).toBe(400);
  });
});

describe('workers without a call', () => {
  it('makes a worker with the asked role and a Flex token, and refuses a bad role', async () => {
    const { status, body } = await control('POST', '/workers', { agent: 'ada', role: 'admin' });
    expect(status).toBe(200);
    expect(body).toEqual({ workerSid: expect.stringMatching(/^WK[0-9a-f]{32}$/), token: expect.any(String) });
    const worker = await workspace().workers(body.workerSid).fetch();
    expect(JSON.parse(worker.attributes)).toMatchObject({ contact_uri: 'client:ada', roles: ['admin'] });
    expect(await workspace().workers(body.workerSid).reservations.list()).toEqual([]);
    expect((await control('POST', '/workers', { agent: 'ada', role: 'owner' })).status).toBe(400);
    expect((await control('POST', '/workers', { agent: 'ada' })).status).toBe(400);
  });
});
