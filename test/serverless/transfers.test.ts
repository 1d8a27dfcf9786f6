/**
 * The live index follows TaskRouter's events: the stand-in sends them as
 * TaskRouter does, the task-event logic keeps the live index (the agents' documents, the live-calls maps), and the next
 * signal after a transfer or a new call acts on the call the agent holds now.
 */
import { handleDesktopEvent } from '../../src/serverless/lib/endpoints/desktopEvent';
import { handleRecordingControl } from '../../src/serverless/lib/endpoints/recordingControls';
import { apiDeps, desktopDeps, ledgerStore, liveIndex, signed, statusOf, warmContainer } from '../support/harness';
import { useStandinWithTaskEvents } from '../support/taskEvents';

const { standin, events, route } = useStandinWithTaskEvents();
jest.setTimeout(30_000);

type Json = Record<string, any>;
const body = (result: { body: unknown }) => result.body as Json;

test('a live call is indexed from reservation.accepted: the first signal needs no TaskRouter lookup', async () => {
  const call = standin.createLiveCall({ agent: 'alice', recording: 'conference', conferenceDelayMs: 0 });
  await standin.callbacksDelivered();
  expect(events).toContain('reservation.accepted');
  // The conference is found by the name Flex gives it (the task's sid), never by the task's attributes, which an agent may rewrite.
  expect(await liveIndex().agentCall('alice')).toMatchObject({ callSid: call.callSid, taskSid: call.taskSid, conferenceName: call.taskSid });
  expect((await liveIndex().callItem(call.callSid))?.data).toMatchObject({ agents: ['alice'], taskSid: call.taskSid, holds: [] });

  const before = standin.requests().length;
  const result = await handleDesktopEvent(desktopDeps(), signed({ agent: 'alice', trigger: 'card-number.focus' }));
  expect(body(result)).toMatchObject({ outcome: 'paused', callSid: call.callSid });
  expect(
    standin
      .requests()
      .slice(before)
      .some((request) => request.path.includes('/Workers')),
  ).toBe(false);
});

test('after a transfer and a new call, the agent’s next signal acts on the new call, not the old one', async () => {
  const first = standin.createLiveCall({ agent: 'alice', recording: 'call' });
  await standin.callbacksDelivered();
  const alicesContainer = desktopDeps();
  expect(body(await handleDesktopEvent(alicesContainer, signed({ agent: 'alice', trigger: 'card-number.focus' })))).toMatchObject({ outcome: 'paused' });

  standin.transferCall(first.callSid, 'bob');
  await standin.callbacksDelivered();
  // Alice left the call: her hold went with her; Bob's call records again.
  expect(await statusOf(standin, first.recordingSids[0])).toBe('in-progress');
  expect((await ledgerStore().load(first.callSid))?.record.holds).toEqual([]);
  expect((await liveIndex().callItem(first.callSid))?.data.agents).toEqual(['bob']);

  const second = standin.createLiveCall({ agent: 'alice', recording: 'call' });
  await standin.callbacksDelivered();
  // The same warm container, which remembers the first call: the signal goes to the second.
  const next = await handleDesktopEvent(alicesContainer, signed({ agent: 'alice', trigger: 'cvv.focus' }));
  expect(body(next)).toMatchObject({ outcome: 'paused', callSid: second.callSid });
  expect(await statusOf(standin, second.recordingSids[0])).toBe('paused');
  expect(await statusOf(standin, first.recordingSids[0])).toBe('in-progress');

  const bobs = await handleDesktopEvent(desktopDeps(), signed({ agent: 'bob', trigger: 'card-number.focus' }));
  expect(body(bobs)).toMatchObject({ outcome: 'paused', callSid: first.callSid });
});

test('when the call ends its item leaves the index, so the sweep never sees it again', async () => {
  const call = standin.createLiveCall({ agent: 'carol', recording: 'call' });
  await standin.callbacksDelivered();
  await handleDesktopEvent(desktopDeps(), signed({ agent: 'carol', trigger: 'card-number.focus' }));
  standin.endCall(call.callSid);
  await standin.callbacksDelivered();
  expect(await liveIndex().callItem(call.callSid)).toBeNull();
  expect(await liveIndex().agentCall('carol')).toBeNull();
  expect(standin.task(call.taskSid)?.attributes).toMatchObject({ recording_controls: { call_sid: call.callSid, holds: [] } });
});

test('the first status writes down what Twilio reports, so the index says "recording" before anyone paused', async () => {
  const call = standin.createLiveCall({ agent: 'dana', recording: 'both' });
  await standin.callbacksDelivered();
  expect((await liveIndex().callItem(call.callSid))?.data.recording).toBe('unknown');
  const status = await handleRecordingControl('status', apiDeps(), { headers: {}, body: { callSid: call.callSid, Token: call.token } });
  expect(status.body).toMatchObject({ recording: 'in-progress' });
  expect((await ledgerStore().load(call.callSid))?.record.recording).toBe('in-progress');
  expect((await liveIndex().callItem(call.callSid))?.data.recording).toBe('in-progress');
});

test('a remembered call that ended sends the signal to the call the index names now, without asking TaskRouter', async () => {
  const first = await standin.createLiveCall({ agent: 'quin', recording: 'conference' });
  await standin.callbacksDelivered();
  const deps = desktopDeps();
  await handleDesktopEvent(deps, signed({ agent: 'quin', trigger: 'cvv.focus' }));
  await handleDesktopEvent(deps, signed({ agent: 'quin', trigger: 'cvv.blur' }));
  standin.endCall(first.callSid);
  await standin.callbacksDelivered();
  const next = await standin.createLiveCall({ agent: 'quin', recording: 'conference' });
  await standin.callbacksDelivered();
  const before = standin.requests().length;
  const result = await handleDesktopEvent(deps, signed({ agent: 'quin', trigger: 'cvv.focus' }));
  expect(body(result)).toMatchObject({ callSid: next.callSid, outcome: 'paused', recording: 'paused' });
  expect(await statusOf(standin, next.recordingSids[0])).toBe('paused');
  expect(
    standin
      .requests()
      .slice(before)
      .some((request) => request.operation?.startsWith('taskrouter')),
  ).toBe(false);
});

test('an agent back for a new call, in the warm container that handled the old call’s end and the new acceptance: the first pause goes straight to the new call', async () => {
  const container = warmContainer();
  route.container = container.events;
  const first = standin.createLiveCall({ agent: 'rosa', recording: 'call' });
  await standin.callbacksDelivered();
  expect(body(await handleDesktopEvent(container.signals, signed({ agent: 'rosa', trigger: 'cvv.focus' })))).toMatchObject({ callSid: first.callSid });
  await handleDesktopEvent(container.signals, signed({ agent: 'rosa', trigger: 'cvv.blur' }));
  standin.endCall(first.callSid);
  await standin.callbacksDelivered();
  const second = standin.createLiveCall({ agent: 'rosa', recording: 'call' });
  await standin.callbacksDelivered();

  const before = standin.requests().length;
  const paused = await handleDesktopEvent(container.signals, signed({ agent: 'rosa', trigger: 'card-number.focus' }));
  expect(body(paused)).toMatchObject({ outcome: 'paused', callSid: second.callSid });
  const sent = standin.requests().slice(before);
  // Twilio first hears the new call's pause: no pause of the ended call, no look for the agent's entry.
  expect(sent[0]).toMatchObject({ operation: 'recording.update', path: expect.stringContaining(second.callSid) });
  expect(sent.some((request) => request.path.includes(first.callSid) || request.path.includes('/Documents/rc-agent-'))).toBe(false);
});
