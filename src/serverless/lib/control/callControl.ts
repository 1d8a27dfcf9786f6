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
 *   outlives the request (recovery.ts).
 * - Otherwise: commit the ledger change, then set the recordings to what it now requires. When
 *   the last hold closes on recordings Twilio confirmed paused, that commit already records the
 *   resume, and after Twilio answered one read checks nobody wrote meanwhile (resumeRace.ts).
 * - Every other apply is followed by a conditional write of what Twilio confirmed; if another
 *   writer committed meanwhile, the apply may have overtaken theirs, so the latest ledger is
 *   applied again. A pause-first that read a ledger with a recent resume does the same check.
 * - A desktop signal's event id (and, once known, its outcome) goes into the ledger in the same
 *   write as its change, and the ledger read alongside the pause says whether the signal is a
 *   repeat and whether the call is still the agent's: no request of their own.
 * - The settled state of every change is copied once into the live index, which the sweep and
 *   supervisors read (indexCopy.ts).
 *
 * What the ledger becomes is decided by pure functions (base/ledgerTransforms.ts); each write's
 * callback returns what it decided, and the change goes on from the decision of the attempt that
 * landed.
 */
import type { AppliedChange, CallRecord } from '../base/callRecord';
import { newCallRecord } from '../base/callRecord';
import {
  callAsLedgerKnows,
  confirmedAsRequired,
  confirmsRecord,
  expectedResume,
  knownStates,
  ledgerConference,
  missedByPause,
  resumeKinds,
  tallied,
  type TallyRequest,
  targetFor,
  withConfirmed,
  withExposure,
  withFirstRecordings,
  withPausingMark,
} from '../base/ledgerTransforms';
import {
  CallEndedError,
  type LiveCall,
  type PlatformRecording,
  type RecordingBackend,
  type RecordingKind,
  type RecordingTarget,
} from '../base/recordingBackend';
import { type Answer, seenBefore, type SignalIdentity, signalOutcome, withSignal } from '../base/replays';
import type { Committed, Decided, Landed, LedgerStore, StoredRecord } from '../stores/ledgerStore';
import type { LiveIndex } from '../stores/liveIndex';
import type { RepairMarks } from '../stores/repairMarks';
import { type CopyAlongside, IndexCopy, isQuiet } from './indexCopy';
import { Recovery } from './recovery';
import { RESUME_LANDING, type ResumeLanding, ResumeRace } from './resumeRace';

export type { AppliedChange } from '../base/callRecord';
export type { ResumeLanding } from './resumeRace';

/**
 * A pause Twilio answers later than this is shown as on its way (`pausing`): longer than a pause
 * takes when Twilio answers (two round trips when the conference is looked up by name), shorter than
 * an outage's retries.
 */
export const PAUSING_SHOWN_AFTER_MS = 700;
const MAX_SETTLE_ROUNDS = 6;
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface ChangeRequest {
  /** The next ledger for the call; the same object for "no change"; undefined refuses the change (nothing is written). */
  change: (record: CallRecord, now: Date) => CallRecord | undefined;
  /** Send the pause before reading state: only for changes that can only open holds. */
  pauseFirst?: boolean;
  /**
   * With `pauseFirst`: the next card field's start, this soon after a stop (whose hold waits that
   * long for it), sends Twilio nothing when the ledger on hand says the recordings are confirmed
   * paused. Only a ledger that fresh stands in for Twilio's answer, which is what tells an ended call.
   */
  nextFieldWindowMs?: number;
  /**
   * A desktop signal: claimed in the very write that applies it (replays.ts), so a repeat from any
   * container is known at no extra request; its outcome (`signalOutcome`) is kept for repeats.
   */
  signal?: SignalIdentity;
  /**
   * The agent whose call this must be (a call remembered or named, not looked up): a ledger that
   * names nobody or another agent means the call moved — the speculative pause is put back and
   * nothing commits.
   */
  heldBy?: string;
  /** What the change means for the compliance figures (core/evidence.ts). */
  tally?: TallyRequest;
  /**
   * The pause went out by what this container had on hand (an older copy of the configuration):
   * false once the newer says otherwise, and then the pause is put back and nothing is written, for
   * the caller to start again by the newer.
   */
  stillSo?: Promise<boolean>;
}

/**
 * What a change came to, for the caller to steer by: applied; a repeat of a signal (with its first
 * answer) or its id reused with another body (`conflict`); the call moved to another agent (`heldBy`);
 * the call is over; or refused (the newer configuration does not confirm the older copy's, or the
 * change itself said no). A failure — Twilio or Sync not confirming — is thrown instead.
 */
export type ChangeResult =
  | ({ kind: 'applied' } & AppliedChange)
  | { kind: 'duplicate'; conflict: boolean; answer?: Answer; latest: CallRecord | null }
  | { kind: 'moved' }
  | { kind: 'ended' }
  | { kind: 'refused' };

/** Why a request must not change the ledger as it stands (see `refusalOf`). */
type Refusal = { kind: 'moved' } | { kind: 'duplicate'; conflict: boolean; answer?: Answer };

/** A pause sent before the ledger was read, as Twilio answered it. */
type EarlyPause = ConfirmedPause | { error: unknown };
interface ConfirmedPause {
  states: PlatformRecording[];
  confirmedAtMs: number;
}

/** What one attempt of a change's write decided: refused, or written (or nothing to write) and what follows the write. */
type WriteDecision = Refusal | { kind: 'refused' } | { kind: 'write'; before: CallRecord; after: CallRecord; then: AfterWrite };

type AfterWrite =
  /** The early pause Twilio confirmed is in the write. */
  | { step: 'paused'; states: PlatformRecording[] }
  /** The write answers the signal: Twilio has nothing to do. */
  | { step: 'answered' }
  /** The write records a resume, which is sent now: Twilio should find `expected` running. */
  | { step: 'resume'; expected: PlatformRecording[]; decidedAtMs: number }
  /** The recordings are set to what the write requires; first, a resume decided lately may need `resumeMayLand` ms to land. */
  | { step: 'settle'; resumeMayLand?: number };

/** What one attempt of `settle`'s write found. */
type SettleWrite = 'write' | 'nothing to write' | 'confirmed already';

export interface CallControlOptions {
  /** The platform's recordings (Twilio's: twilio/recordings.ts). */
  recordings: RecordingBackend;
  store: LedgerStore;
  /**
   * The one clock, for holds and for the windows of the resume race alike (a ledger's `updatedAt`
   * comes from it too); `sleep` waits on it. Tests and fault runs pass a simulated one, so no run
   * waits for real time.
   */
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
  landing?: ResumeLanding;
  /** How long a pause may go unconfirmed before the ledger shows it on its way: PAUSING_SHOWN_AFTER_MS, in real time (see markPausing). */
  pausingShownAfterMs?: number;
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
  private readonly pausingShownAfterMs: number;
  readonly repairs?: RepairMarks;
  private readonly copies: IndexCopy;
  private readonly recovery: Recovery;
  private readonly race: ResumeRace;

  constructor(options: CallControlOptions) {
    this.recordings = options.recordings;
    this.store = options.store;
    this.now = options.now;
    this.sleep = options.sleep ?? realSleep;
    this.pausingShownAfterMs = options.pausingShownAfterMs ?? PAUSING_SHOWN_AFTER_MS;
    this.repairs = options.repairs;
    const log = options.log ?? console.error;
    this.copies = new IndexCopy(options.index, log);
    this.recovery = new Recovery({
      load: (callSid) => this.store.load(callSid),
      commit: (callSid, change) => this.commit(callSid, change),
      settle: (call, stored) => this.settle(call, stored),
      repairs: options.repairs,
      log,
    });
    this.race = new ResumeRace({
      landing: options.landing ?? RESUME_LANDING,
      now: this.now,
      store: this.store,
      recordings: this.recordings,
      recovery: this.recovery,
    });
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
    const [stored] = await Promise.all([this.store.load(callSid), this.copies.prefetch(callSid)]);
    return stored;
  }

  /** Reads the call's index item unless known, as `loadForChange` does, for a change that may follow a read made elsewhere. */
  async prefetchIndex(callSid: string): Promise<void> {
    await this.copies.prefetch(callSid);
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
    const { committed } = await this.commitDecided(callSid, (current) => ({ next: change(current), decision: undefined }), base, alongside);
    return committed;
  }

  /** `commit` for a change that decides more than the next record: the decision of the attempt that landed comes back with it (and goes to `alongside`). */
  async commitDecided<D>(
    callSid: string,
    decide: (current: CallRecord | null) => Decided<D>,
    base?: StoredRecord | null,
    alongside?: (committed: Committed | null, decision: D) => Promise<unknown>,
  ): Promise<Landed<D>> {
    const copy = this.copies.alongside();
    const landed = await this.store.commitDecided(callSid, decide, base, (next, conflicts) =>
      copy.offer(next, conflicts, this.copies.copiesAlongside(next, false), false),
    );
    const { committed, decision } = landed;
    await Promise.all([
      copy.done(),
      committed?.changed && !copy.landed(committed) ? this.copies.indexed(committed.record) : undefined,
      alongside?.(committed, decision),
    ]);
    return landed;
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
   * Applies `request.change` to the call's ledger and makes the recordings agree. What the caller
   * steers by comes back as the result's kind; a failure (Twilio did not confirm, Sync did not
   * answer) is thrown.
   */
  async change(call: LiveCall, request: ChangeRequest): Promise<ChangeResult> {
    try {
      return await this.changeOrFail(call, request);
    } catch (error) {
      // Twilio says the call is over, at whichever step it said so: nothing is left to pause.
      if (error instanceof CallEndedError) return { kind: 'ended' };
      throw error;
    }
  }

  private async changeOrFail(call: LiveCall, request: ChangeRequest): Promise<ChangeResult> {
    const sentAt = this.now().getTime();
    const recalled = this.store.recalled(call.callSid);
    // The conference this container's ledger names (a task event came here): not looked up by name again.
    const pauseCall = recalled ? { ...call, ...ledgerConference(call, recalled.record) } : call;
    const { base, stillSo, sent } = await this.begin(call, request, pauseCall, recalled, sentAt);
    // The call is over: nothing was paused, so nothing is put back (nor its ledger written again).
    if (sent && 'error' in sent && sent.error instanceof CallEndedError) return { kind: 'ended' };
    if (!stillSo) {
      if (sent) await this.recovery.restore(call);
      return { kind: 'refused' };
    }
    const refusal = refusalOf(base?.record ?? null, request);
    if (refusal) return this.refused(call, refusal, sent, base?.record ?? null);
    if (sent && 'error' in sent) {
      await this.recovery.restore(call);
      await this.recovery.noteFailedPause(call.callSid, request.tally);
      throw sent.error;
    }
    return this.write(call, request, { base, sent, sentAt, pauseCall });
  }

  /**
   * The ledger the change starts from, read while a pause-first change's pause is on its way (sent
   * at once, unless the ledger on hand shows the recordings paused for the next field) and while the
   * newer configuration says whether it confirms the older copy's (`stillSo`).
   */
  private async begin(
    call: LiveCall,
    request: ChangeRequest,
    pauseCall: LiveCall,
    recalled: StoredRecord | undefined,
    sentAt: number,
  ): Promise<{ base: StoredRecord | null; stillSo: boolean; sent?: EarlyPause }> {
    // Recordings Twilio confirmed paused under an open hold: the start is the hold's write alone (answered in it).
    const early = request.pauseFirst && !this.race.pausedForNextField(recalled, sentAt, request.nextFieldWindowMs) ? this.pauseEarly(pauseCall) : undefined;
    // Twilio slow to confirm (an outage's retries): the agent's Flex, which follows the ledger, says a pause is on its way.
    const marked = early && request.signal ? this.markPausing(call.callSid, early) : undefined;
    // A container that does not know the call's index item reads it now, so its copy can go out with the write.
    const indexKnown = this.copies.prefetch(call.callSid);
    const [base, , stillSo] = await Promise.all([this.startingLedger(call, request), indexKnown, request.stillSo ?? true]).catch(async (error: unknown) => {
      // The ledger could not be read: whatever our early pause did must not stand.
      if (early) {
        await early;
        await marked;
        await this.recovery.restore(call);
      }
      throw error;
    });
    const sent = await early;
    return { base: CallControl.newer(base, await marked), stillSo, sent };
  }

  private pauseEarly(call: LiveCall): Promise<EarlyPause> {
    return this.recordings.set(call, 'paused').then(
      (states) => ({ states, confirmedAtMs: this.now().getTime() }),
      (error: unknown) => ({ error }),
    );
  }

  /**
   * The ledger a change starts from: as this container last wrote or read it when it did (a stale
   * one only costs the write a conflict and a read), else read now. A refusal is never decided on
   * a remembered ledger: the call may have come back to the agent meanwhile.
   */
  private async startingLedger(call: LiveCall, request: ChangeRequest): Promise<StoredRecord | null> {
    const recalled = this.store.recalled(call.callSid);
    if (recalled && !refusalOf(recalled.record, request)) return recalled;
    return this.store.load(call.callSid);
  }

  /** A refused request: our early pause may contradict the ledger, so the recordings go back to what it says. */
  private async refused(call: LiveCall, refusal: Refusal, sent: EarlyPause | undefined, latest: CallRecord | null): Promise<ChangeResult> {
    const after = sent ? await this.recovery.restore(call) : latest;
    return refusal.kind === 'moved' ? refusal : { ...refusal, latest: after };
  }

  /** Commits the change (with the early pause's answer, if any), then does what its write decided should follow. */
  private async write(
    call: LiveCall,
    request: ChangeRequest,
    { base, sent, sentAt, pauseCall }: { base: StoredRecord | null; sent: ConfirmedPause | undefined; sentAt: number; pauseCall: LiveCall },
  ): Promise<ChangeResult> {
    // Nobody else wrote the call lately: a pause's write is almost surely final, so its copy into
    // the index goes out alongside it rather than one round trip later.
    const quiet = isQuiet(base, sentAt);
    const copy = this.copies.alongside();
    const { committed, decision } = await this.store
      .commitDecided(
        call.callSid,
        (current) => this.decide(call, request, sent, current),
        base,
        (next, conflicts, decided) => {
          // Only a write that is the change's last one (nothing to set after it) is copied alongside.
          const last = decided.kind === 'write' && decided.then.step !== 'settle';
          copy.offer(next, conflicts, last && this.copies.copiesAlongside(next, quiet), quiet);
        },
      )
      .catch(async (error: unknown) => {
        // The hold could not be written down: a pause without it must not stand (nor its copy: the
        // restore writes the ledger's own state of that count over it).
        await copy.done();
        if (sent) await this.recovery.restore(call);
        throw error;
      });
    await copy.done();
    if (decision.kind === 'refused') {
      if (sent) await this.recovery.restore(call);
      return { kind: 'refused' };
    }
    // Another writer got there first: the same signal from another container, or a transfer.
    if (decision.kind !== 'write') return this.refused(call, decision, sent, committed?.record ?? null);
    if (!committed) throw new Error('the call ledger could not be written');
    return this.afterWrite(call, request, committed, decision, { copy, quiet, sentAt, pauseCall });
  }

  /**
   * One attempt of the change's write, on the ledger as it stands: what to write, and what must
   * follow the write. Each attempt decides afresh (a conflict re-runs it on the newer ledger).
   */
  private decide(call: LiveCall, request: ChangeRequest, sent: ConfirmedPause | undefined, current: CallRecord | null): Decided<WriteDecision> {
    const refusal = refusalOf(current, request);
    if (refusal) return { next: null, decision: refusal };
    // The conference's name is the call's first task's, whatever task the caller knew.
    const start = current ?? newCallRecord(call);
    const before = { ...start, call: { ...start.call, ...call, ...ledgerConference(call, start) } };
    const at = this.now();
    const changed = request.change(before, at);
    // Refused by the change itself (an older copy of the configuration): the caller starts over, so the ledger need not be read again.
    if (changed === undefined) return { next: null, decision: { kind: 'refused' }, abandoned: true };
    const after = tallied(before, changed, at, request.tally);
    const { signal } = request;
    /** The record with this request's signal claimed in it, and its outcome when the recordings are known by now. */
    const claimed = (record: CallRecord, recordings?: PlatformRecording[]): CallRecord =>
      withClaim(record, signal, this.now(), recordings && { before, after, latest: record, recordings });
    const write = (next: CallRecord | null, then: AfterWrite): Decided<WriteDecision> => ({ next, decision: { kind: 'write', before, after, then } });

    if (sent) {
      const confirmed = withExposure(before, { ...withConfirmed(after, sent.states), outOfSync: false }, sent.confirmedAtMs, request.tally);
      return write(claimed(confirmed, sent.states), { step: 'paused', states: sent.states });
    }
    if (after === before && current && !signal) return write(null, { step: 'settle' });
    // A signal that leaves the recordings' target as it was (no hold changed, a stop that waits for
    // the next field, a start while paused) on a call Twilio confirmed as the holds require: nothing
    // to set, so it is answered now — "paused" only once no resume can land after the pause it records.
    const resumeMayLand = targetFor(after) === 'paused' ? this.race.landsIn(call.callSid, current, at.getTime()) : undefined;
    const answeredInWrite =
      current !== null && signal !== undefined && targetFor(after) === targetFor(before) && confirmedAsRequired(current) && resumeMayLand === undefined;
    if (answeredInWrite) {
      // A start on recordings already paused: nothing of the user's entry was recorded.
      return write(claimed(withExposure(before, after, undefined, request.tally), knownStates(before)), { step: 'answered' });
    }
    // The last hold closes on recordings Twilio confirmed paused: the ledger says "recording" at
    // once and the resume follows it, so one round trip after the write nothing is left to do.
    const expected = current ? expectedResume(current, after) : undefined;
    if (expected) {
      const decidedAtMs = this.now().getTime();
      const resumed = { ...withConfirmed(after, expected), outOfSync: false, lastResumeAt: this.now().toISOString() };
      return write(claimed(resumed, expected), { step: 'resume', expected, decidedAtMs });
    }
    return write(claimed(after), { step: 'settle', resumeMayLand });
  }

  /** What follows the change's write, as its landed attempt decided. */
  private async afterWrite(
    call: LiveCall,
    request: ChangeRequest,
    committed: Committed,
    { before, after, then }: Extract<WriteDecision, { kind: 'write' }>,
    { copy, quiet, sentAt, pauseCall }: { copy: CopyAlongside; quiet: boolean; sentAt: number; pauseCall: LiveCall },
  ): Promise<ChangeResult> {
    const applied = (latest: CallRecord, recordings: PlatformRecording[]): ChangeResult => ({ kind: 'applied', before, after, latest, recordings });
    const copyLanded = copy.landed(committed);
    const { signal } = request;
    /** Keeps the signal's outcome in the write that records what Twilio confirmed. */
    const answered =
      signal &&
      ((record: CallRecord, states: PlatformRecording[]) => withClaim(record, signal, this.now(), { before, after, latest: record, recordings: states }));
    // Our write met nobody else's: its copy needs no read of the item first.
    const stillQuiet = quiet && committed.conflicts === 0;

    switch (then.step) {
      case 'paused': {
        // A resume decided shortly before our pause may land after it: the latest is applied once it has landed.
        const resumeLands = this.race.landsIn(call.callSid, committed.record, sentAt);
        if (
          committed.conflicts > 0 ||
          resumeLands !== undefined ||
          targetFor(committed.record) !== 'paused' ||
          missedByPause(pauseCall, committed.record, then.states)
        ) {
          if (resumeLands) await this.sleep(resumeLands);
          const settled = await this.settle(call, committed);
          return applied(settled.record ?? committed.record, settled.recordings.length ? settled.recordings : then.states);
        }
        if (!copyLanded) await this.copies.indexed(committed.record);
        return applied(committed.record, then.states);
      }
      case 'resume': {
        const resumed = await this.race.send(call, committed, then.expected, signal, then.decidedAtMs, before);
        if (resumed.kind === 'landed') {
          if (!copyLanded) await this.copies.indexed(resumed.written.record);
          return applied(resumed.written.record, resumed.states);
        }
        // Another writer came in, or Twilio saw other recordings than the ledger: the latest ledger is applied.
        const settled = await this.settle(call, resumed.latest, { annotate: answered });
        return applied(settled.record ?? committed.record, settled.recordings);
      }
      case 'answered':
        if (!copyLanded) await this.copies.indexed(committed.record, stillQuiet);
        return applied(committed.record, knownStates(committed.record));
      case 'settle': {
        // A resume still on its way would overtake the pause set now: it lands first.
        if (then.resumeMayLand) await this.sleep(then.resumeMayLand);
        // The outcome (and a start's exposure, up to Twilio's confirmation) is kept in the write that records what Twilio confirmed.
        const confirmedStart =
          answered &&
          ((record: CallRecord, states: PlatformRecording[]) => answered(withExposure(before, record, this.now().getTime(), request.tally), states));
        const settled = await this.settle(call, committed, { quiet: stillQuiet, onlyKnownKinds: true, annotate: confirmedStart });
        return applied(settled.record ?? committed.record, settled.recordings);
      }
    }
  }

  /**
   * Writes `pausing` into the ledger when Twilio has not confirmed the pause within
   * `pausingShownAfterMs` (nothing, and no request, when it has): only while nothing holds the call.
   * The change's own write then takes it away. Never throws: the mark is for the agent's eyes.
   */
  private async markPausing(callSid: string, early: Promise<unknown>): Promise<Committed | null | undefined> {
    // Real time, not the injected clock's: a hint for the agent's eyes, which a simulated clock should not be advanced for.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = await Promise.race([
      early.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.pausingShownAfterMs);
      }),
    ]);
    clearTimeout(timer);
    if (!late) return undefined;
    const since = this.now().toISOString();
    return this.store.commit(callSid, (current) => withPausingMark(current, since), this.store.recalled(callSid)).catch(() => undefined);
  }

  /** The newer of two copies of the ledger: the change goes on from the mark's write rather than meet it as a conflict. */
  private static newer(base: StoredRecord | null, marked: Committed | null | undefined): StoredRecord | null {
    return marked?.changed && (!base || marked.record.seq > base.record.seq) ? marked : base;
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
      /** Adds to the write that records what Twilio confirmed (a signal's outcome). */
      annotate?: (record: CallRecord, states: PlatformRecording[]) => CallRecord;
      /** Nobody else wrote the ledger lately (see IndexCopy.indexed). */
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
    const copy = this.copies.alongside();
    let current = stored;
    let states: PlatformRecording[] = [];
    // The ledger may know the conference when the caller does not (found late, or by an earlier signal).
    const live = callAsLedgerKnows(call, stored?.record);
    const done = async (record: CallRecord | null, copied = false) => {
      await copy.done();
      if (record && !copied) await this.copies.indexed(record, quiet);
      return { record, recordings: states };
    };
    for (let round = 0; round < MAX_SETTLE_ROUNDS; round += 1) {
      const target = targetFor(current?.record ?? null);
      const resumeSentAt = target === 'in-progress' ? this.now().toISOString() : undefined;
      states = await this.setRecordings(live, target, options.onlyKnownKinds ? resumeKinds(current?.record ?? null, target) : undefined);
      const confirmedStates = states;
      const { committed: written, decision } = await this.store.commitDecided(
        call.callSid,
        (latest): Decided<SettleWrite> => {
          // No ledger, or one that asks for another target now: there is nothing to write.
          if (targetFor(latest) !== target || !latest) return { next: null, decision: 'nothing to write' };
          // Twilio confirmed what the ledger says (a sweep's check of a paused call): no write.
          if (!resumeSentAt && !annotate && confirmsRecord(latest, confirmedStates)) return { next: null, decision: 'confirmed already' };
          const confirmed = { ...withConfirmed(latest, confirmedStates), outOfSync: false };
          const record = resumeSentAt ? { ...confirmed, lastResumeAt: resumeSentAt } : confirmed;
          return { next: annotate ? annotate(record, confirmedStates) : record, decision: 'write' };
        },
        current,
        // Quiet, the first write is almost surely the last: its copy goes out with it.
        (next, conflicts) => copy.offer(next, conflicts, quiet, true),
      );
      const copied = copy.landed(written);
      if (written?.conflicts) quiet = false;
      if (!written) return done(current?.record ?? null);
      if (written.changed) return done(written.record, copied);
      if (decision === 'confirmed already') {
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

  /** Sets the recordings; when Twilio does not confirm, the ledger is flagged for the sweep first. */
  private async setRecordings(call: LiveCall, target: RecordingTarget, kinds: RecordingKind[] | undefined): Promise<PlatformRecording[]> {
    try {
      return await this.recordings.set(call, target, kinds);
    } catch (error) {
      await this.recovery.flagOutOfSync(call);
      throw error;
    }
  }
}

/**
 * Why a request must not change the ledger as it stands: the call is not (or no longer) the
 * agent's, or its signal was applied and answered already (a repeat), or its id came with another
 * body (a conflict). A signal applied but never answered (Twilio did not confirm) is applied again.
 */
function refusalOf(record: CallRecord | null, request: ChangeRequest): Refusal | undefined {
  if (request.heldBy !== undefined && record?.call.agent !== request.heldBy) return { kind: 'moved' };
  if (!request.signal || !record) return undefined;
  const seen = seenBefore(record.signals, request.signal);
  if (seen.kind === 'conflict') return { kind: 'duplicate', conflict: true };
  if (seen.kind === 'repeat') return { kind: 'duplicate', conflict: false, answer: seen.answer };
  return undefined;
}

/** The record with the signal claimed in it (replays.ts), and what it decided once `applied` is known. */
const withClaim = (record: CallRecord, signal: SignalIdentity | undefined, now: Date, applied?: AppliedChange): CallRecord =>
  signal ? { ...record, signals: withSignal(record.signals, signal, now, applied && signalOutcome(applied)) } : record;
