/**
 * Where the compliance report's figures are kept (docs/compliance.md): each agent's ended tasks of
 * a UTC day, by queue, as one item of `rc-report-<YYYY-MM-DD>-<shard>` — 32 Maps a day, an agent's
 * item in the shard of its identity's digest. No object is shared by the whole account: at 10,000
 * agents a task ends about 33 times a second, about one write a second per Map (Sync takes 20), and
 * a day's report reads 32 Maps of ~310 items (four pages each).
 */
import { createHash } from 'node:crypto';
import { addFigures, emptyFigures, Figures } from '../../../core/evidence';
import type { AgentDay } from '../../../core/report';
import { LIVE_SHARDS } from '../../../core/syncNames';
import { SyncMap } from '../twilio/syncCollections';
import type { TwilioClient } from '../twilio/twilioClient';

export const REPORT_PREFIX = 'rc-report-';
/** A year, Sync's longest TTL: what an annual assessment looks back over (export the CSV to keep longer). */
export const REPORT_TTL_SECONDS = 31_536_000;
/** Tasks an agent's day remembers, so an end delivered again is counted once. */
const REMEMBERED_TASKS = 30;
/** Below Sync's 16 KiB per item: an agent in very many queues has the smallest folded together. */
const ITEM_BUDGET_BYTES = 14 * 1024;
export const OTHER_QUEUES = '(other queues)';
/**
 * Maps a report reads at once: one per shard (each Map's pages come one after another). The
 * account's REST concurrency is shared with the pauses of live calls, which retry Twilio's 20429 if
 * a report crowds them; a report is a supervisor's or an assessor's request, not a live call's.
 */
export const REPORT_READ_CONCURRENCY = LIVE_SHARDS;
const MAX_WRITE_ATTEMPTS = 8;

const digestOf = (agent: string): Buffer => createHash('sha256').update(agent).digest();
export const reportMapName = (day: string, shard: number): string => `${REPORT_PREFIX}${day}-${shard.toString(16).padStart(2, '0')}`;
const shardOf = (agent: string): number => digestOf(agent)[0] % LIVE_SHARDS;
/** Map item keys are the digest: an identity may hold characters Sync keys do not take. */
const keyOf = (agent: string): string => digestOf(agent).toString('hex').slice(0, 40);

/** Folds the queues with fewest calls together until the item fits. */
function fitted(agentDay: AgentDay): AgentDay {
  let queues = agentDay.queues;
  while (Buffer.byteLength(JSON.stringify({ ...agentDay, queues })) > ITEM_BUDGET_BYTES && Object.keys(queues).length > 1) {
    const [smallest] = Object.entries(queues)
      .filter(([queue]) => queue !== OTHER_QUEUES)
      .sort(([, a], [, b]) => a.calls - b.calls)[0] ?? [];
    if (smallest === undefined) break;
    const { [smallest]: folded, ...rest } = queues;
    queues = { ...rest, [OTHER_QUEUES]: addFigures(rest[OTHER_QUEUES] ?? emptyFigures(), folded) };
  }
  return { ...agentDay, queues };
}

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
    private readonly serviceSid: string,
  ) {}

  private map(day: string, shard: number): SyncMap<AgentDay> {
    // The Map outlives its items by a day, so a late write does not make a new one for a moment.
    return new SyncMap<AgentDay>(this.client, this.serviceSid, reportMapName(day, shard), REPORT_TTL_SECONDS + 86_400);
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

  /** Every agent's day of these days. */
  async read(days: string[]): Promise<AgentDay[]> {
    const maps = days.flatMap((day) => Array.from({ length: LIVE_SHARDS }, (_, shard) => this.map(day, shard)));
    const lists = await inPool(maps, REPORT_READ_CONCURRENCY, (map) => map.list());
    return lists.flat().map((item) => item.data);
  }
}
