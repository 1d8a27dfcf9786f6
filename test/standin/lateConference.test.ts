/**
 * Flex's order of events, over real HTTP as `npm start` runs it: the conference and its recording
 * exist from the start, but the task's attributes name the conference only some time after the
 * reservation is accepted, and TaskRouter then tells `task.updated`.
 */
import { AUTH_TOKEN } from './harness';
import { pause, withEventReceiver } from './eventReceiver';

jest.setTimeout(20_000);

const { harness, received, control, waitFor } = withEventReceiver();
const workspace = () => harness.client.taskrouter.v1.workspaces(harness.standin.workspaceSid);
const events = () => received.map((event) => `${event.params.EventType} ${event.params.TaskSid}`);
const attributesOf = (index: number) => JSON.parse(received[index].params.TaskAttributes);
const updates = () => received.filter((event) => event.params.EventType === 'task.updated');

describe('the conference named late, as Flex does', () => {
  it('by default: reservation.accepted without the conference, which exists already; a second later task.updated names it', async () => {
    const started = Date.now();
    const { status, body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'both' });
    expect(status).toBe(200);
    expect(live.conferenceSid).toMatch(/^CF[0-9a-f]{32}$/);
    // Answered once the task's creation and its acceptance were delivered, without waiting for the conference.
    expect(events()).toEqual([`task.created ${live.taskSid}`, `reservation.accepted ${live.taskSid}`]);
    expect(attributesOf(1)).toMatchObject({ call_sid: live.callSid });
    expect(attributesOf(1)).not.toHaveProperty('conference');
    const accepted = await workspace().tasks(live.taskSid).fetchWithHttpInfo();
    expect(JSON.parse(accepted.body.attributes)).not.toHaveProperty('conference');

    // The conference is there, named after the task, and Flex's conference recording runs.
    const found = await harness.client.conferences.list({ friendlyName: live.taskSid, status: 'in-progress' });
    expect(found.map((conference) => [conference.sid, conference.friendlyName, conference.status])).toEqual([
      [live.conferenceSid, live.taskSid, 'in-progress'],
    ]);
    const conferenceRecordings = await harness.client.conferences(live.conferenceSid).recordings.list();
    expect(conferenceRecordings.map((recording) => [recording.sid, recording.status])).toEqual([[live.recordingSids[0], 'in-progress']]);
    expect((await harness.client.calls(live.callSid).recordings.list()).map((recording) => recording.status)).toEqual(['in-progress']);

    await waitFor(() => updates().length === 1);
    const [update] = updates();
    expect(update.at - started).toBeGreaterThanOrEqual(950);
    expect(update.signatureValid).toBe(true);
    expect(update.params).toMatchObject({
      EventType: 'task.updated',
      ResourceType: 'task',
      ResourceSid: live.taskSid,
      TaskSid: live.taskSid,
      TaskAssignmentStatus: 'assigned',
    });
    expect(update.params).not.toHaveProperty('ReservationSid');
    const named = JSON.parse(update.params.TaskAttributes);
    expect(named).toMatchObject({ call_sid: live.callSid, conference: { sid: live.conferenceSid, participants: { customer: live.callSid } } });
    expect(named.conference.participants.worker).toMatch(/^CA[0-9a-f]{32}$/);
    expect(named.conference.participants.worker).not.toBe(live.callSid);

    const fetched = await workspace().tasks(live.taskSid).fetchWithHttpInfo();
    expect(JSON.parse(fetched.body.attributes)).toEqual(named);
    expect(Number(fetched.headers.etag)).toBe(Number(accepted.headers.etag) + 1);
  });

  it('with conferenceDelayMs 0 the accepted task names its conference already, and no task.updated follows', async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'conference', conferenceDelayMs: 0 });
    expect(events()).toEqual([`task.created ${live.taskSid}`, `reservation.accepted ${live.taskSid}`]);
    expect(attributesOf(0)).toMatchObject({ conference: { sid: live.conferenceSid, participants: { customer: live.callSid } } });
    expect(attributesOf(1)).toEqual(attributesOf(0));
    await pause(150);
    expect(updates()).toEqual([]);
  });

  it('keeps what was written to the attributes meanwhile', async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'call', conferenceDelayMs: 150 });
    const task = await workspace().tasks(live.taskSid).fetch();
    await workspace()
      .tasks(live.taskSid)
      .update({ attributes: JSON.stringify({ ...JSON.parse(task.attributes), tags: ['payment'] }) });

    await waitFor(() => updates().length === 1);
    const attributes = JSON.parse((await workspace().tasks(live.taskSid).fetch()).attributes);
    expect(attributes).toMatchObject({ call_sid: live.callSid, tags: ['payment'], conference: { sid: live.conferenceSid } });
  });

  it('a call that ends before the conference is named leaves the task without it', async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'conference', conferenceDelayMs: 100 });
    await control('POST', `/live-calls/${live.callSid}/end`);
    await pause(250);
    expect(events()).toEqual([
      `task.created ${live.taskSid}`,
      `reservation.accepted ${live.taskSid}`,
      `reservation.wrapup ${live.taskSid}`,
      `task.wrapup ${live.taskSid}`,
    ]);
    expect(JSON.parse((await workspace().tasks(live.taskSid).fetch()).attributes)).not.toHaveProperty('conference');
    expect(await harness.client.conferences.list({ friendlyName: live.taskSid, status: 'in-progress' })).toEqual([]);
  });

  it('a reset cancels the pending naming', async () => {
    await control('POST', '/live-calls', { agent: 'alice', recording: 'none', conferenceDelayMs: 100 });
    await control('POST', '/reset');
    await pause(250);
    expect(updates()).toEqual([]);
  });

  it('a transfer before the conference is named: the new task gets it, with the new agent as worker; the old task never does', async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'both', conferenceDelayMs: 200 });
    const transfer = await control('POST', `/live-calls/${live.callSid}/transfer`, { agent: 'bob' });
    expect(transfer.status).toBe(200);
    const newTaskSid = transfer.body.taskSid;
    expect(events()).toEqual([
      `task.created ${live.taskSid}`,
      `reservation.accepted ${live.taskSid}`,
      `reservation.completed ${live.taskSid}`,
      `task.wrapup ${live.taskSid}`,
      `task.created ${newTaskSid}`,
      `reservation.accepted ${newTaskSid}`,
    ]);
    expect(attributesOf(5)).toMatchObject({ call_sid: live.callSid, transferTargetType: 'worker' });
    expect(attributesOf(5)).not.toHaveProperty('conference');

    await waitFor(() => updates().length === 1);
    await pause(250);
    expect(updates().map((event) => event.params.TaskSid)).toEqual([newTaskSid]);
    const named = JSON.parse(updates()[0].params.TaskAttributes);
    expect(named).toMatchObject({ call_sid: live.callSid, conference: { sid: live.conferenceSid, participants: { customer: live.callSid } } });
    expect(JSON.parse((await workspace().tasks(live.taskSid).fetch()).attributes)).not.toHaveProperty('conference');
    // The worker leg named is the new agent's, in progress.
    expect(await harness.client.calls(named.conference.participants.worker).fetch()).toMatchObject({ to: 'client:bob', status: 'in-progress' });
    // The recordings went on throughout.
    expect((await harness.client.conferences(live.conferenceSid).recordings.list()).map((recording) => recording.status)).toEqual(['in-progress']);
  });

  it('a transfer after the conference is named copies it with the new agent as worker, and tells no task.updated', async () => {
    const { body: live } = await control('POST', '/live-calls', { agent: 'alice', recording: 'conference', conferenceDelayMs: 50 });
    await waitFor(() => updates().length === 1);
    const firstWorkerLeg = JSON.parse(updates()[0].params.TaskAttributes).conference.participants.worker;
    const transfer = await control('POST', `/live-calls/${live.callSid}/transfer`, { agent: 'bob' });
    const accepted = received.at(-1);
    expect(accepted?.params).toMatchObject({ EventType: 'reservation.accepted', TaskSid: transfer.body.taskSid });
    const copied = JSON.parse(accepted?.params.TaskAttributes ?? '{}');
    expect(copied.conference).toMatchObject({ sid: live.conferenceSid, participants: { customer: live.callSid } });
    expect(copied.conference.participants.worker).not.toBe(firstWorkerLeg);
    expect(await harness.client.calls(copied.conference.participants.worker).fetch()).toMatchObject({ to: 'client:bob', status: 'in-progress' });
    expect((await harness.client.calls(firstWorkerLeg).fetch()).status).toBe('completed');
    await pause(150);
    expect(updates()).toHaveLength(1);
  });

  it('refuses a conferenceDelayMs that is not a whole number of milliseconds from 0', async () => {
    for (const conferenceDelayMs of [-1, 1.5, '100', null, 2 ** 31]) {
      const { status, body } = await control('POST', '/live-calls', { agent: 'alice', recording: 'none', conferenceDelayMs });
      expect(status).toBe(400);
      expect(body.error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('conferenceDelayMs') });
    }
    expect(received).toEqual([]);
  });
});

describe('conferences listed by friendly name and status, as Twilio lists them', () => {
  it('finds the in-progress conference named after a task; a completed one only under Status=completed; newest first', async () => {
    const { body: first } = await control('POST', '/live-calls', { agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    const { body: second } = await control('POST', '/live-calls', { agent: 'bob', recording: 'none', conferenceDelayMs: 0 });
    await control('POST', `/live-calls/${first.callSid}/end`);

    expect(await harness.client.conferences.list({ friendlyName: first.taskSid, status: 'in-progress' })).toEqual([]);
    expect((await harness.client.conferences.list({ friendlyName: first.taskSid, status: 'completed' })).map((conference) => conference.sid)).toEqual([
      first.conferenceSid,
    ]);
    expect((await harness.client.conferences.list({ status: 'in-progress' })).map((conference) => conference.sid)).toEqual([second.conferenceSid]);
    expect((await harness.client.conferences.list({})).map((conference) => conference.sid)).toEqual([second.conferenceSid, first.conferenceSid]);
    const today = new Date();
    expect(await harness.client.conferences.list({ dateCreated: today })).toHaveLength(2);
    expect(await harness.client.conferences.list({ dateCreatedBefore: new Date(today.getTime() - 2 * 86_400_000) })).toEqual([]);
  });

  it('refuses a bad Status or date with 400 20001, and can be faulted as conference.list', async () => {
    const url = `${harness.base}/2010-04-01/Accounts/${harness.standin.accountSid}/Conferences.json`;
    const headers = { Authorization: `Basic ${Buffer.from(`${harness.standin.accountSid}:${AUTH_TOKEN}`).toString('base64')}` };
    for (const query of ['Status=ringing', 'DateCreated=yesterday']) {
      const response = await fetch(`${url}?${query}`, { headers });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 20001, status: 400 });
    }
    expect((await control('POST', '/faults', { operation: 'conference.list', status: 503, code: 20503 })).status).toBe(200);
    await expect(harness.client.conferences.list({ status: 'in-progress' })).rejects.toMatchObject({ status: 503, code: 20503 });
    expect(await harness.client.conferences.list({ status: 'in-progress' })).toEqual([]);
  });
});
