/**
 * The live index (stores/liveIndex.ts) is a copy of every call's ledger, for the sweep and
 * supervisors. Each ledger write is copied there once; where it can, the copy goes out with the
 * write rather than one round trip after it. The index is only a copy: failing to update it never
 * fails the change.
 */
import type { CallRecord } from '../base/callRecord';
import type { Committed, StoredRecord } from '../stores/ledgerStore';
import type { LiveIndex } from '../stores/liveIndex';

/**
 * A ledger written longer ago than this has no copy of its own still on the way to the index
 * (a copy is sent the moment its write is answered, and retries last a few seconds at most).
 */
const QUIET_AFTER_MS = 5_000;

/** Nobody else wrote the call lately (as of `atMs`, on the one clock): no other copy of it can still be on its way. */
export const isQuiet = (stored: StoredRecord | null, atMs: number): boolean => !stored || atMs - Date.parse(stored.record.updatedAt) > QUIET_AFTER_MS;

/**
 * A copy into the live index sent with a ledger write, rather than one round trip after it (at most
 * once per write, and only on its first attempt). A write that then met a conflict landed another
 * record: `landed` says whether the copy already sent is of the record that was committed.
 */
export class CopyAlongside {
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

export class IndexCopy {
  constructor(
    private readonly index: LiveIndex | undefined,
    private readonly log: (line: string) => void,
  ) {}

  /** Reads the call's index item unless known, so the copy of the write that follows can go out with it. */
  prefetch(callSid: string): Promise<void> | undefined {
    return this.index?.prefetch(callSid);
  }

  /**
   * Copies the record. `quiet`: nobody else wrote the ledger in the last few seconds, so no other
   * copy of it can still be on its way and ours needs no read first.
   */
  async indexed(record: CallRecord, quiet = false): Promise<void> {
    try {
      await this.index?.record(record, { quiet });
    } catch (error) {
      this.log(`live index not updated for ${record.call.callSid}: ${error instanceof Error ? error.message : 'error'}`);
    }
  }

  /** A copy to offer each attempt of one ledger write. */
  alongside(): CopyAlongside {
    return new CopyAlongside((record, quiet) => this.indexed(record, quiet));
  }

  /** A copy of `next` can go out with its ledger write: one request that nobody else's copy can be overtaken by. */
  copiesAlongside(next: CallRecord, quiet: boolean): boolean {
    return quiet || this.index?.copiesInOne(next) === true;
  }
}
