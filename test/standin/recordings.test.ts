import twilio from 'twilio';
import { createStandin } from '../../src/standin/standin';
import { AUTH_TOKEN, withStandinOverMsw, restError } from './harness';

const { standin, client } = withStandinOverMsw();

const statuses = (sid: string) => standin.recording(sid)?.history.map((entry) => entry.status);

describe('Voice recordings through the twilio SDK', () => {
  it('pauses and resumes the current call recording; repeating a status is an accepted no-op', async () => {
    const { callSid, recordingSids } = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const current = client.calls(callSid).recordings('Twilio.CURRENT');

    const paused = await current.update({ status: 'paused', pauseBehavior: 'skip' });
    expect(paused).toMatchObject({ sid: recordingSids[0], callSid, conferenceSid: null, status: 'paused', channels: 2, source: 'StartCallRecordingAPI' });
    expect(paused.startTime).toBeInstanceOf(Date); // RFC 2822 parsed by the SDK
    await current.update({ status: 'paused' });
    const resumed = await current.update({ status: 'in-progress' });

    expect(resumed.status).toBe('in-progress');
    expect(statuses(recordingSids[0])).toEqual(['in-progress', 'paused', 'in-progress']);
    expect(standin.recording(recordingSids[0])?.history[1].at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('pauses a conference recording by sid and by Twilio.CURRENT', async () => {
    const { conferenceSid, recordingSids } = standin.createLiveCall({ agent: 'alice', recording: 'conference' });
    const [sid] = recordingSids;

    const paused = await client.conferences(conferenceSid).recordings(sid).update({ status: 'paused' });
    expect(paused).toMatchObject({ sid, conferenceSid, callSid: null, source: 'StartConferenceRecordingAPI', status: 'paused' });
    const resumed = await client.conferences(conferenceSid).recordings('Twilio.CURRENT').update({ status: 'in-progress' });
    expect(resumed.sid).toBe(sid);
    expect((await client.conferences(conferenceSid).fetch()).status).toBe('in-progress');
    expect((await client.conferences(conferenceSid).recordings.list()).map((recording) => recording.sid)).toEqual([sid]);
  });

  it('"both" records the conference and the customer call', async () => {
    const { callSid, conferenceSid, recordingSids } = standin.createLiveCall({ agent: 'alice', recording: 'both' });
    expect(recordingSids).toHaveLength(2);
    const [conferenceRecording, callRecording] = await Promise.all(recordingSids.map((sid) => client.recordings(sid).fetch()));
    expect(conferenceRecording).toMatchObject({ conferenceSid, callSid: null });
    expect(callRecording).toMatchObject({ callSid, channels: 2 });
  });

  it('starts a second call recording; Twilio.CURRENT is then ambiguous (400 16108, nothing changes) and each is paused by sid', async () => {
    const { callSid, recordingSids } = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const started = await client.calls(callSid).recordings.create({ recordingChannels: 'dual', recordingStatusCallbackEvent: ['in-progress', 'completed'] });
    expect(started).toMatchObject({ status: 'in-progress', channels: 2, callSid, duration: '-1' });
    expect((await client.calls(callSid).recordings.list()).map((recording) => recording.sid)).toEqual([started.sid, recordingSids[0]]);

    expect(await restError(client.calls(callSid).recordings('Twilio.CURRENT').update({ status: 'paused' }))).toEqual({ status: 400, code: 16108 });
    expect(standin.recording(recordingSids[0])?.status).toBe('in-progress');
    expect(standin.recording(started.sid)?.status).toBe('in-progress');

    for (const sid of [recordingSids[0], started.sid]) expect((await client.calls(callSid).recordings(sid).update({ status: 'paused' })).status).toBe('paused');
    // Once only one is live, Twilio.CURRENT names it again.
    await client.calls(callSid).recordings(started.sid).update({ status: 'stopped' });
    expect((await client.calls(callSid).recordings('Twilio.CURRENT').update({ status: 'in-progress' })).sid).toBe(recordingSids[0]);
  });

  it('answers 404 20404 when there is no live recording or no such recording', async () => {
    const { callSid } = standin.createLiveCall({ agent: 'alice', recording: 'none' });
    expect(await restError(client.calls(callSid).recordings('Twilio.CURRENT').update({ status: 'paused' }))).toEqual({ status: 404, code: 20404 });
    expect(
      await restError(
        client
          .calls(callSid)
          .recordings(`RE${'1'.repeat(32)}`)
          .fetch(),
      ),
    ).toEqual({ status: 404, code: 20404 });
    expect(
      await restError(
        client
          .calls(`CA${'1'.repeat(32)}`)
          .recordings('Twilio.CURRENT')
          .update({ status: 'paused' }),
      ),
    ).toEqual({ status: 404, code: 20404 });
  });

  it('a stopped recording refuses further changes with 400, and completes when the call ends', async () => {
    const { callSid, recordingSids } = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const [sid] = recordingSids;
    expect((await client.calls(callSid).recordings(sid).update({ status: 'stopped' })).status).toBe('stopped');
    expect(await restError(client.calls(callSid).recordings(sid).update({ status: 'in-progress' }))).toEqual({ status: 400, code: 400 });

    standin.endCall(callSid);
    expect(statuses(sid)).toEqual(['in-progress', 'stopped', 'completed']);
  });

  it('after the call ends: 21220 under the call, 16022 under the conference, by sid or Twilio.CURRENT', async () => {
    const { callSid, conferenceSid, recordingSids, taskSid } = standin.createLiveCall({ agent: 'alice', recording: 'both' });
    const [conferenceRecording, callRecording] = recordingSids;
    await client.calls(callSid).recordings(callRecording).update({ status: 'paused' });
    standin.endCall(callSid);

    expect(statuses(callRecording)).toEqual(['in-progress', 'paused', 'completed']);
    expect(standin.recording(conferenceRecording)?.status).toBe('completed');
    expect(standin.task(taskSid)?.assignmentStatus).toBe('wrapping');
    expect((await client.calls(callSid).fetch()).status).toBe('completed');
    expect((await client.recordings(callRecording).fetch()).duration).not.toBe('-1');

    expect(await restError(client.calls(callSid).recordings(callRecording).update({ status: 'in-progress' }))).toEqual({ status: 400, code: 21220 });
    expect(await restError(client.conferences(conferenceSid).recordings(conferenceRecording).update({ status: 'paused' }))).toEqual({
      status: 400,
      code: 16022,
    });
    expect(await restError(client.calls(callSid).recordings('Twilio.CURRENT').update({ status: 'paused' }))).toEqual({ status: 400, code: 21220 });
    expect(await restError(client.conferences(conferenceSid).recordings('Twilio.CURRENT').update({ status: 'paused' }))).toEqual({ status: 400, code: 16022 });
    expect(await restError(client.calls(callSid).recordings.create({ recordingChannels: 'dual' }))).toEqual({ status: 400, code: 21220 });
  });

  it('hanging up through the Calls API ends the live call like the control surface', async () => {
    const { callSid, recordingSids, taskSid } = standin.createLiveCall({ agent: 'alice', recording: 'conference' });
    expect((await client.calls(callSid).update({ status: 'completed' })).status).toBe('completed');
    expect(standin.recording(recordingSids[0])?.status).toBe('completed');
    expect(standin.task(taskSid)?.assignmentStatus).toBe('wrapping');
  });

  it('rejects a bad Status with 400 and leaves the recording alone', async () => {
    const { callSid, recordingSids } = standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const error = await restError(
      client
        .calls(callSid)
        .recordings('Twilio.CURRENT')
        .update({ status: 'absent' as 'paused' }),
    );
    expect(error.status).toBe(400);
    expect(statuses(recordingSids[0])).toEqual(['in-progress']);
  });
});

describe('REST authentication and unknown paths', () => {
  const url = (path: string) => `https://api.twilio.com/2010-04-01/Accounts/${standin.accountSid}${path}`;
  const basic = `Basic ${Buffer.from(`${standin.accountSid}:secret`).toString('base64')}`;

  it('answers 401 20003 without Basic credentials of an AC/SK sid', async () => {
    const { callSid } = standin.createLiveCall({ agent: 'alice', recording: 'none' });
    const anonymous = await fetch(url(`/Calls/${callSid}.json`));
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ code: 20003, message: expect.any(String), more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
    const wrongUser = await fetch(url(`/Calls/${callSid}.json`), { headers: { Authorization: `Basic ${Buffer.from('bob:pw').toString('base64')}` } });
    expect(wrongUser.status).toBe(401);
  });

  it('answers 401 20003 to credentials of another account or an API key it does not know', async () => {
    const { callSid } = standin.createLiveCall({ agent: 'alice', recording: 'none' });
    const otherAccount = twilio(`AC${'1'.repeat(32)}`, AUTH_TOKEN);
    expect(await restError(otherAccount.calls(callSid).fetch())).toEqual({ status: 401, code: 20003 });
    const unknownKey = twilio(`SK${'1'.repeat(32)}`, 'secret', { accountSid: standin.accountSid });
    expect(await restError(unknownKey.calls(callSid).fetch())).toEqual({ status: 401, code: 20003 });
  });

  it('answers 401 20003 to another auth token than the one it was given, and nothing changes', async () => {
    const strict = createStandin({ authToken: AUTH_TOKEN });
    const { callSid, recordingSids } = strict.createLiveCall({ agent: 'alice', recording: 'call' });
    const pause = (token: string) =>
      strict.handle(
        new Request(`https://api.twilio.com/2010-04-01/Accounts/${strict.accountSid}/Calls/${callSid}/Recordings/Twilio.CURRENT.json`, {
          method: 'POST',
          headers: {
            Authorization: `Basic ${Buffer.from(`${strict.accountSid}:${token}`).toString('base64')}`,
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          body: 'Status=paused',
        }),
      );
    const refused = await pause('0'.repeat(32));
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 20003, status: 401 });
    expect(strict.recording(recordingSids[0])?.status).toBe('in-progress');
    expect((await pause(AUTH_TOKEN)).status).toBe(200);
    expect(strict.recording(recordingSids[0])?.status).toBe('paused');
  });

  it('answers 404 20404 for a path it does not serve', async () => {
    const response = await fetch(url('/Messages.json'), { headers: { Authorization: basic } });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 20404, status: 404, more_info: 'https://www.twilio.com/docs/errors/20404' });
  });
});
