import { handleDesktopEvent } from '../../src/serverless/lib/endpoints/desktopEvent';
import { PRODUCT_SYNC_SERVICE_SID, desktopDeps, ledgerStore, signed, statusOf, useStandin } from '../support/harness';

const standin = useStandin();

const body = (result: { body: unknown }) => result.body as Record<string, any>;

describe('POST /desktop-event', () => {
  test('a start trigger pauses every recording of the call (conference and call), a stop resumes them', async () => {
    const call = await standin.createLiveCall({ agent: 'alice', recording: 'both' });
    const deps = desktopDeps();

    const paused = await handleDesktopEvent(deps, signed({ agent: 'alice', trigger: 'card-number.focus' }));
    expect(paused.status).toBe(200);
    expect(body(paused)).toMatchObject({ duplicate: false, outcome: 'paused', callSid: call.callSid, recording: 'paused' });
    expect(body(paused).holds).toEqual([
      expect.objectContaining({ id: 'card-number', source: 'desktop', trigger: 'card-number.focus', by: 'alice', resumeAt: expect.any(String) }),
    ]);
    for (const sid of call.recordingSids) expect(await statusOf(standin, sid)).toBe('paused');

    const resumed = await handleDesktopEvent(deps, signed({ agent: 'alice', trigger: 'card-number.blur' }));
    expect(resumed.status).toBe(200);
    expect(body(resumed)).toMatchObject({ outcome: 'resumed', recording: 'in-progress', holds: [] });
    for (const sid of call.recordingSids) expect(await statusOf(standin, sid)).toBe('in-progress');
  });

  test('overlapping events: leaving the card field keeps the recording paused while the CVV hold is open', async () => {
    const call = await standin.createLiveCall({ agent: 'bob', recording: 'conference' });
    const deps = desktopDeps();
    await handleDesktopEvent(deps, signed({ agent: 'bob', trigger: 'card-number.focus' }));
    await handleDesktopEvent(deps, signed({ agent: 'bob', trigger: 'cvv.focus' }));
    const blur = await handleDesktopEvent(deps, signed({ agent: 'bob', trigger: 'card-number.blur' }));
    expect(body(blur)).toMatchObject({ outcome: 'unchanged', recording: 'paused' });
    expect(body(blur).holds.map((hold: { id: string }) => hold.id)).toEqual(['cvv']);
    expect(await statusOf(standin, call.recordingSids[0])).toBe('paused');
    const last = await handleDesktopEvent(deps, signed({ agent: 'bob', trigger: 'cvv.blur' }));
    expect(body(last)).toMatchObject({ outcome: 'resumed', recording: 'in-progress' });
    expect(await statusOf(standin, call.recordingSids[0])).toBe('in-progress');
  });

  test('a repeated eventId answers the first response again, marked duplicate, and changes nothing', async () => {
    const call = await standin.createLiveCall({ agent: 'carol', recording: 'call' });
    const deps = desktopDeps();
    const first = signed({ agent: 'carol', trigger: 'card-number.focus' });
    const answer = await handleDesktopEvent(deps, first);
    await handleDesktopEvent(deps, signed({ agent: 'carol', trigger: 'card-number.blur' }));
    const seen = standin.requests().length;
    const again = await handleDesktopEvent(deps, first);
    expect(again.status).toBe(200);
    expect(body(again)).toEqual({ ...body(answer), duplicate: true });
    // Answered from this container's memory: no Twilio request at all.
    expect(standin.requests().slice(seen)).toEqual([]);
    expect(await statusOf(standin, call.recordingSids[0])).toBe('in-progress');
  });

  test('another container recognises a repeat from the ledger in Sync and leaves the call as the ledger says', async () => {
    const call = await standin.createLiveCall({ agent: 'carl', recording: 'call' });
    const first = signed({ agent: 'carl', trigger: 'card-number.focus' });
    const answer = await handleDesktopEvent(desktopDeps(), first);
    await handleDesktopEvent(desktopDeps(), signed({ agent: 'carl', trigger: 'card-number.blur' }));
    const again = await handleDesktopEvent(desktopDeps(), first);
    expect(body(again)).toEqual({ ...body(answer), duplicate: true });
    // The pause goes out before the ledger is read (one round trip to paused), so a late repeat
    // seen by a fresh container may pause for that round trip; the ledger then resumes it.
    expect(await statusOf(standin, call.recordingSids[0])).toBe('in-progress');
    const stored = await ledgerStore().load(call.callSid);
    expect(stored?.record.holds).toEqual([]);
    expect(stored?.record.intervals).toHaveLength(1);
  });

  test('a remembered call that Twilio no longer knows is looked up again, and the signal acts on the live call', async () => {
    const deps = desktopDeps();
    await standin.createLiveCall({ agent: 'kim', recording: 'call' });
    await handleDesktopEvent(deps, signed({ agent: 'kim', trigger: 'cvv.focus' }));
    standin.reset(); // Twilio forgets everything; this container still remembers kim's old call
    const fresh = await standin.createLiveCall({ agent: 'kim', recording: 'call' });
    const result = await handleDesktopEvent(deps, signed({ agent: 'kim', trigger: 'cvv.focus' }));
    expect(body(result)).toMatchObject({ callSid: fresh.callSid, recording: 'paused', outcome: 'paused' });
    expect(await statusOf(standin, fresh.recordingSids[0])).toBe('paused');
  });

  test('a call with no recording answers recording "absent" and still keeps the hold', async () => {
    await standin.createLiveCall({ agent: 'dave', recording: 'none' });
    const result = await handleDesktopEvent(desktopDeps(), signed({ agent: 'dave', trigger: 'cvv.focus' }));
    expect(result.status).toBe(200);
    expect(body(result)).toMatchObject({ outcome: 'unchanged', recording: 'absent', holds: [expect.objectContaining({ id: 'cvv' })] });
  });

  test('callSid names the call to act on; a call that is not the agent’s is 404', async () => {
    const mine = await standin.createLiveCall({ agent: 'erin', recording: 'call' });
    const theirs = await standin.createLiveCall({ agent: 'frank', recording: 'call' });
    const ok = await handleDesktopEvent(desktopDeps(), signed({ agent: 'erin', trigger: 'cvv.focus', callSid: mine.callSid }));
    expect(body(ok)).toMatchObject({ callSid: mine.callSid, recording: 'paused' });
    const refused = await handleDesktopEvent(desktopDeps(), signed({ agent: 'erin', trigger: 'cvv.focus', callSid: theirs.callSid }));
    expect(refused.status).toBe(404);
    expect(body(refused).error.code).toBe('no_active_call');
    expect(await statusOf(standin, theirs.recordingSids[0])).toBe('in-progress');
  });

  test('an agent with no live call, or whose call ended, gets 404 no_active_call', async () => {
    const none = await handleDesktopEvent(desktopDeps(), signed({ agent: 'nobody', trigger: 'cvv.focus' }));
    expect(none.status).toBe(404);
    expect(body(none).error.code).toBe('no_active_call');

    const call = await standin.createLiveCall({ agent: 'gina', recording: 'conference' });
    const deps = desktopDeps();
    await handleDesktopEvent(deps, signed({ agent: 'gina', trigger: 'cvv.focus' }));
    await standin.endCall(call.callSid);
    const after = await handleDesktopEvent(deps, signed({ agent: 'gina', trigger: 'card-number.focus' }));
    expect(after.status).toBe(404);
    expect(body(after).error.code).toBe('no_active_call');
  });

  test('bad input gets the contract’s codes and never echoes card data', async () => {
    const deps = desktopDeps();
    const notJson = await handleDesktopEvent(deps, { headers: {}, body: { agent: 'alice', trigger: 'cvv.focus' } });
    expect([notJson.status, body(notJson).error.code]).toEqual([400, 'invalid_event']);

    const withCard = signed({ agent: 'alice', trigger: 'cvv.focus', cardNumber: '4111111111111111' } as never);
    const unknownField = await handleDesktopEvent(deps, withCard);
    expect([unknownField.status, body(unknownField).error.code]).toEqual([400, 'invalid_event']);
    expect(JSON.stringify(unknownField.body)).not.toContain('4111');

    const missing = await handleDesktopEvent(deps, signed({ trigger: 'cvv.focus' } as never));
    expect([missing.status, body(missing).error.message]).toEqual([400, expect.stringContaining('agent')]);

    const huge = await handleDesktopEvent(deps, signed({ agent: 'x'.repeat(4200), trigger: 'cvv.focus' }));
    expect([huge.status, body(huge).error.code]).toEqual([400, 'invalid_event']);

    const unknownTrigger = await handleDesktopEvent(deps, signed({ agent: 'alice', trigger: 'ssn.focus' }));
    expect([unknownTrigger.status, body(unknownTrigger).error.code]).toEqual([422, 'unknown_trigger']);
  });

  test('signatures: wrong secret, tampering and stale timestamps are 401; the previous secret works during rotation', async () => {
    await standin.createLiveCall({ agent: 'hal', recording: 'call' });
    const deps = desktopDeps();
    const wrong = await handleDesktopEvent(deps, signed({ agent: 'hal', trigger: 'cvv.focus' }, { secret: 'guess' }));
    expect([wrong.status, body(wrong).error.code]).toEqual([401, 'invalid_signature']);

    const tampered = signed({ agent: 'hal', trigger: 'cvv.focus' });
    tampered.body.agent = 'someone-else';
    expect((await handleDesktopEvent(deps, tampered)).status).toBe(401);

    const stale = await handleDesktopEvent(deps, signed({ agent: 'hal', trigger: 'cvv.focus' }, { timestamp: Math.floor(Date.now() / 1000) - 301 }));
    expect([stale.status, body(stale).error.code]).toEqual([401, 'stale_timestamp']);

    const rotating = desktopDeps({}, { DESKTOP_EVENT_SECRET: 'new-secret', DESKTOP_EVENT_SECRET_PREVIOUS: 'test-secret' });
    expect((await handleDesktopEvent(rotating, signed({ agent: 'hal', trigger: 'cvv.focus' }))).status).toBe(200);
  });

  test('no secret or an invalid configuration is 500 not_configured, with the problems listed', async () => {
    const noSecret = await handleDesktopEvent(desktopDeps({}, { DESKTOP_EVENT_SECRET: '' }), signed({ agent: 'a', trigger: 'cvv.focus' }));
    expect([noSecret.status, body(noSecret).error.code]).toEqual([500, 'not_configured']);
    const badConfig = await handleDesktopEvent(
      desktopDeps({ config: { ok: false, problems: ['events[0].action: must be "pause"'] } }),
      signed({ agent: 'a', trigger: 'cvv.focus' }),
    );
    expect([badConfig.status, body(badConfig).error.code]).toEqual([500, 'not_configured']);
    expect(body(badConfig).error.message).toContain('events[0].action');
  });

  test('the hold and its interval are kept in Sync, with who and why', async () => {
    const call = await standin.createLiveCall({ agent: 'ivy', recording: 'conference' });
    const deps = desktopDeps();
    await handleDesktopEvent(deps, signed({ agent: 'ivy', trigger: 'card-number.focus' }));
    await handleDesktopEvent(deps, signed({ agent: 'ivy', trigger: 'card-number.blur' }));
    const stored = await ledgerStore().load(call.callSid);
    expect(stored?.record.holds).toEqual([]);
    expect(stored?.record.intervals).toEqual([
      { from: expect.any(String), to: expect.any(String), holdIds: ['card-number'], sources: ['desktop'], by: ['ivy'], exposureMs: expect.any(Number) },
    ]);
    expect(stored?.record.recordings).toEqual([expect.objectContaining({ sid: call.recordingSids[0], kind: 'conference' })]);
  });
});

describe('the pause path', () => {
  test('with the call known, the pause is the first request Twilio sees, sent alongside the ledger read', async () => {
    const call = await standin.createLiveCall({ agent: 'jack', recording: 'both' });
    const deps = desktopDeps();
    await handleDesktopEvent(deps, signed({ agent: 'jack', trigger: 'cvv.focus' }));
    await handleDesktopEvent(deps, signed({ agent: 'jack', trigger: 'cvv.blur' }));
    const before = (await standin.requests()).length;
    // 11 s later by the container's clock: nobody wrote the call for over 5 s, so no other copy of
    // it can still be on its way to the live index, and no resume can still be in flight.
    const later = desktopDeps({ now: () => new Date(Date.now() + 11_000), calls: deps.calls });
    // Twilio answering in 50 ms keeps the rounds apart however busy this machine is.
    standin.setLatency(50);
    await handleDesktopEvent(later, signed({ agent: 'jack', trigger: 'card-number.focus' })).finally(() => standin.setLatency(0));
    const requests = (await standin.requests())
      .slice(before)
      .map((request: { method: string; path: string }) => `${request.method} ${request.path}`)
      // Another test's task, reached late on a busy machine, is not this signal's doing.
      .filter((line) => !line.includes('/Tasks/') || line.includes(call.taskSid));
    const account = standin.accountSid;
    // Round 1, all in parallel: both recordings paused, the ledger read (which also says the call is
    // still the agent's and whether this event id was seen) and the call's item in the live index
    // (this container has not written it). Round 2: one ledger write (the hold, what Twilio
    // confirmed and the event id together) and, alongside, its copy into the live index — with a
    // look at whether the sweep watches (this container's first open hold in a few seconds).
    const item = new RegExp(`^(GET|POST) /v1/Services/${PRODUCT_SYNC_SERVICE_SID}/Maps/rc-live-calls-[0-9a-f]{2}/Items/${call.callSid}$`);
    expect(requests.slice(0, 4)).toEqual(
      expect.arrayContaining([
        `POST /2010-04-01/Accounts/${account}/Calls/${call.callSid}/Recordings/Twilio.CURRENT.json`,
        `POST /2010-04-01/Accounts/${account}/Conferences/${call.conferenceSid}/Recordings/Twilio.CURRENT.json`,
        `GET /v1/Services/${PRODUCT_SYNC_SERVICE_SID}/Documents/rc-call-${call.callSid}`,
        expect.stringMatching(item),
      ]),
    );
    expect(requests.slice(4)).toEqual(
      expect.arrayContaining([
        `POST /v1/Services/${PRODUCT_SYNC_SERVICE_SID}/Documents/rc-call-${call.callSid}`,
        expect.stringMatching(new RegExp(`^POST /v1/Services/${PRODUCT_SYNC_SERVICE_SID}/Maps/rc-live-calls-[0-9a-f]{2}/Items/${call.callSid}$`)),
        `GET /v1/Services/${PRODUCT_SYNC_SERVICE_SID}/Documents/rc-sweep-watch`,
      ]),
    );
    expect(requests).toHaveLength(7);
  });
  const requestLines = (from: number) =>
    standin
      .requests()
      .slice(from)
      .map((request) => ({ line: `${request.method} ${request.path}`, operation: request.operation }));

  test('a resume Twilio answers at once is the ledger write, then the resume: nothing is read after it', async () => {
    const call = await standin.createLiveCall({ agent: 'lena', recording: 'conference' });
    const deps = desktopDeps();
    await handleDesktopEvent(deps, signed({ agent: 'lena', trigger: 'cvv.focus', callSid: call.callSid }));
    const before = standin.requests().length;
    const result = await handleDesktopEvent(deps, signed({ agent: 'lena', trigger: 'cvv.blur', callSid: call.callSid }));
    expect(body(result)).toMatchObject({ outcome: 'resumed', recording: 'in-progress' });
    expect(await statusOf(standin, call.recordingSids[0])).toBe('in-progress');
    const requests = requestLines(before);
    const resumeAt = requests.findIndex((request) => request.operation === 'recording.update');
    // The ledger says "recording" before the resume is sent.
    expect(requests.findIndex((request) => request.operation === 'sync.document.update')).toBeLessThan(resumeAt);
    expect(requests.slice(resumeAt + 1).filter((request) => request.operation === 'sync.document.fetch')).toEqual([]);
    const stored = await ledgerStore().load(call.callSid);
    expect(stored?.record).toMatchObject({ recording: 'in-progress', holds: [] });
  });

  test('a resume answered late moves lastResumeAt to its answer, on condition nobody wrote the ledger since', async () => {
    const call = await standin.createLiveCall({ agent: 'omar', recording: 'conference' });
    const deps = desktopDeps();
    await handleDesktopEvent(deps, signed({ agent: 'omar', trigger: 'cvv.focus', callSid: call.callSid }));
    // Every resume counts as late here: it may still land after a pause sent before its answer.
    const late = desktopDeps({ calls: deps.calls }, {}, { landing: { withinMs: -1, clockSkewMs: 250 } });
    const before = standin.requests().length;
    const decided = new Date();
    const result = await handleDesktopEvent(late, signed({ agent: 'omar', trigger: 'cvv.blur', callSid: call.callSid }));
    expect(body(result)).toMatchObject({ outcome: 'resumed', recording: 'in-progress' });
    const requests = requestLines(before);
    const resumeAt = requests.findIndex((request) => request.operation === 'recording.update');
    expect(requests.slice(resumeAt + 1).map((request) => request.operation)).toContain('sync.document.update');
    const stored = await ledgerStore().load(call.callSid);
    expect(Date.parse(stored?.record.lastResumeAt ?? '')).toBeGreaterThan(decided.getTime());
    expect(stored?.record).toMatchObject({ recording: 'in-progress', holds: [] });
  });

  test('a named call whose ledger this container already holds is paused at once, without looking the agent up', async () => {
    const call = await standin.createLiveCall({ agent: 'pia', recording: 'both' });
    await handleDesktopEvent(desktopDeps(), signed({ agent: 'pia', trigger: 'cvv.focus', callSid: call.callSid }));
    await handleDesktopEvent(desktopDeps(), signed({ agent: 'pia', trigger: 'cvv.blur', callSid: call.callSid }));
    const deps = desktopDeps();
    await deps.control.load(call.callSid); // as when this container took the call's task events
    const before = standin.requests().length;
    standin.setLatency(50);
    const result = await handleDesktopEvent(deps, signed({ agent: 'pia', trigger: 'card-number.focus', callSid: call.callSid })).finally(() =>
      standin.setLatency(0),
    );
    expect(body(result)).toMatchObject({ outcome: 'paused', recording: 'paused' });
    // The ledger it holds is not read again (the write's If-Match checks it); only the index item is.
    const firstRound = requestLines(before)
      .slice(0, 3)
      .map((request) => request.operation);
    expect(firstRound.sort()).toEqual(['recording.update', 'recording.update', 'syncMapItem.fetch']);
    expect(
      requestLines(before).some(
        (request) => request.line.includes('/Maps/rc-live-agents') || request.line.includes('rc-agent-') || request.operation?.startsWith('taskrouter'),
      ),
    ).toBe(false);
  });

  test('a named call a fresh container knows nothing of is found by its own ledger: the agent is not looked up', async () => {
    const call = await standin.createLiveCall({ agent: 'rosa', recording: 'conference' });
    await handleDesktopEvent(desktopDeps(), signed({ agent: 'rosa', trigger: 'cvv.focus', callSid: call.callSid }));
    const before = standin.requests().length;
    const result = await handleDesktopEvent(desktopDeps(), signed({ agent: 'rosa', trigger: 'cvv.blur', callSid: call.callSid }));
    expect(body(result)).toMatchObject({ outcome: 'resumed', recording: 'in-progress' });
    expect(await statusOf(standin, call.recordingSids[0])).toBe('in-progress');
    const requests = requestLines(before);
    expect(requests.some((request) => request.line.includes('/Documents/rc-agent-') || request.operation?.startsWith('taskrouter'))).toBe(false);
    // Another agent naming rosa's call is still refused.
    const other = await handleDesktopEvent(desktopDeps(), signed({ agent: 'sam', trigger: 'cvv.focus', callSid: call.callSid }));
    expect(other.status).toBe(404);
    expect(await statusOf(standin, call.recordingSids[0])).toBe('in-progress');
  });
});
