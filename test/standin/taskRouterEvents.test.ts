/**
 * TaskRouter's event log, the Events resource (`/v1/Workspaces/{WS}/Events[/{EV}]`), through the
 * real twilio SDK: what it logs for a live call and a transfer, its filters (TaskSid, EventType,
 * ReservationSid, WorkerSid, Minutes, StartDate, EndDate…), its 30 days, its refusals and faults.
 * The stand-in runs on a clock the test moves.
 */
import { validator } from 'twilio-flex-token-validator';
import { AUTH_TOKEN, control, restError, withStandinOverMsw } from './harness';

const START = Date.parse('2025-03-01T12:00:00.000Z');
let clock = START;
const at = (ms: number) => {
  clock = START + ms;
};
const MINUTE = 60_000;

const { standin, client } = withStandinOverMsw({ now: () => new Date(clock) });
const workspace = () => client.taskrouter.v1.workspaces(standin.workspaceSid);
afterEach(() => at(0));

describe("TaskRouter's Events resource", () => {
  it('logs a live call as TaskRouter would: task.created (pending, with the attributes it was made with), then the acceptance, newest first', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    at(1000);
    standin.endCall(live.callSid);

    const events = await workspace().events.list({ taskSid: live.taskSid });
    expect(events.map((event) => event.eventType)).toEqual(['task.wrapup', 'reservation.wrapup', 'reservation.accepted', 'task.created']);

    const created = events[3];
    expect(created).toMatchObject({
      accountSid: standin.accountSid,
      workspaceSid: standin.workspaceSid,
      eventType: 'task.created',
      description: 'Task created',
      resourceType: 'task',
      resourceSid: live.taskSid,
      resourceUrl: `https://taskrouter.twilio.com/v1/Workspaces/${standin.workspaceSid}/Tasks/${live.taskSid}`,
      actorType: 'workspace',
      actorSid: standin.workspaceSid,
      eventDate: new Date(START),
      eventDateMs: START,
      url: `https://taskrouter.twilio.com/v1/Workspaces/${standin.workspaceSid}/Events/${created.sid}`,
    });
    expect(created.sid).toMatch(/^EV[0-9a-f]{32}$/);
    expect(created.eventData).toMatchObject({
      task_sid: live.taskSid,
      task_assignment_status: 'pending',
      task_channel_unique_name: 'voice',
      task_queue_name: 'Everyone',
      task_date_created: '2025-03-01T12:00:00Z',
      workspace_sid: standin.workspaceSid,
    });
    expect(JSON.parse(created.eventData.task_attributes)).toMatchObject({ call_sid: live.callSid, conference: { sid: live.conferenceSid } });

    const accepted = events[2];
    expect(accepted).toMatchObject({ resourceType: 'reservation', resourceSid: accepted.eventData.reservation_sid });
    expect(accepted.eventData).toMatchObject({ task_sid: live.taskSid, task_assignment_status: 'assigned', worker_sid: live.workerSid, worker_name: 'alice' });
    expect(accepted.eventData.reservation_sid).toMatch(/^WR[0-9a-f]{32}$/);
    expect(events[0].eventDateMs).toBe(START + 1000);
  });

  it('a transfer creates a new task, logged with its own task.created; a later write changes no logged event', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    const transfer = standin.transferCall(live.callSid, 'bob');
    await workspace()
      .tasks(transfer.taskSid)
      .update({ attributes: JSON.stringify({ call_sid: `CA${'f'.repeat(32)}` }) });
    standin.setTaskAttributes(transfer.taskSid, transfer.token, { call_sid: `CA${'e'.repeat(32)}` });

    const created = await workspace().events.list({ eventType: 'task.created', minutes: 43_200 });
    expect(created.map((event) => event.resourceSid)).toEqual([transfer.taskSid, live.taskSid]);
    expect(JSON.parse(created[0].eventData.task_attributes)).toMatchObject({ call_sid: live.callSid, transferTargetType: 'worker' });
    const fetched = await workspace().events(created[0].sid).fetch();
    expect(fetched.toJSON()).toEqual(created[0].toJSON());
  });

  it('filters by task, event type, reservation and worker', async () => {
    const alice = standin.createLiveCall({ agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    const bob = standin.createLiveCall({ agent: 'bob', recording: 'none', conferenceDelayMs: 0 });
    standin.endCall(bob.callSid);

    expect((await workspace().events.list({ taskSid: alice.taskSid })).map((event) => event.eventType)).toEqual(['reservation.accepted', 'task.created']);
    expect((await workspace().events.list({ eventType: 'reservation.accepted' })).map((event) => event.eventData.task_sid)).toEqual([
      bob.taskSid,
      alice.taskSid,
    ]);
    expect((await workspace().events.list({ workerSid: bob.workerSid })).map((event) => event.eventType)).toEqual([
      'reservation.wrapup',
      'reservation.accepted',
    ]);
    const [accepted] = await workspace().events.list({ workerSid: alice.workerSid });
    const byReservation = await workspace().events.list({ reservationSid: accepted.eventData.reservation_sid });
    expect(byReservation.map((event) => event.sid)).toEqual([accepted.sid]);
    expect(await workspace().events.list({ taskSid: `WT${'0'.repeat(32)}` })).toEqual([]);
    expect(await workspace().events.list({ eventType: 'task.canceled' })).toEqual([]);
    expect(await workspace().events.list({ taskChannel: 'voice', eventType: 'task.created' })).toHaveLength(2);
    expect(await workspace().events.list({ taskChannel: 'chat' })).toEqual([]);
  });

  it('reads the last 15 minutes by default, Minutes as asked, and StartDate / EndDate (on or after, on or before)', async () => {
    const first = standin.createLiveCall({ agent: 'alice', recording: 'none', conferenceDelayMs: 0 }); // 12:00
    at(20 * MINUTE);
    const second = standin.createLiveCall({ agent: 'bob', recording: 'none', conferenceDelayMs: 0 }); // 12:20
    at(30 * MINUTE);

    const tasksOf = (events: { eventData: Record<string, string> }[]) => [...new Set(events.map((event) => event.eventData.task_sid))];
    expect(tasksOf(await workspace().events.list({}))).toEqual([second.taskSid]);
    expect(tasksOf(await workspace().events.list({ minutes: 25 }))).toEqual([second.taskSid]);
    expect(tasksOf(await workspace().events.list({ minutes: 30 }))).toEqual([second.taskSid, first.taskSid]);
    expect(tasksOf(await workspace().events.list({ startDate: new Date(START) }))).toEqual([second.taskSid, first.taskSid]);
    expect(tasksOf(await workspace().events.list({ endDate: new Date(START) }))).toEqual([first.taskSid]);
    expect(tasksOf(await workspace().events.list({ startDate: new Date(START + MINUTE), endDate: new Date(START + 20 * MINUTE) }))).toEqual([second.taskSid]);
    expect(tasksOf(await workspace().events.list({ startDate: new Date(START + 21 * MINUTE) }))).toEqual([]);
  });

  it('keeps 30 days: older events are no longer listed nor fetched', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    const [created] = await workspace().events.list({ eventType: 'task.created' });
    at(30 * 24 * 60 * MINUTE);
    expect(await workspace().events.list({ taskSid: live.taskSid, minutes: 43_200 })).toHaveLength(2);
    at(30 * 24 * 60 * MINUTE + 1000);
    expect(await workspace().events.list({ taskSid: live.taskSid, minutes: 43_201 })).toEqual([]);
    expect(await restError(workspace().events(created.sid).fetch())).toEqual({ status: 404, code: 20404 });
  });

  it('answers one page: at most PageSize events, the newest, and no next page', async () => {
    for (const agent of ['a1', 'a2', 'a3']) standin.createLiveCall({ agent, recording: 'none', conferenceDelayMs: 0 });
    const page = await workspace().events.page({ pageSize: 4 });
    expect(page.instances).toHaveLength(4);
    expect(page.instances[0].eventData.worker_name).toBe('a3');
    expect(page.nextPageUrl).toBeUndefined();
    expect(await workspace().events.list({ limit: 2 })).toHaveLength(2);
    expect(await workspace().events.list({})).toHaveLength(6);
  });

  it('refuses bad filters (400 20001) and an unknown event (404 20404)', async () => {
    const asked = (query: string) =>
      standin.handle(
        new Request(`https://taskrouter.twilio.com/v1/Workspaces/${standin.workspaceSid}/Events?${query}`, {
          headers: { Authorization: `Basic ${Buffer.from(`${standin.accountSid}:${AUTH_TOKEN}`).toString('base64')}` },
        }),
      );
    for (const query of ['Minutes=soon', 'Minutes=-5', 'StartDate=yesterday', 'EndDate=2025-03-01', 'StartDate=2025-13-45T00:00:00Z']) {
      const refused = await asked(query);
      expect([query, refused.status, ((await refused.json()) as { code: number }).code]).toEqual([query, 400, 20001]);
    }
    expect((await asked('StartDate=2025-03-01T11:00:00.000%2B01:00')).status).toBe(200);
    expect(
      await restError(
        workspace()
          .events(`EV${'0'.repeat(32)}`)
          .fetch(),
      ),
    ).toEqual({ status: 404, code: 20404 });
  });

  it('takes account credentials only, as every TaskRouter route: no credentials or a Flex token is 401', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    const url = `https://taskrouter.twilio.com/v1/Workspaces/${standin.workspaceSid}/Events?TaskSid=${live.taskSid}`;
    const anonymous = await standin.handle(new Request(url));
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 20003 });
    const withToken = await standin.handle(new Request(url, { headers: { 'X-Twilio-Token': live.token } }));
    expect(withToken.status).toBe(401);
  });

  it('is faulted as taskrouter.event.list / taskrouter.event.fetch, and logged as every Twilio request', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    expect((await control(standin, 'POST', '/__standin/faults', { operation: 'taskrouter.event.list', status: 503, code: 20503 })).status).toBe(200);
    expect(await restError(workspace().events.list({ taskSid: live.taskSid }))).toEqual({ status: 503, code: 20503 });
    const [created] = await workspace().events.list({ taskSid: live.taskSid, eventType: 'task.created' });
    standin.injectFault({ operation: 'taskrouter.event.fetch', status: 429, code: 20429 });
    expect(await restError(workspace().events(created.sid).fetch())).toEqual({ status: 429, code: 20429 });

    const { body: requests } = await control(standin, 'GET', '/__standin/requests');
    const path = `/v1/Workspaces/${standin.workspaceSid}/Events`;
    expect(requests).toEqual([
      { method: 'GET', path, at: expect.any(String), status: 503 },
      { method: 'GET', path, at: expect.any(String), status: 200 },
      { method: 'GET', path: `${path}/${created.sid}`, at: expect.any(String), status: 429 },
    ]);
    expect(standin.requests().map((request) => request.operation)).toEqual(['taskrouter.event.list', 'taskrouter.event.list', 'taskrouter.event.fetch']);
  });

  it('is emptied by a reset', async () => {
    standin.createLiveCall({ agent: 'alice', recording: 'none', conferenceDelayMs: 0 });
    await control(standin, 'POST', '/__standin/reset');
    expect(await workspace().events.list({})).toEqual([]);
  });
});

describe("a worker's role", () => {
  it('changes when POST /__standin/workers names an existing agent with another role; earlier tokens keep the old role until they expire', async () => {
    const first = await control(standin, 'POST', '/__standin/workers', { agent: 'sue', role: 'agent' });
    const second = await control(standin, 'POST', '/__standin/workers', { agent: 'sue', role: 'supervisor' });
    expect(second.body.workerSid).toBe(first.body.workerSid);
    expect(JSON.parse((await workspace().workers(first.body.workerSid).fetch()).attributes)).toMatchObject({ roles: ['supervisor'] });

    expect(await validator(first.body.token, standin.accountSid, AUTH_TOKEN)).toMatchObject({ identity: 'sue', roles: ['agent'] });
    expect(await validator(second.body.token, standin.accountSid, AUTH_TOKEN)).toMatchObject({ identity: 'sue', roles: ['supervisor'] });

    at(30 * MINUTE);
    const third = await control(standin, 'POST', '/__standin/workers', { agent: 'sue', role: 'admin' });
    at(60 * MINUTE);
    await expect(validator(first.body.token, standin.accountSid, AUTH_TOKEN)).rejects.toBe('Invalid token');
    await expect(validator(second.body.token, standin.accountSid, AUTH_TOKEN)).rejects.toBe('Invalid token');
    expect(await validator(third.body.token, standin.accountSid, AUTH_TOKEN)).toMatchObject({ roles: ['admin'] });
  });
});
