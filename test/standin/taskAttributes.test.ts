/**
 * A Flex agent's browser writing its own task's attributes (`task.setAttributes()` with the worker's
 * TaskRouter token), over real HTTP as `npm start` runs it: `POST /__standin/tasks/<WT>/attributes`
 * replaces them as TaskRouter's task update does, TaskRouter's `task.updated` reaches the event
 * callback and the Event Streams sinks subscribed to it, and TaskRouter's own log (the Events
 * resource) still says what the task was created with.
 */
import { createStandin } from '../../src/standin/standin';
import { AUTH_TOKEN } from './harness';
import { withEventReceiver } from './eventReceiver';

const { harness, received, control, waitFor, base: receiverBase } = withEventReceiver();

const setAttributes = (taskSid: string, token: unknown, attributes: unknown) => control('POST', `/tasks/${taskSid}/attributes`, { token, attributes });
const workspace = () => harness.client.taskrouter.v1.workspaces(harness.standin.workspaceSid);
const callbacks = () => received.filter((event) => event.path === '/task-event');
const callbackTypes = () => callbacks().map((event) => `${event.params.EventType} ${event.params.TaskSid}`);

describe("a worker's token writing its task's attributes", () => {
  it('replaces them as a task update does, and answers once task.updated with the new attributes was delivered', async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'call', conferenceDelayMs: 0 });
    const before = await workspace().tasks(live.taskSid).fetchWithHttpInfo();
    received.length = 0;

    const written = await setAttributes(live.taskSid, live.token, { call_sid: 'CA' + 'f'.repeat(32), note: 'rewritten' });
    expect(written).toEqual({ status: 200, body: { sid: live.taskSid, attributes: { call_sid: 'CA' + 'f'.repeat(32), note: 'rewritten' } } });

    // Delivered before the control surface answered.
    expect(callbackTypes()).toEqual([`task.updated ${live.taskSid}`]);
    const [update] = callbacks();
    expect(update.signatureValid).toBe(true);
    expect(update.params).toMatchObject({ ResourceType: 'task', ResourceSid: live.taskSid, TaskAssignmentStatus: 'assigned' });
    expect(JSON.parse(update.params.TaskAttributes)).toEqual({ call_sid: 'CA' + 'f'.repeat(32), note: 'rewritten' });

    // Replaced, not merged; the revision moved on, as after any task update.
    const after = await workspace().tasks(live.taskSid).fetchWithHttpInfo();
    expect(JSON.parse(after.body.attributes)).toEqual({ call_sid: 'CA' + 'f'.repeat(32), note: 'rewritten' });
    expect(Number(after.headers.etag)).toBe(Number(before.headers.etag) + 1);
    expect((await control('GET', `/tasks/${live.taskSid}`)).body.attributes).toEqual({ call_sid: 'CA' + 'f'.repeat(32), note: 'rewritten' });
  });

  it("TaskRouter's log keeps what the task was created with, whatever was written since", async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    const { body: other } = await control('POST', '/live-calls', { agent: 'bob', recording: 'none', conferenceDelayMs: 0 });
    await setAttributes(live.taskSid, live.token, { call_sid: other.callSid });

    const events = await workspace().events.list({ taskSid: live.taskSid, eventType: 'task.created', minutes: 43_200 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ eventType: 'task.created', resourceType: 'task', resourceSid: live.taskSid, actorType: 'workspace' });
    expect(JSON.parse(events[0].eventData.task_attributes)).toMatchObject({ call_sid: live.callSid });

    // The write itself is logged as task.updated, its actor the worker.
    const [updated] = await workspace().events.list({ taskSid: live.taskSid, eventType: 'task.updated' });
    expect(updated).toMatchObject({ actorType: 'worker', actorSid: live.workerSid, resourceSid: live.taskSid });
    expect(JSON.parse(updated.eventData.task_attributes)).toEqual({ call_sid: other.callSid });
  });

  it('may write while the reservation is wrapping up, not once it is completed', async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    await control('POST', `/live-calls/${live.callSid}/end`);
    expect((await setAttributes(live.taskSid, live.token, { wrap: 'up' })).status).toBe(200);

    await workspace().tasks(live.taskSid).update({ assignmentStatus: 'completed' });
    const refused = await setAttributes(live.taskSid, live.token, { wrap: 'again' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await control('GET', `/tasks/${live.taskSid}`)).body.attributes).toEqual({ wrap: 'up' });
  });

  it("refuses a task the token's worker does not hold (403), and changes nothing", async () => {
    const { body: alice } = await control('POST', '/live-calls', { agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    const { body: bob } = await control('POST', '/live-calls', { agent: 'bob', recording: 'none', conferenceDelayMs: 0 });
    const { body: idle } = await control('POST', '/workers', { agent: 'ida', role: 'supervisor' });
    const before = (await control('GET', `/tasks/${alice.taskSid}`)).body.attributes;
    received.length = 0;

    for (const token of [bob.token, idle.token]) {
      const refused = await setAttributes(alice.taskSid, token, { call_sid: bob.callSid });
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ error: { code: 'forbidden', message: expect.stringContaining(alice.taskSid) } });
    }
    expect((await control('GET', `/tasks/${alice.taskSid}`)).body.attributes).toEqual(before);
    expect((await workspace().tasks(alice.taskSid).fetchWithHttpInfo()).headers.etag).toBe('0');
    await harness.standin.callbacksDelivered();
    expect(callbacks()).toEqual([]);
  });

  it("after a transfer the previous agent's token no longer holds the task; the new agent's does", async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    const { body: transfer } = await control('POST', `/live-calls/${live.callSid}/transfer`, { agent: 'bob' });
    expect((await setAttributes(live.taskSid, live.token, { x: 1 })).status).toBe(403);
    expect((await setAttributes(transfer.taskSid, live.token, { x: 1 })).status).toBe(403);
    expect((await setAttributes(transfer.taskSid, transfer.token, { x: 1 })).status).toBe(200);
  });

  it('refuses a token it did not issue (401), bad attributes (400) and an unknown task (404)', async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    const unknown = await setAttributes(live.taskSid, 'standin-flex-token.forged', { a: 1 });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('unauthenticated');
    expect((await setAttributes(live.taskSid, undefined, { a: 1 })).status).toBe(401);

    for (const attributes of [['a'], 'text', null, undefined]) {
      const refused = await setAttributes(live.taskSid, live.token, attributes);
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('invalid_request');
    }
    expect((await control('POST', `/tasks/${live.taskSid}/attributes`, 'not json')).status).toBe(400);

    const missing = await setAttributes(`WT${'0'.repeat(32)}`, live.token, { a: 1 });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    expect((await control('GET', `/tasks/${live.taskSid}`)).body.attributes).toMatchObject({ call_sid: live.callSid });
  });

  it('refuses a token an hour after it was issued (401)', async () => {
    let clock = new Date('2025-01-01T10:00:00.000Z');
    const timed = createStandin({ now: () => clock });
    const live = timed.createLiveCall({ agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    const write = () =>
      timed.handle(
        new Request(`http://127.0.0.1:3002/__standin/tasks/${live.taskSid}/attributes`, {
          method: 'POST',
          body: JSON.stringify({ token: live.token, attributes: { a: 1 } }),
        }),
      );
    clock = new Date('2025-01-01T10:59:59.000Z');
    expect((await write()).status).toBe(200);
    clock = new Date('2025-01-01T11:00:00.000Z');
    const expired = await write();
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: { code: 'unauthenticated' } });
  });
});

describe('where task.created and task.updated go', () => {
  it('the Event Callback URL (no EventsFilter) is told task.created before the acceptance, under the Event resource sid', async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    expect(callbackTypes()).toEqual([`task.created ${live.taskSid}`, `reservation.accepted ${live.taskSid}`]);
    const [created] = callbacks();
    expect(created.params.TaskAssignmentStatus).toBe('pending');
    const [listed] = (await control('GET', '/event-callbacks')).body;
    const [logged] = await workspace().events.list({ taskSid: live.taskSid, eventType: 'task.created' });
    expect(listed).toMatchObject({ sid: logged.sid, eventType: 'task.created', taskSid: live.taskSid });
  });

  it('with an EventsFilter, the Event Callback URL is told only the events it names; the log keeps them all', async () => {
    const filtered = createStandin({
      eventCallbackUrl: `${receiverBase()}/task-event`,
      authToken: AUTH_TOKEN,
      eventsFilter: ['reservation.accepted', 'task.updated'],
    });
    const live = filtered.createLiveCall({ agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    filtered.setTaskAttributes(live.taskSid, live.token, { a: 1 });
    filtered.endCall(live.callSid);
    await filtered.callbacksDelivered();
    expect(callbackTypes()).toEqual([`reservation.accepted ${live.taskSid}`, `task.updated ${live.taskSid}`]);
    expect(filtered.eventCallbacks().map((event) => event.eventType)).toEqual(['reservation.accepted', 'task.updated']);
    const listed = await filtered.handle(
      new Request(`https://taskrouter.twilio.com/v1/Workspaces/${filtered.workspaceSid}/Events?TaskSid=${live.taskSid}`, {
        headers: { Authorization: `Basic ${Buffer.from(`${filtered.accountSid}:${AUTH_TOKEN}`).toString('base64')}` },
      }),
    );
    expect(((await listed.json()) as { events: { event_type: string }[] }).events.map((event) => event.event_type)).toEqual([
      'task.wrapup',
      'reservation.wrapup',
      'task.updated',
      'reservation.accepted',
      'task.created',
    ]);
    filtered.reset();
  });

  it('an Event Streams sink is told task.created only when subscribed to it', async () => {
    const events = harness.client.events.v1;
    const sinkFor = async (path: string, type: string) => {
      const sink = await events.sinks.create({
        description: path,
        sinkType: 'webhook',
        sinkConfiguration: { destination: `${receiverBase()}${path}`, method: 'POST', batch_events: false },
      });
      await events.subscriptions.create({ description: path, sinkSid: sink.sid, types: [{ type: `com.twilio.taskrouter.${type}`, schema_version: 1 }] });
    };
    await sinkFor('/created', 'task.created');
    await sinkFor('/updated', 'task.updated');

    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    await setAttributes(live.taskSid, live.token, { note: 'agent' });
    await waitFor(() => received.filter((event) => event.path !== '/task-event').length >= 2);
    await harness.standin.callbacksDelivered();

    const at = (path: string) =>
      received.filter((event) => event.path === path).map((event) => event.json as { type: string; data: { payload: Record<string, string> } });
    expect(at('/created').map((event) => event.type)).toEqual(['com.twilio.taskrouter.task.created']);
    expect(JSON.parse(at('/created')[0].data.payload.task_attributes)).toMatchObject({ call_sid: live.callSid });
    expect(at('/updated').map((event) => event.type)).toEqual(['com.twilio.taskrouter.task.updated']);
    expect(JSON.parse(at('/updated')[0].data.payload.task_attributes)).toEqual({ note: 'agent' });
    expect(received.every((event) => event.signatureValid)).toBe(true);
  });
});
