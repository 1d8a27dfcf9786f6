import { validator } from 'twilio-flex-token-validator';
import { ROUTES } from '../../src/standin/routes';
import { FAULT_OPERATIONS, createStandin } from '../../src/standin/standin';
import { AUTH_TOKEN, control, restError, withStandinOverMsw } from './harness';

const { standin, client } = withStandinOverMsw();

describe('control surface', () => {
  it('is healthy, and creates a live call as asked', async () => {
    expect(await control(standin, 'GET', '/__standin/health')).toEqual({ status: 200, body: { ok: true } });
    const { status, body } = await control(standin, 'POST', '/__standin/live-calls', { agent: 'alice', recording: 'both' });
    expect(status).toBe(200);
    expect(body).toEqual({
      workerSid: expect.stringMatching(/^WK[0-9a-f]{32}$/),
      taskSid: expect.stringMatching(/^WT[0-9a-f]{32}$/),
      callSid: expect.stringMatching(/^CA[0-9a-f]{32}$/),
      conferenceSid: expect.stringMatching(/^CF[0-9a-f]{32}$/),
      recordingSids: [expect.stringMatching(/^RE[0-9a-f]{32}$/), expect.stringMatching(/^RE[0-9a-f]{32}$/)],
      token: expect.any(String),
    });
    const recording = await control(standin, 'GET', `/__standin/recordings/${body.recordingSids[0]}`);
    expect(recording.body).toEqual({
      sid: body.recordingSids[0],
      status: 'in-progress',
      history: [{ status: 'in-progress', at: expect.stringMatching(/\.\d{3}Z$/) }],
    });
    const task = await control(standin, 'GET', `/__standin/tasks/${body.taskSid}`);
    expect(task.body).toMatchObject({ sid: body.taskSid, assignmentStatus: 'assigned', attributes: { call_sid: body.callSid } });
  });

  it('refuses bad bodies with 400 and unknown sids with 404', async () => {
    expect((await control(standin, 'POST', '/__standin/live-calls', { agent: 'alice', recording: 'video' })).status).toBe(400);
    expect((await control(standin, 'POST', '/__standin/live-calls', { agent: '', recording: 'none' })).status).toBe(400);
    expect((await control(standin, 'POST', '/__standin/live-calls', 'not json')).status).toBe(400);
    expect((await control(standin, 'POST', '/__standin/live-calls', { agent: 'a', recording: 'none', role: 'owner' })).status).toBe(400);
    expect((await control(standin, 'POST', `/__standin/live-calls/CA${'0'.repeat(32)}/end`)).status).toBe(404);
    expect((await control(standin, 'GET', `/__standin/recordings/RE${'0'.repeat(32)}`)).status).toBe(404);
    expect((await control(standin, 'GET', `/__standin/tasks/WT${'0'.repeat(32)}`)).status).toBe(404);
    expect(() => standin.createLiveCall({ agent: 'alice', recording: 'video' as 'none' })).toThrow(/recording/);
  });

  it('ends a live call: call and conference complete, recordings complete with a history entry, task wraps up', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'both' });
    expect((await control(standin, 'POST', `/__standin/live-calls/${live.callSid}/end`)).status).toBe(200);
    for (const sid of live.recordingSids) expect(standin.recording(sid)?.history.map((entry) => entry.status)).toEqual(['in-progress', 'completed']);
    expect((await client.conferences(live.conferenceSid).fetch()).status).toBe('completed');
    expect(standin.task(live.taskSid)?.assignmentStatus).toBe('wrapping');
  });

  it('logs every Twilio request (method, path without query) but no control request, until reset', async () => {
    const live = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    await client.calls(live.callSid).recordings.list({ pageSize: 5 });
    await control(standin, 'GET', '/__standin/health');

    const { body } = await control(standin, 'GET', '/__standin/requests');
    expect(body).toEqual([
      {
        method: 'GET',
        path: `/2010-04-01/Accounts/${standin.accountSid}/Calls/${live.callSid}/Recordings.json`,
        at: expect.stringMatching(/\.\d{3}Z$/),
        status: 200,
      },
    ]);
    expect(standin.requests()[0].operation).toBe('recording.list');

    await control(standin, 'POST', '/__standin/reset');
    expect(standin.requests()).toEqual([]);
    expect(standin.task(live.taskSid)).toBeUndefined();
  });
});

describe('fault injection', () => {
  it('fails the next `times` requests of the operation with the Twilio error, then recovers', async () => {
    const { callSid, recordingSids } = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const fault = { operation: 'recording.update', status: 503, code: 20503, times: 2 };
    expect((await control(standin, 'POST', '/__standin/faults', fault)).status).toBe(200);
    const pause = () => client.calls(callSid).recordings('Twilio.CURRENT').update({ status: 'paused' });

    expect(await restError(pause())).toEqual({ status: 503, code: 20503 });
    expect(await restError(pause())).toEqual({ status: 503, code: 20503 });
    expect(standin.recording(recordingSids[0])?.status).toBe('in-progress'); // a failed request changes nothing
    expect((await pause()).status).toBe('paused');
  });

  it('only touches the named operation', async () => {
    const { callSid } = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    standin.injectFault({ operation: 'call.fetch', status: 500, code: 20500, times: 1 });
    expect((await client.calls(callSid).recordings('Twilio.CURRENT').fetch()).status).toBe('in-progress');
    expect(await restError(client.calls(callSid).fetch())).toEqual({ status: 500, code: 20500 });
  });

  it('status 0 drops the connection: the SDK sees a network error, not an HTTP answer', async () => {
    const { callSid, recordingSids } = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    standin.injectFault({ operation: 'recording.update', status: 0, code: 0, times: 1 });
    const failure = await client
      .calls(callSid)
      .recordings('Twilio.CURRENT')
      .update({ status: 'paused' })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as { status?: number }).status).toBeUndefined();
    expect(standin.recording(recordingSids[0])?.status).toBe('in-progress');
  });

  it('with a callSid, fails only that call’s requests (its recordings, its conference’s) and clears only its own; other calls go on', async () => {
    const outage = standin.createLiveCall({ agent: 'alice', recording: 'both' });
    const other = standin.createLiveCall({ agent: 'bob', recording: 'both' });
    const fault = { operation: 'recording.update', status: 503, code: 20503, times: 100, callSid: outage.callSid };
    expect((await control(standin, 'POST', '/__standin/faults', fault)).status).toBe(200);
    const pause = (call: { callSid: string; conferenceSid: string }) => [
      client.calls(call.callSid).recordings('Twilio.CURRENT').update({ status: 'paused' }),
      client.conferences(call.conferenceSid).recordings('Twilio.CURRENT').update({ status: 'paused' }),
    ];

    expect((await Promise.all(pause(other))).map((recording) => recording.status)).toEqual(['paused', 'paused']);
    expect(await Promise.all(pause(outage).map(restError))).toEqual([
      { status: 503, code: 20503 },
      { status: 503, code: 20503 },
    ]);
    // Its clearing is its own: another call's outage stays.
    standin.injectFault({ operation: 'recording.update', status: 503, code: 20503, times: 100, callSid: other.callSid });
    expect((await control(standin, 'POST', '/__standin/faults', { ...fault, times: 0 })).status).toBe(200);
    expect((await Promise.all(pause(outage))).map((recording) => recording.status)).toEqual(['paused', 'paused']);
    expect(await restError(client.calls(other.callSid).recordings('Twilio.CURRENT').update({ status: 'in-progress' }))).toEqual({ status: 503, code: 20503 });
    expect((await control(standin, 'POST', '/__standin/faults', { ...fault, callSid: 'not-a-call' })).status).toBe(400);
  });

  it('refuses an unknown operation with 400; every route has a named operation and every operation a route', async () => {
    expect((await control(standin, 'POST', '/__standin/faults', { operation: 'recording.delete', status: 500, code: 1, times: 1 })).status).toBe(400);
    expect((await control(standin, 'POST', '/__standin/faults', { operation: 'call.fetch', status: 200, code: 1, times: 1 })).status).toBe(400);
    const routed = new Set(ROUTES.map((route) => route.operation));
    expect([...routed].sort()).toEqual([...FAULT_OPERATIONS].sort());
    expect(FAULT_OPERATIONS).toEqual(expect.arrayContaining(['token.validate', 'syncMapItem.create', 'syncMapItem.update', 'syncListItem.list']));
  });
});

describe('latency', () => {
  it('changes state when the request arrives and answers after the delay', async () => {
    const { callSid, recordingSids } = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    expect((await control(standin, 'POST', '/__standin/latency', { ms: 150 })).status).toBe(200);

    const started = Date.now();
    const pausing = client.calls(callSid).recordings('Twilio.CURRENT').update({ status: 'paused' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(standin.recording(recordingSids[0])?.status).toBe('paused'); // already applied
    expect(standin.requests()[0]).toMatchObject({ answeredAt: null, status: null }); // not yet answered
    await pausing;
    expect(standin.requests()[0].status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });
});

describe('Flex token validation (twilio-flex-token-validator against iam.twilio.com)', () => {
  it('accepts the token of a live call with the worker identity and role', async () => {
    const agent = standin.createLiveCall({ agent: 'alice', recording: 'none' });
    const supervisor = standin.createLiveCall({ agent: 'sam', recording: 'none', role: 'supervisor' });

    expect(await validator(agent.token, standin.accountSid, AUTH_TOKEN)).toMatchObject({
      valid: true,
      identity: 'alice',
      roles: ['agent'],
      worker_sid: agent.workerSid,
      realm_user_sid: expect.stringMatching(/^US[0-9a-f]{32}$/),
      expiration: expect.any(String),
    });
    expect(await validator(supervisor.token, standin.accountSid, AUTH_TOKEN)).toMatchObject({ identity: 'sam', roles: ['supervisor'] });
  });

  it('rejects a token it did not issue', async () => {
    await expect(validator('eyJ.forged.token', standin.accountSid, AUTH_TOKEN)).rejects.toBe('Invalid token');
  });

  it('rejects a token an hour after issuing it (clock from options.now)', async () => {
    let clock = new Date('2025-01-01T10:00:00.000Z');
    const timed = createStandin({ now: () => clock });
    const { token } = timed.createLiveCall({ agent: 'alice', recording: 'none' });
    const validate = () =>
      timed.handle(
        new Request(`https://iam.twilio.com/v1/Accounts/${timed.accountSid}/Tokens/validate`, {
          method: 'POST',
          headers: { Authorization: `Basic ${Buffer.from(`${timed.accountSid}:${AUTH_TOKEN}`).toString('base64')}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ token }),
        }),
      );

    expect(await (await validate()).json()).toMatchObject({ valid: true, expiration: '2025-01-01T11:00:00Z' });
    clock = new Date('2025-01-01T11:00:00.000Z');
    const expired = await validate();
    expect(expired.status).toBe(403);
    expect(await expired.json()).toMatchObject({ valid: false, code: 20003, message: 'Invalid token' });
  });

  it('can be faulted like any Twilio request', async () => {
    const { token } = standin.createLiveCall({ agent: 'alice', recording: 'none' });
    standin.injectFault({ operation: 'token.validate', status: 0, code: 0, times: 1 });
    await expect(validator(token, standin.accountSid, AUTH_TOKEN)).rejects.toEqual(expect.any(String));
    expect(await validator(token, standin.accountSid, AUTH_TOKEN)).toMatchObject({ valid: true });
  });
});
