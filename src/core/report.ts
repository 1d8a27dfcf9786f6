/**
 * The compliance report (docs/compliance.md): which days a range covers, the groups an answer
 * has, and the same answer as CSV. The figures come from core/evidence.ts; where they are kept
 * and read is the functions' business.
 */
import { addFigures, bucketValueMs, emptyFigures, exposureFigures, ExposureFigures, ExposureSketch, Figures } from './evidence';

export type GroupBy = 'day' | 'queue' | 'agent';
export const GROUP_BYS: GroupBy[] = ['day', 'queue', 'agent'];

/** A report reads a month at most: beyond it, one answer would not fit the Functions' 10 s (docs/compliance.md). */
export const MAX_REPORT_DAYS = 31;

/** One agent's ended tasks of one UTC day, by queue: what is stored, and what a report adds up. */
export interface AgentDay {
  agent: string;
  day: string;
  /** The newest tasks counted, so a task end delivered again is not counted twice. */
  tasks: string[];
  queues: Record<string, Figures>;
}

/** The UTC day `YYYY-MM-DD` of a moment. */
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);

/**
 * The UTC days a range touches, in order: from the day of `from` to the day of the last moment
 * before `to`. Figures are kept per day, so a range is answered for whole days.
 */
export function daysOf(from: Date, to: Date): string[] {
  const days: string[] = [];
  const last = Date.parse(`${dayOf(new Date(to.getTime() - 1))}T00:00:00Z`);
  for (let day = Date.parse(`${dayOf(from)}T00:00:00Z`); day <= last; day += 86_400_000) days.push(dayOf(new Date(day)));
  return days;
}

/** The figures of an agent's day, over all its queues. */
const dayTotal = (agentDay: AgentDay): Figures => Object.values(agentDay.queues).reduce(addFigures, emptyFigures());

/** Every group's figures, by its key: the day, the queue's name or the agent's identity. */
export function groupFigures(agentDays: AgentDay[], groupBy: GroupBy): Map<string, Figures> {
  const groups = new Map<string, Figures>();
  const add = (key: string, figures: Figures) => groups.set(key, addFigures(groups.get(key) ?? emptyFigures(), figures));
  for (const agentDay of agentDays) {
    if (groupBy === 'queue') for (const [queue, figures] of Object.entries(agentDay.queues)) add(queue, figures);
    else add(groupBy === 'day' ? agentDay.day : agentDay.agent, dayTotal(agentDay));
  }
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A group as the answer has it: the counts, and exposure as p50, p99 and max (ms). */
export interface ReportGroup extends Omit<Figures, 'exposure'> {
  key: string;
  exposureMs: ExposureFigures;
  /** How many exposures the percentiles are of. */
  exposureSamples: number;
}

export function reportGroup(key: string, figures: Figures): ReportGroup {
  const { exposure, ...counts } = figures;
  return { key, ...counts, exposureMs: exposureFigures(exposure), exposureSamples: exposure.count };
}

/** Upper bounds (ms) of the exposure distribution's bars; the last bar is everything slower. */
export const EXPOSURE_BARS_MS = [100, 250, 500, 1000, 2000, 5000];

/** How many exposures fell in each bar (from the sketch: a sample near a bound may sit in the next bar, within 2 %). */
export function exposureDistribution(sketch: ExposureSketch): Array<{ upToMs: number | null; count: number }> {
  const bars = [...EXPOSURE_BARS_MS.map((upToMs) => ({ upToMs: upToMs as number | null, count: 0 })), { upToMs: null, count: 0 }];
  for (const [bucket, count] of Object.entries(sketch.buckets)) {
    const value = Math.min(sketch.maxMs, bucketValueMs(Number(bucket)));
    const bar = bars.find((candidate) => candidate.upToMs === null || value <= candidate.upToMs)!;
    bar.count += count;
  }
  return bars;
}

export interface Report {
  from: string;
  to: string;
  groupBy: GroupBy;
  /** The UTC days the figures are of. */
  days: string[];
  groups: ReportGroup[];
  total: ReportGroup & { exposureDistribution: ReturnType<typeof exposureDistribution> };
}

export function buildReport(range: { from: Date; to: Date }, groupBy: GroupBy, agentDays: AgentDay[]): Report {
  const groups = groupFigures(agentDays, groupBy);
  const total = [...groups.values()].reduce(addFigures, emptyFigures());
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    groupBy,
    days: daysOf(range.from, range.to),
    groups: [...groups].map(([key, figures]) => reportGroup(key, figures)),
    total: { ...reportGroup('total', total), exposureDistribution: exposureDistribution(total.exposure) },
  };
}

/** The CSV's columns, in order: the group's fields with exposure flattened. */
export const CSV_COLUMNS = [
  'key',
  'calls',
  'cardEntryCalls',
  'pausedCalls',
  'pauses',
  'failedPauses',
  'failedPausesRecovered',
  'failedPausesNotRecovered',
  'exposureMs_p50',
  'exposureMs_p99',
  'exposureMs_max',
  'exposureSamples',
  'expiredWhileInUse',
  'manualPauses',
  'supervisorPauses',
  'apiPauses',
  'forcedResumes',
  'repairedRecordings',
  'neverPauseCalls',
] as const;

/**
 * A cell as a spreadsheet reads it safely: quoted when it holds a comma, quote or line break, and
 * a leading = + - @ (which a spreadsheet would run as a formula) made plain text.
 */
function cell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function reportCsv(report: Report): string {
  const row = (group: ReportGroup) =>
    CSV_COLUMNS.map((column) => {
      if (column.startsWith('exposureMs_')) return cell(group.exposureMs[column.slice('exposureMs_'.length) as keyof ExposureFigures]);
      return cell(group[column as Exclude<(typeof CSV_COLUMNS)[number], `exposureMs_${string}`>]);
    }).join(',');
  return [CSV_COLUMNS.join(','), ...report.groups.map(row)].join('\r\n') + '\r\n';
}
