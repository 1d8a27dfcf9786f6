/**
 * Pauses or resumes every active recording of a live call in one parallel round trip:
 * Twilio's `Twilio.CURRENT` names the active recording of a call or a conference, so no list
 * request stands in front of the pause.
 */
import { httpStatus, twilioCode, withRetries } from './retry';
import type { TwilioClient } from './twilioClient';

export type RecordingKind = 'call' | 'conference';
export type RecordingTarget = 'paused' | 'in-progress';
export type RecordingSummary = 'paused' | 'in-progress' | 'absent';

export interface LiveCall {
  callSid: string;
  conferenceSid?: string;
  taskSid?: string;
  workerSid?: string;
  /** The agent on the call, when known (desktop signals name it). */
  agent?: string;
}

export interface RecordingState {
  sid: string;
  kind: RecordingKind;
  status: string;
  startedAt?: string;
}

/** The call is over (Twilio 21220): there is nothing left to pause. */
export class CallEndedError extends Error {
  constructor() {
    super('the call is no longer in progress');
  }
}

/** Twilio did not confirm the change, even after retries. */
export class RecordingUpdateError extends Error {}

const NOT_FOUND = 20404;
const CALL_NOT_IN_PROGRESS = 21220;
const CONFERENCE_NOT_IN_PROGRESS = 16108;

type Outcome = { state: RecordingState } | { absent: true } | { ended: true } | { failed: unknown };

const toIso = (value: Date | string | null | undefined): string | undefined => {
  if (!value) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};

async function update(
  kind: RecordingKind,
  send: () => Promise<{ sid: string; status: string; startTime?: Date | null; dateCreated?: Date | null }>,
): Promise<Outcome> {
  try {
    const recording = await withRetries(send);
    return { state: { sid: recording.sid, kind, status: recording.status, startedAt: toIso(recording.startTime ?? recording.dateCreated) } };
  } catch (error) {
    const code = twilioCode(error);
    if (httpStatus(error) === 404 || code === NOT_FOUND) return { absent: true };
    if (code === CALL_NOT_IN_PROGRESS || code === CONFERENCE_NOT_IN_PROGRESS) return { ended: true };
    return { failed: error };
  }
}

/**
 * Sets every active recording of the call to `target` and returns what Twilio confirmed.
 * Throws CallEndedError when nothing is live any more, RecordingUpdateError when any recording
 * did not confirm the change: a caller must then treat the call as not paused.
 */
export async function setRecordings(
  client: TwilioClient,
  call: LiveCall,
  target: RecordingTarget | 'stopped',
  pauseBehavior: 'skip' | 'silence',
): Promise<RecordingState[]> {
  const params = target === 'paused' ? { status: target, pauseBehavior } : { status: target };
  const requests = [update('call', () => client.calls(call.callSid).recordings('Twilio.CURRENT').update(params))];
  if (call.conferenceSid) {
    const conferenceSid = call.conferenceSid;
    requests.push(update('conference', () => client.conferences(conferenceSid).recordings('Twilio.CURRENT').update(params)));
  }
  const outcomes = await Promise.all(requests);
  const confirmed = outcomes.flatMap((outcome) => ('state' in outcome ? [outcome.state] : []));
  if (outcomes.some((outcome) => 'failed' in outcome)) {
    throw new RecordingUpdateError('Twilio did not confirm the recording change');
  }
  if (confirmed.length === 0 && outcomes.some((outcome) => 'ended' in outcome)) throw new CallEndedError();
  if (confirmed.some((state) => state.status !== target)) {
    throw new RecordingUpdateError(`Twilio answered a recording status other than ${target}`);
  }
  return confirmed;
}

const ACTIVE = ['in-progress', 'paused'];

/** Every recording of the call and of its conference, as Twilio lists them now. */
export async function listRecordings(client: TwilioClient, call: LiveCall): Promise<RecordingState[]> {
  const lists = await Promise.all([
    withRetries(() => client.calls(call.callSid).recordings.list({ limit: 50 })).then((items) => items.map((item) => ({ item, kind: 'call' as const }))),
    call.conferenceSid
      ? withRetries(() => client.conferences(call.conferenceSid as string).recordings.list({ limit: 50 })).then((items) =>
          items.map((item) => ({ item, kind: 'conference' as const })),
        )
      : [],
  ]);
  return lists.flat().map(({ item, kind }) => ({ sid: item.sid, kind, status: item.status, startedAt: toIso(item.startTime ?? item.dateCreated) }));
}

export const isActive = (state: RecordingState): boolean => ACTIVE.includes(state.status);

/** The state of the call's active recordings: paused only when every one of them is. */
export function summarize(states: RecordingState[]): RecordingSummary {
  const active = states.filter(isActive);
  if (active.length === 0) return 'absent';
  return active.every((state) => state.status === 'paused') ? 'paused' : 'in-progress';
}
