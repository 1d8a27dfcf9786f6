/**
 * The compliance report from a scripted day of calls (docs/compliance.md): card entries that
 * paused, a pause Twilio refused and the agent's retry, one never recovered, a hold that ran out
 * while the agent was still in the field, manual, supervisor and API pauses, a forced resume, a
 * recording started during a hold — each call ended through TaskRouter's events, then the report
 * asked by day, agent and queue, as JSON and CSV; and the same day once finished, answered from its
 * summary.
 */
import { parse } from 'csv-parse/sync';
import { handleDesktopEvent } from '../../src/serverless/lib/endpoints/desktopEvent';
import type { Verb } from '../../src/core/wire';
import { handleRecordingControl } from '../../src/serverless/lib/endpoints/recordingControls';
import { emptyFigures } from '../../src/core/evidence';
import { CSV_COLUMNS, dayOf, FINISHED_DAY_AGE_DAYS } from '../../src/core/report';
import { buildServices } from '../../src/serverless/lib/wiring/services';
import { readSettings } from '../../src/serverless/lib/base/settings';
import { apiDeps, desktopDeps, signed, testEnv } from '../support/harness';
import { useStandinWithTaskEvents } from '../support/taskEvents';

const { standin } = useStandinWithTaskEvents();
jest.setTimeout(60_000);

type Json = Record<string, any>;
const bearer = { authorization: 'Bearer test-api-key' };
const api = (verb: Verb, body: Json, headers: Record<string, string> = bearer) =>
  handleRecordingControl(verb, apiDeps(), { headers, body }).then((result) => ({
    status: result.status,
    body: result.body as any,
    contentType: result.contentType,
  }));
const signal = (agent: string, trigger: string, extra: Json = {}, now?: () => Date) =>
  handleDesktopEvent(desktopDeps(now ? { now } : {}), signed({ agent, trigger, ...extra }));
const endOf = async (callSid: string) => {
  standin.endCall(callSid);
  await standin.callbacksDelivered();
};
const today = () => {
  const day = dayOf(new Date());
  return { from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z`, day };
};
/** The first moment the day counts as finished. */
const finishedAt = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + FINISHED_DAY_AGE_DAYS * 86_400_000);
/** The report asked on a given moment's clock, with the Sync objects' requests it sent (the service check aside). */
const reportAt = async (now: Date, body: Json) => {
  const before = standin.requests().length;
  const result = await handleRecordingControl(
    'report',
    apiDeps({}, () => now),
    { headers: bearer, body },
  );
  const sync = standin
    .requests()
    .slice(before)
    .map((request) => request.operation ?? '')
    .filter((operation) => operation.startsWith('sync') && !operation.startsWith('syncService.'))
    .sort();
  return { status: result.status, body: result.body as any, sync };
};
const mapReads = (days = 1) => Array<string>(32 * days).fill('syncMapItem.list');

async function scriptedDay() {
  // alice: a card number and a CVV, each paused and resumed by its stop trigger; the relay's occurredAt 300 ms before sending.
  const alice = standin.createLiveCall({ agent: 'alice', recording: 'both', conferenceDelayMs: 0 });
  await standin.callbacksDelivered();
  const occurredAt = new Date(Date.now() - 300).toISOString();
  expect((await signal('alice', 'card-number.focus', { occurredAt })).body).toMatchObject({ outcome: 'paused' });
  await signal('alice', 'card-number.blur');
  expect((await signal('alice', 'cvv.focus')).body).toMatchObject({ outcome: 'paused' });
  await signal('alice', 'cvv.blur');
  await endOf(alice.callSid);

  // bob: Twilio refuses the pause (502), the relay's next try pauses; then a second refusal never recovered.
  const bob = standin.createLiveCall({ agent: 'bob', recording: 'call', conferenceDelayMs: 0 });
  await standin.callbacksDelivered();
  standin.injectFault({ operation: 'recording.update', status: 503, code: 20503, times: 1000 });
  expect((await signal('bob', 'card-number.focus')).status).toBe(502);
  standin.injectFault({ operation: 'recording.update', status: 503, code: 20503, times: 0 });
  expect((await signal('bob', 'card-number.focus')).body).toMatchObject({ outcome: 'paused' });
  await signal('bob', 'card-number.blur');
  standin.injectFault({ operation: 'recording.update', status: 503, code: 20503, times: 1000 });
  expect((await signal('bob', 'cvv.focus')).status).toBe(502);
  standin.injectFault({ operation: 'recording.update', status: 503, code: 20503, times: 0 });
  await endOf(bob.callSid);

  // carol: someone else starts a recording during her manual pause: found running, and paused.
  const carol = standin.createLiveCall({ agent: 'carol', recording: 'call', conferenceDelayMs: 0 });
  await standin.callbacksDelivered();
  const carolsToken = { Token: carol.token, callSid: carol.callSid };
  expect((await api('pause', carolsToken, {})).body).toMatchObject({ outcome: 'paused' });
  standin.startOutsideRecording(carol.callSid, 'conference');
  expect((await api('status', carolsToken, {})).body).toMatchObject({ recording: 'paused' });
  expect((await api('resume', carolsToken, {})).body).toMatchObject({ outcome: 'resumed' });
  // Then the CVV hold runs out (60 s) while she is still in the field: its blur comes 70 s later.
  await signal('carol', 'cvv.focus');
  const later = () => new Date(Date.now() + 70_000);
  expect((await signal('carol', 'cvv.blur', {}, later)).body).toMatchObject({ outcome: 'resumed' });
  await endOf(carol.callSid);

  // dave: no card entry; a supervisor pauses, an API key pauses, the supervisor forces a resume.
  const dave = standin.createLiveCall({ agent: 'dave', recording: 'call', conferenceDelayMs: 0 });
  await standin.callbacksDelivered();
  const supervisor = standin.createWorker({ agent: 'sam', role: 'supervisor' });
  await api('pause', { Token: supervisor.token, callSid: dave.callSid }, {});
  await api('pause', { callSid: dave.callSid });
  expect((await api('resume', { Token: supervisor.token, callSid: dave.callSid, force: true }, {})).body).toMatchObject({ outcome: 'resumed', holds: [] });
  await endOf(dave.callSid);

  // erin: a call with nothing to pause.
  const erin = standin.createLiveCall({ agent: 'erin', recording: 'call', conferenceDelayMs: 0 });
  await standin.callbacksDelivered();
  await endOf(erin.callSid);
  return { alice, bob, carol, dave, erin };
}

test('a scripted day of calls gives the expected figures, by day, agent and queue, and the CSV says the same', async () => {
  const calls = await scriptedDay();
  const { from, to, day } = today();

  const byDay = await api('report', { from, to });
  expect(byDay.status).toBe(200);
  expect(byDay.body).toMatchObject({ groupBy: 'day', days: [day] });
  expect(byDay.body.groups).toHaveLength(1);
  const total = byDay.body.groups[0];
  expect(total).toMatchObject({
    key: day,
    calls: 5,
    cardEntryCalls: 3,
    // alice, bob, carol (desktop and manual), dave (supervisor and API)
    pausedCalls: 4,
    pauses: 6,
    failedPauses: 2,
    failedPausesRecovered: 1,
    failedPausesNotRecovered: 1,
    expiredWhileInUse: 1,
    manualPauses: 1,
    supervisorPauses: 1,
    apiPauses: 1,
    forcedResumes: 1,
    repairedRecordings: 1,
    exposureSamples: 4,
  });
  // Exposure: from the user's action to Twilio's confirmation; alice's first ran from 300 ms before the signal.
  expect(total.exposureMs.max).toBeGreaterThanOrEqual(300);
  expect(total.exposureMs.p50).toBeGreaterThan(0);
  expect(total.exposureMs.p50).toBeLessThanOrEqual(total.exposureMs.p99);
  expect(total.exposureMs.p99).toBeLessThanOrEqual(total.exposureMs.max);
  expect(byDay.body.total.exposureDistribution.reduce((sum: number, bar: { count: number }) => sum + bar.count, 0)).toBe(4);

  const byAgent = await api('report', { from, to, groupBy: 'agent' });
  const agents = Object.fromEntries(byAgent.body.groups.map((group: Json) => [group.key, group]));
  expect(Object.keys(agents)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
  expect(agents.alice).toMatchObject({ calls: 1, cardEntryCalls: 1, pauses: 2, exposureSamples: 2, failedPauses: 0 });
  expect(agents.bob).toMatchObject({ calls: 1, pauses: 1, failedPauses: 2, failedPausesRecovered: 1, failedPausesNotRecovered: 1 });
  expect(agents.carol).toMatchObject({ expiredWhileInUse: 1, manualPauses: 1, repairedRecordings: 1, pauses: 2 });
  expect(agents.dave).toMatchObject({ cardEntryCalls: 0, supervisorPauses: 1, apiPauses: 1, forcedResumes: 1, pauses: 1 });
  expect(agents.erin).toMatchObject({ calls: 1, pausedCalls: 0, pauses: 0, exposureMs: { p50: null, p99: null, max: null } });

  const byQueue = await api('report', { from, to, groupBy: 'queue' });
  expect(byQueue.body.groups.map((group: Json) => [group.key, group.calls])).toEqual([['Everyone', 5]]);

  // The CSV: the same groups, the same figures.
  const csv = await api('report', { from, to, groupBy: 'agent', format: 'csv' });
  expect(csv.contentType).toMatch(/^text\/csv/);
  const rows = parse(csv.body as string, { columns: true }) as Array<Record<string, string>>;
  expect(Object.keys(rows[0])).toEqual([...CSV_COLUMNS]);
  expect(rows).toHaveLength(byAgent.body.groups.length);
  rows.forEach((row, index) => {
    const group = byAgent.body.groups[index];
    for (const column of CSV_COLUMNS) {
      const expected = column.startsWith('exposureMs_') ? group.exposureMs[column.slice('exposureMs_'.length)] : group[column];
      expect(row[column]).toBe(expected === null ? '' : String(expected));
    }
  });

  // The task keeps its own exposure and failures in recording_controls.
  const alicesTask = (standin.task(calls.alice.taskSid)!.attributes as Json).recording_controls as Json;
  expect(alicesTask.exposure).toMatchObject({ count: 2 });
  expect(alicesTask.exposure.max_ms).toBeGreaterThanOrEqual(300);
  expect(((standin.task(calls.bob.taskSid)!.attributes as Json).recording_controls as Json).failed_pauses).toBe(2);
  // The call's timeline shows each pause's exposure.
  expect(alicesTask.intervals.map((interval: Json) => typeof interval.exposureMs)).toEqual(['number', 'number']);
});

test("a finished day is answered from its summary by day and by queue, as from its Maps; by agent from its Maps; today's has none", async () => {
  await scriptedDay();
  const { from, to, day } = today();
  const asked: Json[] = [
    { from, to },
    { from, to, format: 'csv' },
    { from, to, groupBy: 'queue' },
    { from, to, groupBy: 'queue', format: 'csv' },
  ];
  // Today is not finished: read from its Maps, no summary looked for nor written.
  const fromMaps: unknown[] = [];
  for (const body of asked) {
    const answer = await reportAt(new Date(), body);
    expect(answer.sync).toEqual(mapReads());
    fromMaps.push(answer.body);
  }
  // Once finished, the first report finds no summary, reads the Maps and writes it...
  const first = await reportAt(finishedAt(day), asked[0]);
  expect(first.sync).toEqual(['sync.document.create', 'sync.document.fetch', ...mapReads()]);
  expect(first.body).toEqual(fromMaps[0]);
  // ...and every report by day or queue after it reads the summary alone, with the same answer.
  for (const [index, body] of asked.entries()) {
    const answer = await reportAt(finishedAt(day), body);
    expect(answer.sync).toEqual(['sync.document.fetch']);
    expect(answer.body).toEqual(fromMaps[index]);
  }
  // The summary has no agents: by agent, the Maps.
  const byAgent = await reportAt(finishedAt(day), { from, to, groupBy: 'agent' });
  expect(byAgent.sync).toEqual(mapReads());
  expect(byAgent.body).toEqual((await reportAt(new Date(), { from, to, groupBy: 'agent' })).body);
});

test('a summary that could not be written does not fail the report: the next report writes it', async () => {
  const services = buildServices(readSettings(testEnv));
  const { from, to, day } = today();
  await services.reports.record({ taskSid: `WT${'3'.repeat(32)}`, agent: 'hana', queue: 'Payments', day }, { ...emptyFigures(), calls: 1 });
  standin.injectFault({ operation: 'sync.document.create', status: 400, code: 54006, times: 1 });
  const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const unsaved = await reportAt(finishedAt(day), { from, to, groupBy: 'queue' });
  expect(unsaved.status).toBe(200);
  expect(unsaved.body.groups).toEqual([expect.objectContaining({ key: 'Payments', calls: 1 })]);
  expect(logged).toHaveBeenCalledWith(expect.stringContaining(`the summary of ${day} was not written`));
  logged.mockRestore();
  const next = await reportAt(finishedAt(day), { from, to, groupBy: 'queue' });
  expect(next.sync).toEqual(['sync.document.create', 'sync.document.fetch', ...mapReads()]);
  expect(next.body).toEqual(unsaved.body);
  expect((await reportAt(finishedAt(day), { from, to, groupBy: 'queue' })).sync).toEqual(['sync.document.fetch']);
});

test('a day with more queues than its summary holds is answered by day from the summary, by queue from its Maps', async () => {
  const services = buildServices(readSettings(testEnv));
  const { from, to, day } = today();
  const queues = Array.from({ length: 60 }, (_, index) => `Queue ${String(index).padStart(2, '0')}`);
  // One agent a queue, each with a different count of calls: the smallest are the ones folded.
  const taskOf = (index: number) => ({ taskSid: `WT${String(index).padStart(32, '0')}`, agent: `agent-${index}`, queue: queues[index], day });
  await Promise.all(queues.map((_, index) => services.reports.record(taskOf(index), { ...emptyFigures(), calls: 1 + index })));
  const byQueue = await reportAt(new Date(), { from, to, groupBy: 'queue' });
  const byDay = await reportAt(new Date(), { from, to });
  expect(byQueue.body.groups.map((group: Json) => group.key)).toEqual(queues);

  expect((await reportAt(finishedAt(day), { from, to })).sync).toContain('sync.document.create');
  const summarized = await reportAt(finishedAt(day), { from, to });
  expect(summarized).toMatchObject({ sync: ['sync.document.fetch'], body: byDay.body });
  // Its smallest queues were folded together to fit Sync's 16 KiB: every queue's figures are in the Maps only.
  expect(await reportAt(finishedAt(day), { from, to, groupBy: 'queue' })).toMatchObject({ sync: ['sync.document.fetch', ...mapReads()], body: byQueue.body });
});

test('by day, every day of the range is in the answer, a day without calls too: in the groups and the CSV alike', async () => {
  const services = buildServices(readSettings(testEnv));
  // The last 7 days, today included (the older ones read from their summaries): a call every day but the second to last.
  const days = Array.from({ length: 7 }, (_, index) => dayOf(new Date(Date.now() - (6 - index) * 86_400_000)));
  const quiet = days[5];
  await Promise.all(
    days
      .filter((day) => day !== quiet)
      .map((day, index) =>
        services.reports.record({ taskSid: `WT${String(index).padStart(32, '4')}`, agent: 'iris', queue: 'Payments', day }, { ...emptyFigures(), calls: 1 }),
      ),
  );
  const range = { from: `${days[0]}T00:00:00Z`, to: `${days[6]}T23:59:59Z` };

  for (let asked = 0; asked < 2; asked += 1) {
    // Asked twice: the first answer writes the finished days' summaries, the second reads them.
    const json = await api('report', range);
    expect(json.body.days).toEqual(days);
    expect(json.body.groups.map((group: Json) => [group.key, group.calls])).toEqual(days.map((day) => [day, day === quiet ? 0 : 1]));
    expect(json.body.groups[5]).toMatchObject({ pauses: 0, failedPauses: 0, exposureMs: { p50: null, p99: null, max: null }, exposureSamples: 0 });
    expect(json.body.total).toMatchObject({ calls: 6 });

    const csv = parse((await api('report', { ...range, format: 'csv' })).body as string, { columns: true }) as Array<Record<string, string>>;
    expect(csv.map((row) => [row.key, row.calls, row.exposureMs_p50])).toEqual(days.map((day) => [day, day === quiet ? '0' : '1', '']));
  }
  // By queue or agent, only those with calls.
  expect((await api('report', { ...range, groupBy: 'agent' })).body.groups.map((group: Json) => group.key)).toEqual(['iris']);
});

test('a task end delivered again is counted once', async () => {
  const services = buildServices(readSettings(testEnv));
  const task = { taskSid: `WT${'1'.repeat(32)}`, agent: 'frank', queue: 'Payments', day: today().day };
  const figures = { ...emptyFigures(), calls: 1 };
  await services.reports.record(task, figures);
  await services.reports.record(task, figures);
  await services.reports.record({ ...task, taskSid: `WT${'2'.repeat(32)}` }, figures);
  const { from, to } = today();
  expect((await api('report', { from, to, groupBy: 'queue' })).body.groups).toEqual([expect.objectContaining({ key: 'Payments', calls: 2 })]);
});

test('who may ask, and for what range', async () => {
  const agent = standin.createWorker({ agent: 'gina', role: 'agent' });
  const { from, to } = today();
  expect(await api('report', { from, to, Token: agent.token }, {})).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
  expect(await api('report', { from, to })).toMatchObject({ status: 200 });
  expect(await api('report', { from: to, to: from })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
  expect(await api('report', { from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' })).toMatchObject({
    status: 400,
    body: { error: { message: expect.stringContaining('31') } },
  });
  expect(await api('report', { from: 'yesterday', to })).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('from') } } });
  expect(await api('report', { from, to, groupBy: 'hour' })).toMatchObject({ status: 400 });
  expect(await api('report', { from, to, callSid: `CA${'0'.repeat(32)}` })).toMatchObject({ status: 400 });
});
