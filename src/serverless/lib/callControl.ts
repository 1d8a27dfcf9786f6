/**
 * Changes a call's holds and makes its recordings agree, for every entry point (desktop events,
 * the API, the sweep). The rule "paused ⇔ an open hold" is the core's; this file decides the
 * order of Twilio requests so the rule holds under concurrency and failure:
 *
 * - Pause-first (a desktop start trigger): the pause goes out at once, alongside the ledger
 *   read, so one Twilio round trip stands between the signal and paused recordings. The hold
 *   is committed only once Twilio confirmed the pause, so a failed pause leaves no false hold.
 * - Otherwise: commit the ledger change, then set the recordings to what it now requires.
 * - Every apply is followed by a conditional write of what Twilio confirmed; if another writer
 *   committed meanwhile, the apply may have overtaken theirs, so the latest ledger is applied
 *   again. A pause-first that read a ledger with a recent resume does the same check.
 */
import { expireHolds, isPaused } from '../../core/holds';
import type { CallRecord, LedgerStore, StoredRecord } from './ledgerStore';
import { newCallRecord, REMEMBERED_EVENTS } from './ledgerStore';
import type { LiveCall, RecordingState, RecordingTarget } from './recordings';
import { setRecordings } from './recordings';
import type { TwilioClient } from './twilioClient';

/** Longer than any Twilio request can take inside a Function, retries included. */
export const RESUME_RACE_WINDOW_MS = 10_000;
const MAX_SETTLE_ROUNDS = 6;

export type Response = Record<string, unknown>;

export interface ChangeRequest {
  /** The next ledger for the call; return the same object for "no change". */
  change: (record: CallRecord, now: Date) => CallRecord;
  /** Send the pause before reading state: only for changes that can only open holds. */
  pauseFirst?: boolean;
  /** Idempotency: a change with a known id is not applied again. */
  eventId?: string;
  /** The answer remembered for `eventId`. */
  respond?: (outcome: ChangeOutcome) => Response;
}

export interface ChangeOutcome {
  before: CallRecord;
  after: CallRecord;
  recordings: RecordingState[];
}

export type ChangeResult = ({ duplicate: false } & ChangeOutcome & { response?: Response }) | { duplicate: true; response: Response };

/** The change that only closes holds whose time has come. */
export const expireDue = (record: CallRecord, now: Date): CallRecord => ({ ...record, ...expireHolds(record, now) });

export const targetFor = (record: CallRecord): RecordingTarget => (isPaused(record) ? 'paused' : 'in-progress');

function rememberRecordings(record: CallRecord, states: RecordingState[]): CallRecord {
  const fresh = states.filter((state) => !record.recordings.some((known) => known.sid === state.sid));
  if (fresh.length === 0) return record;
  return {
    ...record,
    recordings: [...record.recordings, ...fresh.map(({ sid, kind, startedAt }) => ({ sid, kind, ...(startedAt && { startedAt }) }))],
  };
}

function rememberEvent(record: CallRecord, eventId: string | undefined, response: Response | undefined): CallRecord {
  if (!eventId || !response) return record;
  return { ...record, events: [...record.events, { eventId, response }].slice(-REMEMBERED_EVENTS) };
}

export class CallControl {
  constructor(
    private readonly client: TwilioClient,
    private readonly store: LedgerStore,
    private readonly pauseBehavior: 'skip' | 'silence',
    private readonly now: () => Date = () => new Date(),
  ) {}

  private set(call: LiveCall, target: RecordingTarget): Promise<RecordingState[]> {
    return setRecordings(this.client, call, target, this.pauseBehavior);
  }

  load(callSid: string): Promise<StoredRecord | null> {
    return this.store.load(callSid);
  }

  /** A ledger-only change, for when there is nothing left to pause (the call ended). */
  commit(callSid: string, change: (current: CallRecord | null) => CallRecord | null) {
    return this.store.commit(callSid, change);
  }

  async change(call: LiveCall, request: ChangeRequest): Promise<ChangeResult> {
    const { eventId } = request;
    const sentAt = this.now().getTime();
    const [early, base] = await Promise.all([
      request.pauseFirst
        ? this.set(call, 'paused').then(
            (states) => ({ states }),
            (error: unknown) => ({ error }),
          )
        : undefined,
      this.store.load(call.callSid),
    ]);

    const seen = eventId ? base?.record.events.find((event) => event.eventId === eventId) : undefined;
    if (seen) {
      // Our early pause may contradict a ledger that has moved on since that event.
      if (early && base && targetFor(base.record) !== 'paused') await this.settle(call, base);
      return { duplicate: true, response: seen.response };
    }
    if (early && 'error' in early) {
      // Nothing was committed, so the ledger still says what is true. Any open hold of others
      // is now doubtful at Twilio: flag it for the sweep.
      if (base && isPaused(base.record)) await this.store.commit(call.callSid, (current) => (current ? { ...current, outOfSync: true } : null), base);
      throw early.error;
    }

    let before: CallRecord | undefined;
    let response: Response | undefined;
    let duplicate: Response | undefined;
    const committed = await this.store.commit(
      call.callSid,
      (current) => {
        const record = { ...(current ?? newCallRecord(call)), call: { ...current?.call, ...call } };
        const known = eventId ? record.events.find((event) => event.eventId === eventId) : undefined;
        if (known) {
          duplicate = known.response;
          return null;
        }
        before = record;
        const next = request.change(record, this.now());
        if (!early) return next === record && current ? null : next;
        const after = rememberRecordings(next, early.states);
        response = request.respond?.({ before: record, after, recordings: early.states });
        return rememberEvent({ ...after, outOfSync: false }, eventId, response);
      },
      base,
    );
    if (duplicate !== undefined) return { duplicate: true, response: duplicate };
    if (!committed || !before) throw new Error('the call ledger could not be written');

    if (early) {
      const lastResume = base?.record.lastResumeAt ? Date.parse(base.record.lastResumeAt) : 0;
      const overtaken = committed.conflicts > 0 || lastResume > sentAt - RESUME_RACE_WINDOW_MS;
      if (overtaken || targetFor(committed.record) !== 'paused') {
        // A resume decided before our commit may land after our pause: pause again, after it.
        const settled = await this.settle(call, committed);
        return { duplicate: false, before, after: settled.record, recordings: settled.recordings.length ? settled.recordings : early.states, response };
      }
      return { duplicate: false, before, after: committed.record, recordings: early.states, response };
    }

    const settled = await this.settle(call, committed, (record, recordings) => {
      response = request.respond?.({ before: before as CallRecord, after: record, recordings });
      return rememberEvent(record, eventId, response);
    });
    // The ledger may have vanished under us (its TTL); the answer still says what happened.
    response ??= request.respond?.({ before, after: settled.record, recordings: settled.recordings });
    return { duplicate: false, before, after: settled.record, recordings: settled.recordings, response };
  }

  /**
   * Makes Twilio match `stored`, then writes down what Twilio confirmed, on condition that the
   * ledger still asks for the same target; if another writer changed it meanwhile, our request
   * may have overtaken theirs, so the latest ledger is applied in turn.
   */
  async settle(
    call: LiveCall,
    stored: StoredRecord,
    finish: (record: CallRecord, recordings: RecordingState[]) => CallRecord = (record) => record,
  ): Promise<{ record: CallRecord; recordings: RecordingState[] }> {
    let current = stored;
    let states: RecordingState[] = [];
    for (let round = 0; round < MAX_SETTLE_ROUNDS; round += 1) {
      const target = targetFor(current.record);
      const resumeSentAt = target === 'in-progress' ? this.now().toISOString() : undefined;
      try {
        states = await this.set(call, target);
      } catch (error) {
        await this.store.commit(call.callSid, (record) => (record ? { ...record, outOfSync: true } : null));
        throw error;
      }
      const written = await this.store.commit(
        call.callSid,
        (latest) => {
          if (!latest || targetFor(latest) !== target) return null;
          const record = { ...rememberRecordings(latest, states), outOfSync: false };
          return finish(resumeSentAt ? { ...record, lastResumeAt: resumeSentAt } : record, states);
        },
        current,
      );
      if (!written) return { record: current.record, recordings: states };
      if (written.changed) return { record: written.record, recordings: states };
      current = written;
    }
    throw new Error('the call ledger kept changing while the recordings were set');
  }
}
