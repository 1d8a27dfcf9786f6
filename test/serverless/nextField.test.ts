/**
 * From one card field to the next: a desktop tool reports leaving the card number field before it
 * reports entering CVV. With the production default (docs/desktop-events.md, "From one field to the
 * next"), the stop waits a second for the next start, so nothing of the call is recorded between
 * the two holds; a stop no start follows resumes when that second is over. Twilio (the stand-in)
 * and every party share one simulated clock, so the recordings' histories can be read to the millisecond.
 */
import { NEXT_FIELD_WINDOW_MS } from '../../src/core/desktopEvents';
import { handleDesktopEvent } from '../../src/serverless/lib/signals/desktopEvent';
import { handleRecordingControl } from '../../src/serverless/lib/api/recordingControls';
import { sweep } from '../../src/serverless/lib/ledger/sweep';
import { apiDeps, desktopDeps, liveIndex, signed, useStandin } from '../support/harness';

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
  expect(body(await send('cvv.focus'))).toMatchObject({ recording: 'paused', holds: expect.arrayContaining([expect.objectContaining({ id: 'cvv' })]) });
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
