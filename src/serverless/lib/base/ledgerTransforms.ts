/**
 * What a change does to a call's ledger, as pure functions of the ledger and what the platform
 * confirmed: the recordings' target, what Twilio's answer writes down, what a resume will find and
 * what the compliance figures count. No Twilio, no store: control/callControl.ts decides when each
 * applies and in which order the requests go.
 */
import { ChangeContext, exposureMs, tallyChange, tallyExposure, tallyFailedPause, withTaskEvidence } from '../../../core/evidence';
import { expireHolds, isPaused } from '../../../core/holds';
import { type CallRecord, conferenceOf } from './callRecord';
import { isActive, type LiveCall, type PlatformRecording, type RecordingKind, type RecordingTarget, summarize } from './recordingBackend';

/** What the holds require of the recordings: paused while one is open. With no ledger, nothing holds the call. */
export const targetFor = (record: CallRecord | null): RecordingTarget => (record && isPaused(record) ? 'paused' : 'in-progress');

/** The change that only closes holds whose time has come. */
export const expireDue = (record: CallRecord, now: Date): CallRecord => {
  const expired = expireHolds(record, now);
  // Nothing due: the same record, so nothing is written.
  return expired === record ? record : { ...record, ...expired };
};

/** The recordings the ledger knows to be running or paused. */
const knownActive = (record: CallRecord) => record.recordings.filter((recording) => recording.status === 'paused' || recording.status === 'in-progress');

/** The recordings as the ledger last had them confirmed. */
export const knownStates = (record: CallRecord): PlatformRecording[] =>
  record.recordings.map(({ sid, kind, status, startedAt }) => ({ sid, kind, status: status ?? 'unknown', ...(startedAt && { startedAt }) }));

/** Twilio last confirmed the recordings as the holds require them, and nothing is pending. */
export function confirmedAsRequired(record: CallRecord): boolean {
  if (record.outOfSync || record.recording === 'unknown') return false;
  return targetFor(record) === 'paused' ? record.recording === 'paused' : record.recording !== 'paused';
}

/**
 * A resume need only reach the recordings the ledger knows (every pause that stands is written into
 * it with what Twilio confirmed) — unless an early pause of this very request is being put back,
 * which the ledger never recorded. A pause reaches every kind, since one may have appeared. Unknown
 * when the ledger is not sure: then every kind.
 */
export function resumeKinds(record: CallRecord | null, target: RecordingTarget): RecordingKind[] | undefined {
  if (target !== 'in-progress' || !record || record.outOfSync || record.recording === 'unknown') return undefined;
  return [...new Set(knownActive(record).map((recording) => recording.kind))];
}

/**
 * The change closes the last hold of a call whose recordings Twilio confirmed paused: the
 * recordings a resume will find running, as the ledger knows them. Undefined otherwise.
 */
export function expectedResume(record: CallRecord, next: CallRecord): PlatformRecording[] | undefined {
  if (record.outOfSync || record.recording !== 'paused' || targetFor(next) !== 'in-progress') return undefined;
  const active = knownActive(record);
  return active.length ? active.map(({ sid, kind, startedAt }) => ({ sid, kind, status: 'in-progress', ...(startedAt && { startedAt }) })) : undefined;
}

/** Writes down what Twilio confirmed: each recording's latest status, the call's summary and a conference found late. */
export function withConfirmed(record: CallRecord, states: PlatformRecording[]): CallRecord {
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
export function confirmsRecord(record: CallRecord, states: PlatformRecording[]): boolean {
  const confirmed = withConfirmed(record, states);
  return (
    !record.outOfSync &&
    confirmed.recording === record.recording &&
    JSON.stringify(confirmed.recordings) === JSON.stringify(record.recordings) &&
    confirmed.call.conferenceSid === record.call.conferenceSid
  );
}

/**
 * The conference as the ledger knows it, where the caller does not: its sid once found, else the
 * name Flex gave it (the call's first task, which a transfer does not change).
 */
export function ledgerConference(call: LiveCall, record: CallRecord): Pick<LiveCall, 'conferenceSid' | 'conferenceName'> {
  const known = conferenceOf(record);
  return { ...(call.conferenceName && { conferenceName: call.conferenceName }), ...known, ...(call.conferenceSid && { conferenceSid: call.conferenceSid }) };
}

/** The call as the caller and its ledger know it together: the ledger's conference and task where the caller has none. */
export const callAsLedgerKnows = (call: LiveCall, record: CallRecord | undefined): LiveCall => ({
  ...call,
  ...(record && ledgerConference(call, record)),
  taskSid: call.taskSid ?? record?.call.taskSid,
});

/**
 * A pause sent before the ledger was read went by what the caller knew of the call: when the ledger
 * knows a conference the pause did not reach (a transfer: the conference keeps the first task's
 * name), the call is not paused yet — never answer "paused" while a recording of the call records.
 */
export function missedByPause(call: LiveCall, record: CallRecord, states: PlatformRecording[]): boolean {
  const { conferenceSid, conferenceName } = record.call;
  if (conferenceSid) return conferenceSid !== call.conferenceSid && !states.some((state) => state.conferenceSid === conferenceSid);
  return conferenceName !== undefined && conferenceName !== (call.conferenceName ?? call.taskSid);
}

/** What a change means for the compliance figures (core/evidence.ts). */
export interface TallyRequest extends ChangeContext {
  /** The holds a pause is to open: a failure is counted against them. */
  opens?: string[];
  /** A start trigger: its exposure runs from the user's action (else this moment) to Twilio's confirmation. */
  exposure?: { receivedAtMs: number; occurredAt?: string };
}

/** The change's holds tallied into the evidence of the call's task; `after` itself when nothing counts. */
export function tallied(before: CallRecord, after: CallRecord, now: Date, tally: TallyRequest = {}): CallRecord {
  const evidence = withTaskEvidence(after.evidence, after.call, (current) => tallyChange(current, before, after, now, tally));
  return evidence === after.evidence ? after : { ...after, evidence };
}

/**
 * Twilio confirmed every recording paused for a start trigger: its exposure goes into the task's
 * evidence, and into the interval it opened, for the call's timeline. `confirmedAtMs` undefined:
 * Twilio had confirmed them paused before the trigger came (nothing sent), so its exposure is 0.
 */
export function withExposure(before: CallRecord, record: CallRecord, confirmedAtMs: number | undefined, tally: TallyRequest | undefined): CallRecord {
  if (!tally?.exposure || record.recording !== 'paused') return record;
  const ms = confirmedAtMs === undefined ? 0 : exposureMs(tally.exposure.receivedAtMs, confirmedAtMs, tally.exposure.occurredAt);
  const opened = !isPaused(before) && record.intervals.length > 0;
  const intervals = opened ? [...record.intervals.slice(0, -1), { ...record.intervals[record.intervals.length - 1], exposureMs: ms }] : record.intervals;
  return { ...record, intervals, evidence: withTaskEvidence(record.evidence, record.call, (evidence) => tallyExposure(evidence, ms)) };
}

/** A pause Twilio did not confirm, counted against the holds it was to open. */
export const withFailedPause = (record: CallRecord, opens: string[]): CallRecord => ({
  ...record,
  evidence: withTaskEvidence(record.evidence, record.call, (evidence) => tallyFailedPause(evidence, opens)),
});

/** A pause Twilio has not confirmed yet is shown as on its way, `since` then — only while nothing holds the call or marks it already. */
export const withPausingMark = (record: CallRecord | null, since: string): CallRecord | null =>
  record && !isPaused(record) && record.recording !== 'paused' && !record.pausing ? { ...record, pausing: since } : null;
