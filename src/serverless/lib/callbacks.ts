/**
 * Callbacks Twilio makes to us (deployed as protected functions, so Twilio's signature is
 * checked before they run): a recording we started reports in, and a task ends.
 */
import { closeHolds } from '../../core/holds';
import { redactionTimeline } from '../../core/timeline';
import type { CallControl } from './callControl';
import type { HttpResult } from './http';
import type { CallRecord, KnownRecording } from './ledgerStore';
import { parseAttributes } from './liveCalls';
import { mergeTaskAttributes } from './taskAttributes';
import type { TwilioClient } from './twilioClient';

const CALL_SID = /^CA[0-9a-fA-F]{32}$/;

/** A new recording joins the call's ledger and, if a hold is open, is paused at once. */
export async function recordingStarted(control: CallControl, event: Record<string, unknown>): Promise<HttpResult> {
  const { CallSid, RecordingSid, RecordingStatus, ConferenceSid, RecordingStartTime } = event as Record<string, string | undefined>;
  if (RecordingStatus !== 'in-progress' || !CallSid || !CALL_SID.test(CallSid) || !RecordingSid) return { status: 204, body: '' };
  const stored = await control.load(CallSid);
  if (!stored) return { status: 204, body: '' };
  const recording: KnownRecording = {
    sid: RecordingSid,
    kind: ConferenceSid ? 'conference' : 'call',
    ...(RecordingStartTime && !Number.isNaN(Date.parse(RecordingStartTime)) && { startedAt: new Date(RecordingStartTime).toISOString() }),
  };
  await control.change(stored.record.call, {
    change: (record) =>
      record.recordings.some((known) => known.sid === recording.sid) ? record : { ...record, recordings: [...record.recordings, recording] },
  });
  return { status: 204, body: '' };
}

const ENDING_EVENTS = ['task.wrapup', 'task.completed', 'task.canceled'];

/**
 * When the task ends, its call's holds and pause intervals (from, to, hold ids, sources, who) and
 * the redaction timeline go into the task's attributes under `recording_controls`, where WFO and
 * Flex Insights ingestion read them.
 */
export async function taskEnded(
  client: TwilioClient,
  control: CallControl,
  workspaceSid: string,
  event: Record<string, unknown>,
  now: () => Date,
): Promise<HttpResult> {
  const { EventType, TaskSid, TaskAttributes } = event as Record<string, string | undefined>;
  if (!EventType || !ENDING_EVENTS.includes(EventType) || !TaskSid) return { status: 204, body: '' };
  const callSid = parseAttributes(TaskAttributes).call_sid;
  if (typeof callSid !== 'string' || !CALL_SID.test(callSid)) return { status: 204, body: '' };
  const stored = await control.load(callSid);
  if (!stored) return { status: 204, body: '' };

  // The call is over for this task: any hold still open ends now.
  let record: CallRecord = stored.record;
  if (record.holds.length > 0) {
    const committed = await control.commit(callSid, (current) => (current ? { ...current, ...closeHolds(current, () => true, now()) } : null));
    if (committed) record = committed.record;
  }
  const timeline = redactionTimeline(
    record.recordings.filter((recording): recording is KnownRecording & { startedAt: string } => typeof recording.startedAt === 'string'),
    record.intervals,
  );
  await mergeTaskAttributes(client, workspaceSid, TaskSid, (attributes) => ({
    ...attributes,
    recording_controls: {
      ...((attributes.recording_controls as Record<string, unknown> | undefined) ?? {}),
      call_sid: callSid,
      holds: record.holds,
      intervals: record.intervals,
      timeline,
    },
  }));
  return { status: 204, body: '' };
}
