/**
 * A resume is written into the ledger before it is sent (callControl.ts), so for a moment the
 * ledger says "recording" while the resume is still on its way to Twilio — and a pause sent in that
 * moment, from any container, could be overtaken by it. This module keeps that moment: how long a
 * resume may still land, which resumes this container saw answered, and what a resume whose answer
 * came late must tell the ledger.
 */
import type { CallRecord } from '../base/callRecord';
import { callAsLedgerKnows, confirmedAsRequired } from '../base/ledgerTransforms';
import { CallEndedError, type LiveCall, type PlatformRecording, type RecordingBackend } from '../base/recordingBackend';
import { type SignalIdentity, withoutAnswer } from '../base/replays';
import type { Committed, LedgerStore, StoredRecord } from '../stores/ledgerStore';
import type { Recovery } from './recovery';

/**
 * A resume written down before it is sent is on its way for a moment. When Twilio answered it
 * within `withinMs` of its decision, with no attempt left uncertain (retry.ts), it landed by then:
 * a pause sent later cannot be overtaken by it, and its sender checks nothing more. A slower resume
 * is checked by its sender once answered (one ledger read). A pause sent sooner than that after a
 * resume's decision (with `clockSkewMs` for the clocks of two containers) sets the recordings again
 * once the window has passed.
 */
export interface ResumeLanding {
  withinMs: number;
  clockSkewMs: number;
}
export const RESUME_LANDING: ResumeLanding = { withinMs: 1_000, clockSkewMs: 250 };

/** How many calls' answered resumes a container remembers. */
const REMEMBERED_RESUMES = 2000;

/** A resume written down and sent: it stands (with what Twilio confirmed), or the latest ledger is to be applied after it. */
export type SentResume = { kind: 'landed'; written: StoredRecord; states: PlatformRecording[] } | { kind: 'contested'; latest: StoredRecord | null };

export interface ResumeRaceDeps {
  landing: ResumeLanding;
  /** The one clock (CallControlOptions.now). */
  now: () => Date;
  store: LedgerStore;
  recordings: RecordingBackend;
  recovery: Recovery;
}

export class ResumeRace {
  /**
   * Per call, the `lastResumeAt` of a resume this container sent and saw answered, decided when no
   * other resume was recent: a pause that finds it the latest need not fear a resume still on its way.
   */
  private readonly answeredResumes = new Map<string, { lastResumeAt: string; answeredAtMs: number }>();

  constructor(private readonly deps: ResumeRaceDeps) {}

  private nowMs(): number {
    return this.deps.now().getTime();
  }

  /**
   * A resume decided shortly before `sentAt` may land after a pause sent then: how long until it
   * surely landed (0: by now), or undefined when it cannot overtake the pause — it was decided long
   * enough before (see ResumeLanding), or it is the one this container saw answered before the
   * pause was sent (and nothing else resumed since: it would be the latest).
   */
  landsIn(callSid: string, record: CallRecord | null, sentAt: number): number | undefined {
    const lastResumeAt = record?.lastResumeAt;
    if (!lastResumeAt) return undefined;
    const window = this.deps.landing.withinMs + this.deps.landing.clockSkewMs;
    const landedBy = Date.parse(lastResumeAt) + window;
    if (landedBy <= sentAt) return undefined;
    const answered = this.answeredResumes.get(callSid);
    // The resume's answer came before the pause was sent (strictly: a clock that did not move between the two proves nothing).
    if (answered?.lastResumeAt === lastResumeAt && answered.answeredAtMs < sentAt) return undefined;
    // Never longer than the window: another container's clock may be ahead of ours.
    return Math.min(window, Math.max(0, landedBy - this.nowMs()));
  }

  /**
   * The ledger this container has on hand says Twilio confirmed the recordings paused, a hold waits
   * for the next field (a stop came less than `windowMs` ago) and no resume can still land: a start
   * then sends Twilio nothing. Its write, on that ledger's revision, proves the ledger still says so;
   * if it does not, the change settles as any other.
   */
  pausedForNextField(recalled: StoredRecord | undefined, at: number, windowMs = 0): boolean {
    const record = recalled?.record;
    if (!record || windowMs <= 0 || record.recording !== 'paused' || !confirmedAsRequired(record)) return false;
    if (record.call.taskSid && record.endedTasks?.includes(record.call.taskSid)) return false;
    const writtenAt = Date.parse(record.updatedAt);
    const waitsForNextField = record.holds.some((hold) => {
      const resumeAt = hold.resumeAt === null ? Number.NaN : Date.parse(hold.resumeAt);
      return resumeAt > at && resumeAt <= writtenAt + windowMs;
    });
    return waitsForNextField && this.landsIn(record.call.callSid, record, at) === undefined;
  }

  /**
   * Sends the resume the ledger already records (`committed`, written on `before`, decided at
   * `decidedAtMs`). It stands when Twilio confirms the recordings the ledger expected and nobody
   * wrote the ledger meanwhile; otherwise the latest ledger is to be applied after it. When Twilio
   * does not confirm it, the ledger is flagged for the sweep — without the signal's answer, so a
   * repeat is applied again rather than told "resumed" — and the error thrown.
   */
  async send(
    call: LiveCall,
    committed: Committed,
    expected: PlatformRecording[],
    signal: SignalIdentity | undefined,
    decidedAtMs: number,
    before: CallRecord,
  ): Promise<SentResume> {
    const sentAt = this.nowMs();
    const resumed = await this.resumeAsWritten(call, committed, expected, signal, decidedAtMs);
    // A resume that landed late may have overtaken a pause committed meanwhile: the ledger must
    // still be the one we wrote, and pauses sent until now must know this resume was on its way.
    const checked = resumed.landedInTime ? { stored: committed, ours: true } : await this.answeredLate(call.callSid, committed);
    if (!resumed.states || !checked.ours || !checked.stored) return { kind: 'contested', latest: checked.stored };
    const written = checked.stored;
    // Nothing else resumed lately (the ledger this resume was written on says so): later pauses here need not re-check.
    if (this.landsIn(call.callSid, before, sentAt) === undefined && written.record.lastResumeAt) {
      this.noteAnswered(call.callSid, written.record.lastResumeAt);
    }
    return { kind: 'landed', written, states: resumed.states };
  }

  /**
   * The recordings Twilio confirms resumed (`states`), undefined when they are not the ones the
   * ledger expected (a new one, one gone), and whether the resume landed in time (see ResumeLanding).
   */
  private async resumeAsWritten(
    call: LiveCall,
    committed: Committed,
    expected: PlatformRecording[],
    signal: SignalIdentity | undefined,
    decidedAtMs: number,
  ): Promise<{ states?: PlatformRecording[]; landedInTime: boolean }> {
    const live = callAsLedgerKnows(call, committed.record);
    // Told of each attempt that may still land after the answer (retry.ts).
    let uncertain = false;
    const kinds = [...new Set(expected.map((state) => state.kind))];
    const states = await this.deps.recordings
      .set(live, 'in-progress', kinds, () => {
        uncertain = true;
      })
      .catch(async (error: unknown) => {
        if (error instanceof CallEndedError) throw error;
        const unanswered = (record: CallRecord) => (signal ? { ...record, signals: withoutAnswer(record.signals, signal) } : record);
        await this.deps.recovery.flagOutOfSync(live, unanswered);
        throw error;
      });
    const asExpected = states.length === expected.length && states.every((state) => expected.some((known) => known.sid === state.sid));
    return { ...(asExpected && { states }), landedInTime: !uncertain && this.nowMs() - decidedAtMs <= this.deps.landing.withinMs };
  }

  /**
   * A resume answered late: the ledger's `lastResumeAt` moves to now, so a pause sent before now
   * sets the recordings again once this resume surely landed — on condition nobody wrote the
   * ledger since ours (`ours`: only the first attempt writes); otherwise the latest is returned, to
   * be applied after our resume.
   */
  private async answeredLate(callSid: string, committed: Committed): Promise<{ stored: StoredRecord | null; ours: boolean }> {
    const restamped = await this.deps.store.commit(
      callSid,
      (current, conflicts) => (conflicts === 0 && current !== null ? { ...current, lastResumeAt: this.deps.now().toISOString() } : null),
      committed,
    );
    return { stored: restamped, ours: restamped?.changed === true && restamped.conflicts === 0 };
  }

  private noteAnswered(callSid: string, lastResumeAt: string): void {
    this.answeredResumes.delete(callSid);
    this.answeredResumes.set(callSid, { lastResumeAt, answeredAtMs: this.nowMs() });
    if (this.answeredResumes.size > REMEMBERED_RESUMES) this.answeredResumes.delete(this.answeredResumes.keys().next().value as string);
  }
}
