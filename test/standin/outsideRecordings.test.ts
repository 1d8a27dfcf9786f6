/**
 * Recordings someone else starts (Flex, another plugin, a Studio flow) on a live call, over real
 * HTTP: they appear where Twilio lists them, and nothing tells the functions.
 */
import { withEventReceiver } from './eventReceiver';

const { harness, received, control } = withEventReceiver();
const eventTypes = () => received.map((event) => event.params.EventType);

describe('a recording started by someone else', () => {
  it('on the call: a new in-progress dual-channel recording of the customer call, newest first, with no event to the functions', async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'call', conferenceDelayMs: 0 });
    const { status, body } = await control('POST', `/live-calls/${live.callSid}/recordings`, { kind: 'call' });
    expect(status).toBe(200);
    expect(body).toEqual({ sid: expect.stringMatching(/^RE[0-9a-f]{32}$/) });
    expect(body.sid).not.toBe(live.recordingSids[0]);

    const listed = await harness.client.calls(live.callSid).recordings.list();
    expect(listed.map((recording) => [recording.sid, recording.status])).toEqual([
      [body.sid, 'in-progress'],
      [live.recordingSids[0], 'in-progress'],
    ]);
    expect(listed[0]).toMatchObject({ callSid: live.callSid, conferenceSid: null, channels: 2 });
    // Two live recordings on the call: Twilio.CURRENT no longer names one.
    await expect(harness.client.calls(live.callSid).recordings('Twilio.CURRENT').update({ status: 'paused' })).rejects.toMatchObject({
      status: 400,
      code: 16108,
    });

    await harness.standin.callbacksDelivered();
    expect(eventTypes()).toEqual(['task.created', 'reservation.accepted']);
  });

  it("on the conference: found there, and through the agent's leg too", async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    const agentLeg = (harness.standin.task(live.taskSid)?.attributes as { conference: { participants: { worker: string } } }).conference.participants.worker;
    const { status, body } = await control('POST', `/live-calls/${agentLeg}/recordings`, { kind: 'conference' });
    expect(status).toBe(200);

    const [recording] = await harness.client.conferences(live.conferenceSid).recordings.list();
    expect(recording).toMatchObject({ sid: body.sid, conferenceSid: live.conferenceSid, callSid: null, status: 'in-progress' });
    expect(await harness.client.calls(live.callSid).recordings.list()).toEqual([]);
    expect((await harness.client.conferences(live.conferenceSid).recordings('Twilio.CURRENT').update({ status: 'paused' })).sid).toBe(body.sid);

    // It completes with the call, like the others.
    await control('POST', `/live-calls/${live.callSid}/end`);
    expect((await control('GET', `/recordings/${body.sid}`)).body.history.map((entry: { status: string }) => entry.status)).toEqual([
      'in-progress',
      'paused',
      'completed',
    ]);
    expect(eventTypes()).toEqual(['task.created', 'reservation.accepted', 'reservation.wrapup', 'task.wrapup']);
  });

  it('works before the task names its conference', async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'none' });
    const { body } = await control('POST', `/live-calls/${live.callSid}/recordings`, { kind: 'conference' });
    expect((await harness.client.conferences(live.conferenceSid).recordings.list()).map((recording) => recording.sid)).toEqual([body.sid]);
    expect(harness.standin.task(live.taskSid)?.attributes).not.toHaveProperty('conference');
  });

  it('refuses a bad kind (400), an unknown call (404) and an ended call (400)', async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    for (const body of [{ kind: 'video' }, {}, 'not json', { kind: ['call'] }]) {
      const refused = await control('POST', `/live-calls/${live.callSid}/recordings`, body);
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('invalid_request');
    }
    expect((await control('POST', `/live-calls/CA${'0'.repeat(32)}/recordings`, { kind: 'call' })).status).toBe(404);
    await control('POST', `/live-calls/${live.callSid}/end`);
    const ended = await control('POST', `/live-calls/${live.callSid}/recordings`, { kind: 'call' });
    expect(ended.status).toBe(400);
    expect(ended.body.error.message).toMatch(/ended/);
    expect(await harness.client.calls(live.callSid).recordings.list()).toEqual([]);
    expect(() => harness.standin.startOutsideRecording(live.callSid, 'video' as 'call')).toThrow(/kind/);
  });
});
