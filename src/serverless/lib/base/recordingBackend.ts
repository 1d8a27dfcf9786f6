/**
 * The seam between the product and a platform's call recordings (docs/architecture.md, "How to
 * add…"): everything that lists, pauses, resumes, starts or stops a recording goes through it, in
 * the words below. Twilio's is `twilioRecordings` (twilio/recordings.ts); another platform's
 * recordings (Amazon Connect's Suspend/ResumeContactRecording, say) would plug in behind the same
 * three promises.
 */
import type { RecordingSummary } from '../../../core/wire';

/** Whose recording it is: the call's own, or its conference's. */
export type RecordingKind = 'call' | 'conference';
export type RecordingTarget = 'paused' | 'in-progress';

/** A live call (its call, conference and task, as far as they are known), with its agent and queue when known. */
export interface LiveCall {
  callSid: string;
  conferenceSid?: string;
  taskSid?: string;
  /**
   * The task the call's conference is named after: Flex names it after the call's first task, and a
   * transfer (a new task on the same call) does not rename it. The current task's when not given.
   */
  conferenceName?: string;
  workerSid?: string;
  /** The agent on the call, when known (desktop signals name it). */
  agent?: string;
  /** The TaskRouter queue of its task, when known: its pause policy applies (docs/desktop-events.md). */
  queue?: string;
}

/** One recording of the call or of its conference, as the platform has it now. */
export interface PlatformRecording {
  sid: string;
  kind: RecordingKind;
  status: string;
  startedAt?: string;
  /** For a conference's recording: the conference, which the call's record may not name yet. */
  conferenceSid?: string;
}

/** The call is over: there is nothing left to pause. */
export class CallEndedError extends Error {
  constructor() {
    super('the call is no longer in progress');
  }
}

/**
 * The platform did not confirm the change for every recording, even after retries. `confirmed` holds
 * the recordings that did change, so a caller can put them back (a partial pause is no pause).
 */
export class RecordingUpdateError extends Error {
  constructor(
    message: string,
    readonly confirmed: PlatformRecording[] = [],
  ) {
    super(message);
  }
}

const ACTIVE = ['in-progress', 'paused'];

/** Whether a recording still runs, paused or not. */
export const isActive = (recording: Pick<PlatformRecording, 'status'>): boolean => ACTIVE.includes(recording.status);

/** The state of the call's active recordings: paused only when every one of them is. */
export function summarize(recordings: PlatformRecording[]): RecordingSummary {
  const active = recordings.filter(isActive);
  if (active.length === 0) return 'absent';
  return active.every((recording) => recording.status === 'paused') ? 'paused' : 'in-progress';
}

export interface RecordingBackend {
  /** Every recording of the call and of its conference, as the platform has them now. */
  list(call: LiveCall): Promise<PlatformRecording[]>;
  /**
   * Sets every active recording of the call (only these kinds, when given): either the platform
   * confirmed each one, or it throws RecordingUpdateError (with those it did confirm) or
   * CallEndedError. `onUncertainAttempt` hears of each attempt that may still land after the answer.
   */
  set(call: LiveCall, target: RecordingTarget | 'stopped', kinds?: RecordingKind[], onUncertainAttempt?: () => void): Promise<PlatformRecording[]>;
  /** Starts a dual-channel recording of the call; `statusCallback` hears of it as it runs. */
  start(call: LiveCall, statusCallback?: string): Promise<void>;
}
