/**
 * Where the compliance report's figures are kept (docs/compliance.md): each agent's ended tasks of
 * a UTC day, by queue, as one item of `rc-report-<YYYY-MM-DD>-<shard>` — 32 Maps a day, an agent's
 * item in the shard of its identity's digest. No object is shared by the whole account: at 10,000
 * agents a task ends about 33 times a second, about one write a second per Map (Sync takes 20), and
 * a day's report reads 32 Maps of ~310 items (four pages each).
 *
 * A finished day (core/report.ts) no longer changes, so the first report that reads it also writes
 * its summary, `rc-report-<YYYY-MM-DD>-summary`: every agent added up by queue, one Document.
 * Reports by day or queue then read that instead of the 32 Maps; by agent still reads the Maps.
 */
import { createHash } from 'node:crypto';
import { addFigures, emptyFigures, Figures } from '../../../core/evidence';
import { foldQueues, isFinishedDay, summarizeDay, type AgentDay, type DayFigures, type DaySummary } from '../../../core/report';
import { isWriteConflict, type Retries, twilioCode } from '../twilio/retry';
import { SyncMap } from '../twilio/syncCollections';
import type { TwilioClient } from '../twilio/twilioClient';

export const REPORT_PREFIX = 'rc-report-';
/** A year, Sync's longest TTL: what an annual assessment looks back over (export the CSV to keep longer). */
export const REPORT_TTL_SECONDS = 31_536_000;
/** Tasks an agent's day remembers, so an end delivered again is counted once. */
const REMEMBERED_TASKS = 30;
/**
 * Each day's agent figures are split over this many Maps: a wrap-up writes one item, ~33 a second at
 * 10,000 agents, about one a second per Map (Twilio takes 20).
 */
const REPORT_SHARDS = 32;
/** Below Sync's 16 KiB per item or document: an agent's day or a day's summary with very many queues has the smallest folded together. */
const DATA_BUDGET_BYTES = 14 * 1024;
const fitsSync = (data: unknown): boolean => Buffer.byteLength(JSON.stringify(data)) <= DATA_BUDGET_BYTES;
/**
 * Maps a report reads at once: one per shard (each Map's pages come one after another). The
 * account's REST concurrency is shared with the pauses of live calls, which retry Twilio's 20429 if
 * a report crowds them; a report is a supervisor's or an assessor's request, not a live call's.
 */
export const REPORT_READ_CONCURRENCY = REPORT_SHARDS;
const MAX_WRITE_ATTEMPTS = 8;

const digestOf = (agent: string): Buffer => createHash('sha256').update(agent).digest();
export const reportMapName = (day: string, shard: number): string => `${REPORT_PREFIX}${day}-${shard.toString(16).padStart(2, '0')}`;
const shardOf = (agent: string): number => digestOf(agent)[0] % REPORT_SHARDS;
/** Map item keys are the digest: an identity may hold characters Sync keys do not take. */
const keyOf = (agent: string): string => digestOf(agent).toString('hex').slice(0, 40);

export const reportSummaryName = (day: string): string => `${REPORT_PREFIX}${day}-summary`;

const fitted = (agentDay: AgentDay): AgentDay => ({
  ...agentDay,
  queues: foldQueues(agentDay.queues, (queues) => fitsSync({ ...agentDay, queues })).queues,
});

function fittedSummary(day: string, agentDays: AgentDay[]): DaySummary {
  const summary = summarizeDay(day, agentDays);
  const { queues, folded } = foldQueues(summary.queues, (candidate) => fitsSync({ ...summary, queues: candidate }));
  return { ...summary, queues, foldedQueues: folded };
}

/** Seconds until a year after the day's end, when its last items expire too: the summary lives as long as what it adds up. */
const summaryTtlSeconds = (day: string, now: Date): number =>
  Math.floor((Date.parse(`${day}T00:00:00Z`) + 86_400_000 - now.getTime()) / 1000) + REPORT_TTL_SECONDS;

const isSummaryOf = (day: string, data: unknown): data is DaySummary => {
  const summary = data as Partial<DaySummary> | null;
  return summary?.day === day && typeof summary.queues === 'object' && summary.queues !== null && typeof summary.foldedQueues === 'number';
};

/** Runs `work` over `items`, at most `limit` at a time, answers in order. */
async function inPool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export class ReportStore {
  constructor(
    private readonly client: TwilioClient,
    private readonly retries: Retries,
    private readonly serviceSid: string,
  ) {}

  private map(day: string, shard: number): SyncMap<AgentDay> {
    // The Map outlives its items by a day, so a late write does not make a new one for a moment.
    return new SyncMap<AgentDay>(this.client, this.retries, this.serviceSid, reportMapName(day, shard), REPORT_TTL_SECONDS + 86_400);
  }

  /** Adds an ended task's figures to its agent's day; a task already counted there is not counted again. */
  async record(task: { taskSid: string; agent: string; queue: string; day: string }, figures: Figures): Promise<void> {
    const map = this.map(task.day, shardOf(task.agent));
    const key = keyOf(task.agent);
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
      const item = await map.get(key);
      const current: AgentDay = item?.data ?? { agent: task.agent, day: task.day, tasks: [], queues: {} };
      if (current.tasks.includes(task.taskSid)) return;
      const next = fitted({
        ...current,
        tasks: [...current.tasks, task.taskSid].slice(-REMEMBERED_TASKS),
        queues: { ...current.queues, [task.queue]: addFigures(current.queues[task.queue] ?? emptyFigures(), figures) },
      });
      const written = item ? await map.replace(key, next, REPORT_TTL_SECONDS, item.revision) : await map.create(key, next, REPORT_TTL_SECONDS);
      if (typeof written !== 'string') return;
    }
    throw new Error('the report item kept changing');
  }

  private get documents() {
    return this.client.sync.v1.services(this.serviceSid).documents;
  }

  /** Every agent's day of these days (their Maps). */
  read(days: string[]): Promise<AgentDay[]> {
    return this.readMaps(days);
  }

  /**
   * What a report by day or by queue adds up: a finished day's summary when it has one (one read
   * instead of 32 Maps), else every agent's day of it. A finished day read from its Maps gets its
   * summary as soon as they are read, so a report cut short keeps what it had read.
   */
  async dayFigures(days: string[], options: { byQueue: boolean; now: Date }): Promise<DayFigures[]> {
    const finished = days.filter((day) => isFinishedDay(day, options.now));
    const summaries = new Map(await inPool(finished, REPORT_READ_CONCURRENCY, async (day) => [day, await this.summary(day)] as const));
    // A summary that had to fold queues to fit still has the day's total, not every queue's figures.
    const answers = (summary: DaySummary | null | undefined): summary is DaySummary => !!summary && !(options.byQueue && summary.foldedQueues > 0);
    const unsummarized = (day: string) => summaries.has(day) && summaries.get(day) === null;
    const agentDays = await this.readMaps(
      days.filter((day) => !answers(summaries.get(day))),
      (day, ofDay) => (unsummarized(day) ? this.writeSummary(day, ofDay, options.now) : Promise.resolve()),
    );
    return [...[...summaries.values()].filter(answers), ...agentDays];
  }

  private async summary(day: string): Promise<DaySummary | null> {
    const document = await this.retries.unlessNotFound(() => this.documents(reportSummaryName(day)).fetch(), null);
    return document && isSummaryOf(day, document.data) ? document.data : null;
  }

  /**
   * Writes the day's summary unless one is there (a concurrent first report writes the same).
   * Never throws: without it the report is answered all the same, and the next one writes it.
   */
  private async writeSummary(day: string, agentDays: AgentDay[], now: Date): Promise<void> {
    const ttl = summaryTtlSeconds(day, now);
    if (ttl <= 0) return; // the day's items are gone: nothing to keep
    try {
      const summary = fittedSummary(day, agentDays);
      await this.retries.run(() => this.documents.create({ uniqueName: reportSummaryName(day), data: summary, ttl }));
    } catch (error) {
      if (isWriteConflict(error)) return; // another report wrote it first
      console.error(`recording-controls/report: the summary of ${day} was not written (${twilioCode(error) ?? 'no answer'}); the next report tries again`);
    }
  }

  /** Every agent's day of these days; `onDayRead` hears of each day once all its Maps are read. */
  private async readMaps(days: string[], onDayRead?: (day: string, agentDays: AgentDay[]) => Promise<void>): Promise<AgentDay[]> {
    const read = new Map(days.map((day) => [day, { agentDays: [] as AgentDay[], unreadMaps: REPORT_SHARDS }]));
    const heard: Promise<void>[] = [];
    const maps = days.flatMap((day) => Array.from({ length: REPORT_SHARDS }, (_, shard) => ({ day, shard })));
    await inPool(maps, REPORT_READ_CONCURRENCY, async ({ day, shard }) => {
      const ofDay = read.get(day)!;
      ofDay.agentDays.push(...(await this.map(day, shard).list()).map((item) => item.data));
      ofDay.unreadMaps -= 1;
      if (ofDay.unreadMaps === 0 && onDayRead) heard.push(onDayRead(day, ofDay.agentDays));
    });
    await Promise.all(heard);
    return days.flatMap((day) => read.get(day)!.agentDays);
  }
}
