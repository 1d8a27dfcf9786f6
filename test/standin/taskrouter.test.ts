import { withStandinOverMsw, restError } from './harness';

const { standin, client } = withStandinOverMsw();
const workspace = () => client.taskrouter.v1.workspaces(standin.workspaceSid);

describe('TaskRouter through the twilio SDK', () => {
  it('finds the agent by contact_uri with either quote style, and reuses the worker for the same identity', async () => {
    const first = standin.createLiveCall({ agent: 'alice', recording: 'none' });
    const second = standin.createLiveCall({ agent: 'alice', recording: 'none' });
    standin.createLiveCall({ agent: 'bob', recording: 'none' });
    expect(second.workerSid).toBe(first.workerSid);

    for (const expression of [`contact_uri == "client:alice"`, `contact_uri=='client:alice'`]) {
      const workers = await workspace().workers.list({ targetWorkersExpression: expression });
      expect(workers.map((worker) => worker.sid)).toEqual([first.workerSid]);
      expect(JSON.parse(workers[0].attributes)).toMatchObject({ contact_uri: 'client:alice' });
      expect(workers[0].friendlyName).toBe('alice');
    }
    expect(await workspace().workers.list({ targetWorkersExpression: `contact_uri == "client:carol"` })).toEqual([]);
    expect((await workspace().workers.list({ friendlyName: 'bob' })).map((worker) => worker.friendlyName)).toEqual(['bob']);
    expect(await restError(workspace().workers.list({ targetWorkersExpression: 'contact_uri ~~ alice' }))).toEqual({ status: 400, code: 20001 });
  });

  it("leads from the worker's accepted reservation to the voice task's call and conference (once named)", async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'conference', conferenceDelayMs: 0 });
    const reservations = await workspace().workers(live.workerSid).reservations.list({ reservationStatus: 'accepted' });
    expect(reservations).toHaveLength(1);
    expect(reservations[0]).toMatchObject({ taskSid: live.taskSid, workerSid: live.workerSid, reservationStatus: 'accepted' });

    const task = await workspace().tasks(reservations[0].taskSid).fetch();
    expect(task).toMatchObject({ assignmentStatus: 'assigned', taskChannelUniqueName: 'voice' });
    const attributes = JSON.parse(task.attributes);
    expect(attributes).toMatchObject({
      call_sid: live.callSid,
      conference: { sid: live.conferenceSid, participants: { customer: live.callSid } },
      direction: 'inbound',
    });
    expect(attributes.conference.participants.worker).toMatch(/^CA[0-9a-f]{32}$/);
    expect(attributes.conference.participants.worker).not.toBe(live.callSid);

    standin.endCall(live.callSid);
    expect(await workspace().workers(live.workerSid).reservations.list({ reservationStatus: 'accepted' })).toEqual([]);
  });

  it('honours If-Match against the task revision (ETag) and answers 412 20412 when stale', async () => {
    const { taskSid } = standin.createLiveCall({ agent: 'alice', recording: 'none' });
    const fetched = await workspace().tasks(taskSid).fetchWithHttpInfo();
    const revision = fetched.headers.etag;
    expect(revision).toBe('0');

    const attributes = { ...JSON.parse(fetched.body.attributes), recording_controls: { holds: [] } };
    const updated = await workspace()
      .tasks(taskSid)
      .updateWithHttpInfo({ attributes: JSON.stringify(attributes), ifMatch: revision });
    expect(updated.headers.etag).toBe('1');
    expect(standin.task(taskSid)?.attributes).toMatchObject({ recording_controls: { holds: [] } });

    expect(await restError(workspace().tasks(taskSid).update({ attributes: '{}', ifMatch: revision }))).toEqual({ status: 412, code: 20412 });
    expect(standin.task(taskSid)?.attributes).toMatchObject({ recording_controls: { holds: [] } });
  });

  it('lists tasks by assignment status and by attributes', async () => {
    const ended = standin.createLiveCall({ agent: 'alice', recording: 'none' });
    const live = standin.createLiveCall({ agent: 'bob', recording: 'none' });
    standin.endCall(ended.callSid);

    const sids = async (params: Parameters<ReturnType<typeof workspace>['tasks']['list']>[0]) => (await workspace().tasks.list(params)).map((task) => task.sid);
    expect(await sids({ assignmentStatus: ['assigned'] })).toEqual([live.taskSid]);
    expect((await sids({ assignmentStatus: ['assigned', 'wrapping'] })).sort()).toEqual([ended.taskSid, live.taskSid].sort());
    expect(await sids({ evaluateTaskAttributes: `call_sid == "${ended.callSid}"` })).toEqual([ended.taskSid]);
    expect(await sids({ assignmentStatus: ['pending'] })).toEqual([]);
  });

  it('moves a task to completed, and then refuses to change its assignment status again', async () => {
    const { taskSid, callSid, workerSid } = standin.createLiveCall({ agent: 'alice', recording: 'none' });
    standin.endCall(callSid);
    expect((await workspace().tasks(taskSid).update({ assignmentStatus: 'completed', reason: 'done' })).assignmentStatus).toBe('completed');
    expect((await workspace().workers(workerSid).reservations.list())[0].reservationStatus).toBe('completed');
    expect(await restError(workspace().tasks(taskSid).update({ assignmentStatus: 'wrapping' }))).toEqual({ status: 400, code: 20001 });
    expect(
      await restError(
        workspace()
          .tasks(`WT${'0'.repeat(32)}`)
          .fetch(),
      ),
    ).toEqual({ status: 404, code: 20404 });
  });
});
