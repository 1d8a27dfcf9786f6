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

/** A UTC day's figures by queue: one agent's (AgentDay) or every agent's (DaySummary). What a report adds up. */
export interface DayFigures {
  day: string;
  queues: Record<string, Figures>;
}

/** One agent's ended tasks of one UTC day, by queue: what each task end stores. */
export interface AgentDay extends DayFigures {
  agent: string;
  /** The newest tasks counted, so a task end delivered again is not counted twice. */
  tasks: string[];
}

/** Every agent's figures of a finished day, by queue: what a report by day or queue reads instead of the day's agents. */
export interface DaySummary extends DayFigures {
  /** Queues folded into OTHER_QUEUES so the summary fits: by queue, such a day is read agent by agent. */
  foldedQueues: number;
}

const isAgentDay = (figures: DayFigures): figures is AgentDay => typeof (figures as Partial<AgentDay>).agent === 'string';

/** Where the queues with fewest calls go when an object would not fit in Sync. */
export const OTHER_QUEUES = '(other queues)';

/** Folds the queues with fewest calls into OTHER_QUEUES, one at a time, until `fits` (or one is left). */
export function foldQueues(
  queues: Record<string, Figures>,
  fits: (queues: Record<string, Figures>) => boolean,
): { queues: Record<string, Figures>; folded: number } {
  let folded = 0;
  while (!fits(queues) && Object.keys(queues).length > 1) {
    const [smallest] =
      Object.entries(queues)
        .filter(([queue]) => queue !== OTHER_QUEUES)
        .sort(([, a], [, b]) => a.calls - b.calls)[0] ?? [];
    if (smallest === undefined) break;
    const { [smallest]: foldedFigures, ...rest } = queues;
    queues = { ...rest, [OTHER_QUEUES]: addFigures(rest[OTHER_QUEUES] ?? emptyFigures(), foldedFigures) };
    folded += 1;
  }
  return { queues, folded };
}

/** A day's agents added up by queue (nothing folded yet). */
export function summarizeDay(day: string, agentDays: AgentDay[]): DaySummary {
  const queues: Record<string, Figures> = {};
  for (const agentDay of agentDays) {
    for (const [queue, figures] of Object.entries(agentDay.queues)) queues[queue] = addFigures(queues[queue] ?? emptyFigures(), figures);
  }
  return { day, queues, foldedQueues: 0 };
}

/** The UTC day `YYYY-MM-DD` of a moment. */
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);

/**
 * How many days old (UTC) a day must be before its figures are taken as final. A task end is
 * counted in the UTC day the function handles it, so a day takes no writes once it is over but one
 * already under way at midnight (seconds, with its retries); a whole day more covers that and
 * containers' clocks. On 2026-12-03 the days up to 2026-12-01 are finished.
 */
export const FINISHED_DAY_AGE_DAYS = 2;

const startOfDay = (day: string): number => Date.parse(`${day}T00:00:00Z`);

export const isFinishedDay = (day: string, now: Date): boolean => startOfDay(dayOf(now)) - startOfDay(day) >= FINISHED_DAY_AGE_DAYS * 86_400_000;

/**
 * The UTC days a range touches, in order: from the day of `from` to the day of the last moment
 * before `to`. Figures are kept per day, so a range is answered for whole days.
 */
export function daysOf(from: Date, to: Date): string[] {
  // A range is checked first (reportRangeProblem); listing millions of days would stall the container.
  if (dayCountOf(from, to) > MAX_REPORT_DAYS) throw new RangeError(`a report covers ${MAX_REPORT_DAYS} days at most`);
  const days: string[] = [];
  const last = startOfDay(dayOf(new Date(to.getTime() - 1)));
  for (let day = startOfDay(dayOf(from)); day <= last; day += 86_400_000) days.push(dayOf(new Date(day)));
  return days;
}

/** How many UTC days a range touches, as `daysOf` lists them, counted without listing them (0 for an empty range). */
export function dayCountOf(from: Date, to: Date): number {
  if (from.getTime() >= to.getTime()) return 0;
  return (startOfDay(dayOf(new Date(to.getTime() - 1))) - startOfDay(dayOf(from))) / 86_400_000 + 1;
}

export type ReportRangeIssue = { kind: 'not-times' } | { kind: 'not-after' } | { kind: 'too-many-days'; days: number };

/**
 * What is wrong with a report's range, if anything: no times, `to` not after `from`, or more than
 * MAX_REPORT_DAYS days touched. Constant time whatever the range (0001 to 9999 included), so it is
 * asked before anything else is done for the report — by the functions, and by the Compliance view
 * before it asks.
 */
export function reportRangeIssue(from: Date, to: Date): ReportRangeIssue | undefined {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return { kind: 'not-times' };
  if (from.getTime() >= to.getTime()) return { kind: 'not-after' };
  const days = dayCountOf(from, to);
  if (days > MAX_REPORT_DAYS) return { kind: 'too-many-days', days };
  return undefined;
}

/** The functions' words for reportRangeIssue. */
export function reportRangeProblem(from: Date, to: Date): string | undefined {
  const issue = reportRangeIssue(from, to);
  if (issue?.kind === 'not-times') return 'from and to: must be RFC 3339 times';
  if (issue?.kind === 'not-after') return 'to: must be after from';
  if (issue?.kind === 'too-many-days') return `the range touches ${issue.days} UTC days: ask for ${MAX_REPORT_DAYS} at most`;
  return undefined;
}

/** The figures of a day, over all its queues. */
const dayTotal = (dayFigures: DayFigures): Figures => Object.values(dayFigures.queues).reduce(addFigures, emptyFigures());

/**
 * Every group's figures, by its key: the day, the queue's name or the agent's identity. Counts add
 * and sketches merge by adding buckets, so a day's summary gives what its agents' days give.
 */
export function groupFigures(days: DayFigures[], groupBy: GroupBy): Map<string, Figures> {
  const groups = new Map<string, Figures>();
  const add = (key: string, figures: Figures) => groups.set(key, addFigures(groups.get(key) ?? emptyFigures(), figures));
  for (const dayFigures of days) {
    if (groupBy === 'queue') for (const [queue, figures] of Object.entries(dayFigures.queues)) add(queue, figures);
    else if (groupBy === 'day') add(dayFigures.day, dayTotal(dayFigures));
    else if (isAgentDay(dayFigures)) add(dayFigures.agent, dayTotal(dayFigures));
    else throw new Error("a day summary has no agents: a report by agent reads every agent's day");
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

export function buildReport(range: { from: Date; to: Date }, groupBy: GroupBy, days: DayFigures[]): Report {
  const reportDays = daysOf(range.from, range.to);
  const figures = groupFigures(days, groupBy);
  // By day, every day of the range is a group (in the JSON, the CSV and the chart alike): a day without calls is one of zeros.
  const groups = groupBy === 'day' ? new Map(reportDays.map((day) => [day, figures.get(day) ?? emptyFigures()])) : figures;
  const total = [...groups.values()].reduce(addFigures, emptyFigures());
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    groupBy,
    days: reportDays,
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
