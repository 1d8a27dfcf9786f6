/**
 * Keeps each call's ledger in a Twilio Sync document (`rc-call-<CallSid>`), never only in a
 * function's memory. Every write carries If-Match with the revision it was computed from, so
 * concurrent signals for one call serialize: a loser re-reads and re-applies its change.
 * Closed pause intervals beyond the newest few move to a Sync List per call, so the document
 * stays far below Sync's 16 KiB however long the call.
 */
import { intervalKey, PauseInterval, splitIntervals } from '../../../core/holds';
import { callDocumentName } from '../../../core/syncNames';
import { httpStatus, isWriteConflict, type Retries } from '../twilio/retry';
import { SyncList } from '../twilio/syncCollections';
import type { TwilioClient } from '../twilio/twilioClient';
import type { CallRecord } from '../base/callRecord';

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

/** What one attempt of a change decided: the record to write (null: nothing to write), and whatever else the caller acts on. */
export interface Decided<D> {
  next: CallRecord | null;
  decision: D;
  /** Nothing is written and the caller starts over whatever the ledger says now: no fresh read to confirm it. */
  abandoned?: boolean;
}

/** What was committed, with the decision of the attempt that landed. */
export interface Landed<D> {
  committed: Committed | null;
  decision: D;
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

/** The ledger as the functions wrote it: nobody else can write the product's Sync service. */
const fromDocument = (data: unknown): CallRecord => data as CallRecord;

/** How many calls' ledgers a container remembers (a warm container serves a few hundred calls at most). */
const RECALLED_CALLS = 2000;

export class LedgerStore {
  /** Each call's ledger as this container last read or wrote it. */
  private readonly recent = new Map<string, StoredRecord>();

  constructor(
    private readonly client: TwilioClient,
    private readonly retries: Retries,
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
    return new SyncList(this.client, this.retries, this.serviceSid, `${INTERVALS_PREFIX}${callSid}`, DOCUMENT_TTL_SECONDS);
  }

  async load(callSid: string): Promise<StoredRecord | null> {
    const document = await this.retries.unlessNotFound(() => this.documents(callDocumentName(callSid)).fetch(), null);
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
          ? await this.retries.run(() => this.documents.create({ uniqueName: callDocumentName(callSid), data: record, ttl: DOCUMENT_TTL_SECONDS }))
          : await this.retries.run(() => this.documents(callDocumentName(callSid)).update({ data: record, ifMatch: revision }));
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
    change: (current: CallRecord | null, conflicts: number) => CallRecord | null,
    base?: StoredRecord | null,
    writing?: (next: CallRecord, conflicts: number) => void,
  ): Promise<Committed | null> {
    const landed = await this.commitDecided(callSid, (current, conflicts) => ({ next: change(current, conflicts), decision: undefined }), base, writing);
    return landed.committed;
  }

  /**
   * `commit` for a change that decides more than the next record: `decide` may run once per
   * attempt (each conflict re-runs it on the newer record), and what it decided on the attempt that
   * landed — written, or nothing to write — comes back with what was committed.
   */
  async commitDecided<D>(
    callSid: string,
    decide: (current: CallRecord | null, conflicts: number) => Decided<D>,
    base?: StoredRecord | null,
    writing?: (next: CallRecord, conflicts: number, decision: D) => void,
  ): Promise<Landed<D>> {
    let current = base === undefined ? await this.load(callSid) : base;
    // A remembered ledger is only checked by the write's If-Match: "nothing to write" is decided again on a fresh read.
    let unverified = current !== null && current === this.recent.get(callSid);
    for (let conflicts = 0; conflicts < MAX_ATTEMPTS; conflicts += 1) {
      const { next: changed, decision, abandoned } = decide(current?.record ?? null, conflicts);
      if (changed === null && unverified && !abandoned) {
        unverified = false;
        const fresh = await this.load(callSid);
        // Someone else wrote since: counted as a conflict, as a refused write would be.
        if (fresh?.revision !== current?.revision) {
          current = fresh;
          continue;
        }
      }
      if (changed === null) return { committed: current ? { ...current, conflicts, changed: false } : null, decision };
      const next = await this.compacted({
        ...withoutOldMark(changed, current?.record),
        seq: (current?.record.seq ?? 0) + 1,
        updatedAt: this.now().toISOString(),
      });
      writing?.(next, conflicts, decision);
      const revision = await this.save(callSid, next, current?.revision ?? null);
      if (revision !== 'conflict') {
        this.keep(callSid, { record: next, revision });
        return { committed: { record: next, revision, conflicts, changed: true }, decision };
      }
      current = await this.load(callSid);
    }
    throw new Error('the call ledger is changing too fast to write');
  }
}
