/**
 * TaskRouter's deliveries to the event callback URL, over real HTTP: each is listed with the
 * status the receiver answered, and any can be delivered again as it was the first time (stale
 * attributes included), as TaskRouter does when it redelivers late.
 */
import { createStandin } from '../../src/standin/standin';
import { withEventReceiver } from './eventReceiver';

const { harness, received, control, waitFor, answerWith, dropConnections } = withEventReceiver();
const EVENT_SID = /^EV[0-9a-f]{32}$/;
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('the event callbacks delivered', () => {
  it('lists every event delivered, in order, with its own sid, the task, when it happened and what the receiver answered', async () => {
    const before = Date.now();
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'both', conferenceDelayMs: 50 });
    await waitFor(() => received.length === 3);
    await control('POST', `/live-calls/${live.callSid}/end`);

    const { status, body } = await control('GET', '/event-callbacks');
    expect(status).toBe(200);
    expect(body.map((event: { eventType: string }) => event.eventType)).toEqual([
      'task.created',
      'reservation.accepted',
      'task.updated',
      'reservation.wrapup',
      'task.wrapup',
    ]);
    for (const event of body) {
      expect(event).toEqual({
        sid: expect.stringMatching(EVENT_SID),
        eventType: expect.any(String),
        taskSid: live.taskSid,
        at: expect.stringMatching(ISO_MS),
        status: 204,
      });
      expect(Date.parse(event.at)).toBeGreaterThanOrEqual(before - 1);
    }
    expect(new Set(body.map((event: { sid: string }) => event.sid)).size).toBe(5);
    expect(Date.parse(body[2].at) - Date.parse(body[1].at)).toBeGreaterThanOrEqual(45);
    expect(body.map((event: { eventType: string }) => event.eventType)).toEqual(received.map((event) => event.params.EventType));
  });

  it("records the receiver's error status, and 0 when the connection fails", async () => {
    answerWith(500);
    const { body: first } = await control('POST', '/live-calls', { agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    dropConnections(true);
    await control('POST', `/live-calls/${first.callSid}/end`);
    const { body } = await control('GET', '/event-callbacks');
    expect(body.map((event: { eventType: string; status: number }) => [event.eventType, event.status])).toEqual([
      ['task.created', 500],
      ['reservation.accepted', 500],
      ['reservation.wrapup', 0],
      ['task.wrapup', 0],
    ]);
  });

  it('forgets them on reset', async () => {
    await control('POST', '/live-calls', { agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    expect((await control('GET', '/event-callbacks')).body).toHaveLength(2);
    await control('POST', '/reset');
    expect((await control('GET', '/event-callbacks')).body).toEqual([]);
  });
});

describe('redelivering an event', () => {
  it('delivers the same parameters again, stale attributes and signature included, once the conference is named; answers with the status', async () => {
    answerWith(503);
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'conference', conferenceDelayMs: 50 });
    answerWith(204);
    await waitFor(() => received.length === 3);
    const [created, accepted] = (await control('GET', '/event-callbacks')).body;
    expect(accepted).toMatchObject({ eventType: 'reservation.accepted', status: 503 });

    const { status, body } = await control('POST', `/event-callbacks/${accepted.sid}/redeliver`);
    expect(status).toBe(200);
    expect(body).toEqual({ sid: accepted.sid, status: 204 });
    // Delivered before the control surface answered.
    expect(received).toHaveLength(4);
    const [, first, update, again] = received;
    expect(update.params.EventType).toBe('task.updated');
    expect(again.params).toEqual(first.params);
    expect(again.signatureValid).toBe(true);
    expect(JSON.parse(again.params.TaskAttributes)).not.toHaveProperty('conference');
    expect(JSON.parse((await harness.client.taskrouter.v1.workspaces(harness.standin.workspaceSid).tasks(live.taskSid).fetch()).attributes)).toHaveProperty(
      'conference.sid',
      live.conferenceSid,
    );

    // Still one entry per event, with the latest delivery's status.
    const { body: listed } = await control('GET', '/event-callbacks');
    expect(listed.map((event: { sid: string; status: number }) => [event.sid, event.status])).toEqual([
      [created.sid, 503],
      [accepted.sid, 204],
      [listed[2].sid, 204],
    ]);
  });

  it('after the events that are already waiting, in order', async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    const [, accepted] = (await control('GET', '/event-callbacks')).body;
    harness.standin.endCall(live.callSid); // its two events are queued before the redelivery is asked for
    const redelivery = await control('POST', `/event-callbacks/${accepted.sid}/redeliver`);
    expect(redelivery.body).toEqual({ sid: accepted.sid, status: 204 });
    expect(received.map((event) => event.params.EventType)).toEqual([
      'task.created',
      'reservation.accepted',
      'reservation.wrapup',
      'task.wrapup',
      'reservation.accepted',
    ]);
  });

  it('answers 404 for an event it did not deliver, and redelivers nothing', async () => {
    await control('POST', '/live-calls', { agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    const refused = await control('POST', `/event-callbacks/EV${'0'.repeat(32)}/redeliver`);
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('not_found');
    expect(received).toHaveLength(2);
  });
});

describe('without an event callback URL', () => {
  it('lists nothing and has nothing to redeliver', async () => {
    const quiet = createStandin();
    quiet.createLiveCall({ agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    const ask = (method: string, path: string) => quiet.handle(new Request(`http://127.0.0.1:3002/__standin${path}`, { method }));
    expect(await (await ask('GET', '/event-callbacks')).json()).toEqual([]);
    expect((await ask('POST', `/event-callbacks/EV${'0'.repeat(32)}/redeliver`)).status).toBe(404);
    quiet.reset();
  });
});
