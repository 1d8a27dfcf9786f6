/**
 * Changes a call's holds and makes its recordings agree, for every entry point (desktop events,
 * the API, the sweep, TaskRouter's events). The rule "paused ⇔ an open hold" is the core's; this
 * file decides the order of Twilio requests so the rule holds under concurrency and failure:
 *
 * - Pause-first (a change that can only open holds): the pause goes out at once, alongside the
 *   ledger read, so one Twilio round trip stands between the signal and paused recordings. The
 *   hold is committed only once Twilio confirmed the pause of every recording. A pause that
 *   failed for any recording is undone: the recordings are set back to what the ledger says
 *   (or, if even that fails, the ledger is flagged for the sweep), so a partial pause never
 *   outlives the request.
 * - Otherwise: commit the ledger change, then set the recordings to what it now requires.
 * - Every apply is followed by a conditional write of what Twilio confirmed; if another writer
 *   committed meanwhile, the apply may have overtaken theirs, so the latest ledger is applied
 *   again. A pause-first that read a ledger with a recent resume does the same check.
 * - Every write is copied into the live index, which the sweep and supervisors read.
 */
import { expireHolds, isPaused } from '../../../core/holds';
import type { CallRecord, Committed, LedgerStore, StoredRecord } from './ledgerStore';
import { newCallRecord } from './ledgerStore';
import type { LiveIndex } from './liveIndex';
import type { RepairMarks } from './repairMarks';
import type { LiveCall, RecordingState, RecordingTarget } from '../twilio/recordings';
import { CallEndedError, RecordingUpdateError, setRecordings, summarize } from '../twilio/recordings';
import type { TwilioClient } from '../twilio/twilioClient';

/** Longer than any Twilio request can take inside a Function, retries included. */
export const RESUME_RACE_WINDOW_MS = 10_000;
const MAX_SETTLE_ROUNDS = 6;

export type Response = Record<string, unknown>;

export interface ChangeRequest {
  /** The next ledger for the call; return the same object for "no change". */
  change: (record: CallRecord, now: Date) => CallRecord;
  /** Send the pause before reading state: only for changes that can only open holds. */
  pauseFirst?: boolean;
  /**
   * Resolves to a previous answer when this request repeats one already applied (then nothing
   * changes), to null otherwise. Awaited alongside the pause-first, so it costs no round trip.
   */
  repeatOf?: Promise<{ answer?: Response } | null>;
  /**
   * Resolves to false when the call turned out not to be the one to act on (the agent's call
   * changed): the speculative pause is undone and CallMovedError thrown before anything commits.
   */
  confirmCall?: Promise<boolean>;
  /** Runs alongside the last write to the live index, once the change is settled (e.g. keeping the answer). */
  onResult?: (result: ChangeResult) => Promise<void>;
}

/** What one change did: `before` → `after` is this change alone; `latest` is the ledger after it settled. */
export interface ChangeOutcome {
  before: CallRecord;
  after: CallRecord;
  latest: CallRecord;
  recordings: RecordingState[];
}

export type ChangeResult = ({ duplicate: false } & ChangeOutcome) | { duplicate: true; answer?: Response; latest: CallRecord | null };

/** Sync failed while a change was flagged: the trace went to TaskRouter instead (see repairMarks.ts). */
export class FlaggedElsewhere extends Error {
  constructor(readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : 'Sync did not answer');
  }
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
function withConfirmed(record: CallRecord, states: RecordingState[]): CallRecord {
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

/** Nothing Twilio confirmed differs from what the record says: writing it again would change nothing. */
const confirmsRecord = (record: CallRecord, states: RecordingState[]): boolean => {
  const confirmed = withConfirmed(record, states);
  return !record.outOfSync && confirmed.recording === record.recording && JSON.stringify(confirmed.recordings) === JSON.stringify(record.recordings) && confirmed.call.conferenceSid === record.call.conferenceSid;
};

export interface CallControlOptions {
  client: TwilioClient;
  store: LedgerStore;
  pauseBehavior: 'skip' | 'silence';
  now?: () => Date;
  /** Every ledger write is copied there, for the sweep and supervisors. */
  index?: LiveIndex;
  /** Where a pause that could not be put right nor flagged in Sync leaves its trace (TaskRouter). */
  repairs?: RepairMarks;
  log?: (line: string) => void;
}

export class CallControl {
  private readonly client: TwilioClient;
  private readonly store: LedgerStore;
  private readonly pauseBehavior: 'skip' | 'silence';
  private readonly now: () => Date;
  private readonly index?: LiveIndex;
  readonly repairs?: RepairMarks;
  private readonly log: (line: string) => void;

  constructor(options: CallControlOptions) {
    this.client = options.client;
    this.store = options.store;
    this.pauseBehavior = options.pauseBehavior;
    this.now = options.now ?? (() => new Date());
    this.index = options.index;
    this.repairs = options.repairs;
    this.log = options.log ?? console.error;
  }

  private set(call: LiveCall, target: RecordingTarget): Promise<RecordingState[]> {
    return setRecordings(this.client, call, target, this.pauseBehavior);
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

  /** A ledger write, copied into the live index. */
  async commit(
    callSid: string,
    change: (current: CallRecord | null) => CallRecord | null,
    base?: StoredRecord | null,
  ): Promise<Committed | null> {
    const { committed, indexed } = await this.write(callSid, change, base);
    await indexed;
    return committed;
  }

  /** A ledger write whose copy into the live index is still under way (`indexed`). */
  private async write(
    callSid: string,
    change: (current: CallRecord | null) => CallRecord | null,
    base?: StoredRecord | null,
  ): Promise<{ committed: Committed | null; indexed: Promise<void> }> {
    const committed = await this.store.commit(callSid, change, base);
    return { committed, indexed: committed?.changed ? this.indexed(committed.record) : Promise.resolve() };
  }

  /** The change's own answer and the index copy of its main write go out together: one round trip, not two. */
  private async finished(result: ChangeResult, indexed: Promise<void>, request: ChangeRequest): Promise<ChangeResult> {
    await Promise.all([indexed, request.onResult?.(result)]);
    return result;
  }

  /**
   * Writes down the recordings' state Twilio reported to a reader (the first `status` of a call),
   * once: so the document and the live index say "recording" before anyone paused.
   */
  async noteRecordings(callSid: string, states: RecordingState[]): Promise<void> {
    await this.commit(callSid, (current) => (current && current.recording === 'unknown' ? withConfirmed(current, states.filter((state) => ['paused', 'in-progress'].includes(state.status))) : null));
  }

  /** The index is a copy for readers: failing to update it must not fail the change itself. */
  private async indexed(record: CallRecord): Promise<void> {
    try {
      await this.index?.record(record);
    } catch (error) {
      this.log(`live index not updated for ${record.call.callSid}: ${error instanceof Error ? error.message : 'error'}`);
    }
  }

  async change(call: LiveCall, request: ChangeRequest): Promise<ChangeResult> {
    const sentAt = this.now().getTime();
    const early = request.pauseFirst
      ? this.set(call, 'paused').then(
          (states) => ({ states }),
          (error: unknown) => ({ error }),
        )
      : undefined;
    let base: StoredRecord | null;
    let repeat: { answer?: Response } | null;
    let sameCall: boolean;
    try {
      [base, repeat, sameCall] = await Promise.all([this.store.load(call.callSid), request.repeatOf ?? null, request.confirmCall ?? true]);
    } catch (error) {
      // The ledger could not be read: whatever our early pause did must not stand.
      if (early) {
        await early;
        await this.restore(call);
      }
      throw error;
    }
    const sent = await early;

    if (repeat || !sameCall) {
      // Our early pause may contradict the ledger: put the recordings back as it says.
      const latest = sent ? await this.restore(call) : (base?.record ?? null);
      if (!sameCall) throw new CallMovedError();
      return { duplicate: true, ...(repeat?.answer && { answer: repeat.answer }), latest };
    }
    if (sent && 'error' in sent) {
      await this.restore(call);
      throw sent.error;
    }

    let before: CallRecord | undefined;
    let after: CallRecord | undefined;
    let committed: Committed | null;
    let indexed: Promise<void>;
    try {
      ({ committed, indexed } = await this.write(
        call.callSid,
        (current) => {
          const record = { ...(current ?? newCallRecord(call)), call: { ...current?.call, ...call } };
          before = record;
          after = request.change(record, this.now());
          if (!sent) return after === record && current ? null : after;
          return { ...withConfirmed(after, sent.states), outOfSync: false };
        },
        base,
      ));
    } catch (error) {
      // The hold could not be written down: a pause without it must not stand.
      if (sent) await this.restore(call);
      throw error;
    }
    if (!committed || !before || !after) throw new Error('the call ledger could not be written');

    if (sent) {
      const lastResume = base?.record.lastResumeAt ? Date.parse(base.record.lastResumeAt) : 0;
      const overtaken = committed.conflicts > 0 || lastResume > sentAt - RESUME_RACE_WINDOW_MS;
      if (overtaken || targetFor(committed.record) !== 'paused') {
        // A resume decided before our commit may land after our pause: apply the latest, after it.
        const settled = await this.settle(call, committed);
        const recordings = settled.recordings.length ? settled.recordings : sent.states;
        return this.finished({ duplicate: false, before, after, latest: settled.record ?? committed.record, recordings }, indexed, request);
      }
      return this.finished({ duplicate: false, before, after, latest: committed.record, recordings: sent.states }, indexed, request);
    }

    const settled = await this.settle(call, committed);
    return this.finished({ duplicate: false, before, after, latest: settled.record ?? committed.record, recordings: settled.recordings }, indexed, request);
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
  async settle(call: LiveCall, stored: StoredRecord | null): Promise<{ record: CallRecord | null; recordings: RecordingState[] }> {
    let current = stored;
    let states: RecordingState[] = [];
    // The ledger may know the conference when the caller does not (found late, or by an earlier signal).
    const live: LiveCall = { ...call, conferenceSid: call.conferenceSid ?? stored?.record.call.conferenceSid, taskSid: call.taskSid ?? stored?.record.call.taskSid };
    for (let round = 0; round < MAX_SETTLE_ROUNDS; round += 1) {
      const target = targetFor(current?.record ?? null);
      const resumeSentAt = target === 'in-progress' ? this.now().toISOString() : undefined;
      try {
        states = await this.set(live, target);
      } catch (error) {
        try {
          await this.commit(call.callSid, (record) => ({ ...(record ?? newCallRecord(live)), outOfSync: true }));
        } catch (syncError) {
          await this.markForRepair(live);
          throw new FlaggedElsewhere(syncError);
        }
        throw error;
      }
      let confirmedAlready = false;
      const written = await this.commit(
        call.callSid,
        (latest) => {
          if (targetFor(latest) !== target) return null;
          // No ledger and nothing to report: there is nothing to write.
          if (!latest) return null;
          // Twilio confirmed what the ledger says (a sweep's check of a paused call): no write.
          if (!resumeSentAt && confirmsRecord(latest, states)) {
            confirmedAlready = true;
            return null;
          }
          const record = { ...withConfirmed(latest, states), outOfSync: false };
          return resumeSentAt ? { ...record, lastResumeAt: resumeSentAt } : record;
        },
        current,
      );
      if (!written) return { record: current?.record ?? null, recordings: states };
      if (written.changed) return { record: written.record, recordings: states };
      if (confirmedAlready) {
        // Skipping the write skipped its If-Match: the record we compared may be old, so make sure.
        const fresh = await this.store.load(call.callSid);
        if (fresh?.revision === written.revision) return { record: written.record, recordings: states };
        current = fresh;
        continue;
      }
      current = written;
    }
    throw new Error('the call ledger kept changing while the recordings were set');
  }
}
