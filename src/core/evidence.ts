/**
 * The evidence an assessor checks (docs/compliance.md): how fast each pause landed and what
 * happened to the holds of a task, as figures that add up — per task, per agent and day, per
 * report group — without keeping every sample.
 *
 * Pure data in, pure data out: no Twilio, no clock.
 */
import type { Hold, Ledger } from './holds';

/**
 * Exposure times in log-spaced buckets (a DDSketch): any quantile is within 2 % of a true sample,
 * count and max are exact, and two sketches merge by adding their buckets — so an agent's day, a
 * queue's month or a whole report is one small object, however many pauses went into it.
 */
export interface ExposureSketch {
  count: number;
  maxMs: number;
  /** Bucket index → samples; bucket i holds (γ^(i-1), γ^i] ms, bucket 0 everything ≤ 1 ms. */
  buckets: Record<string, number>;
}

const GAMMA = 1.04;
/** Half a bucket's width: the relative error of a quantile read back from a bucket. */
export const SKETCH_RELATIVE_ERROR = (GAMMA - 1) / (GAMMA + 1);
const LOG_GAMMA = Math.log(GAMMA);

export const emptySketch = (): ExposureSketch => ({ count: 0, maxMs: 0, buckets: {} });

const bucketOf = (ms: number): number => (ms <= 1 ? 0 : Math.ceil(Math.log(ms) / LOG_GAMMA));
/** The bucket's middle, in relative terms (the value a quantile in it is reported as). */
export const bucketValueMs = (bucket: number): number => (bucket === 0 ? 1 : (2 * GAMMA ** bucket) / (GAMMA + 1));

export function addExposure(sketch: ExposureSketch, ms: number): ExposureSketch {
  const sample = Math.max(0, Math.round(ms));
  const key = String(bucketOf(sample));
  return { count: sketch.count + 1, maxMs: Math.max(sketch.maxMs, sample), buckets: { ...sketch.buckets, [key]: (sketch.buckets[key] ?? 0) + 1 } };
}

export function mergeSketches(a: ExposureSketch, b: ExposureSketch): ExposureSketch {
  const buckets = { ...a.buckets };
  for (const [key, count] of Object.entries(b.buckets)) buckets[key] = (buckets[key] ?? 0) + count;
  return { count: a.count + b.count, maxMs: Math.max(a.maxMs, b.maxMs), buckets };
}

/**
 * The q-quantile (nearest rank: the smallest sample with at least q of all samples at or below
 * it), within 2 %; never above the max. Null without samples.
 */
export function quantileMs(sketch: ExposureSketch, q: number): number | null {
  if (sketch.count === 0) return null;
  if (q >= 1) return sketch.maxMs;
  const rank = Math.max(1, Math.ceil(q * sketch.count));
  let seen = 0;
  const ordered = Object.entries(sketch.buckets)
    .map(([key, count]) => [Number(key), count] as const)
    .sort(([a], [b]) => a - b);
  for (const [bucket, count] of ordered) {
    seen += count;
    if (seen >= rank) return Math.min(sketch.maxMs, Math.round(bucketValueMs(bucket)));
  }
  return sketch.maxMs;
}

export interface ExposureFigures {
  p50: number | null;
  p99: number | null;
  max: number | null;
}

export const exposureFigures = (sketch: ExposureSketch): ExposureFigures => ({
  p50: quantileMs(sketch, 0.5),
  p99: quantileMs(sketch, 0.99),
  max: sketch.count === 0 ? null : sketch.maxMs,
});

/** What happened to the holds of one task on a call, as it happened (kept in the call's ledger). */
export interface TaskEvidence {
  taskSid: string;
  /** The agent who held the task when its evidence began (task events name no worker). */
  agent?: string;
  /** Desktop holds opened (a card entry began); a renewal of an open one is not counted again. */
  desktopPauses: number;
  /** Times the recordings went from recording to paused. */
  pauses: number;
  /** From the user's action to Twilio confirming every recording paused, per start trigger. */
  exposure: ExposureSketch;
  /** Pauses Twilio did not confirm (answered 502). */
  failedPauses: number;
  /** Of those, paused later on the same task by the same hold (the relay's or the agent's next try). */
  failedPausesRecovered: number;
  /** One entry per failed pause not confirmed since: the hold ids it was to open, comma-separated. */
  unrecovered: string[];
  /** Holds closed by their duration whose stop trigger came afterwards: the field was still in use. */
  expiredWhileInUse: number;
  /** Hold ids closed by their duration, until their stop trigger comes or they open again. */
  expired: string[];
  manualPauses: number;
  supervisorPauses: number;
  apiPauses: number;
  forcedResumes: number;
  /** Recordings found running during a hold and paused. */
  repairedRecordings: number;
}

export const emptyTaskEvidence = (taskSid: string, agent?: string): TaskEvidence => ({
  taskSid,
  ...(agent !== undefined && { agent }),
  desktopPauses: 0,
  pauses: 0,
  exposure: emptySketch(),
  failedPauses: 0,
  failedPausesRecovered: 0,
  unrecovered: [],
  expiredWhileInUse: 0,
  expired: [],
  manualPauses: 0,
  supervisorPauses: 0,
  apiPauses: 0,
  forcedResumes: 0,
  repairedRecordings: 0,
});

/** What a change knows about itself beyond the two ledgers. */
export interface ChangeContext {
  /** The hold ids a desktop stop trigger of this change names (open or not). */
  stops?: string[];
  /** A supervisor's or an API key's resume of every hold. */
  forced?: boolean;
  /** This change pauses recordings that were found running during a hold. */
  repaired?: number;
}

const without = (list: string[], ids: string[]): string[] => list.filter((id) => !ids.includes(id));
const withAll = (list: string[], ids: string[]): string[] => [...list, ...ids.filter((id) => !list.includes(id))];
const countOf = (holds: Hold[], pick: (hold: Hold) => boolean) => holds.filter(pick).length;

/** A manual hold opened by a supervisor (auth gives supervisors and admins hold ids of their own). */
export const isSupervisorHold = (hold: Pick<Hold, 'id' | 'source'>): boolean => hold.source === 'manual' && hold.id.startsWith('supervisor:');

/**
 * Tallies one change of a task's holds: the holds it opened and closed, by whom and why. `now`
 * tells a hold that closed by its duration (its `resumeAt` has come) from one a stop closed.
 */
export function tallyChange(evidence: TaskEvidence, before: Ledger, after: Ledger, now: Date, context: ChangeContext = {}): TaskEvidence {
  const opened = after.holds.filter((hold) => !before.holds.some((old) => old.id === hold.id));
  const closed = before.holds.filter((hold) => !after.holds.some((kept) => kept.id === hold.id));
  const byTime = closed.filter((hold) => hold.resumeAt !== null && Date.parse(hold.resumeAt) <= now.getTime()).map((hold) => hold.id);
  // Its stop came after its time: now (the hold closes by time with this very stop) or since it closed by time.
  const stoppedLate = (context.stops ?? []).filter(
    (id) => byTime.includes(id) || (evidence.expired.includes(id) && !before.holds.some((hold) => hold.id === id)),
  );
  const openedIds = opened.map((hold) => hold.id);
  const recovered = evidence.unrecovered.filter((entry) => entry.split(',').some((id) => openedIds.includes(id)));
  return {
    ...evidence,
    desktopPauses: evidence.desktopPauses + countOf(opened, (hold) => hold.source === 'desktop'),
    pauses: evidence.pauses + (before.holds.length === 0 && after.holds.length > 0 ? 1 : 0),
    manualPauses: evidence.manualPauses + countOf(opened, (hold) => hold.source === 'manual' && !isSupervisorHold(hold)),
    supervisorPauses: evidence.supervisorPauses + countOf(opened, isSupervisorHold),
    apiPauses: evidence.apiPauses + countOf(opened, (hold) => hold.source === 'api'),
    forcedResumes: evidence.forcedResumes + (context.forced && closed.length > 0 ? 1 : 0),
    expiredWhileInUse: evidence.expiredWhileInUse + stoppedLate.length,
    expired: without(withAll(without(evidence.expired, openedIds), byTime), stoppedLate),
    failedPausesRecovered: evidence.failedPausesRecovered + recovered.length,
    unrecovered: evidence.unrecovered.filter((entry) => !recovered.includes(entry)),
    repairedRecordings: evidence.repairedRecordings + (context.repaired ?? 0),
  };
}

/** Failed pauses a task keeps waiting for recovery; older ones count as not recovered. */
const KEPT_UNRECOVERED = 20;

/** A pause of these holds that Twilio did not confirm. */
export const tallyFailedPause = (evidence: TaskEvidence, holdIds: string[]): TaskEvidence => ({
  ...evidence,
  failedPauses: evidence.failedPauses + 1,
  unrecovered: [...evidence.unrecovered, holdIds.join(',')].slice(-KEPT_UNRECOVERED),
});

export const tallyExposure = (evidence: TaskEvidence, ms: number): TaskEvidence => ({ ...evidence, exposure: addExposure(evidence.exposure, ms) });

/**
 * The time from the user's action to Twilio's confirmation. The relay's `occurredAt` when it is
 * believable (not after the signal arrived, nor more than the signature's 300 s before), else the
 * moment the signal arrived.
 */
export function exposureMs(receivedAtMs: number, confirmedAtMs: number, occurredAt?: string): number {
  const occurred = occurredAt === undefined ? Number.NaN : Date.parse(occurredAt);
  const actedAt = Number.isFinite(occurred) && occurred <= receivedAtMs && receivedAtMs - occurred <= 300_000 ? occurred : receivedAtMs;
  return Math.max(0, confirmedAtMs - actedAt);
}

/**
 * One group's figures, which add up across tasks, agents, days and queues: every count a sum,
 * exposure a sketch. A call counts once its task has ended; a transferred call once per task.
 */
export interface Figures {
  calls: number;
  /** Calls with at least one desktop pause (a card entry). */
  cardEntryCalls: number;
  /** Calls with at least one confirmed pause. */
  pausedCalls: number;
  pauses: number;
  failedPauses: number;
  failedPausesRecovered: number;
  failedPausesNotRecovered: number;
  exposure: ExposureSketch;
  expiredWhileInUse: number;
  manualPauses: number;
  supervisorPauses: number;
  apiPauses: number;
  forcedResumes: number;
  repairedRecordings: number;
  /** Calls of a queue whose pause policy is `never` (recorded in full by rule). */
  neverPauseCalls: number;
}

export const emptyFigures = (): Figures => ({
  calls: 0,
  cardEntryCalls: 0,
  pausedCalls: 0,
  pauses: 0,
  failedPauses: 0,
  failedPausesRecovered: 0,
  failedPausesNotRecovered: 0,
  exposure: emptySketch(),
  expiredWhileInUse: 0,
  manualPauses: 0,
  supervisorPauses: 0,
  apiPauses: 0,
  forcedResumes: 0,
  repairedRecordings: 0,
  neverPauseCalls: 0,
});

/** The sum of two groups' figures. */
export function addFigures(a: Figures, b: Figures): Figures {
  const sum = { ...a, exposure: mergeSketches(a.exposure, b.exposure) };
  for (const key of Object.keys(a) as Array<keyof Figures>) {
    if (key !== 'exposure') sum[key] = (a[key] as number) + ((b[key] as number | undefined) ?? 0);
  }
  return sum;
}

/** An ended task's figures: one call; `neverPause` when its queue's policy is `never`. */
export const taskFigures = (evidence: TaskEvidence, neverPause = false): Figures => ({
  calls: 1,
  cardEntryCalls: evidence.desktopPauses > 0 || evidence.failedPauses > 0 ? 1 : 0,
  pausedCalls: evidence.pauses > 0 ? 1 : 0,
  pauses: evidence.pauses,
  failedPauses: evidence.failedPauses,
  failedPausesRecovered: evidence.failedPausesRecovered,
  failedPausesNotRecovered: evidence.failedPauses - evidence.failedPausesRecovered,
  exposure: evidence.exposure,
  expiredWhileInUse: evidence.expiredWhileInUse,
  manualPauses: evidence.manualPauses,
  supervisorPauses: evidence.supervisorPauses,
  apiPauses: evidence.apiPauses,
  forcedResumes: evidence.forcedResumes,
  repairedRecordings: evidence.repairedRecordings,
  neverPauseCalls: neverPause ? 1 : 0,
});

/** A call's ledger keeps the evidence of its newest tasks (a transfer makes another). */
const KEPT_TASKS = 3;

export const evidenceFor = (list: TaskEvidence[] | undefined, taskSid: string, agent?: string): TaskEvidence =>
  list?.find((evidence) => evidence.taskSid === taskSid) ?? emptyTaskEvidence(taskSid, agent);

/** The list with one task's evidence changed; the same list when the change changed nothing. */
export function withTaskEvidence(
  list: TaskEvidence[] | undefined,
  task: { taskSid?: string; agent?: string },
  update: (evidence: TaskEvidence) => TaskEvidence,
): TaskEvidence[] | undefined {
  const taskSid = task.taskSid ?? '';
  const current = evidenceFor(list, taskSid, task.agent);
  const next = update(current);
  if (JSON.stringify(next) === JSON.stringify(current)) return list;
  return [...(list ?? []).filter((evidence) => evidence.taskSid !== taskSid), next].slice(-KEPT_TASKS);
}
