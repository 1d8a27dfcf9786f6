/**
 * What a change leaves behind when Twilio or Sync fails part way: nothing it did may stand without
 * a trace. A pause that must not stand is put back; a change Twilio did not confirm is flagged in
 * the ledger for the sweep; and when Sync cannot take even the flag, the call is marked on its task
 * in TaskRouter (stores/repairMarks.ts), which the sweep reads too.
 */
import type { CallRecord } from '../base/callRecord';
import { newCallRecord } from '../base/callRecord';
import { withFailedPause, type TallyRequest } from '../base/ledgerTransforms';
import { CallEndedError, type LiveCall, RecordingUpdateError } from '../base/recordingBackend';
import type { StoredRecord } from '../stores/ledgerStore';
import type { RepairMarks } from '../stores/repairMarks';

/** Sync failed while a change was flagged: the trace went to TaskRouter instead (see repairMarks.ts). */
export class FlaggedElsewhere extends Error {
  constructor(readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : 'Sync did not answer');
  }
}

export interface RecoveryDeps {
  load: (callSid: string) => Promise<StoredRecord | null>;
  /** A ledger write, copied into the live index (CallControl.commit). */
  commit: (callSid: string, change: (current: CallRecord | null) => CallRecord | null) => Promise<unknown>;
  /** Makes the recordings match the ledger and writes down what Twilio confirmed (CallControl.settle). */
  settle: (call: LiveCall, stored: StoredRecord | null) => Promise<{ record: CallRecord | null }>;
  /** Where a pause that could not be put right nor flagged in Sync leaves its trace (TaskRouter). */
  repairs?: RepairMarks;
  log: (line: string) => void;
}

export class Recovery {
  constructor(private readonly deps: RecoveryDeps) {}

  /**
   * After a pause that must not stand (it failed for some recording, repeated an old signal, or
   * went to the wrong call): the recordings are set back to what the ledger says. If Twilio fails
   * that too, the ledger is flagged (created if need be) so the sweep finishes the job.
   */
  async restore(call: LiveCall): Promise<CallRecord | null> {
    try {
      return (await this.deps.settle(call, await this.deps.load(call.callSid))).record;
    } catch (error) {
      // Flagged for the sweep already; an ended call has nothing left to put back.
      if (error instanceof RecordingUpdateError || error instanceof CallEndedError) return null;
      // The ledger could not be read or written: the pause must not stand without a trace.
      if (!(error instanceof FlaggedElsewhere)) await this.markForRepair(call);
      throw error;
    }
  }

  /** Twilio did not confirm a change: the ledger says so, for the sweep; failing that, the task does (repairMarks.ts). */
  async flagOutOfSync(call: LiveCall, also: (record: CallRecord) => CallRecord = (record) => record): Promise<void> {
    try {
      await this.deps.commit(call.callSid, (record) => also({ ...(record ?? newCallRecord(call)), outOfSync: true }));
    } catch (syncError) {
      await this.markForRepair(call);
      throw new FlaggedElsewhere(syncError);
    }
  }

  /** A pause Twilio did not confirm, for the compliance figures; a ledger that cannot take it leaves only the log line. */
  async noteFailedPause(callSid: string, tally: TallyRequest | undefined): Promise<void> {
    if (!tally?.opens?.length) return;
    const opens = tally.opens;
    try {
      await this.deps.commit(callSid, (current) => current && withFailedPause(current, opens));
    } catch {
      this.deps.log(`call ${callSid}: a failed pause could not be counted (Sync did not answer)`);
    }
  }

  /**
   * Sync could not take the flag: the trace goes to the task (TaskRouter), which the sweep reads
   * too. Only if both fail is the recording left as it is, and that is logged.
   */
  private async markForRepair(call: LiveCall): Promise<void> {
    try {
      if (await this.deps.repairs?.mark(call)) return;
    } catch {
      // logged below
    }
    this.deps.log(`call ${call.callSid} may disagree with its ledger and could not be marked for the sweep`);
  }
}
