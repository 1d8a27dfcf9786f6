/**
 * The seam between the product and a platform's call recordings (docs/architecture.md, "How to
 * add…"): everything that lists, pauses, resumes, starts or stops a recording goes through it.
 * Twilio's is `twilioRecordings` (twilio/recordings.ts); another platform's recordings (Amazon
 * Connect's Suspend/ResumeContactRecording, say) would plug in behind the same three promises.
 */
import type { RecordingAtTwilio, RecordingKind, RecordingTarget, TwilioCall } from './twilio/recordings';

export interface RecordingBackend {
  /** Every recording of the call and of its conference, as the platform has them now. */
  list(call: TwilioCall): Promise<RecordingAtTwilio[]>;
  /**
   * Sets every active recording of the call (only these kinds, when given): either the platform
   * confirmed each one, or it throws RecordingUpdateError (with those it did confirm) or
   * CallEndedError. `onUncertainAttempt` hears of each attempt that may still land after the answer.
   */
  set(call: TwilioCall, target: RecordingTarget | 'stopped', kinds?: RecordingKind[], onUncertainAttempt?: () => void): Promise<RecordingAtTwilio[]>;
  /** Starts a dual-channel recording of the call; `statusCallback` hears of it as it runs. */
  start(call: TwilioCall, statusCallback?: string): Promise<void>;
}
