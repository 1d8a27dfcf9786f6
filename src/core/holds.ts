/**
 * The holds ledger: the one rule of the product lives here.
 * A call's recordings are paused if and only if at least one hold is open.
 *
 * Pure data in, pure data out: no Twilio, no React, no clock (callers pass `now`), so the
 * serverless functions and the Flex plugin share it and it can be tested exhaustively.
 */

export type HoldSource = 'desktop' | 'manual' | 'api';

export interface Hold {
  id: string;
  source: HoldSource;
  trigger?: string;
  openedAt: string;
  resumeAt: string | null;
  by?: string;
  /** Why a person paused (manual and API holds), as they typed it. */
  reason?: string;
}

/** One stretch of time during which the recordings were paused. `to` is null while open. */
export interface PauseInterval {
  from: string;
  to: string | null;
  holdIds: string[];
  sources: HoldSource[];
  by: string[];
  /** From the user's action to Twilio confirming the pause that opened it (a desktop start trigger), in ms. */
  exposureMs?: number;
}

export interface Ledger {
  holds: Hold[];
  intervals: PauseInterval[];
  /**
   * The open desktop holds a signal from inside Flex opened (the agent's Flex token standing in for
   * the relay's signature): only these may such a signal close (desktopEvents.ts).
   */
  tokenHolds?: string[];
}

export const emptyLedger = (): Ledger => ({ holds: [], intervals: [] });

export const isPaused = (ledger: Ledger): boolean => ledger.holds.length > 0;

export interface OpenHold {
  id: string;
  source: HoldSource;
  trigger?: string;
  by?: string;
  reason?: string;
  /** Seconds until the hold closes by itself; omitted for holds that wait for a stop. */
  durationSeconds?: number;
}

const addUnique = <T>(list: T[], value: T | undefined): T[] => (value === undefined || list.includes(value) ? list : [...list, value]);

const resumeAtFor = (now: Date, durationSeconds?: number): string | null =>
  durationSeconds === undefined ? null : new Date(now.getTime() + durationSeconds * 1000).toISOString();

/** Opens a hold, or renews an open one with the same id (its `resumeAt` moves to now + duration). */
export function openHold(ledger: Ledger, request: OpenHold, now: Date): Ledger {
  const resumeAt = resumeAtFor(now, request.durationSeconds);
  const existing = ledger.holds.find((hold) => hold.id === request.id);
  if (existing) {
    return {
      ...ledger,
      holds: ledger.holds.map((hold) => (hold === existing ? { ...hold, resumeAt } : hold)),
    };
  }
  const hold: Hold = {
    id: request.id,
    source: request.source,
    ...(request.trigger !== undefined && { trigger: request.trigger }),
    openedAt: now.toISOString(),
    resumeAt,
    ...(request.by !== undefined && { by: request.by }),
    ...(request.reason !== undefined && { reason: request.reason }),
  };
  const intervals = [...ledger.intervals];
  const last = intervals[intervals.length - 1];
  if (ledger.holds.length > 0 && last && last.to === null) {
    intervals[intervals.length - 1] = {
      ...last,
      holdIds: addUnique(last.holdIds, hold.id),
      sources: addUnique(last.sources, hold.source),
      by: addUnique(last.by, hold.by),
    };
  } else {
    intervals.push({
      from: hold.openedAt,
      to: null,
      holdIds: [hold.id],
      sources: [hold.source],
      by: hold.by === undefined ? [] : [hold.by],
    });
  }
  return { holds: [...ledger.holds, hold], intervals };
}

/** Closes the holds the predicate picks; closing the last one ends the open pause interval. */
export function closeHolds(ledger: Ledger, pick: (hold: Hold) => boolean, now: Date): Ledger {
  const holds = ledger.holds.filter((hold) => !pick(hold));
  if (holds.length === ledger.holds.length) return ledger;
  if (holds.length > 0) return { ...ledger, holds };
  const intervals = ledger.intervals.map((interval) => (interval.to === null ? { ...interval, to: now.toISOString() } : interval));
  return { holds, intervals };
}

export const closeHold = (ledger: Ledger, id: string, now: Date): Ledger => closeHolds(ledger, (hold) => hold.id === id, now);

/** Closes every hold whose `resumeAt` has passed, as if its stop trigger had fired now. */
export const expireHolds = (ledger: Ledger, now: Date): Ledger =>
  closeHolds(ledger, (hold) => hold.resumeAt !== null && Date.parse(hold.resumeAt) <= now.getTime(), now);

/** The earliest moment an open hold closes by itself, or null when none will. */
export function nextExpiry(ledger: Ledger): string | null {
  const times = ledger.holds.flatMap((hold) => (hold.resumeAt === null ? [] : [hold.resumeAt]));
  if (times.length === 0) return null;
  return times.reduce((earliest, time) => (Date.parse(time) < Date.parse(earliest) ? time : earliest));
}

/** The last seconds before a pause ends by itself, when the agent is warned (in Flex and beside the CRM field). */
export const RESUME_WARNING_MS = 10_000;

/** A length of time as the agent reads it: "0:42", "12:05". */
export const minutesSeconds = (seconds: number): string => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

/** When the recordings will resume by themselves: only when every open hold has an expiry. */
export function resumesAt(ledger: Ledger): string | null {
  if (ledger.holds.length === 0 || ledger.holds.some((hold) => hold.resumeAt === null)) return null;
  return ledger.holds.map((hold) => hold.resumeAt as string).reduce((latest, time) => (Date.parse(time) > Date.parse(latest) ? time : latest));
}

export type ChangeOutcome = 'paused' | 'resumed' | 'unchanged';

/**
 * What one change did, judged on that change alone (the ledger it was applied to and the ledger
 * it produced), never on a later state: of five concurrent stops, only the one that closed the
 * last hold resumed. A call with no active recording had nothing to pause or resume.
 */
export function outcomeOf(before: Ledger, after: Ledger, recordingAbsent = false): ChangeOutcome {
  if (recordingAbsent || isPaused(before) === isPaused(after)) return 'unchanged';
  return isPaused(after) ? 'paused' : 'resumed';
}

/**
 * Splits the intervals a bounded store keeps from the closed ones it may move elsewhere: the
 * newest `keep` stay (the open one is always among the newest), the older ones are archived.
 */
export function splitIntervals(intervals: PauseInterval[], keep: number): { archived: PauseInterval[]; kept: PauseInterval[] } {
  if (intervals.length <= keep) return { archived: [], kept: intervals };
  const cut = intervals.length - keep;
  const archived = intervals.slice(0, cut);
  // An open interval is always the last one; never archive it.
  if (archived.some((interval) => interval.to === null)) return { archived: [], kept: intervals };
  return { archived, kept: intervals.slice(cut) };
}

/** A stable name for an interval, so one archived twice (a retried write) is read back once. */
export const intervalKey = (interval: PauseInterval): string => `${interval.from}|${interval.to ?? ''}|${interval.holdIds.join(',')}`;
