/**
 * Event ids are the agent's own (docs/api.md, desktop events): another agent's `evt-1` is another
 * signal, and the same agent reusing an id for a different signal is refused, in this container
 * and in any other.
 */
import { handleDesktopEvent } from '../../src/serverless/lib/endpoints/desktopEvent';
import { desktopDeps, signed, statusOf, useStandin } from '../support/harness';

const standin = useStandin();
const body = (result: { body: unknown }) => result.body as Record<string, any>;

test("two agents' signals with the same eventId each pause the agent's own call", async () => {
  const bob = standin.createLiveCall({ agent: 'bob', recording: 'both' });
  const alice = standin.createLiveCall({ agent: 'alice', recording: 'both' });
  const deps = desktopDeps();

  const bobs = await handleDesktopEvent(deps, signed({ eventId: 'evt-1', agent: 'bob', trigger: 'cvv.focus' }));
  // Alice's own evt-1, to another container and to the same one.
  const alices = await handleDesktopEvent(desktopDeps(), signed({ eventId: 'evt-1', agent: 'alice', trigger: 'cvv.focus' }));
  expect(body(bobs)).toMatchObject({ duplicate: false, outcome: 'paused', callSid: bob.callSid });
  expect(body(alices)).toMatchObject({ duplicate: false, outcome: 'paused', callSid: alice.callSid, recording: 'paused' });
  expect(body(alices).holds).toEqual([expect.objectContaining({ id: 'cvv', by: 'alice' })]);
  for (const sid of alice.recordingSids) expect(await statusOf(standin, sid)).toBe('paused');

  const aliceResumes = await handleDesktopEvent(deps, signed({ eventId: 'evt-2', agent: 'alice', trigger: 'cvv.blur' }));
  const bobResumes = await handleDesktopEvent(deps, signed({ eventId: 'evt-2', agent: 'bob', trigger: 'cvv.blur' }));
  expect(body(aliceResumes)).toMatchObject({ duplicate: false, outcome: 'resumed', callSid: alice.callSid });
  expect(body(bobResumes)).toMatchObject({ duplicate: false, outcome: 'resumed', callSid: bob.callSid });
});

test('the same agent reusing an eventId with another body gets 409 event_id_conflict, from any container, and nothing changes', async () => {
  const call = standin.createLiveCall({ agent: 'carol', recording: 'both' });
  const first = await handleDesktopEvent(desktopDeps(), signed({ eventId: 'evt-7', agent: 'carol', trigger: 'cvv.focus' }));
  expect(body(first)).toMatchObject({ outcome: 'paused' });

  const deps = desktopDeps();
  // Another container: the conflict is known from Sync; the recording stays as the ledger says.
  const reused = await handleDesktopEvent(deps, signed({ eventId: 'evt-7', agent: 'carol', trigger: 'cvv.blur' }));
  expect(reused.status).toBe(409);
  expect(body(reused).error.code).toBe('event_id_conflict');
  for (const sid of call.recordingSids) expect(await statusOf(standin, sid)).toBe('paused');

  // The same container, now from memory too; and a true repeat is still a repeat.
  await handleDesktopEvent(deps, signed({ eventId: 'evt-8', agent: 'carol', trigger: 'card-number.focus' }));
  const again = await handleDesktopEvent(deps, signed({ eventId: 'evt-8', agent: 'carol', trigger: 'card-number.blur' }));
  expect(again.status).toBe(409);
  const repeat = await handleDesktopEvent(deps, signed({ eventId: 'evt-7', agent: 'carol', trigger: 'cvv.focus' }));
  expect(body(repeat)).toMatchObject({ duplicate: true, outcome: 'paused', callSid: call.callSid });
  for (const sid of call.recordingSids) expect(await statusOf(standin, sid)).toBe('paused');
});
