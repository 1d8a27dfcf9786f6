import { handleDesktopEvent } from '../../src/serverless/lib/endpoints/desktopEvent';
import type { Verb } from '../../src/core/wire';
import { handleRecordingControl } from '../../src/serverless/lib/endpoints/recordingControls';
import { taskEvent } from '../../src/serverless/lib/control/callbacks';
import { apiDeps, callbackDeps, desktopDeps, signed, statusOf, useStandin } from '../support/harness';

const standin = useStandin();
jest.setTimeout(20_000);

type Json = Record<string, any>;
const call = (verb: Verb, body: Json, options: { deps?: ReturnType<typeof apiDeps>; headers?: Record<string, string> } = {}) =>
  handleRecordingControl(verb, options.deps ?? apiDeps(), { headers: options.headers ?? {}, body }).then((result) => ({
    status: result.status,
    body: result.body as Json,
  }));
const bearer = { authorization: 'Bearer test-api-key' };

describe('authentication and authorization', () => {
  test('no credentials, a bad token and a bad key are 401 unauthenticated', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    expect(await call('status', { callSid: live.callSid })).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    expect(await call('status', { callSid: live.callSid, Token: 'forged' })).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    expect(await call('status', { callSid: live.callSid }, { headers: { authorization: 'Bearer nope' } })).toMatchObject({ status: 401 });
  });

  test('an agent acts on the calls of their own tasks only; a supervisor and an API key on any', async () => {
    const alice = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const bob = standin.createLiveCall({ agent: 'bob', recording: 'call' });
    const sue = standin.createLiveCall({ agent: 'sue', recording: 'none', role: 'supervisor' });
    expect(await call('pause', { callSid: bob.callSid, Token: alice.token })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await statusOf(standin, bob.recordingSids[0])).toBe('in-progress');
    expect((await call('status', { taskSid: alice.taskSid, Token: alice.token })).status).toBe(200);
    expect((await call('status', { callSid: bob.callSid, Token: sue.token })).status).toBe(200);
    expect((await call('status', { callSid: bob.callSid }, { headers: bearer })).status).toBe(200);
  });

  test('bad fields are 400 invalid_request, and an unknown call is 404 call_not_found', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    expect(await call('pause', { Token: live.token })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect(await call('pause', { callSid: 'CA123', Token: live.token })).toMatchObject({ status: 400 });
    const card = await call('pause', { callSid: live.callSid, Token: live.token, reason: 'card 4111 1111 1111 1111' });
    expect(card.status).toBe(400);
    expect(JSON.stringify(card.body)).not.toContain('4111');
    expect(await call('pause', { callSid: live.callSid, Token: live.token, colour: 'red' })).toMatchObject({ status: 400 });
    expect(await call('status', { callSid: `CA${'f'.repeat(32)}` }, { headers: bearer })).toMatchObject({
      status: 404,
      body: { error: { code: 'call_not_found' } },
    });
  });
});

describe('pause and resume', () => {
  test('an agent pauses and resumes their call; the status tells who holds it', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'both' });
    const paused = await call('pause', { taskSid: live.taskSid, Token: live.token, reason: 'customer reading card' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ callSid: live.callSid, recording: 'paused', outcome: 'paused' });
    expect(paused.body.holds).toEqual([
      expect.objectContaining({ id: 'manual:alice', source: 'manual', by: 'alice', reason: 'customer reading card', resumeAt: expect.any(String) }),
    ]);
    for (const sid of live.recordingSids) expect(await statusOf(standin, sid)).toBe('paused');

    const status = await call('status', { callSid: live.callSid, Token: live.token });
    expect(status.body).toMatchObject({
      recording: 'paused',
      recordings: expect.arrayContaining([{ sid: live.recordingSids[0], kind: expect.any(String), status: 'paused' }]),
    });
    expect(status.body.intervals).toEqual([expect.objectContaining({ to: null, holdIds: ['manual:alice'], sources: ['manual'], by: ['alice'] })]);

    const resumed = await call('resume', { taskSid: live.taskSid, Token: live.token });
    expect(resumed.body).toMatchObject({ recording: 'in-progress', outcome: 'resumed', holds: [] });
    for (const sid of live.recordingSids) expect(await statusOf(standin, sid)).toBe('in-progress');
  });

  test('an agent’s resume cannot undo a desktop pause that is still open; a supervisor’s force can', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'conference' });
    const sue = standin.createLiveCall({ agent: 'sue', recording: 'none', role: 'supervisor' });
    await handleDesktopEvent(desktopDeps(), signed({ agent: 'alice', trigger: 'card-number.focus' }));
    await call('pause', { callSid: live.callSid, Token: live.token });
    const resumed = await call('resume', { callSid: live.callSid, Token: live.token });
    expect(resumed.body).toMatchObject({ recording: 'paused', outcome: 'unchanged' });
    expect(resumed.body.holds).toEqual([expect.objectContaining({ id: 'card-number', source: 'desktop' })]);
    expect(await statusOf(standin, live.recordingSids[0])).toBe('paused');

    expect(await call('resume', { callSid: live.callSid, Token: live.token, force: 'true' })).toMatchObject({ status: 403 });
    const supervisorPause = await call('pause', { callSid: live.callSid, Token: sue.token });
    expect(supervisorPause.body.holds).toContainEqual(expect.objectContaining({ id: 'supervisor:sue', source: 'manual', by: 'sue' }));
    const forced = await call('resume', { callSid: live.callSid, Token: sue.token, force: 'true' });
    expect(forced.body).toMatchObject({ recording: 'in-progress', outcome: 'resumed', holds: [] });
    expect(await statusOf(standin, live.recordingSids[0])).toBe('in-progress');
  });

  test('an API key opens its own hold', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const paused = await call('pause', { callSid: live.callSid }, { headers: bearer });
    expect(paused.body.holds).toEqual([expect.objectContaining({ id: 'api:1', source: 'api' })]);
  });

  test('a warm manual pause costs one Twilio round trip before the recordings are paused', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'both' });
    const deps = apiDeps({}, () => new Date(Date.now() + 11_000));
    await call('status', { callSid: live.callSid, Token: live.token }, { deps }); // token and ownership now known
    await deps.configs!.forSignals(); // and the pause policies, as a container that served a signal or a pause in the last 5 s
    const mark = standin.requests().length;
    // Twilio answering in 250 ms keeps the rounds apart however busy this machine is (50 ms did not, on a loaded one).
    standin.setLatency(250);
    await call('pause', { callSid: live.callSid, Token: live.token }, { deps }).finally(() => standin.setLatency(0));
    const requests = standin.requests().slice(mark);
    const firstRound = requests.filter((request) => request.at < (requests[0].answeredAt as string));
    // The pauses, the ledger read and the read of the call's index item (so its copy goes out with the write).
    expect(firstRound.map((request) => request.operation).sort()).toEqual(['recording.update', 'recording.update', 'sync.document.fetch', 'syncMapItem.fetch']);
    expect(requests.some((request) => request.operation === 'token.validate' || request.operation?.startsWith('taskrouter'))).toBe(false);
  });

  test('expired holds close when status is asked (the plugin asks the moment one is due)', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const start = Date.now();
    await handleDesktopEvent(desktopDeps(), signed({ agent: 'alice', trigger: 'cvv.focus' }));
    const later = apiDeps({}, () => new Date(start + 61_000));
    const status = await call('status', { callSid: live.callSid, Token: live.token }, { deps: later });
    expect(status.body).toMatchObject({ recording: 'in-progress', holds: [] });
    expect(await statusOf(standin, live.recordingSids[0])).toBe('in-progress');
  });
});

describe('start and stop', () => {
  test('start records a call that has no recording, and refuses one that has', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'none' });
    const started = await call('start', { callSid: live.callSid, Token: live.token });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ recording: 'in-progress', recordings: [expect.objectContaining({ kind: 'call', status: 'in-progress' })] });
    expect(await call('start', { callSid: live.callSid, Token: live.token })).toMatchObject({ status: 409, body: { error: { code: 'already_recording' } } });
  });

  test('a recording started while a hold is open starts paused', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'none' });
    await handleDesktopEvent(desktopDeps(), signed({ agent: 'alice', trigger: 'card-number.focus' }));
    const started = await call('start', { callSid: live.callSid, Token: live.token });
    expect(started.body).toMatchObject({ recording: 'paused' });
  });

  test('stop is refused unless configured, then stops every recording', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'both' });
    expect(await call('stop', { callSid: live.callSid, Token: live.token })).toMatchObject({ status: 403, body: { error: { code: 'stop_not_allowed' } } });
    const stopped = await call('stop', { callSid: live.callSid, Token: live.token }, { deps: apiDeps({ ALLOW_STOP_RECORDING: 'true' }) });
    expect(stopped.body).toMatchObject({ recording: 'absent' });
    for (const sid of live.recordingSids) expect(await statusOf(standin, sid)).toBe('stopped');
  });
});

describe('tags and metadata', () => {
  test('tags from two writers at once are both kept, merged into the task attributes', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const results = await Promise.all([
      call('tags', { taskSid: live.taskSid, Token: live.token, tags: '["payment"]', metadata: '{"order":"A-1"}' }),
      call('tags', { taskSid: live.taskSid, tags: ['escalated'], metadata: { queue: 'billing' } }, { headers: bearer }),
    ]);
    expect(results.map((result) => result.status)).toEqual([200, 200]);
    const attributes = standin.task(live.taskSid)!.attributes as Json;
    expect(attributes.recording_controls.tags.sort()).toEqual(['escalated', 'payment']);
    expect(attributes.recording_controls.metadata).toEqual({ order: 'A-1', queue: 'billing' });
    expect(attributes.call_sid).toBe(live.callSid); // the rest of the attributes survive
  });
});

describe('the redaction timeline', () => {
  test('three pauses match the stand-in’s recording history to the second', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'both' });
    for (let round = 0; round < 3; round += 1) {
      await call('pause', { callSid: live.callSid, Token: live.token });
      await new Promise((done) => setTimeout(done, 30));
      await call('resume', { callSid: live.callSid, Token: live.token });
    }
    const timeline = await call('timeline', { callSid: live.callSid }, { headers: bearer });
    expect(timeline.status).toBe(200);
    expect(timeline.body.recordings).toHaveLength(2);
    for (const recording of timeline.body.recordings) {
      const history = standin.recording(recording.sid)!.history;
      // Twilio gives a recording's start_time to the second: offsets count from that second.
      const start = Math.floor(Date.parse(history[0].at) / 1000) * 1000;
      const paused = history.filter((entry) => entry.status === 'paused').map((entry) => (Date.parse(entry.at) - start) / 1000);
      const resumed = history.filter((entry, index) => index > 0 && entry.status === 'in-progress').map((entry) => (Date.parse(entry.at) - start) / 1000);
      expect(recording.pauses).toHaveLength(3);
      recording.pauses.forEach((pause: Json, index: number) => {
        expect(Math.abs(pause.from - paused[index])).toBeLessThan(1);
        expect(Math.abs(pause.to - resumed[index])).toBeLessThan(1);
        expect(pause.sources).toEqual(['manual']);
      });
    }
  });

  test('when the task ends, holds and intervals are written to its attributes under recording_controls', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'conference' });
    await call('pause', { callSid: live.callSid, Token: live.token });
    standin.endCall(live.callSid);
    const result = await taskEvent(callbackDeps(), {
      EventType: 'task.wrapup',
      TaskSid: live.taskSid,
      TaskAttributes: JSON.stringify(standin.task(live.taskSid)!.attributes),
    });
    expect(result.status).toBe(204);
    const attributes = standin.task(live.taskSid)!.attributes as Json;
    expect(attributes.recording_controls).toMatchObject({
      call_sid: live.callSid,
      holds: [],
      intervals: [expect.objectContaining({ holdIds: ['manual:alice'], sources: ['manual'], by: ['alice'], to: expect.any(String) })],
    });
  });
});
