/**
 * Reading what the functions keep in Sync (docs/architecture.md): the call's document
 * `rc-call-<CallSid>` and the items of the live-calls index (`rc-live-calls-<shard>` maps). Both are read
 * defensively: Sync data is only as typed as whoever wrote it.
 */
import { AUTOMATION_PROBLEMS, normalProblems, type AutomationProblemCode } from '../core/automation';
import type { LiveCallItem } from '../core/wire';
import type { CallStatus, Hold, PauseInterval, RecordingSummary } from './types';
import { isObject } from '../core/isObject';

export { callDocumentName, liveCallsShardNames } from '../core/syncNames';

const isRecordingSummary = (value: unknown): value is RecordingSummary => value === 'paused' || value === 'in-progress' || value === 'absent';

const isHold = (value: unknown): value is Hold =>
  isObject(value) &&
  typeof value.id === 'string' &&
  typeof value.source === 'string' &&
  typeof value.openedAt === 'string' &&
  (value.resumeAt === null || typeof value.resumeAt === 'string');

const isInterval = (value: unknown): value is PauseInterval =>
  isObject(value) && typeof value.from === 'string' && (value.to === null || typeof value.to === 'string') && Array.isArray(value.holdIds);

/** The document's recordings; one whose status it does not carry keeps the status known before. */
const recordingsOf = (value: unknown[], previous: CallStatus['recordings'] = []): CallStatus['recordings'] =>
  value.flatMap((recording) =>
    isObject(recording) && typeof recording.sid === 'string' && (recording.kind === 'call' || recording.kind === 'conference')
      ? [{ sid: recording.sid, kind: recording.kind, status: String(recording.status ?? previous.find((known) => known.sid === recording.sid)?.status ?? '') }]
      : [],
  );

/**
 * The call's state from its document, or undefined when the document is not one (or cannot say
 * yet). `recording` is what Twilio last confirmed and is taken as is. The functions write
 * `'unknown'` until Twilio first answered for the call (the document is made when the agent
 * accepts the task): then the state the plugin was told by `status` stands.
 */
export function statusFromDocument(data: unknown, callSid: string, previous?: CallStatus): CallStatus | undefined {
  if (!isObject(data) || !Array.isArray(data.holds)) return undefined;
  const holds = data.holds.filter(isHold);
  let recording: RecordingSummary;
  if (isRecordingSummary(data.recording)) recording = data.recording;
  else if (data.recording === 'unknown' && previous) recording = previous.recording;
  else return undefined;
  const call = isObject(data.call) ? data.call : {};
  return {
    callSid: typeof call.callSid === 'string' ? call.callSid : callSid,
    recording,
    holds,
    intervals: Array.isArray(data.intervals) ? data.intervals.filter(isInterval) : (previous?.intervals ?? []),
    recordings:
      Array.isArray(data.recordings) && data.recordings.length > 0 ? recordingsOf(data.recordings, previous?.recordings) : (previous?.recordings ?? []),
    ...(typeof data.pausing === 'string' && !Number.isNaN(Date.parse(data.pausing)) && { pausing: data.pausing }),
  };
}

/**
 * A live call's item as the plugin reads it (the functions write a `LiveCallItem`, core/wire.ts):
 * the failure counts and the automation problems always present (0 and none when the item leaves
 * them out), the time of writing optional, the ledger's write number left to the functions.
 */
export type LiveCallReading = Omit<LiveCallItem, 'failedPauses' | 'failedPausesNotRecovered' | 'automationOff' | 'updatedAt' | 'seq'> &
  Required<Pick<LiveCallItem, 'failedPauses' | 'failedPausesNotRecovered' | 'automationOff'>> &
  Partial<Pick<LiveCallItem, 'updatedAt'>>;

const count = (value: unknown): number => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0);

export function liveCallFromItem(key: string, data: unknown): LiveCallReading | undefined {
  if (!isObject(data) || !Array.isArray(data.holds)) return undefined;
  const holds = data.holds.filter(isHold);
  return {
    callSid: typeof data.callSid === 'string' ? data.callSid : key,
    ...(typeof data.taskSid === 'string' && { taskSid: data.taskSid }),
    ...(typeof data.conferenceSid === 'string' && { conferenceSid: data.conferenceSid }),
    agents: Array.isArray(data.agents) ? data.agents.filter((agent): agent is string => typeof agent === 'string') : [],
    recording: isRecordingSummary(data.recording) ? data.recording : 'unknown',
    holds,
    resumeAt: typeof data.resumeAt === 'string' ? data.resumeAt : null,
    outOfSync: data.outOfSync === true,
    failedPauses: count(data.failedPauses),
    failedPausesNotRecovered: count(data.failedPausesNotRecovered),
    automationOff: Array.isArray(data.automationOff)
      ? normalProblems(data.automationOff.filter((code): code is AutomationProblemCode => AUTOMATION_PROBLEMS.includes(code)))
      : [],
    ...(typeof data.updatedAt === 'string' && { updatedAt: data.updatedAt }),
  };
}
