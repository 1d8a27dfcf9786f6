/**
 * Keeps each call's ledger in a Twilio Sync document (`rc-call-<CallSid>`), never only in a
 * function's memory. Every write carries If-Match with the revision it was computed from, so
 * concurrent signals for one call serialize: a loser re-reads and re-applies its change.
 */
import type { Ledger } from '../../core/holds';
import type { LiveCall, RecordingKind } from './recordings';
import { httpStatus, twilioCode, unlessNotFound, withRetries } from './retry';
import type { TwilioClient } from './twilioClient';

export interface KnownRecording {
  sid: string;
  kind: RecordingKind;
  startedAt?: string;
}

export interface ProcessedEvent {
  eventId: string;
  response: Record<string, unknown>;
}

export interface CallRecord extends Ledger {
  v: 1;
  call: LiveCall;
  recordings: KnownRecording[];
  /** The last answers given, by event id: a repeated signal gets the first answer again. */
  events: ProcessedEvent[];
  /** When the last resume was decided: a pause sent close to it must re-check the outcome. */
  lastResumeAt: string | null;
  /** Twilio did not confirm the last change: the sweep tries again. */
  outOfSync: boolean;
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

/** Sync's document limit is 16 KiB; remembered answers are trimmed to keep well under it. */
export const REMEMBERED_EVENTS = 12;
const DOCUMENT_PREFIX = 'rc-call-';
/** Ledgers outlive the call long enough for wrap-up, reports and late duplicates. */
const DOCUMENT_TTL_SECONDS = 3 * 24 * 3600;
const MAX_ATTEMPTS = 12;

const ALREADY_EXISTS = 54301;
const REVISION_MISMATCH = 54103;

const isConflict = (error: unknown): boolean =>
  httpStatus(error) === 412 || httpStatus(error) === 409 || twilioCode(error) === REVISION_MISMATCH || twilioCode(error) === ALREADY_EXISTS;

/**
 * Sync documents hold 16 KiB. Remembered answers go first when a long call fills its ledger; the
 * holds and intervals are the record and are never dropped (about a hundred pauses fit).
 */
const ROOMY_BYTES = 12 * 1024;
function fitted(record: CallRecord): CallRecord {
  // Measuring means serializing; a ledger with few intervals cannot be near the limit.
  if (record.intervals.length < 40 || Buffer.byteLength(JSON.stringify(record)) <= ROOMY_BYTES) return record;
  return { ...record, events: record.events.slice(-2) };
}

export const newCallRecord = (call: LiveCall): CallRecord => ({
  v: 1,
  call,
  holds: [],
  intervals: [],
  recordings: [],
  events: [],
  lastResumeAt: null,
  outOfSync: false,
});

export class LedgerStore {
  constructor(
    private readonly client: TwilioClient,
    private readonly serviceSid: string,
  ) {}

  private get documents() {
    return this.client.sync.v1.services(this.serviceSid).documents;
  }

  async load(callSid: string): Promise<StoredRecord | null> {
    const document = await unlessNotFound(() => this.documents(`${DOCUMENT_PREFIX}${callSid}`).fetch(), null);
    return document && { record: document.data as CallRecord, revision: document.revision };
  }

  /** Writes `record` if the document is still at `revision` (null: not created yet). */
  private async save(callSid: string, full: CallRecord, revision: string | null): Promise<string | 'conflict'> {
    const record = fitted(full);
    try {
      const document =
        revision === null
          ? await withRetries(() => this.documents.create({ uniqueName: `${DOCUMENT_PREFIX}${callSid}`, data: record, ttl: DOCUMENT_TTL_SECONDS }))
          : await withRetries(() => this.documents(`${DOCUMENT_PREFIX}${callSid}`).update({ data: record, ifMatch: revision }));
      return document.revision;
    } catch (error) {
      if (isConflict(error)) return 'conflict';
      throw error;
    }
  }

  /**
   * Applies `change` to the latest record and stores it, re-reading and re-applying after every
   * conflict. `change` returns null to leave the document as it is. `base` saves the first read
   * when the caller already has it.
   */
  async commit(
    callSid: string,
    change: (current: CallRecord | null) => CallRecord | null,
    base?: StoredRecord | null,
  ): Promise<Committed | null> {
    let current = base === undefined ? await this.load(callSid) : base;
    for (let conflicts = 0; conflicts < MAX_ATTEMPTS; conflicts += 1) {
      const next = change(current?.record ?? null);
      if (next === null) return current ? { ...current, conflicts, changed: false } : null;
      const revision = await this.save(callSid, next, current?.revision ?? null);
      if (revision !== 'conflict') return { record: next, revision, conflicts, changed: true };
      current = await this.load(callSid);
    }
    throw new Error('the call ledger is changing too fast to write');
  }

  /** Every call ledger in the service, for the sweep. */
  async list(): Promise<StoredRecord[]> {
    const documents = await withRetries(() => this.documents.list({ pageSize: 100 }));
    return documents
      .filter((document) => document.uniqueName?.startsWith(DOCUMENT_PREFIX))
      .map((document) => ({ record: document.data as CallRecord, revision: document.revision }));
  }
}
