/**
 * What the compliance report costs at 10,000 agents (docs/compliance.md): each agent's day written
 * as an ended task writes it, then the report asked through the real verb, with Twilio answering
 * after 150 ms and Sync's per-object limits on. Prints the Twilio requests and the time: of today's
 * day (read from its Maps), of the first report once the day is finished (which writes its
 * summary), and of a week and a month of finished days read from their summaries.
 */
import { performance } from 'node:perf_hooks';
import twilio from 'twilio';
import { addExposure, emptyFigures, emptySketch, Figures } from '../../src/core/evidence';
import { dayOf, DaySummary, FINISHED_DAY_AGE_DAYS } from '../../src/core/report';
import { handleRecordingControl } from '../../src/serverless/lib/endpoints/recordingControls';
import { REPORT_TTL_SECONDS, reportSummaryName } from '../../src/serverless/lib/stores/reportStore';
import { buildServices } from '../../src/serverless/lib/wiring/services';
import { readSettings } from '../../src/serverless/lib/base/settings';
import { createStandin } from '../../src/standin/standin';
import { InProcessRequestClient } from './inProcess';
import { LATENCY_MS } from './shared';
import { expireSyncLazily } from './standinAtScale';

const ACCOUNT_SID = `AC${'0'.repeat(32)}`;
const WORKSPACE_SID = `WS${'0'.repeat(32)}`;
const SYNC_SERVICE_SID = `IS${'5'.repeat(32)}`;
const AGENTS = 10_000;
const QUEUES = ['Payments', 'Sales', 'Support', 'Retention'];
const env = {
  ACCOUNT_SID,
  AUTH_TOKEN: 'c'.repeat(32),
  TWILIO_WORKSPACE_SID: WORKSPACE_SID,
  SYNC_SERVICE_SID,
  RECORDING_CONTROLS_API_KEYS: 'bench-report-key',
};

/** An agent's day of 96 calls (12 an hour for 8 hours), a card entry on each, in two queues. */
function agentDayFigures(seed: number): Figures {
  let exposure = emptySketch();
  for (let pause = 0; pause < 192; pause += 1) exposure = addExposure(exposure, 150 + ((seed * 31 + pause * 17) % 900));
  return { ...emptyFigures(), calls: 48, cardEntryCalls: 48, pausedCalls: 48, pauses: 96, failedPauses: seed % 50 === 0 ? 1 : 0, exposure };
}

export async function reportCost(): Promise<string[]> {
  // 40,000 items: the stand-in's expiry scan, not the functions, would bound the run (see standinAtScale.ts).
  const lazily = expireSyncLazily();
  const standin = createStandin({ accountSid: ACCOUNT_SID, workspaceSid: WORKSPACE_SID });
  standin.createSyncService({ sid: SYNC_SERVICE_SID, friendlyName: 'recording-controls', aclEnabled: true });
  const client = twilio(ACCOUNT_SID, env.AUTH_TOKEN, { httpClient: new InProcessRequestClient(standin) });
  const services = buildServices(readSettings(env), { client });
  const day = dayOf(new Date());
  const dayBefore = (count: number) => dayOf(new Date(Date.parse(`${day}T00:00:00Z`) - count * 86_400_000));
  // Today's and yesterday's items, as the agents' task ends left them (seeded fast: Sync's limits on while the report reads).
  standin.setSyncLimits(false);
  for (let start = 0; start < AGENTS; start += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, AGENTS - start) }, async (_, offset) => {
        const agent = `agent-${start + offset}`;
        for (const [index, queue] of QUEUES.slice((start + offset) % 3, ((start + offset) % 3) + 2).entries()) {
          const taskSid = `WT${String(start + offset).padStart(30, '0')}${index}0`;
          const figures = agentDayFigures(start + offset + index);
          for (const seeded of [day, dayBefore(1)]) await services.reports.record({ taskSid, agent, queue, day: seeded }, figures);
        }
      }),
    );
  }
  standin.setSyncLimits(true);
  standin.setLatency(LATENCY_MS);
  /** The report through the real verb on `now`'s clock: its answer, the Sync requests it sent and its time. */
  const ask = async (body: { from: string; to: string; groupBy?: string }, now = new Date()) => {
    const startedAt = new Date().toISOString();
    const started = performance.now();
    const headers = { authorization: `Bearer ${env.RECORDING_CONTROLS_API_KEYS}` };
    const answer = await handleRecordingControl('report', { ...services, now: () => now }, { headers, body });
    const seconds = (performance.now() - started) / 1000;
    // The stand-in keeps the newest requests only: counted by time, not by position.
    const requests = standin.requests().filter((request) => request.at >= startedAt).length;
    return { status: answer.status, groups: (answer.body as { groups?: unknown[] }).groups?.length ?? 0, requests, seconds };
  };
  const lines: string[] = [`a day of ${AGENTS.toLocaleString('en-US')} agents (96 calls each), Twilio answering after ${LATENCY_MS} ms, Sync's limits on:`];
  for (const groupBy of ['day', 'queue', 'agent'] as const) {
    const { status, groups, requests, seconds } = await ask({ from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z`, groupBy });
    lines.push(`  report by ${groupBy}: ${status}, ${groups} group(s), ${requests} Sync requests, ${seconds.toFixed(2)} s`);
    if (groupBy === 'day') {
      const weekSeconds = seconds * 7;
      lines.push(
        `  a week by day (7 × the day's reads, ${requests * 7} requests): ${weekSeconds.toFixed(1)} s; a 31-day month: ${(seconds * 31).toFixed(1)} s${seconds * 31 > 10 ? " — over the Functions' 10 s at this size: ask a week at a time" : ''}`,
      );
    }
  }
  const size = Buffer.byteLength(JSON.stringify((await services.reports.read([day]))[0]));
  lines.push(`  one agent's day item: ${size} bytes (Sync takes 16 KiB)`);

  // Once the day is finished, its first report reads the Maps and writes the summary; the next reads the summary.
  const finished = new Date(Date.parse(`${day}T00:00:00Z`) + FINISHED_DAY_AGE_DAYS * 86_400_000);
  const dayRange = { from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z` };
  const first = await ask(dayRange, finished);
  const firstFigures = `${first.status}, ${first.requests} Sync requests, ${first.seconds.toFixed(2)} s`;
  lines.push(`  the day once finished, first report by day (reads the Maps, writes the summary): ${firstFigures}`);
  const again = await ask({ ...dayRange, groupBy: 'queue' }, finished);
  lines.push(`  then by queue (the summary): ${again.status}, ${again.groups} group(s), ${again.requests} Sync request(s), ${again.seconds.toFixed(2)} s`);
  const documents = client.sync.v1.services(SYNC_SERVICE_SID).documents;
  const summary = (await documents(reportSummaryName(day)).fetch()).data as DaySummary;
  lines.push(`  one day's summary: ${Buffer.byteLength(JSON.stringify(summary))} bytes, ${Object.keys(summary.queues).length} queues (Sync takes 16 KiB)`);

  // The 30 days before: each a 10,000-agent day as summarized (its copy), seeded fast.
  standin.setSyncLimits(false);
  standin.setLatency(0);
  await Promise.all(
    Array.from({ length: 30 }, (_, index) => dayBefore(index + 1)).map((other) =>
      documents.create({ uniqueName: reportSummaryName(other), data: { ...summary, day: other }, ttl: REPORT_TTL_SECONDS }),
    ),
  );
  standin.setSyncLimits(true);
  standin.setLatency(LATENCY_MS);
  for (const [what, days, groupBy] of [
    ['a week', 7, 'day'],
    ['a 31-day month', 31, 'day'],
    ['a 31-day month', 31, 'queue'],
  ] as const) {
    const read = await ask({ from: `${dayBefore(days - 1)}T00:00:00Z`, to: `${day}T23:59:59Z`, groupBy }, finished);
    const figures = `${read.status}, ${read.groups} group(s), ${read.requests} Sync requests, ${read.seconds.toFixed(2)} s`;
    lines.push(`  ${what} of finished days by ${groupBy}, every day summarized: ${figures}`);
  }
  // The Compliance view's default: the last 7 days, today's and yesterday's not finished (their Maps), the 5 before summarized.
  for (const groupBy of ['day', 'queue'] as const) {
    const read = await ask({ from: `${dayBefore(6)}T00:00:00Z`, to: `${day}T23:59:59Z`, groupBy });
    const figures = `${read.status}, ${read.requests} Sync requests, ${read.seconds.toFixed(2)} s`;
    lines.push(`  the last 7 days by ${groupBy} (today and yesterday from their Maps, 5 summaries): ${figures}`);
  }
  lazily.undo();
  return lines;
}
