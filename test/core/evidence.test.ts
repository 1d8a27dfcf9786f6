import {
  addExposure,
  emptyFigures,
  emptySketch,
  emptyTaskEvidence,
  exposureMs,
  mergeSketches,
  quantileMs,
  SKETCH_RELATIVE_ERROR,
  tallyChange,
  tallyFailedPause,
} from '../../src/core/evidence';
import { closeHolds, emptyLedger, openHold } from '../../src/core/holds';
import {
  AgentDay,
  buildReport,
  dayCountOf,
  daysOf,
  foldQueues,
  isFinishedDay,
  MAX_REPORT_DAYS,
  OTHER_QUEUES,
  reportCsv,
  reportRangeProblem,
  summarizeDay,
} from '../../src/core/report';
import { parse } from 'csv-parse/sync';

/** A small seeded generator (mulberry32), so the samples are the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const nearestRank = (sorted: number[], q: number) => sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];

test('p50 and p99 read from the sketch are within 2 % of the true sample; count and max are exact', () => {
  for (const seed of [1, 2, 3]) {
    const next = random(seed);
    // Pauses land in 80 ms – 3 s, with a slow tail.
    const samples = Array.from({ length: 5000 }, () => Math.round(80 + next() ** 3 * 3000));
    const sketch = samples.reduce(addExposure, emptySketch());
    const sorted = [...samples].sort((a, b) => a - b);
    expect(sketch.count).toBe(5000);
    expect(sketch.maxMs).toBe(sorted[sorted.length - 1]);
    for (const q of [0.5, 0.9, 0.99]) {
      const truth = nearestRank(sorted, q);
      expect(Math.abs(quantileMs(sketch, q)! - truth) / truth).toBeLessThanOrEqual(SKETCH_RELATIVE_ERROR + 0.005);
    }
  }
});

test('two sketches merged read as one sketch of all their samples', () => {
  const a = [120, 300, 450].reduce(addExposure, emptySketch());
  const b = [90, 2000].reduce(addExposure, emptySketch());
  expect(mergeSketches(a, b)).toEqual([120, 300, 450, 90, 2000].reduce(addExposure, emptySketch()));
  expect(quantileMs(emptySketch(), 0.5)).toBeNull();
});

test('exposure runs from the relay’s occurredAt when it is believable, else from the signal’s arrival', () => {
  const received = Date.parse('2026-12-01T10:00:00.000Z');
  expect(exposureMs(received, received + 200, '2026-12-01T09:59:59.700Z')).toBe(500);
  // A PC clock ahead of the server's, or one so far behind the signature would be stale: the arrival counts.
  expect(exposureMs(received, received + 200, '2026-12-01T10:00:05.000Z')).toBe(200);
  expect(exposureMs(received, received + 200, '2026-12-01T09:50:00.000Z')).toBe(200);
  expect(exposureMs(received, received + 200)).toBe(200);
});

test('a task’s holds are tallied by who opened them, how they closed, and failures by what recovered them', () => {
  const at = new Date('2026-12-01T10:00:00Z');
  const later = new Date('2026-12-01T10:01:10Z');
  let evidence = emptyTaskEvidence('WT1', 'alice');
  const cvv = openHold(emptyLedger(), { id: 'cvv', source: 'desktop', durationSeconds: 60 }, at);
  evidence = tallyFailedPause(evidence, ['cvv']);
  evidence = tallyChange(evidence, emptyLedger(), cvv, at, { stops: [] });
  expect(evidence).toMatchObject({ desktopPauses: 1, pauses: 1, failedPauses: 1, failedPausesRecovered: 1, unrecovered: [] });
  // The blur comes after the 60 s ran out: the field was still in use.
  evidence = tallyChange(
    evidence,
    cvv,
    closeHolds(cvv, () => true, later),
    later,
    { stops: ['cvv'] },
  );
  expect(evidence).toMatchObject({ expiredWhileInUse: 1, expired: [] });
  const supervisor = openHold(emptyLedger(), { id: 'supervisor:sam', source: 'manual', by: 'sam' }, at);
  const both = openHold(supervisor, { id: 'api:1', source: 'api' }, at);
  evidence = tallyChange(evidence, emptyLedger(), both, at);
  evidence = tallyChange(
    evidence,
    both,
    closeHolds(both, () => true, at),
    at,
    { forced: true },
  );
  expect(evidence).toMatchObject({ supervisorPauses: 1, apiPauses: 1, manualPauses: 0, forcedResumes: 1, pauses: 2 });
});

test('a range is answered for every UTC day it touches, at most as the caller asked', () => {
  expect(daysOf(new Date('2026-12-01T10:00:00Z'), new Date('2026-12-03T00:00:00Z'))).toEqual(['2026-12-01', '2026-12-02']);
  expect(daysOf(new Date('2026-12-01T23:00:00+02:00'), new Date('2026-12-01T23:30:00+02:00'))).toEqual(['2026-12-01']);
});

test("a range's days are counted without listing them, so any range is checked at once", () => {
  const range = (from: string, to: string) => [new Date(from), new Date(to)] as const;
  for (const [from, to] of [range('2026-12-01T10:00:00Z', '2026-12-03T00:00:00Z'), range('2026-12-31T23:00:00-05:00', '2027-01-31T00:00:00Z')])
    expect(dayCountOf(from, to)).toBe(daysOf(from, to).length);
  const [from, to] = range('0001-01-01T00:00:00Z', '9999-12-31T00:00:00Z');
  expect(dayCountOf(from, to)).toBe(3_652_058);
  expect(reportRangeProblem(from, to)).toBe(`the range touches 3652058 UTC days: ask for ${MAX_REPORT_DAYS} at most`);
  expect(reportRangeProblem(to, from)).toBe('to: must be after from');
  expect(() => daysOf(from, to)).toThrow(RangeError);
  expect(reportRangeProblem(...range('2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z'))).toBeUndefined();
});

test('the CSV quotes what needs quoting and never hands a spreadsheet a formula', () => {
  const figures = { ...emptyFigures(), calls: 1 };
  const agentDays = ['=HYPERLINK("x")', 'doe, jane'].map((agent) => ({ agent, day: '2026-12-01', tasks: [], queues: { Sales: figures } }));
  const report = buildReport({ from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-02T00:00:00Z') }, 'agent', agentDays);
  const rows = parse(reportCsv(report), { columns: true }) as Array<Record<string, string>>;
  expect(rows.map((row) => row.key)).toEqual(['\'=HYPERLINK("x")', 'doe, jane']);
  expect(rows[0].exposureMs_p50).toBe('');
});

test('a day is finished once it is two UTC days old', () => {
  const now = new Date('2026-12-03T00:00:01Z');
  expect(['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03'].map((day) => isFinishedDay(day, now))).toEqual([true, true, false, false]);
  expect(isFinishedDay('2026-12-01', new Date('2026-12-02T23:59:59Z'))).toBe(false);
});

test("a day's summary answers by day and by queue as its agents' days do, and folds its smallest queues to fit", () => {
  const range = { from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-02T00:00:00Z') };
  const figures = (calls: number, exposures: number[]) => ({ ...emptyFigures(), calls, pauses: calls, exposure: exposures.reduce(addExposure, emptySketch()) });
  const agentDays: AgentDay[] = [
    { agent: 'alice', day: '2026-12-01', tasks: [], queues: { Sales: figures(3, [120, 480, 2300]), Payments: figures(1, [90]) } },
    { agent: 'bob', day: '2026-12-01', tasks: [], queues: { Payments: figures(1, [700, 75_000]), [OTHER_QUEUES]: figures(1, []) } },
  ];
  const summary = summarizeDay('2026-12-01', agentDays);
  for (const groupBy of ['day', 'queue'] as const) expect(buildReport(range, groupBy, [summary])).toEqual(buildReport(range, groupBy, agentDays));
  expect(() => buildReport(range, 'agent', [summary])).toThrow(/no agents/);

  // Folding keeps the day's total: the queues with fewest calls go first, into the one already there.
  const folded = foldQueues(summary.queues, (queues) => Object.keys(queues).length <= 2);
  expect(folded).toMatchObject({ folded: 1, queues: { Sales: { calls: 3 }, [OTHER_QUEUES]: { calls: 3 } } });
  expect(buildReport(range, 'day', [{ ...summary, queues: folded.queues }])).toEqual(buildReport(range, 'day', agentDays));
});
