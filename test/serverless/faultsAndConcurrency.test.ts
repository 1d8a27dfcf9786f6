import { isPaused } from '../../src/core/holds';
import { handleDesktopEvent } from '../../src/serverless/lib/endpoints/desktopEvent';
import { sweep } from '../../src/serverless/lib/control/sweep';
import { desktopDeps, ledgerStore, liveIndex, signed, statusOf, useStandin } from '../support/harness';

const standin = useStandin();
jest.setTimeout(30_000);

const historyOf = async (sid: string) => (await standin.recording(sid))!.history.map((entry) => entry.status);

describe('faults at Twilio', () => {
  test.each([
    ['429 / 20429 rate limit', { status: 429, code: 20429 }],
    ['503', { status: 503, code: 20503 }],
    ['16114 recording busy with a transfer', { status: 400, code: 16114 }],
    ['a connection reset', { status: 0, code: 0 }],
  ])('%s twice, then success: paused once', async (_name, fault) => {
    const call = await standin.createLiveCall({ agent: 'alice', recording: 'call' });
    standin.injectFault({ operation: 'recording.update', ...fault, times: 2 });
    const result = await handleDesktopEvent(desktopDeps(), signed({ agent: 'alice', trigger: 'card-number.focus' }));
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ outcome: 'paused', recording: 'paused' });
    expect(await historyOf(call.recordingSids[0])).toEqual(['in-progress', 'paused']);
  });

  test('persistent failure: 502 recording_update_failed, the recording is not paused and the ledger says so', async () => {
    const call = await standin.createLiveCall({ agent: 'bob', recording: 'call' });
    standin.injectFault({ operation: 'recording.update', status: 503, code: 20503, times: 1000 });
    const result = await handleDesktopEvent(desktopDeps(), signed({ agent: 'bob', trigger: 'card-number.focus' }));
    expect(result.status).toBe(502);
    expect(result.body).toEqual({ error: { code: 'recording_update_failed', message: expect.stringMatching(/NOT paused/) } });
    expect(await statusOf(standin, call.recordingSids[0])).toBe('in-progress');
    const stored = await ledgerStore().load(call.callSid);
    expect(stored === null || !isPaused(stored.record)).toBe(true);
  });

  test('a failed resume is reported, leaves the recording paused (the safe side) and is retried by the sweep', async () => {
    const call = await standin.createLiveCall({ agent: 'carol', recording: 'conference' });
    const deps = desktopDeps();
    await handleDesktopEvent(deps, signed({ agent: 'carol', trigger: 'cvv.focus' }));
    standin.injectFault({ operation: 'recording.update', status: 503, code: 20503, times: 1000 });
    const failed = await handleDesktopEvent(deps, signed({ agent: 'carol', trigger: 'cvv.blur' }));
    expect(failed.status).toBe(502);
    expect(await statusOf(standin, call.recordingSids[0])).toBe('paused');
    expect((await ledgerStore().load(call.callSid))?.record.outOfSync).toBe(true);

    standin.reset();
    const again = await standin.createLiveCall({ agent: 'carol', recording: 'conference' });
    await handleDesktopEvent(desktopDeps(), signed({ agent: 'carol', trigger: 'cvv.focus' }));
    expect(await statusOf(standin, again.recordingSids[0])).toBe('paused');
  });
});

describe('expiry', () => {
  test('an expired hold closes at the next signal for the call, and the sweep closes the rest', async () => {
    const call = await standin.createLiveCall({ agent: 'dave', recording: 'both' });
    const start = Date.now();
    await handleDesktopEvent(desktopDeps(), signed({ agent: 'dave', trigger: 'card-number.focus' }));
    for (const sid of call.recordingSids) expect(await statusOf(standin, sid)).toBe('paused');

    // 61 s later nothing has been received: the sweep (a scheduler's job) resumes the call.
    const later = desktopDeps({ now: () => new Date(start + 61_000) });
    const report = await sweep(liveIndex(), later.control, later.now);
    expect(report).toMatchObject({ changed: 1, failed: 0 });
    for (const sid of call.recordingSids) expect(await statusOf(standin, sid)).toBe('in-progress');
    const stored = await ledgerStore().load(call.callSid);
    expect(stored?.record.holds).toEqual([]);
    expect(stored?.record.intervals[0].to).toBe(new Date(start + 61_000).toISOString());
  });

  test('a late stop trigger after expiry is harmless', async () => {
    const call = await standin.createLiveCall({ agent: 'erin', recording: 'call' });
    const start = Date.now();
    await handleDesktopEvent(desktopDeps(), signed({ agent: 'erin', trigger: 'cvv.focus' }));
    const later = desktopDeps({ now: () => new Date(start + 90_000) });
    const result = await handleDesktopEvent(later, signed({ agent: 'erin', trigger: 'cvv.blur' }, { timestamp: Math.floor((start + 90_000) / 1000) }));
    expect(result.body).toMatchObject({ outcome: 'resumed', recording: 'in-progress', holds: [] });
    expect(await statusOf(standin, call.recordingSids[0])).toBe('in-progress');
  });
});

describe('concurrency', () => {
  test('many signals for one call at once: no hold lost, and the recordings match the ledger', async () => {
    const call = await standin.createLiveCall({ agent: 'frank', recording: 'both' });
    // Several containers, each with its own memory, as Twilio would run them.
    const containers = Array.from({ length: 4 }, () => desktopDeps());
    const triggers = ['card-number.focus', 'cvv.focus', 'card-number.focus', 'cvv.focus', 'card-number.focus', 'cvv.focus'];
    const results = await Promise.all(
      triggers.map((trigger, index) => handleDesktopEvent(containers[index % containers.length], signed({ agent: 'frank', trigger }))),
    );
    expect(results.map((result) => result.status)).toEqual(triggers.map(() => 200));
    const stored = await ledgerStore().load(call.callSid);
    expect(stored?.record.holds.map((hold) => hold.id).sort()).toEqual(['card-number', 'cvv']);
    for (const sid of call.recordingSids) expect(await statusOf(standin, sid)).toBe('paused');
  });

  test('starts and stops racing: whatever order wins, paused ⇔ an open hold', async () => {
    for (let round = 0; round < 5; round += 1) {
      standin.reset();
      const call = await standin.createLiveCall({ agent: 'gina', recording: 'both' });
      const containers = Array.from({ length: 3 }, () => desktopDeps());
      await handleDesktopEvent(containers[0], signed({ agent: 'gina', trigger: 'card-number.focus' }));
      const triggers = ['card-number.blur', 'cvv.focus', 'cvv.blur', 'card-number.focus', 'card-number.blur'].sort(() => Math.random() - 0.5);
      const results = await Promise.all(
        triggers.map((trigger, index) => handleDesktopEvent(containers[index % containers.length], signed({ agent: 'gina', trigger }))),
      );
      expect(results.every((result) => result.status === 200)).toBe(true);
      const stored = await ledgerStore().load(call.callSid);
      const expected = stored && isPaused(stored.record) ? 'paused' : 'in-progress';
      for (const sid of call.recordingSids) expect(await statusOf(standin, sid)).toBe(expected);
      const open = stored?.record.intervals.filter((interval) => interval.to === null) ?? [];
      expect(open.length).toBe(expected === 'paused' ? 1 : 0);
    }
  });
});
