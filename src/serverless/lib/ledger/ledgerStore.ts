/**
 * Keeps each call's ledger in a Twilio Sync document (`rc-call-<CallSid>`), never only in a
 * function's memory. Every write carries If-Match with the revision it was computed from, so
 * concurrent signals for one call serialize: a loser re-reads and re-applies its change.
 * Closed pause intervals beyond the newest few move to a Sync List per call, so the document
 * stays far below Sync's 16 KiB however long the call.
 */
import { intervalKey, Ledger, PauseInterval, splitIntervals } from '../../../core/holds';
import type { AutomationProblemCode } from '../../../core/automation';
import type { TaskEvidence } from '../../../core/evidence';
import { callDocumentName } from '../../../core/syncNames';
import type { SeenSignal } from '../signals/seenSignals';
import type { RecordingSummary } from '../../../core/wire';
import type { LiveCall, RecordingKind } from '../recordingBackend';
import { httpStatus, isWriteConflict, unlessNotFound, withRetries } from '../twilio/retry';
import { SyncList } from '../twilio/syncCollections';
import type { TwilioClient } from '../twilio/twilioClient';

export interface KnownRecording {
  sid: string;
  kind: RecordingKind;
  /** As Twilio last confirmed it. */
  status?: string;
  startedAt?: string;
}

/**
 * One call's ledger, as kept in its Sync document. It holds everything the plugin's indicator,
 * timeline and supervisor row show, so a browser can render from the document alone.
 */
export interface CallRecord extends Ledger {
  v: 2;
  /** Counts writes: orders copies of this record kept elsewhere (the live index). */
  seq: number;
  call: LiveCall;
  /** The call's recordings as Twilio last confirmed them; 'unknown' before the first answer. */
  recording: RecordingSummary | 'unknown';
  recordings: KnownRecording[];
  /** Closed intervals moved to the call's Sync List (`rc-intervals-<CallSid>`): only the newest stay here. */
  archivedIntervals: number;
  /** When the last resume was decided: a pause sent close to it must re-check the outcome. */
  lastResumeAt: string | null;
  /** Twilio did not confirm the last change: the sweep tries again. */
  outOfSync: boolean;
  /** Desktop signals applied to the call, for telling a repeat from a new signal (seenSignals.ts). */
  signals: SeenSignal[];
  /** What happened to the holds of the call's newest tasks, for the compliance report (core/evidence.ts). */
  evidence?: TaskEvidence[];
  /**
   * What an agent's plugin last said keeps card fields from pausing by themselves, and since when
   * (for supervisors); it speaks for the call only while that agent holds it.
   */
  automationOff?: { agent: string; problems: AutomationProblemCode[]; since: string };
  /**
   * The tasks that held the call, oldest first (the newest few): each one's call was checked against
   * TaskRouter's record of the task's creation, so an event about one of them needs no such check again.
   */
  tasks?: string[];
  /** The agent's other calls, live when this one's agent took them: a signal applied here reaches them too. */
  agentsOtherCalls?: LiveCall[];
  /** The tasks whose end was handled: a late or repeated event of an ended task changes nothing. */
  endedTasks?: string[];
  /**
   * A start signal's pause Twilio has not confirmed yet (an outage's retries), since when: the
   * agent's plugin says "Pausing…" instead of a calm "Recording". Any later write takes it away.
   */
  pausing?: string;
  updatedAt: string;
}

/** A pause Twilio had not confirmed is no longer awaited once anything else is written: only the write that set the mark keeps it. */
function withoutOldMark(next: CallRecord, current: CallRecord | undefined): CallRecord {
  if (next.pausing === undefined || next.pausing !== current?.pausing) return next;
  const { pausing: _done, ...rest } = next;
  return rest;
}

export interface StoredRecord {
  record: CallRecord;
  revision: string;
}

export interface Committed extends StoredRecord {
  /** How many times another writer got there first. */
  conflicts: number;
  changed: boolean;
}

export const INTERVALS_PREFIX = 'rc-intervals-';
/** Ledgers outlive the call long enough for wrap-up, reports and late duplicates. */
const DOCUMENT_TTL_SECONDS = 3 * 24 * 3600;
const MAX_ATTEMPTS = 12;
/**
 * Sync documents hold 16 KiB. The newest intervals stay in the document (enough for the
 * indicator and a supervisor); older closed ones move to the call's Sync List, so a call can
 * pause and resume any number of times.
 */
export const KEPT_INTERVALS = 20;

/** How many of a call's tasks its ledger names (a call transferred more often keeps its newest). */
const KEPT_TASKS = 8;

/** The task joins (or stays in) the list of the call's tasks, newest last. */
export const withTask = (tasks: string[] | undefined, taskSid: string): string[] =>
  tasks?.includes(taskSid) ? tasks : [...(tasks ?? []), taskSid].slice(-KEPT_TASKS);

/** The ledger names the task as one of the call's (checked when it was written down). */
export const namesTask = (record: CallRecord, taskSid: string): boolean => record.call.taskSid === taskSid || record.tasks?.includes(taskSid) === true;

/** What the ledger knows of the call's conference: its sid once found, and the name to find it by (the call's first task). */
export const conferenceOf = (record: CallRecord): Pick<LiveCall, 'conferenceSid' | 'conferenceName'> => ({
  ...(record.call.conferenceSid && { conferenceSid: record.call.conferenceSid }),
  ...(record.call.conferenceName && { conferenceName: record.call.conferenceName }),
});

/**
 * A call's first ledger. Flex names the conference after the call's first task, and a transfer does
 * not rename it: the ledger keeps that name for finding the conference later.
 */
export const newCallRecord = (call: LiveCall): CallRecord => ({
  v: 2,
  seq: 0,
  call: call.taskSid && !call.conferenceName ? { ...call, conferenceName: call.taskSid } : call,
  ...(call.taskSid && { tasks: [call.taskSid] }),
  holds: [],
  intervals: [],
  recording: 'unknown',
  recordings: [],
  archivedIntervals: 0,
  lastResumeAt: null,
  outOfSync: false,
  signals: [],
  updatedAt: new Date(0).toISOString(),
});

/** The ledger as the functions wrote it: nobody else can write the product's Sync service. */
const fromDocument = (data: unknown): CallRecord => data as CallRecord;

/** How many calls' ledgers a container remembers (a warm container serves a few hundred calls at most). */
const RECALLED_CALLS = 2000;

export class LedgerStore {
  /** Each call's ledger as this container last read or wrote it. */
  private readonly recent = new Map<string, StoredRecord>();

  constructor(
    private readonly client: TwilioClient,
    private readonly serviceSid: string,
    /** The container's one clock: a ledger's `updatedAt` is compared with it (callControl.ts, the quiet window). */
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * The call's ledger as this container last read or wrote it, if it did: a write can start from
   * it without a read, since If-Match refuses it when another writer got there first (then the
   * ledger is read and the change applied again).
   */
  recalled(callSid: string): StoredRecord | undefined {
    return this.recent.get(callSid);
  }

  private keep(callSid: string, stored: StoredRecord | null): void {
    this.recent.delete(callSid);
    if (!stored) return;
    // A copy of its own: a base handed to `commit` is known to be the remembered one (not yet re-read) by identity.
    this.recent.set(callSid, { ...stored });
    if (this.recent.size > RECALLED_CALLS) this.recent.delete(this.recent.keys().next().value as string);
  }

  private get documents() {
    return this.client.sync.v1.services(this.serviceSid).documents;
  }

  private intervalArchive(callSid: string): SyncList<PauseInterval> {
    return new SyncList(this.client, this.serviceSid, `${INTERVALS_PREFIX}${callSid}`, DOCUMENT_TTL_SECONDS);
  }

  async load(callSid: string): Promise<StoredRecord | null> {
    const document = await unlessNotFound(() => this.documents(callDocumentName(callSid)).fetch(), null);
    const stored = document && { record: fromDocument(document.data), revision: document.revision };
    this.keep(callSid, stored);
    return stored;
  }

  /** Every pause interval of the call, oldest first: the archived ones, then the document's. */
  async allIntervals(record: CallRecord): Promise<PauseInterval[]> {
    if (record.archivedIntervals === 0) return record.intervals;
    const archived = await this.intervalArchive(record.call.callSid).all();
    // A write retried after a conflict may have archived an interval twice.
    const seen = new Set<string>();
    return [...archived, ...record.intervals].filter((interval) => {
      const key = intervalKey(interval);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /** Moves the oldest closed intervals to the call's list before the document is written without them. */
  private async compacted(record: CallRecord): Promise<CallRecord> {
    const { archived, kept } = splitIntervals(record.intervals, KEPT_INTERVALS);
    if (archived.length === 0) return record;
    await this.intervalArchive(record.call.callSid).append(archived);
    return { ...record, intervals: kept, archivedIntervals: record.archivedIntervals + archived.length };
  }

  /** Writes `record` if the document is still at `revision` (null: not created yet). */
  private async save(callSid: string, record: CallRecord, revision: string | null): Promise<string | 'conflict'> {
    try {
      const document =
        revision === null
          ? await withRetries(() => this.documents.create({ uniqueName: callDocumentName(callSid), data: record, ttl: DOCUMENT_TTL_SECONDS }))
          : await withRetries(() => this.documents(callDocumentName(callSid)).update({ data: record, ifMatch: revision }));
      return document.revision;
    } catch (error) {
      // Gone (expired or removed) since it was read: read again, as after any other writer.
      if (isWriteConflict(error) || (revision !== null && httpStatus(error) === 404)) return 'conflict';
      throw error;
    }
  }

  /**
   * Applies `change` to the latest record and stores it, re-reading and re-applying after every
   * conflict. `change` returns null to leave the document as it is. `base` saves the first read
   * when the caller already has it. `writing` sees each record as it is sent (with how many
   * conflicts came before), so a copy of it can go out alongside.
   */
  async commit(
    callSid: string,
    change: (current: CallRecord | null) => CallRecord | null,
    base?: StoredRecord | null,
    writing?: (next: CallRecord, conflicts: number) => void,
  ): Promise<Committed | null> {
    let current = base === undefined ? await this.load(callSid) : base;
    // A remembered ledger is only checked by the write's If-Match: "nothing to write" is decided again on a fresh read.
    let unverified = current !== null && current === this.recent.get(callSid);
    for (let conflicts = 0; conflicts < MAX_ATTEMPTS; conflicts += 1) {
      const changed = change(current?.record ?? null);
      if (changed === null && unverified) {
        unverified = false;
        const fresh = await this.load(callSid);
        // Someone else wrote since: counted as a conflict, as a refused write would be.
        if (fresh?.revision !== current?.revision) {
          current = fresh;
          continue;
        }
      }
      if (changed === null) return current ? { ...current, conflicts, changed: false } : null;
      const next = await this.compacted({
        ...withoutOldMark(changed, current?.record),
        seq: (current?.record.seq ?? 0) + 1,
        updatedAt: this.now().toISOString(),
      });
      writing?.(next, conflicts);
      const revision = await this.save(callSid, next, current?.revision ?? null);
      if (revision !== 'conflict') {
        this.keep(callSid, { record: next, revision });
        return { record: next, revision, conflicts, changed: true };
      }
      current = await this.load(callSid);
    }
    throw new Error('the call ledger is changing too fast to write');
  }
}
