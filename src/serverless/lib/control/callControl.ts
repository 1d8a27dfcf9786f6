/**
 * Changes a call's holds and makes its recordings agree, for every entry point (desktop events,
 * the API, the sweep, TaskRouter's events). The rule "paused ⇔ an open hold" is the core's; this
 * file decides the order of Twilio requests so the rule holds under concurrency and failure:
 *
 * - The ledger a change starts from is the one this container last read or wrote, when it has
 *   one (a warm container: no read), else read now; If-Match on its revision catches a stale one.
 * - Pause-first (a change that can only open holds): the pause goes out at once, alongside the
 *   ledger read, so one Twilio round trip stands between the signal and paused recordings. The
 *   hold is committed only once Twilio confirmed the pause of every recording. A pause that
 *   failed for any recording is undone: the recordings are set back to what the ledger says
 *   (or, if even that fails, the ledger is flagged for the sweep), so a partial pause never
 *   outlives the request.
 * - Otherwise: commit the ledger change, then set the recordings to what it now requires. When
 *   the last hold closes on recordings Twilio confirmed paused, that commit already records the
 *   resume, and after Twilio answered one read checks nobody wrote meanwhile.
 * - Every other apply is followed by a conditional write of what Twilio confirmed; if another
 *   writer committed meanwhile, the apply may have overtaken theirs, so the latest ledger is
 *   applied again. A pause-first that read a ledger with a recent resume does the same check.
 * - A desktop signal's event id (and, once known, its answer) goes into the ledger in the same
 *   write as its change, and the ledger read alongside the pause says whether the signal is a
 *   repeat and whether the call is still the agent's: no request of their own.
 * - The settled state of every change is copied once into the live index, which the sweep and
 *   supervisors read.
 */
import { ChangeContext, exposureMs, tallyChange, tallyExposure, tallyFailedPause, withTaskEvidence } from '../../../core/evidence';
import { expireHolds, isPaused } from '../../../core/holds';
import type { Committed, LedgerStore, StoredRecord } from '../stores/ledgerStore';
import type { CallRecord } from '../base/callRecord';
import { conferenceOf, newCallRecord } from '../base/callRecord';
import type { LiveIndex } from '../stores/liveIndex';
import type { RepairMarks } from '../stores/repairMarks';
import {
  CallEndedError,
  isActive,
  type LiveCall,
  type PlatformRecording,
  type RecordingBackend,
  type RecordingKind,
  type RecordingTarget,
  RecordingUpdateError,
  summarize,
} from '../base/recordingBackend';
import { seenBefore, SignalIdentity, withoutAnswer, withSignal } from '../base/replays';

/**
 * A resume written down before it is sent (see `change`) is on its way for a moment. When Twilio
 * answered it within `withinMs` of its decision, with no attempt left uncertain (retry.ts), it
 * landed by then: a pause sent later cannot be overtaken by it, and its sender checks nothing
 * more. A slower resume is checked by its sender once answered (one ledger read). A pause sent
 * sooner than that after a resume's decision (with `clockSkewMs` for the clocks of two containers)
 * sets the recordings again once the window has passed.
 */
export interface ResumeLanding {
  withinMs: number;
  clockSkewMs: number;
}
export const RESUME_LANDING: ResumeLanding = { withinMs: 1_000, clockSkewMs: 250 };
/**
 * A ledger written longer ago than this has no copy of its own still on the way to the index
 * (a copy is sent the moment its write is answered, and retries last a few seconds at most).
 */
const QUIET_AFTER_MS = 5_000;
/**
 * A pause Twilio answers later than this is shown as on its way (`pausing`): longer than a pause
 * takes when Twilio answers (two round trips when the conference is looked up by name), shorter than
 * an outage's retries.
 */
export const PAUSING_SHOWN_AFTER_MS = 700;
const MAX_SETTLE_ROUNDS = 6;
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A copy into the live index sent with a ledger write, rather than one round trip after it (at most
 * once per write, and only on its first attempt). A write that then met a conflict landed another
 * record: `landed` says whether the copy already sent is of the record that was committed.
 */
class CopyAlongside {
  private sent?: { seq: number; done: Promise<void> };

  constructor(private readonly copy: (record: CallRecord, quiet: boolean) => Promise<void>) {}

  offer(next: CallRecord, conflicts: number, allowed: boolean, quiet: boolean): void {
    if (!this.sent && conflicts === 0 && allowed) this.sent = { seq: next.seq, done: this.copy(next, quiet) };
  }

  landed(committed: Committed | null): boolean {
    return this.sent !== undefined && committed?.changed === true && committed.conflicts === 0 && committed.record.seq === this.sent.seq;
  }

  /** The copy sent, answered (an index failure is logged, never thrown). */
  async done(): Promise<void> {
    await this.sent?.done;
  }
}

/** The recordings the ledger knows to be running or paused. */
const knownActive = (record: CallRecord) => record.recordings.filter((recording) => recording.status === 'paused' || recording.status === 'in-progress');

/**
 * A resume need only reach the recordings the ledger knows (every pause that stands is written into
 * it with what Twilio confirmed) — unless an early pause of this very request is being put back,
 * which the ledger never recorded. A pause reaches every kind, since one may have appeared. Unknown
 * when the ledger is not sure: then every kind.
 */
function resumeKinds(record: CallRecord | null, target: RecordingTarget): RecordingKind[] | undefined {
  if (target !== 'in-progress' || !record || record.outOfSync || record.recording === 'unknown') return undefined;
  return [...new Set(knownActive(record).map((recording) => recording.kind))];
}

/**
 * The change closes the last hold of a call whose recordings Twilio confirmed paused: the
 * recordings a resume will find running, as the ledger knows them. Undefined otherwise.
 */
function expectedResume(record: CallRecord, next: CallRecord): PlatformRecording[] | undefined {
  if (record.outOfSync || record.recording !== 'paused' || targetFor(next) !== 'in-progress') return undefined;
  const active = knownActive(record);
  return active.length ? active.map(({ sid, kind, startedAt }) => ({ sid, kind, status: 'in-progress', ...(startedAt && { startedAt }) })) : undefined;
}

/** The recordings as the ledger last had them confirmed. */
export const knownStates = (record: CallRecord): PlatformRecording[] =>
  record.recordings.map(({ sid, kind, status, startedAt }) => ({ sid, kind, status: status ?? 'unknown', ...(startedAt && { startedAt }) }));

export type SignalAnswer = Record<string, unknown>;

export interface ChangeRequest {
  /** The next ledger for the call; return the same object for "no change". */
  change: (record: CallRecord, now: Date) => CallRecord;
  /** Send the pause before reading state: only for changes that can only open holds. */
  pauseFirst?: boolean;
  /**
   * With `pauseFirst`: the next card field's start, this soon after a stop (whose hold waits that
   * long for it), sends Twilio nothing when the ledger on hand says the recordings are confirmed
   * paused. Only a ledger that fresh stands in for Twilio's answer, which is what tells an ended call.
   */
  nextFieldWindowMs?: number;
  /**
   * A desktop signal: claimed in the very write that applies it (seenSignals.ts), so a repeat from
   * any container is known at no extra request; `answer` is what to keep for repeats.
   */
  signal?: { identity: SignalIdentity; answer: (outcome: AppliedChange) => SignalAnswer };
  /**
   * The agent whose call this must be (a call remembered or named, not looked up): a ledger that
   * names nobody or another agent means the call moved — the speculative pause is put back and
   * CallMovedError thrown before anything commits.
   */
  heldBy?: string;
  /** What the change means for the compliance figures (core/evidence.ts). */
  tally?: TallyRequest;
  /**
   * The pause went out by what this container had on hand (an older copy of the configuration):
   * false once the newer says otherwise, and then the pause is put back and nothing is written
   * (SpeculationRefused), for the caller to start again by the newer.
   */
  stillSo?: Promise<boolean>;
}

/** A pause sent by an older copy of the configuration, which the newer one does not confirm: put back, nothing written. */
export class SpeculationRefused extends Error {
  constructor() {
    super('the configuration changed while the pause was on its way');
  }
}

export interface TallyRequest extends ChangeContext {
  /** The holds a pause is to open: a failure is counted against them. */
  opens?: string[];
  /** A start trigger: its exposure runs from the user's action (else this moment) to Twilio's confirmation. */
  exposure?: { receivedAtMs: number; occurredAt?: string };
}

/** The change's holds tallied into the evidence of the call's task; `after` itself when nothing counts. */
function tallied(before: CallRecord, after: CallRecord, now: Date, tally: TallyRequest = {}): CallRecord {
  const evidence = withTaskEvidence(after.evidence, after.call, (current) => tallyChange(current, before, after, now, tally));
  return evidence === after.evidence ? after : { ...after, evidence };
}

/**
 * Twilio confirmed every recording paused for a start trigger: its exposure goes into the task's
 * evidence, and into the interval it opened, for the call's timeline. `confirmedAtMs` undefined:
 * Twilio had confirmed them paused before the trigger came (nothing sent), so its exposure is 0.
 */
function withExposure(before: CallRecord, record: CallRecord, confirmedAtMs: number | undefined, tally: TallyRequest | undefined): CallRecord {
  if (!tally?.exposure || record.recording !== 'paused') return record;
  const ms = confirmedAtMs === undefined ? 0 : exposureMs(tally.exposure.receivedAtMs, confirmedAtMs, tally.exposure.occurredAt);
  const opened = !isPaused(before) && record.intervals.length > 0;
  const intervals = opened ? [...record.intervals.slice(0, -1), { ...record.intervals[record.intervals.length - 1], exposureMs: ms }] : record.intervals;
  return { ...record, intervals, evidence: withTaskEvidence(record.evidence, record.call, (evidence) => tallyExposure(evidence, ms)) };
}

/** What one change did: `before` → `after` is this change alone; `latest` is the ledger after it settled. */
export interface AppliedChange {
  before: CallRecord;
  after: CallRecord;
  latest: CallRecord;
  recordings: PlatformRecording[];
}

/** A repeat (or a conflicting reuse) of a signal changes nothing; a repeat carries the first answer. */
export type ChangeResult = ({ duplicate: false } & AppliedChange) | { duplicate: true; conflict: boolean; answer?: SignalAnswer; latest: CallRecord | null };

/** Sync failed while a change was flagged: the trace went to TaskRouter instead (see repairMarks.ts). */
export class FlaggedElsewhere extends Error {
  constructor(readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : 'Sync did not answer');
  }
}

/**
 * The conference as the ledger knows it, where the caller does not: its sid once found, else the
 * name Flex gave it (the call's first task, which a transfer does not change).
 */
function ledgerConference(call: LiveCall, record: CallRecord): Pick<LiveCall, 'conferenceSid' | 'conferenceName'> {
  const known = conferenceOf(record);
  return { ...(call.conferenceName && { conferenceName: call.conferenceName }), ...known, ...(call.conferenceSid && { conferenceSid: call.conferenceSid }) };
}

/**
 * A pause sent before the ledger was read went by what the caller knew of the call: when the ledger
 * knows a conference the pause did not reach (a transfer: the conference keeps the first task's
 * name), the call is not paused yet — never answer "paused" while a recording of the call records.
 */
function missedByPause(call: LiveCall, record: CallRecord, states: PlatformRecording[]): boolean {
  const { conferenceSid, conferenceName } = record.call;
  if (conferenceSid) return conferenceSid !== call.conferenceSid && !states.some((state) => state.conferenceSid === conferenceSid);
  return conferenceName !== undefined && conferenceName !== (call.conferenceName ?? call.taskSid);
}

/** The call a speculative pause went to is not the agent's call any more. */
export class CallMovedError extends Error {
  constructor() {
    super('the agent is on another call now');
  }
}

/** The change that only closes holds whose time has come. */
export const expireDue = (record: CallRecord, now: Date): CallRecord => {
  const expired = expireHolds(record, now);
  // Nothing due: the same record, so nothing is written.
  return expired === record ? record : { ...record, ...expired };
};

export const targetFor = (record: CallRecord | null): RecordingTarget => (record && isPaused(record) ? 'paused' : 'in-progress');

/** Writes down what Twilio confirmed: each recording's latest status, the call's summary and a conference found late. */
function withConfirmed(record: CallRecord, states: PlatformRecording[]): CallRecord {
  const conferenceSid = record.call.conferenceSid ?? states.find((state) => state.conferenceSid)?.conferenceSid;
  const confirmed = new Map(states.map((state) => [state.sid, state]));
  const known = record.recordings.map((recording) => {
    const state = confirmed.get(recording.sid);
    return state ? { ...recording, status: state.status, ...(state.startedAt && !recording.startedAt && { startedAt: state.startedAt }) } : recording;
  });
  const fresh = states
    .filter((state) => !record.recordings.some((recording) => recording.sid === state.sid))
    .map(({ sid, kind, status, startedAt }) => ({ sid, kind, status, ...(startedAt && { startedAt }) }));
  return { ...record, ...(conferenceSid && { call: { ...record.call, conferenceSid } }), recordings: [...known, ...fresh], recording: summarize(states) };
}

/**
 * A ledger that never had Twilio's answer learns the recordings running (listed by a reader, or
 * when the conference is named); the same record when it knows them already. With none running,
 * a reader's list says "absent"; at the conference's naming one may still be starting.
 */
export function withFirstRecordings(record: CallRecord, states: PlatformRecording[], { noneMeansAbsent = true } = {}): CallRecord {
  const running = states.filter(isActive);
  if (record.recording !== 'unknown' || (running.length === 0 && !noneMeansAbsent)) return record;
  return withConfirmed(record, running);
}

/** Nothing Twilio confirmed differs from what the record says: writing it again would change nothing. */
const confirmsRecord = (record: CallRecord, states: PlatformRecording[]): boolean => {
  const confirmed = withConfirmed(record, states);
  return (
    !record.outOfSync &&
    confirmed.recording === record.recording &&
    JSON.stringify(confirmed.recordings) === JSON.stringify(record.recordings) &&
    confirmed.call.conferenceSid === record.call.conferenceSid
  );
};

export interface CallControlOptions {
  /** The platform's recordings (Twilio's: twilio/recordings.ts). */
  recordings: RecordingBackend;
  store: LedgerStore;
  /**
   * The one clock, for holds and for the windows above alike (a ledger's `updatedAt` comes from it
   * too); `sleep` waits on it. Tests and fault runs pass a simulated one, so no run waits for real time.
   */
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  landing?: ResumeLanding;
  /** Every ledger write is copied there, for the sweep and supervisors. */
  index?: LiveIndex;
  /** Where a pause that could not be put right nor flagged in Sync leaves its trace (TaskRouter). */
  repairs?: RepairMarks;
  log?: (line: string) => void;
}

export class CallControl {
  private readonly recordings: RecordingBackend;
  private readonly store: LedgerStore;
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly landing: ResumeLanding;
  private readonly index?: LiveIndex;
  readonly repairs?: RepairMarks;
  private readonly log: (line: string) => void;
  /**
   * Per call, the `lastResumeAt` of a resume this container sent and saw answered, decided when no
   * other resume was recent: a pause that finds it the latest need not fear a resume still on its way.
   */
  private readonly answeredResumes = new Map<string, { lastResumeAt: string; answeredAtMs: number }>();

  constructor(options: CallControlOptions) {
    this.recordings = options.recordings;
    this.store = options.store;
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? realSleep;
    this.landing = options.landing ?? RESUME_LANDING;
    this.index = options.index;
    this.repairs = options.repairs;
    this.log = options.log ?? console.error;
  }

  private set(call: LiveCall, target: RecordingTarget, kinds?: RecordingKind[], onUncertainAttempt?: () => void): Promise<PlatformRecording[]> {
    return this.recordings.set(call, target, kinds, onUncertainAttempt);
  }

  /**
   * Sync could not take the flag: the trace goes to the task (TaskRouter), which the sweep reads
   * too. Only if both fail is the recording left as it is, and that is logged.
   */
  private async markForRepair(call: LiveCall): Promise<void> {
    try {
      if (await this.repairs?.mark(call)) return;
    } catch {
      // logged below
    }
    this.log(`call ${call.callSid} may disagree with its ledger and could not be marked for the sweep`);
  }

  load(callSid: string): Promise<StoredRecord | null> {
    return this.store.load(callSid);
  }

  /** Every pause interval of the call, archived ones included. */
  allIntervals(record: CallRecord): ReturnType<LedgerStore['allIntervals']> {
    return this.store.allIntervals(record);
  }

  /**
   * Reads the call's ledger to change it soon: its index item is read alongside (unless known), so
   * the change's copy goes out with its write. The ledger is then the one `recalled` gives.
   */
  async loadForChange(callSid: string): Promise<StoredRecord | null> {
    const [stored] = await Promise.all([this.store.load(callSid), this.index?.prefetch(callSid)]);
    return stored;
  }

  /** Reads the call's index item unless known, as `loadForChange` does, for a change that may follow a read made elsewhere. */
  async prefetchIndex(callSid: string): Promise<void> {
    await this.index?.prefetch(callSid);
  }

  /** The call's ledger as this container last read or wrote it (see LedgerStore.recalled). */
  recalled(callSid: string): StoredRecord | undefined {
    return this.store.recalled(callSid);
  }

  /**
   * A ledger write that changes nothing the live index shows (a task's end, which takes the call out
   * of the index by itself; the agent's other calls): no copy goes with it.
   */
  async note(callSid: string, change: (current: CallRecord | null) => CallRecord | null): Promise<void> {
    await this.store.commit(callSid, change);
  }

  /**
   * A ledger write, copied into the live index; `alongside` (given what was committed) goes out
   * with the copy, so requests that only need the write done cost no round trip of their own.
   */
  async commit(
    callSid: string,
    change: (current: CallRecord | null) => CallRecord | null,
    base?: StoredRecord | null,
    alongside?: (committed: Committed | null) => Promise<unknown>,
  ): Promise<Committed | null> {
    const copy = this.copyAlongside();
    const committed = await this.store.commit(callSid, change, base, (next, conflicts) =>
      copy.offer(next, conflicts, this.index?.copiesInOne(next) === true, false),
    );
    await Promise.all([copy.done(), committed?.changed && !copy.landed(committed) ? this.indexed(committed.record) : undefined, alongside?.(committed)]);
    return committed;
  }

  /**
   * Writes down the recordings' state Twilio reported to a reader (the first `status` of a call),
   * once: so the document and the live index say "recording" before anyone paused.
   */
  async noteRecordings(callSid: string, states: PlatformRecording[], base?: StoredRecord | null): Promise<void> {
    await this.commit(
      callSid,
      (current) => {
        const noted = current && withFirstRecordings(current, states);
        return noted === current ? null : noted;
      },
      base,
    );
  }

  /**
   * The index is a copy for readers. `quiet`: nobody else wrote the ledger in the last few
   * seconds, so no other copy of it can still be on its way and ours needs no read first.
   * Failing to update it must not fail the change itself.
   */
  private async indexed(record: CallRecord, quiet = false): Promise<void> {
    try {
      await this.index?.record(record, { quiet });
    } catch (error) {
      this.log(`live index not updated for ${record.call.callSid}: ${error instanceof Error ? error.message : 'error'}`);
    }
  }

  /**
   * Why this request must not change the ledger as it stands: the call is not (or no longer) the
   * agent's, or its signal was applied and answered already (a repeat), or its id came with another
   * body (a conflict). A signal applied but never answered (Twilio did not confirm) is applied again.
   */
  private refusal(record: CallRecord | null, request: ChangeRequest): 'moved' | { conflict: boolean; answer?: SignalAnswer } | undefined {
    if (request.heldBy !== undefined && record?.call.agent !== request.heldBy) return 'moved';
    if (!request.signal || !record) return undefined;
    const seen = seenBefore(record.signals, request.signal.identity);
    if (seen.kind === 'conflict') return { conflict: true };
    if (seen.kind === 'repeat') return { conflict: false, answer: seen.answer };
    return undefined;
  }

  /** A refused request: our early pause may contradict the ledger, so the recordings go back to what it says. */
  private async refused(
    call: LiveCall,
    refusal: 'moved' | { conflict: boolean; answer?: SignalAnswer },
    sent: unknown,
    latest: CallRecord | null,
  ): Promise<ChangeResult> {
    const after = sent ? await this.restore(call) : latest;
    if (refusal === 'moved') throw new CallMovedError();
    return { duplicate: true, conflict: refusal.conflict, ...(refusal.answer && { answer: refusal.answer }), latest: after };
  }

  /**
   * The ledger a change starts from: as this container last wrote or read it when it did (a stale
   * one only costs the write a conflict and a read), else read now. A refusal is never decided on
   * a remembered ledger: the call may have come back to the agent meanwhile.
   */
  private async startingLedger(call: LiveCall, request: ChangeRequest): Promise<StoredRecord | null> {
    const recalled = this.store.recalled(call.callSid);
    if (recalled && !this.refusal(recalled.record, request)) return recalled;
    return this.store.load(call.callSid);
  }

  private copyAlongside(): CopyAlongside {
    return new CopyAlongside((record, quiet) => this.indexed(record, quiet));
  }

  /** A copy of `next` can go out with its ledger write: one request that nobody else's copy can be overtaken by. */
  private copiesAlongside(next: CallRecord, quiet: boolean): boolean {
    return quiet || this.index?.copiesInOne(next) === true;
  }

  async change(call: LiveCall, request: ChangeRequest): Promise<ChangeResult> {
    const sentAt = this.now().getTime();
    const recalled = this.store.recalled(call.callSid);
    // The conference this container's ledger names (a task event came here): not looked up by name again.
    const pauseCall = recalled ? { ...call, ...ledgerConference(call, recalled.record) } : call;
    // Recordings Twilio confirmed paused under an open hold: the start is the hold's write alone (answered in it).
    const early =
      request.pauseFirst && !this.pausedForNextField(recalled, sentAt, request.nextFieldWindowMs)
        ? this.set(pauseCall, 'paused').then(
            (states) => ({ states, confirmedAtMs: this.now().getTime() }),
            (error: unknown) => ({ error }),
          )
        : undefined;
    // Twilio slow to confirm (an outage's retries): the agent's Flex, which follows the ledger, says a pause is on its way.
    const marked = early && request.signal ? this.markPausing(call.callSid, early) : undefined;
    // A container that does not know the call's index item reads it now, so its copy can go out with the write.
    const indexKnown = this.index?.prefetch(call.callSid);
    let base: StoredRecord | null;
    let stillSo: boolean;
    try {
      [base, , stillSo] = await Promise.all([this.startingLedger(call, request), indexKnown, request.stillSo ?? true]);
    } catch (error) {
      // The ledger could not be read: whatever our early pause did must not stand.
      if (early) {
        await early;
        await marked;
        await this.restore(call);
      }
      throw error;
    }
    const sent = await early;
    base = CallControl.newer(base, await marked);
    // The call is over: nothing was paused, so nothing is put back (nor its ledger written again).
    if (sent && 'error' in sent && sent.error instanceof CallEndedError) throw sent.error;
    if (!stillSo) {
      if (sent) await this.restore(call);
      throw new SpeculationRefused();
    }
    const refusal = this.refusal(base?.record ?? null, request);
    if (refusal) return this.refused(call, refusal, sent, base?.record ?? null);
    if (sent && 'error' in sent) {
      await this.restore(call);
      await this.noteFailedPause(call.callSid, request.tally);
      throw sent.error;
    }

    const signal = request.signal;
    /** The record with this request's signal in it, and its answer when known by now. */
    const claimed = (record: CallRecord, answer?: SignalAnswer): CallRecord =>
      signal ? { ...record, signals: withSignal(record.signals, signal.identity, this.now(), answer) } : record;
    let before: CallRecord | undefined;
    let after: CallRecord | undefined;
    let refusedMeanwhile: ReturnType<CallControl['refusal']>;
    /** The recordings a resume written down ahead of Twilio's answer expects to see running. */
    let resuming: PlatformRecording[] | undefined;
    /** When that resume was decided (see ResumeLanding). */
    let resumeDecidedAtMs = 0;
    let committed: Committed | null;
    /** The write itself answers the signal: Twilio has nothing to do. */
    let answeredInWrite = false;
    /** A resume decided lately may land after the pause the ledger records: how long until it surely landed. */
    let resumeMayLand: number | undefined;
    // Nobody else wrote the call lately: a pause's write is almost surely final, so its copy into
    // the index goes out alongside it rather than one round trip later.
    const quiet = !base || sentAt - Date.parse(base.record.updatedAt) > QUIET_AFTER_MS;
    const copy = this.copyAlongside();
    try {
      committed = await this.store.commit(
        call.callSid,
        (current) => {
          resuming = undefined;
          answeredInWrite = false;
          resumeMayLand = undefined;
          // Another writer got there first: the same signal from another container, or a transfer.
          refusedMeanwhile = this.refusal(current, request);
          if (refusedMeanwhile) return null;
          // The conference's name is the call's first task's, whatever task the caller knew.
          const start = current ?? newCallRecord(call);
          const record = { ...start, call: { ...start.call, ...call, ...ledgerConference(call, start) } };
          before = record;
          const at = this.now();
          after = tallied(record, request.change(record, at), at, request.tally);
          if (sent) {
            const confirmed = withExposure(record, { ...withConfirmed(after, sent.states), outOfSync: false }, sent.confirmedAtMs, request.tally);
            return claimed(confirmed, signal?.answer({ before: record, after, latest: confirmed, recordings: sent.states }));
          }
          if (after === record && current && !signal) return null;
          // A signal that leaves the recordings' target as it was (no hold changed, a stop that waits for
          // the next field, a start while paused) on a call Twilio confirmed as the holds require: nothing
          // to set, so it is answered now — "paused" only once no resume can land after the pause it records.
          resumeMayLand = targetFor(after) === 'paused' ? this.resumeLandsIn(call.callSid, current, at.getTime()) : undefined;
          answeredInWrite =
            current !== null &&
            signal !== undefined &&
            targetFor(after) === targetFor(record) &&
            this.confirmedAsRequired(current) &&
            resumeMayLand === undefined;
          if (answeredInWrite && signal) {
            const recordings = knownStates(record);
            // A start on recordings already paused: nothing of the user's entry was recorded.
            const answeredAfter = withExposure(record, after, undefined, request.tally);
            return claimed(answeredAfter, signal.answer({ before: record, after, latest: answeredAfter, recordings }));
          }
          // The last hold closes on recordings Twilio confirmed paused: the ledger says "recording" at
          // once and the resume follows it, so one round trip after the write nothing is left to do.
          resuming = current ? expectedResume(current, after) : undefined;
          if (resuming) {
            resumeDecidedAtMs = this.now().getTime();
            const resumed = { ...withConfirmed(after, resuming), outOfSync: false, lastResumeAt: this.now().toISOString() };
            return claimed(resumed, signal?.answer({ before: record, after, latest: resumed, recordings: resuming }));
          }
          return claimed(after);
        },
        base,
        (next, conflicts) => {
          copy.offer(next, conflicts, (sent !== undefined || resuming !== undefined || answeredInWrite) && this.copiesAlongside(next, quiet), quiet);
        },
      );
    } catch (error) {
      // The hold could not be written down: a pause without it must not stand (nor its copy: the
      // restore writes the ledger's own state of that count over it).
      await copy.done();
      if (sent) await this.restore(call);
      throw error;
    }
    await copy.done();
    if (refusedMeanwhile) return this.refused(call, refusedMeanwhile, sent, committed?.record ?? null);
    if (!committed || !before || !after) throw new Error('the call ledger could not be written');
    const outcomeOf = (latest: CallRecord, recordings: PlatformRecording[]): AppliedChange => ({ before: before!, after: after!, latest, recordings });
    const copyLanded = copy.landed(committed);

    if (sent) {
      // A resume decided shortly before our pause may land after it: the latest is applied once it has landed.
      const resumeLands = this.resumeLandsIn(call.callSid, committed.record, sentAt);
      if (
        committed.conflicts > 0 ||
        resumeLands !== undefined ||
        targetFor(committed.record) !== 'paused' ||
        missedByPause(pauseCall, committed.record, sent.states)
      ) {
        if (resumeLands) await this.sleep(resumeLands);
        const settled = await this.settle(call, committed);
        const recordings = settled.recordings.length ? settled.recordings : sent.states;
        return { duplicate: false, ...outcomeOf(settled.record ?? committed.record, recordings) };
      }
      if (!copyLanded) await this.indexed(committed.record);
      return { duplicate: false, ...outcomeOf(committed.record, sent.states) };
    }
    const answered = signal && ((record: CallRecord, states: PlatformRecording[]) => claimed(record, signal.answer(outcomeOf(record, states))));
    if (resuming) {
      const decidedAt = this.now().getTime();
      const resumed = await this.resumeAsWritten(call, committed, resuming, signal, resumeDecidedAtMs);
      // A resume that landed late may have overtaken a pause committed meanwhile: the ledger must
      // still be the one we wrote, and pauses sent until now must know this resume was on its way.
      const checked = resumed && !resumed.landedInTime ? await this.answeredLate(call.callSid, committed) : { stored: committed, ours: true };
      if (resumed?.states && checked.ours && checked.stored) {
        const written = checked.stored;
        // Nothing else resumed lately (the ledger this resume was written on says so): later pauses here need not re-check.
        if (this.resumeLandsIn(call.callSid, before, decidedAt) === undefined && written.record.lastResumeAt) {
          this.noteAnsweredResume(call.callSid, written.record.lastResumeAt);
        }
        if (!copyLanded) await this.indexed(written.record);
        return { duplicate: false, ...outcomeOf(written.record, resumed.states) };
      }
      // Another writer came in, or Twilio saw other recordings than the ledger: the latest ledger is applied.
      const settled = await this.settle(call, checked.stored, { annotate: answered });
      return { duplicate: false, ...outcomeOf(settled.record ?? committed.record, settled.recordings) };
    }
    // Our write met nobody else's: its copy needs no read of the item first.
    const stillQuiet = quiet && committed.conflicts === 0;
    if (answeredInWrite) {
      if (!copyLanded) await this.indexed(committed.record, stillQuiet);
      return { duplicate: false, ...outcomeOf(committed.record, knownStates(committed.record)) };
    }
    // A resume still on its way would overtake the pause set now: it lands first.
    if (resumeMayLand) await this.sleep(resumeMayLand);
    // The answer (and a start's exposure, up to Twilio's confirmation) is kept in the write that records what Twilio confirmed.
    const confirmedStart =
      answered && ((record: CallRecord, states: PlatformRecording[]) => answered(withExposure(before!, record, this.now().getTime(), request.tally), states));
    const settled = await this.settle(call, committed, { quiet: stillQuiet, onlyKnownKinds: true, annotate: confirmedStart });
    return { duplicate: false, ...outcomeOf(settled.record ?? committed.record, settled.recordings) };
  }

  /**
   * Writes `pausing` into the ledger when Twilio has not confirmed the pause within PAUSING_SHOWN_AFTER_MS
   * (nothing, and no request, when it has): only while nothing holds the call. The change's own write
   * then takes it away. Never throws: the mark is for the agent's eyes.
   */
  private async markPausing(callSid: string, early: Promise<unknown>): Promise<Committed | null | undefined> {
    // Real time, not the injected clock's: a hint for the agent's eyes, which a simulated clock should not be advanced for.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = await Promise.race([
      early.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), PAUSING_SHOWN_AFTER_MS);
      }),
    ]);
    clearTimeout(timer);
    if (!late) return undefined;
    const since = this.now().toISOString();
    return this.store
      .commit(
        callSid,
        (current) => (current && !isPaused(current) && current.recording !== 'paused' && !current.pausing ? { ...current, pausing: since } : null),
        this.store.recalled(callSid),
      )
      .catch(() => undefined);
  }

  /** The newer of two copies of the ledger: the change goes on from the mark's write rather than meet it as a conflict. */
  private static newer(base: StoredRecord | null, marked: Committed | null | undefined): StoredRecord | null {
    return marked?.changed && (!base || marked.record.seq > base.record.seq) ? marked : base;
  }

  /**
   * Sends the resume the ledger already records: the recordings Twilio confirms (`states`), undefined
   * when they are not the ones the ledger expected (a new one, one gone), and whether it landed in
   * time (see ResumeLanding). When Twilio does not confirm it, the ledger is flagged for the sweep —
   * without the signal's answer, so a repeat is applied again rather than told "resumed" — and the
   * error thrown.
   */
  private async resumeAsWritten(
    call: LiveCall,
    committed: Committed,
    expected: PlatformRecording[],
    signal: ChangeRequest['signal'],
    decidedAtMs: number,
  ): Promise<{ states?: PlatformRecording[]; landedInTime: boolean }> {
    const live: LiveCall = {
      ...call,
      ...ledgerConference(call, committed.record),
      taskSid: call.taskSid ?? committed.record.call.taskSid,
    };
    let states: PlatformRecording[];
    let uncertain = false;
    try {
      states = await this.set(live, 'in-progress', [...new Set(expected.map((state) => state.kind))], () => {
        uncertain = true;
      });
    } catch (error) {
      if (error instanceof CallEndedError) throw error;
      const unanswered = (record: CallRecord) => (signal ? { ...record, signals: withoutAnswer(record.signals, signal.identity) } : record);
      await this.flagOutOfSync(live, unanswered);
      throw error;
    }
    const asExpected = states.length === expected.length && states.every((state) => expected.some((known) => known.sid === state.sid));
    return { ...(asExpected && { states }), landedInTime: !uncertain && this.now().getTime() - decidedAtMs <= this.landing.withinMs };
  }

  /**
   * A resume answered late: the ledger's `lastResumeAt` moves to now, so a pause sent before now
   * sets the recordings again once this resume surely landed — on condition nobody wrote the
   * ledger since ours (`ours`); otherwise the latest is returned, to be applied after our resume.
   */
  private async answeredLate(callSid: string, committed: Committed): Promise<{ stored: StoredRecord | null; ours: boolean }> {
    let first = true;
    const restamped = await this.store.commit(
      callSid,
      (current) => {
        const ours = first && current !== null;
        first = false;
        return ours ? { ...current, lastResumeAt: this.now().toISOString() } : null;
      },
      committed,
    );
    return { stored: restamped, ours: restamped?.changed === true && restamped.conflicts === 0 };
  }

  /** A pause Twilio did not confirm, for the compliance figures; a ledger that cannot take it leaves only the log line. */
  private async noteFailedPause(callSid: string, tally: TallyRequest | undefined): Promise<void> {
    if (!tally?.opens?.length) return;
    const opens = tally.opens;
    try {
      await this.commit(
        callSid,
        (current) => current && { ...current, evidence: withTaskEvidence(current.evidence, current.call, (evidence) => tallyFailedPause(evidence, opens)) },
      );
    } catch {
      this.log(`call ${callSid}: a failed pause could not be counted (Sync did not answer)`);
    }
  }

  /** Twilio did not confirm a change: the ledger says so, for the sweep; failing that, the task does (repairMarks.ts). */
  private async flagOutOfSync(call: LiveCall, also: (record: CallRecord) => CallRecord = (record) => record): Promise<void> {
    try {
      await this.commit(call.callSid, (record) => also({ ...(record ?? newCallRecord(call)), outOfSync: true }));
    } catch (syncError) {
      await this.markForRepair(call);
      throw new FlaggedElsewhere(syncError);
    }
  }

  /**
   * A resume decided shortly before `sentAt` may land after a pause sent then: how long until it
   * surely landed (0: by now), or undefined when it cannot overtake the pause — it was decided long
   * enough before (see ResumeLanding), or it is the one this container saw answered before the
   * pause was sent (and nothing else resumed since: it would be the latest).
   */
  private resumeLandsIn(callSid: string, record: CallRecord | null, sentAt: number): number | undefined {
    const lastResumeAt = record?.lastResumeAt;
    if (!lastResumeAt) return undefined;
    const window = this.landing.withinMs + this.landing.clockSkewMs;
    const landedBy = Date.parse(lastResumeAt) + window;
    if (landedBy <= sentAt) return undefined;
    const answered = this.answeredResumes.get(callSid);
    // The resume's answer came before the pause was sent (strictly: a clock that did not move between the two proves nothing).
    if (answered?.lastResumeAt === lastResumeAt && answered.answeredAtMs < sentAt) return undefined;
    // Never longer than the window: another container's clock may be ahead of ours.
    return Math.min(window, Math.max(0, landedBy - this.now().getTime()));
  }

  private noteAnsweredResume(callSid: string, lastResumeAt: string): void {
    this.answeredResumes.delete(callSid);
    this.answeredResumes.set(callSid, { lastResumeAt, answeredAtMs: this.now().getTime() });
    if (this.answeredResumes.size > 2000) this.answeredResumes.delete(this.answeredResumes.keys().next().value as string);
  }

  /**
   * The ledger this container has on hand says Twilio confirmed the recordings paused, a hold waits
   * for the next field (a stop came less than `windowMs` ago) and no resume can still land: a start
   * then sends Twilio nothing. Its write, on that ledger's revision, proves the ledger still says so;
   * if it does not, the change settles as any other.
   */
  private pausedForNextField(recalled: StoredRecord | undefined, at: number, windowMs = 0): boolean {
    const record = recalled?.record;
    if (!record || windowMs <= 0 || record.recording !== 'paused' || !this.confirmedAsRequired(record)) return false;
    if (record.call.taskSid && record.endedTasks?.includes(record.call.taskSid)) return false;
    const writtenAt = Date.parse(record.updatedAt);
    const waitsForNextField = record.holds.some((hold) => {
      const resumeAt = hold.resumeAt === null ? Number.NaN : Date.parse(hold.resumeAt);
      return resumeAt > at && resumeAt <= writtenAt + windowMs;
    });
    return waitsForNextField && this.resumeLandsIn(record.call.callSid, record, at) === undefined;
  }

  /** Twilio last confirmed the recordings as the holds require them, and nothing is pending. */
  private confirmedAsRequired(record: CallRecord): boolean {
    if (record.outOfSync || record.recording === 'unknown') return false;
    return targetFor(record) === 'paused' ? record.recording === 'paused' : record.recording !== 'paused';
  }

  /**
   * After a pause that must not stand (it failed for some recording, repeated an old signal, or
   * went to the wrong call): the recordings are set back to what the ledger says. If Twilio fails
   * that too, the ledger is flagged (created if need be) so the sweep finishes the job.
   */
  private async restore(call: LiveCall): Promise<CallRecord | null> {
    try {
      return (await this.settle(call, await this.store.load(call.callSid))).record;
    } catch (error) {
      // Flagged for the sweep already; an ended call has nothing left to put back.
      if (error instanceof RecordingUpdateError || error instanceof CallEndedError) return null;
      // The ledger could not be read or written: the pause must not stand without a trace.
      if (!(error instanceof FlaggedElsewhere)) await this.markForRepair(call);
      throw error;
    }
  }

  /**
   * Makes Twilio match `stored`, then writes down what Twilio confirmed, on condition that the
   * ledger still asks for the same target; if another writer changed it meanwhile, our request
   * may have overtaken theirs, so the latest ledger is applied in turn. With no ledger the target
   * is "recording": nothing holds the call.
   */
  async settle(
    call: LiveCall,
    stored: StoredRecord | null,
    options: {
      /** Adds to the write that records what Twilio confirmed (a signal's answer). */
      annotate?: (record: CallRecord, states: PlatformRecording[]) => CallRecord;
      /** Nobody else wrote the ledger lately (see `indexed`). */
      quiet?: boolean;
      /**
       * This request sent no pause of its own that the ledger may not record (no early pause put
       * back): a resume then need reach only the kinds of recording the ledger knows.
       */
      onlyKnownKinds?: boolean;
    } = {},
  ): Promise<{ record: CallRecord | null; recordings: PlatformRecording[] }> {
    const { annotate } = options;
    let quiet = options.quiet ?? false;
    const copy = this.copyAlongside();
    let current = stored;
    let states: PlatformRecording[] = [];
    // The ledger may know the conference when the caller does not (found late, or by an earlier signal).
    const live: LiveCall = {
      ...call,
      ...(stored && ledgerConference(call, stored.record)),
      taskSid: call.taskSid ?? stored?.record.call.taskSid,
    };
    const done = async (record: CallRecord | null, copied = false) => {
      await copy.done();
      if (record && !copied) await this.indexed(record, quiet);
      return { record, recordings: states };
    };
    for (let round = 0; round < MAX_SETTLE_ROUNDS; round += 1) {
      const target = targetFor(current?.record ?? null);
      const resumeSentAt = target === 'in-progress' ? this.now().toISOString() : undefined;
      try {
        states = await this.set(live, target, options.onlyKnownKinds ? resumeKinds(current?.record ?? null, target) : undefined);
      } catch (error) {
        await this.flagOutOfSync(live);
        throw error;
      }
      let confirmedAlready = false;
      const written = await this.store.commit(
        call.callSid,
        (latest) => {
          if (targetFor(latest) !== target) return null;
          // No ledger and nothing to report: there is nothing to write.
          if (!latest) return null;
          // Twilio confirmed what the ledger says (a sweep's check of a paused call): no write.
          if (!resumeSentAt && !annotate && confirmsRecord(latest, states)) {
            confirmedAlready = true;
            return null;
          }
          const confirmed = { ...withConfirmed(latest, states), outOfSync: false };
          const record = resumeSentAt ? { ...confirmed, lastResumeAt: resumeSentAt } : confirmed;
          return annotate ? annotate(record, states) : record;
        },
        current,
        // Quiet, the first write is almost surely the last: its copy goes out with it.
        (next, conflicts) => copy.offer(next, conflicts, quiet, true),
      );
      const copied = copy.landed(written);
      if (written?.conflicts) quiet = false;
      if (!written) return done(current?.record ?? null);
      if (written.changed) return done(written.record, copied);
      if (confirmedAlready) {
        // Skipping the write skipped its If-Match: the record we compared may be old, so make sure.
        const fresh = await this.store.load(call.callSid);
        if (fresh?.revision === written.revision) return done(written.record);
        current = fresh;
        quiet = false;
        continue;
      }
      current = written;
      quiet = false;
    }
    throw new Error('the call ledger kept changing while the recordings were set');
  }
}
