/**
 * From one card field to the next: a desktop tool reports leaving the card number field before it
 * reports entering CVV. With the production default (docs/desktop-events.md, "From one field to the
 * next"), the stop waits a second for the next start, so nothing of the call is recorded between
 * the two holds; a stop no start follows resumes when that second is over. Twilio (the stand-in)
 * and every party share one simulated clock, so the recordings' histories can be read to the millisecond.
 */
import { NEXT_FIELD_WINDOW_MS } from '../../src/core/desktopEvents';
import { handleDesktopEvent } from '../../src/serverless/lib/endpoints/desktopEvent';
import { handleRecordingControl } from '../../src/serverless/lib/endpoints/recordingControls';
import { sweep } from '../../src/serverless/lib/control/sweep';
import { apiDeps, desktopDeps, ledgerAtStandin, liveIndex, signed, useStandin } from '../support/harness';

let clock = Date.parse('2030-03-04T10:00:00Z');
const now = () => new Date(clock);
const standin = useStandin({ now });
const productDefault = { NEXT_FIELD_WINDOW_MS: String(NEXT_FIELD_WINDOW_MS) };

type Json = Record<string, any>;
const body = (result: { body: unknown }) => result.body as Json;

/** Every moment a recording ran, as Twilio recorded its changes: [from, to) in ms on the shared clock. */
function recordedStretches(history: Array<{ status: string; at: string }>, until: number): Array<[number, number]> {
  const stretches: Array<[number, number]> = [];
  history.forEach((entry, index) => {
    if (entry.status !== 'in-progress') return;
    const next = history[index + 1];
    stretches.push([Date.parse(entry.at), next ? Date.parse(next.at) : until]);
  });
  return stretches;
}

test('card number, then CVV 300 ms after leaving it: no recording between the two holds, and Twilio hears nothing from the stop', async () => {
  const call = standin.createLiveCall({ agent: 'nia', recording: 'both' });
  const deps = desktopDeps({ now }, productDefault);
  const send = (trigger: string) => handleDesktopEvent(deps, signed({ agent: 'nia', trigger }, { timestamp: clock / 1000 }));

  expect(body(await send('card-number.focus'))).toMatchObject({ outcome: 'paused', recording: 'paused' });
  const pausedAt = clock;
  clock += 6_000;
  const beforeStop = standin.requests().length;
  const left = await send('card-number.blur');
  // Still paused, for a second at most: the answer says when it resumes by itself.
  expect(body(left)).toMatchObject({
    outcome: 'unchanged',
    recording: 'paused',
    holds: [expect.objectContaining({ id: 'card-number', resumeAt: new Date(clock + NEXT_FIELD_WINDOW_MS).toISOString() })],
  });
  expect(
    standin
      .requests()
      .slice(beforeStop)
      .filter((request) => request.operation?.startsWith('recording.')),
  ).toEqual([]);

  clock += 300;
  // The relay saw the agent enter CVV 200 ms before the signal arrived: the recordings were paused all along.
  const beforeCvv = standin.requests().length;
  const enteredCvv = await handleDesktopEvent(
    deps,
    signed({ agent: 'nia', trigger: 'cvv.focus', occurredAt: new Date(clock - 200).toISOString() }, { timestamp: clock / 1000 }),
  );
  expect(body(enteredCvv)).toMatchObject({ recording: 'paused', holds: expect.arrayContaining([expect.objectContaining({ id: 'cvv' })]) });
  // Twilio confirmed them paused, and the hold is still open: the start is the hold's write alone.
  expect(
    standin
      .requests()
      .slice(beforeCvv)
      .filter((request) => !request.operation?.startsWith('sync')),
  ).toEqual([]);
  // Nothing of the CVV was recorded: its exposure is 0, as the card number's was (Twilio answered at once on this clock).
  const evidence = (await ledgerAtStandin(standin, call.callSid))!.record.evidence!.find((task) => task.taskSid === call.taskSid)!;
  expect(evidence.exposure).toMatchObject({ count: 2, maxMs: 0 });
  clock += 3_000;
  expect(body(await send('cvv.blur'))).toMatchObject({ outcome: 'unchanged', recording: 'paused' });
  const leftCvvAt = clock;

  // Nobody starts anything: when the second is over, the sweep (or the plugin's look at the expiry) resumes.
  clock += NEXT_FIELD_WINDOW_MS;
  await sweep(liveIndex(), deps.control, now);
  for (const sid of call.recordingSids) {
    const recording = standin.recording(sid)!;
    expect(recording.status).toBe('in-progress');
    const recorded = recordedStretches(recording.history, clock);
    // Recorded before the card number and after CVV's second; nothing from the first pause to the resume.
    expect(recorded.filter(([from, to]) => to > pausedAt && from < leftCvvAt + NEXT_FIELD_WINDOW_MS)).toEqual([]);
    expect(recorded.at(-1)?.[0]).toBe(leftCvvAt + NEXT_FIELD_WINDOW_MS);
  }
});

test('a stop no start follows resumes when its second is over, at the plugin’s look at the expiry', async () => {
  const call = standin.createLiveCall({ agent: 'omar', recording: 'both' });
  const deps = desktopDeps({ now }, productDefault);
  const send = (trigger: string) => handleDesktopEvent(deps, signed({ agent: 'omar', trigger }, { timestamp: clock / 1000 }));
  await send('cvv.focus');
  clock += 4_000;
  const left = body(await send('cvv.blur'));
  const resumeAt = Date.parse(left.holds[0].resumeAt);
  expect(resumeAt - clock).toBe(NEXT_FIELD_WINDOW_MS);

  clock = resumeAt;
  const status = await handleRecordingControl('status', apiDeps(productDefault, now), { headers: {}, body: { callSid: call.callSid, Token: call.token } });
  expect(body(status)).toMatchObject({ recording: 'in-progress', holds: [] });
  for (const sid of call.recordingSids) expect(standin.recording(sid)!.history.at(-1)).toEqual({ status: 'in-progress', at: new Date(resumeAt).toISOString() });
});

test('a stop while another hold stays open closes its own at once', async () => {
  standin.createLiveCall({ agent: 'pia', recording: 'call' });
  const deps = desktopDeps({ now }, productDefault);
  const send = (trigger: string) => handleDesktopEvent(deps, signed({ agent: 'pia', trigger }, { timestamp: clock / 1000 }));
  await send('card-number.focus');
  clock += 500;
  await send('cvv.focus');
  clock += 500;
  expect(body(await send('card-number.blur')).holds.map((hold: Json) => hold.id)).toEqual(['cvv']);
});

test('a start in the next field’s second after a supervisor forced a resume in another container: the start pauses before it answers', async () => {
  const call = standin.createLiveCall({ agent: 'ula', recording: 'both' });
  const supervisor = standin.createLiveCall({ agent: 'sue', recording: 'none', role: 'supervisor' });
  const deps = desktopDeps({ now }, productDefault);
  const send = (trigger: string, occurredAt?: string) =>
    handleDesktopEvent(deps, signed({ agent: 'ula', trigger, ...(occurredAt && { occurredAt }) }, { timestamp: clock / 1000 }));
  await send('card-number.focus');
  clock += 5_000;
  await send('card-number.blur');
  clock += 100;
  const forced = await handleRecordingControl('resume', apiDeps(productDefault, now), {
    headers: {},
    body: { callSid: call.callSid, Token: supervisor.token, force: true },
  });
  expect(body(forced)).toMatchObject({ recording: 'in-progress', holds: [] });

  // This container's ledger still says "paused": its write meets the supervisor's, and the recordings are paused before the answer.
  clock += 200;
  const before = standin.requests().length;
  expect(body(await send('cvv.focus', new Date(clock - 50).toISOString()))).toMatchObject({ outcome: 'paused', recording: 'paused' });
  for (const sid of call.recordingSids) expect(standin.recording(sid)!.history.at(-1)).toEqual({ status: 'paused', at: new Date(clock).toISOString() });
  expect(
    standin
      .requests()
      .slice(before)
      .filter((request) => request.operation === 'recording.update'),
  ).toHaveLength(call.recordingSids.length);
  // Recorded from the agent's action to Twilio's confirmation: 50 ms.
  const evidence = (await ledgerAtStandin(standin, call.callSid))!.record.evidence!.find((task) => task.taskSid === call.taskSid)!;
  expect(evidence.exposure).toMatchObject({ count: 2, maxMs: 50 });
});
