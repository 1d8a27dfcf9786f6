/**
 * "Paused ⇔ at least one open hold", checked at Twilio (the stand-in) after partial failures,
 * replays, concurrent stops, long calls, several recordings and transfers (docs/architecture.md says
 * how each is kept true).
 */
import { closeHold, openHold } from '../../src/core/holds';
import { handleDesktopEvent } from '../../src/serverless/lib/endpoints/desktopEvent';
import { KEPT_INTERVALS } from '../../src/serverless/lib/stores/ledgerStore';
import { readSettings } from '../../src/serverless/lib/base/settings';
import { sweep } from '../../src/serverless/lib/control/sweep';
import { twilioClient } from '../../src/serverless/lib/twilio/twilioClient';
import { desktopDeps, ledgerStore, liveIndex, signed, statusOf, testEnv, useStandin } from '../support/harness';
import { liveCallsShardNames } from '../../src/core/syncNames';
import { GRACE_MS } from '../../src/serverless/lib/stores/sweepWatch';

/** A long call's test runs on a simulated clock, which Twilio (the stand-in, its Sync limits) shares. */
let simulatedClock: (() => number) | undefined;
const standin = useStandin({ now: () => new Date(simulatedClock?.() ?? Date.now()) });
afterEach(() => (simulatedClock = undefined));
jest.setTimeout(120_000);

type Json = Record<string, any>;
const body = (result: { body: unknown }) => result.body as Json;

/** The rule, as Twilio and the ledger say it now. */
async function ruleHolds(callSid: string, recordingSids: string[]): Promise<boolean> {
  const stored = await ledgerStore().load(callSid);
  const held = (stored?.record.holds.length ?? 0) > 0;
  const statuses = await Promise.all(recordingSids.map((sid) => statusOf(standin, sid)));
  const active = statuses.filter((status) => status === 'paused' || status === 'in-progress');
  return active.every((status) => status === (held ? 'paused' : 'in-progress'));
}

describe('a pause that fails for one recording of two', () => {
  test.each([
    ['15 × 429', { status: 429, code: 20429, times: 15 }],
    ['one 500', { status: 500, code: 20500, times: 1 }],
    ['one refusal Twilio does not ask to retry', { status: 400, code: 20001, times: 1 }],
  ])('%s: the answer is 502 and no recording stays paused without a hold', async (_name, fault) => {
    const call = standin.createLiveCall({ agent: 'alice', recording: 'both' });
    standin.injectFault({ operation: 'recording.update', ...fault });
    const result = await handleDesktopEvent(desktopDeps(), signed({ agent: 'alice', trigger: 'card-number.focus' }));
    if (result.status === 200) {
      // The retries outlasted the fault: then both are paused under a hold.
      expect(body(result)).toMatchObject({ outcome: 'paused', recording: 'paused' });
    } else {
      expect(result.status).toBe(502);
    }
    expect(await ruleHolds(call.callSid, call.recordingSids)).toBe(true);
  });

  test('when even the undo fails, the ledger is flagged and the next sweep puts the recording back', async () => {
    const call = standin.createLiveCall({ agent: 'bob', recording: 'both' });
    // One recording's pause is refused (not a fault Twilio asks to retry), and so is the undo.
    standin.injectFault({ operation: 'recording.update', status: 400, code: 20001, times: 1 });
    const deps = desktopDeps();
    const paused = handleDesktopEvent(deps, signed({ agent: 'bob', trigger: 'card-number.focus' }));
    standin.injectFault({ operation: 'recording.update', status: 400, code: 20001, times: 3 });
    expect((await paused).status).toBe(502);
    const stored = await ledgerStore().load(call.callSid);
    expect(stored?.record.holds ?? []).toEqual([]);
    if (!(await ruleHolds(call.callSid, call.recordingSids))) expect(stored?.record.outOfSync).toBe(true);
    const report = await sweep(liveIndex(), deps.control, deps.now);
    expect(report.failed).toBe(0);
    expect(await ruleHolds(call.callSid, call.recordingSids)).toBe(true);
  });
});

describe('a long call', () => {
  test('past the old 16 KiB limit (~111 pauses): 150 card entries through signals all answer', async () => {
    const call = standin.createLiveCall({ agent: 'carol', recording: 'call' });
    let clock = Date.now();
    simulatedClock = () => clock;
    const deps = desktopDeps({ now: () => new Date(clock) });
    for (let cycle = 0; cycle < 150; cycle += 1) {
      for (const trigger of ['cvv.focus', 'cvv.blur']) {
        clock += 11_000;
        const result = await handleDesktopEvent(deps, signed({ agent: 'carol', trigger }, { timestamp: clock / 1000 }));
        if (result.status !== 200) throw new Error(`cycle ${cycle} ${trigger}: ${result.status}`);
      }
    }
    expect(await statusOf(standin, call.recordingSids[0])).toBe('in-progress');
    const stored = await ledgerStore().load(call.callSid);
    expect(await ledgerStore().allIntervals(stored!.record)).toHaveLength(150);
  });

  test('1,000 pause/resume cycles: the document stays small and the timeline keeps every interval', async () => {
    const call = standin.createLiveCall({ agent: 'carl', recording: 'call' });
    let clock = Date.now();
    simulatedClock = () => clock;
    const { control } = desktopDeps({ now: () => new Date(clock) });
    const live = { callSid: call.callSid, agent: 'carl' };
    for (let cycle = 0; cycle < 1000; cycle += 1) {
      clock += 11_000;
      await control.change(live, { pauseFirst: true, change: (record, now) => ({ ...record, ...openHold(record, { id: 'cvv', source: 'desktop' }, now) }) });
      clock += 11_000;
      await control.change(live, { change: (record, now) => ({ ...record, ...closeHold(record, 'cvv', now) }) });
    }
    const stored = await ledgerStore().load(call.callSid);
    expect(stored?.record.intervals.length).toBeLessThanOrEqual(KEPT_INTERVALS);
    expect(Buffer.byteLength(JSON.stringify(stored?.record))).toBeLessThan(8 * 1024);
    const intervals = await ledgerStore().allIntervals(stored!.record);
    expect(intervals).toHaveLength(1000);
    expect(intervals.every((interval, i) => i === 0 || Date.parse(interval.from) > Date.parse(intervals[i - 1].from))).toBe(true);
    expect(await statusOf(standin, call.recordingSids[0])).toBe('in-progress');
  });
});

describe('replays inside the signature window', () => {
  test('a signed focus sent again after 40 other signals, to a fresh container, changes nothing', async () => {
    const call = standin.createLiveCall({ agent: 'dave', recording: 'call' });
    // The agent's pace, on a simulated clock: 5 s between signals, the replay still within the signature's 300 s.
    let clock = Date.now();
    simulatedClock = () => clock;
    const container = () => desktopDeps({ now: () => new Date(clock) });
    const sent = (trigger: string) => {
      clock += 5_000;
      return signed({ agent: 'dave', trigger }, { timestamp: clock / 1000 });
    };
    const captured = sent('card-number.focus');
    const first = await handleDesktopEvent(container(), captured);
    expect(body(first)).toMatchObject({ outcome: 'paused' });
    const deps = container();
    for (let i = 0; i < 20; i += 1) {
      await handleDesktopEvent(deps, sent('card-number.blur'));
      await handleDesktopEvent(deps, sent('card-number.focus'));
    }
    await handleDesktopEvent(deps, sent('card-number.blur'));
    expect(await statusOf(standin, call.recordingSids[0])).toBe('in-progress');

    clock += 5_000;
    const replay = await handleDesktopEvent(container(), captured);
    expect(replay.status).toBe(200);
    // This old, the ledger keeps the answer's outcome (not all of it) beside the state now.
    expect(body(replay)).toEqual({
      eventId: body(first).eventId,
      callSid: call.callSid,
      duplicate: true,
      outcome: 'paused',
      recording: 'in-progress',
      holds: [],
    });
    expect(await statusOf(standin, call.recordingSids[0])).toBe('in-progress');
    expect((await ledgerStore().load(call.callSid))?.record.holds).toEqual([]);
  });

  test('a signal whose pause failed may be sent again and is applied then', async () => {
    const call = standin.createLiveCall({ agent: 'erin', recording: 'call' });
    const signal = signed({ agent: 'erin', trigger: 'card-number.focus' });
    standin.injectFault({ operation: 'recording.update', status: 400, code: 20001, times: 1 });
    expect((await handleDesktopEvent(desktopDeps(), signal)).status).toBe(502);
    const retried = await handleDesktopEvent(desktopDeps(), signal);
    expect(body(retried)).toMatchObject({ duplicate: false, outcome: 'paused', recording: 'paused' });
    expect(await statusOf(standin, call.recordingSids[0])).toBe('paused');
  });
});

describe('concurrent stop signals', () => {
  test('five concurrent stops on a call with two holds: exactly one answer says resumed', async () => {
    for (let round = 0; round < 5; round += 1) {
      standin.reset();
      const call = standin.createLiveCall({ agent: 'frank', recording: 'call' });
      await handleDesktopEvent(desktopDeps(), signed({ agent: 'frank', trigger: 'card-number.focus' }));
      await handleDesktopEvent(desktopDeps(), signed({ agent: 'frank', trigger: 'cvv.focus' }));
      const stops = ['card-number.blur', 'cvv.blur', 'card-number.blur', 'cvv.blur', 'cvv.blur'];
      const answers = await Promise.all(stops.map((trigger) => handleDesktopEvent(desktopDeps(), signed({ agent: 'frank', trigger }))));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
      expect(answers.filter((answer) => body(answer).outcome === 'resumed')).toHaveLength(1);
      expect(await statusOf(standin, call.recordingSids[0])).toBe('in-progress');
    }
  });
});

describe('several active recordings on one call', () => {
  test('Twilio.CURRENT is ambiguous (16108): each recording is paused and resumed by its sid', async () => {
    const call = standin.createLiveCall({ agent: 'gina', recording: 'call' });
    const client = twilioClient(readSettings(testEnv));
    const second = await client.calls(call.callSid).recordings.create({ recordingChannels: 'dual' });
    const deps = desktopDeps();
    const paused = await handleDesktopEvent(deps, signed({ agent: 'gina', trigger: 'card-number.focus' }));
    expect(body(paused)).toMatchObject({ outcome: 'paused', recording: 'paused' });
    expect(await statusOf(standin, call.recordingSids[0])).toBe('paused');
    expect(await statusOf(standin, second.sid)).toBe('paused');
    const resumed = await handleDesktopEvent(deps, signed({ agent: 'gina', trigger: 'card-number.blur' }));
    expect(body(resumed)).toMatchObject({ outcome: 'resumed', recording: 'in-progress' });
    expect(await statusOf(standin, second.sid)).toBe('in-progress');
  });
});

describe('the live index', () => {
  test('every change is copied to the live-calls index; with no hold open for a while the sweep costs one read (and a look for repair marks every few seconds)', async () => {
    const call = standin.createLiveCall({ agent: 'hank', recording: 'both' });
    const deps = desktopDeps();
    await handleDesktopEvent(deps, signed({ agent: 'hank', trigger: 'card-number.focus' }));
    const item = await liveIndex().callItem(call.callSid);
    expect(item?.data).toMatchObject({ callSid: call.callSid, agents: ['hank'], recording: 'paused', holds: [expect.objectContaining({ id: 'card-number' })] });
    expect(item?.data.resumeAt).toEqual(expect.any(String));
    await handleDesktopEvent(deps, signed({ agent: 'hank', trigger: 'card-number.blur' }));
    expect((await liveIndex().callItem(call.callSid))?.data).toMatchObject({ recording: 'in-progress', holds: [], resumeAt: null });

    const operationsOf = async (at: () => Date) => {
      const before = standin.requests().length;
      const report = await sweep(liveIndex(), deps.control, at);
      expect(report).toMatchObject({ due: 0, failed: 0, marked: 0 });
      return standin
        .requests()
        .slice(before)
        .map((request) => request.operation)
        .sort();
    };
    const shardReads = liveCallsShardNames().map(() => 'syncMapItem.list');
    // The hold just closed: the index is read, and found with nothing to do, which the watch is told.
    expect(await operationsOf(deps.now)).toEqual(['sync.document.fetch', 'sync.document.update', ...shardReads, 'taskrouter.task.list'].sort());
    // A copy trusting the watch may still be on its way: the shards are read for a while after.
    expect(await operationsOf(deps.now)).toEqual(['sync.document.fetch', ...shardReads].sort());
    // Then one read a round, and TaskRouter for calls marked for repair at most every few seconds.
    const later = () => new Date(deps.now().getTime() + GRACE_MS + 1_000);
    expect(await operationsOf(later)).toEqual(['sync.document.fetch', 'taskrouter.task.list']);
    expect(await operationsOf(later)).toEqual(['sync.document.fetch']);

    // A hold opened after that is swept again.
    const reopened = await handleDesktopEvent(desktopDeps(), signed({ agent: 'hank', trigger: 'card-number.focus' }));
    expect(body(reopened)).toMatchObject({ outcome: 'paused' });
    const report = await sweep(liveIndex(), deps.control, later);
    expect(report).toMatchObject({ due: 1, failed: 0 });
  });
});
