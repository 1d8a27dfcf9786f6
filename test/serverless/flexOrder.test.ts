/**
 * Flex's order of events, as the stand-in sends them by default: the task names its conference only
 * after the acceptance (then `task.updated`), TaskRouter may deliver an event again late, and other
 * software may start a recording during a hold. "Paused ⇔ an open hold" still holds at Twilio.
 */
import { handleDesktopEvent } from '../../src/serverless/lib/endpoints/desktopEvent';
import { sweep } from '../../src/serverless/lib/control/sweep';
import { desktopDeps, ledgerStore, liveIndex, signed, statusOf, warmContainer } from '../support/harness';
import { SimulatedClock } from '../../src/rig/simulatedClock';
import { useStandinWithTaskEvents } from '../support/taskEvents';

// Flex names the conference on this clock's time: the tests move it rather than wait.
const clock = new SimulatedClock(Date.now());
const { standin, events, route } = useStandinWithTaskEvents({ timers: clock.timers });
jest.setTimeout(30_000);
const body = (result: { body: unknown }) => result.body as Record<string, any>;

describe('the conference Flex names after the acceptance', () => {
  test("a CVV signal before task.updated pauses Flex's conference recording, found by the task's friendly name", async () => {
    const call = standin.createLiveCall({ agent: 'alice', recording: 'conference', conferenceDelayMs: 5_000 });
    await standin.callbacksDelivered();
    expect(standin.task(call.taskSid)?.attributes).not.toHaveProperty('conference');
    expect(await liveIndex().agentCall('alice')).not.toHaveProperty('conferenceSid');

    const paused = await handleDesktopEvent(desktopDeps(), signed({ agent: 'alice', trigger: 'cvv.focus' }));
    expect(body(paused)).toMatchObject({ outcome: 'paused', recording: 'paused', callSid: call.callSid });
    expect(await statusOf(standin, call.recordingSids[0])).toBe('paused');
    // The record learns the conference, so the resume needs no lookup.
    expect((await ledgerStore().load(call.callSid))?.record.call.conferenceSid).toBe(call.conferenceSid);
    const resumed = await handleDesktopEvent(desktopDeps(), signed({ agent: 'alice', trigger: 'cvv.blur' }));
    expect(body(resumed)).toMatchObject({ outcome: 'resumed', recording: 'in-progress' });
    expect(await statusOf(standin, call.recordingSids[0])).toBe('in-progress');
  });

  test('a call with no recording anywhere is absent only after Twilio said so for the call and its conference', async () => {
    const call = standin.createLiveCall({ agent: 'abe', recording: 'none', conferenceDelayMs: 5_000 });
    await standin.callbacksDelivered();
    const before = standin.requests().length;
    const answer = await handleDesktopEvent(desktopDeps(), signed({ agent: 'abe', trigger: 'cvv.focus' }));
    expect(body(answer)).toMatchObject({ recording: 'absent', callSid: call.callSid });
    const asked = standin
      .requests()
      .slice(before)
      .map((request) => request.path);
    expect(asked).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`/Calls/${call.callSid}/Recordings`),
        expect.stringContaining(`/Conferences/${call.conferenceSid}/Recordings`),
      ]),
    );
  });

  test('task.updated tells the index and the ledger the conference; a hold already open keeps it paused', async () => {
    const call = standin.createLiveCall({ agent: 'amy', recording: 'both', conferenceDelayMs: 300 });
    await standin.callbacksDelivered();
    await handleDesktopEvent(desktopDeps(), signed({ agent: 'amy', trigger: 'card-number.focus' }));
    await clock.advance(500);
    await standin.callbacksDelivered();
    expect(events).toContain('task.updated');
    expect(await liveIndex().agentCall('amy')).toMatchObject({ conferenceSid: call.conferenceSid });
    expect((await ledgerStore().load(call.callSid))?.record.call.conferenceSid).toBe(call.conferenceSid);
    for (const sid of call.recordingSids) expect(await statusOf(standin, sid)).toBe('paused');
  });

  test('an agent back for a new call, in the warm container that handled its task events: the first pause is one round of recording updates, the conference not looked up', async () => {
    const container = warmContainer();
    route.container = container.events;
    const first = standin.createLiveCall({ agent: 'ivo', recording: 'both', conferenceDelayMs: 0 });
    await standin.callbacksDelivered();
    await handleDesktopEvent(container.signals, signed({ agent: 'ivo', trigger: 'cvv.focus' }));
    await handleDesktopEvent(container.signals, signed({ agent: 'ivo', trigger: 'cvv.blur' }));
    standin.endCall(first.callSid);
    await standin.callbacksDelivered();
    const call = standin.createLiveCall({ agent: 'ivo', recording: 'both', conferenceDelayMs: 300 });
    await standin.callbacksDelivered();
    await clock.advance(500);
    await standin.callbacksDelivered();
    expect(events).toContain('task.updated');

    const before = standin.requests().length;
    const paused = await handleDesktopEvent(container.signals, signed({ agent: 'ivo', trigger: 'card-number.focus' }));
    expect(body(paused)).toMatchObject({ outcome: 'paused', recording: 'paused', callSid: call.callSid });
    const sent = standin.requests().slice(before);
    // The call's and the conference's recording, side by side; then the hold's write (its index copy alongside).
    expect(sent.filter((request) => request.operation === 'recording.update').map((request) => request.path)).toEqual(
      expect.arrayContaining([expect.stringContaining(`/Calls/${call.callSid}/`), expect.stringContaining(`/Conferences/${call.conferenceSid}/`)]),
    );
    expect(sent.filter((request) => request.operation === 'recording.update')).toHaveLength(2);
    expect(sent.filter((request) => request.operation?.startsWith('conference.') || request.operation?.startsWith('taskrouter.'))).toEqual([]);
    expect(sent.filter((request) => request.operation?.startsWith('sync') && /\.(fetch|list)$/.test(request.operation))).toEqual([]);
    for (const sid of call.recordingSids) expect(await statusOf(standin, sid)).toBe('paused');
  });
});

describe('late and repeated TaskRouter events', () => {
  test("after a transfer, the previous agent's redelivered reservation.accepted neither resumes the new agent's hold nor takes the call back", async () => {
    const call = standin.createLiveCall({ agent: 'alice', recording: 'both', conferenceDelayMs: 0 });
    await standin.callbacksDelivered();
    const alicesAcceptance = standin.eventCallbacks().find((event) => event.eventType === 'reservation.accepted' && event.taskSid === call.taskSid)!;
    const bob = standin.transferCall(call.callSid, 'bob');
    await standin.callbacksDelivered();
    const paused = await handleDesktopEvent(desktopDeps(), signed({ agent: 'bob', trigger: 'cvv.focus' }));
    expect(body(paused)).toMatchObject({ outcome: 'paused', callSid: call.callSid });

    const redelivered = await standin.redeliverEventCallback(alicesAcceptance.sid);
    expect(redelivered.status).toBeLessThan(300);
    const ledger = (await ledgerStore().load(call.callSid))?.record;
    expect(ledger?.call).toMatchObject({ taskSid: bob.taskSid, agent: 'bob' });
    expect(ledger?.holds).toEqual([expect.objectContaining({ id: 'cvv', by: 'bob' })]);
    for (const sid of call.recordingSids) expect(await statusOf(standin, sid)).toBe('paused');
    expect(await liveIndex().agentCall('alice')).toBeNull();
    // Alice's next signal does not reach Bob's call.
    const alices = await handleDesktopEvent(desktopDeps(), signed({ agent: 'alice', trigger: 'cvv.blur' }));
    expect(alices.status).toBe(404);
    for (const sid of call.recordingSids) expect(await statusOf(standin, sid)).toBe('paused');
  });

  test('every event delivered again changes nothing: the hold stays, the recordings stay paused', async () => {
    const call = standin.createLiveCall({ agent: 'cleo', recording: 'both', conferenceDelayMs: 100 });
    await clock.advance(250);
    await standin.callbacksDelivered();
    await handleDesktopEvent(desktopDeps(), signed({ agent: 'cleo', trigger: 'cvv.focus' }));
    for (const event of standin.eventCallbacks()) await standin.redeliverEventCallback(event.sid);
    expect((await ledgerStore().load(call.callSid))?.record.holds).toEqual([expect.objectContaining({ id: 'cvv' })]);
    for (const sid of call.recordingSids) expect(await statusOf(standin, sid)).toBe('paused');
  });
});

test('a recording Flex starts on the conference during a hold is paused by the next sweep', async () => {
  const call = standin.createLiveCall({ agent: 'dan', recording: 'call', conferenceDelayMs: 0 });
  await standin.callbacksDelivered();
  const deps = desktopDeps();
  await handleDesktopEvent(deps, signed({ agent: 'dan', trigger: 'cvv.focus' }));
  const { sid } = standin.startOutsideRecording(call.callSid, 'conference');
  expect(await statusOf(standin, sid)).toBe('in-progress');
  await sweep(liveIndex(), deps.control, deps.now);
  expect(await statusOf(standin, sid)).toBe('paused');
  const resumed = await handleDesktopEvent(deps, signed({ agent: 'dan', trigger: 'cvv.blur' }));
  expect(body(resumed)).toMatchObject({ outcome: 'resumed', recording: 'in-progress' });
  expect(await statusOf(standin, sid)).toBe('in-progress');
});
