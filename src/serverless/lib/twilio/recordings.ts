/**
 * Pauses or resumes every active recording of a live call in one parallel round trip:
 * Twilio's `Twilio.CURRENT` names the active recording of a call or a conference, so no list
 * request stands in front of the pause. When a call or conference has several active recordings
 * Twilio refuses `Twilio.CURRENT` (16108); then each is listed and set by its sid.
 */
import {
  CallEndedError,
  isActive,
  type LiveCall,
  type PlatformRecording,
  type RecordingBackend,
  type RecordingKind,
  type RecordingTarget,
  RecordingUpdateError,
} from '../base/recordingBackend';
import { httpStatus, type Retries, twilioCode } from './retry';
import type { TwilioClient } from './twilioClient';

/** Twilio's codes, as its error reference defines them (see src/standin/README.md). */
const NOT_FOUND = 20404;
const CALL_NOT_IN_PROGRESS = 21220;
/** "Conference does not exist or is completed". */
const CONFERENCE_COMPLETED = 16022;
/** "More than one active recording": Twilio.CURRENT is ambiguous, so each is named by its sid. */
const SEVERAL_ACTIVE_RECORDINGS = 16108;
/** A recording named by sid that has finished: Twilio answers its generic 400. */
const RECORDING_NOT_ACTIVE = 400;

type Outcome = { state: PlatformRecording } | { absent: true } | { ended: true } | { failed: unknown };
type Params = { status: RecordingTarget | 'stopped'; pauseBehavior?: 'skip' | 'silence' };
type Sent = { sid: string; status: string; startTime?: Date | null; dateCreated?: Date | null };

const toIso = (value: Date | string | null | undefined): string | undefined => {
  if (!value) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};

const stateOf = (kind: RecordingKind, recording: Sent): PlatformRecording => ({
  sid: recording.sid,
  kind,
  status: recording.status,
  startedAt: toIso(recording.startTime ?? recording.dateCreated),
});

async function update(retries: Retries, kind: RecordingKind, send: () => Promise<Sent>, onUncertainAttempt?: () => void): Promise<Outcome> {
  try {
    return { state: stateOf(kind, await retries.run(send, { onUncertainAttempt })) };
  } catch (error) {
    const code = twilioCode(error);
    if (httpStatus(error) === 404 || code === NOT_FOUND || code === RECORDING_NOT_ACTIVE) return { absent: true };
    if (code === CALL_NOT_IN_PROGRESS || code === CONFERENCE_COMPLETED) return { ended: true };
    return { failed: error };
  }
}

/** The recordings of one call or conference, as the SDK names them. */
interface RecordingsResource {
  (sid: string): { update(params: Params): Promise<Sent> };
  list(params: { limit: number }): Promise<Array<Sent>>;
}

/**
 * Sets the active recording of a call or a conference: one request to `Twilio.CURRENT`; when
 * Twilio answers that several are active (16108), each active one by its sid.
 */
async function updateActive(
  retries: Retries,
  kind: RecordingKind,
  recordings: RecordingsResource,
  params: Params,
  onUncertainAttempt?: () => void,
): Promise<Outcome[]> {
  const current = await update(retries, kind, () => recordings('Twilio.CURRENT').update(params), onUncertainAttempt);
  if (!('failed' in current) || twilioCode(current.failed) !== SEVERAL_ACTIVE_RECORDINGS) return [current];
  let listed: Sent[];
  try {
    listed = await retries.run(() => recordings.list({ limit: 50 }));
  } catch (error) {
    return [{ failed: error }];
  }
  const active = listed.filter(isActive);
  return Promise.all(active.map((recording) => update(retries, kind, () => recordings(recording.sid).update(params), onUncertainAttempt)));
}

/** Conferences found by their task, so a warm container looks each up once (Flex never renames one). */
type ConferencesOfTasks = Map<string, string>;

/**
 * The call's conference. Flex names it in the task's attributes only once it has started — after
 * the agent accepted — and an agent may rewrite those attributes, so the product never takes it from
 * there: Flex gives the conference the call's first task sid as its friendly name, and Twilio finds it by that.
 */
async function conferenceOf(client: TwilioClient, retries: Retries, call: LiveCall, conferencesOfTasks: ConferencesOfTasks): Promise<string | undefined> {
  if (call.conferenceSid) return call.conferenceSid;
  const name = call.conferenceName ?? call.taskSid;
  if (!name) return undefined;
  const known = conferencesOfTasks.get(name);
  if (known) return known;
  const found = await retries.run(() => client.conferences.list({ friendlyName: name, status: 'in-progress', limit: 1 }));
  const sid = found[0]?.sid;
  if (sid) {
    conferencesOfTasks.set(name, sid);
    if (conferencesOfTasks.size > 5000) conferencesOfTasks.delete(conferencesOfTasks.keys().next().value as string);
  }
  return sid;
}

const inConference =
  (conferenceSid: string) =>
  (outcome: Outcome): Outcome =>
    'state' in outcome ? { state: { ...outcome.state, conferenceSid } } : outcome;

/**
 * Sets every active recording of the call to `target` and returns what Twilio confirmed.
 * The call's recordings are set at once; the conference's alongside, once it is known (looked up
 * by the task when the record does not name it yet). Throws CallEndedError when nothing is live
 * any more, RecordingUpdateError when any recording did not confirm the change: a caller must
 * then treat the call as not paused.
 */
async function setRecordings(
  client: TwilioClient,
  retries: Retries,
  conferences: ConferencesOfTasks,
  call: LiveCall,
  target: RecordingTarget | 'stopped',
  pauseBehavior: 'skip' | 'silence',
  /** Only these kinds (a resume of what the ledger knows); every kind when not given. */
  kinds: RecordingKind[] = ['call', 'conference'],
  /** Hears of every attempt that may still land later (retry.ts): its request is not over when this answers. */
  onUncertainAttempt?: () => void,
): Promise<PlatformRecording[]> {
  const params: Params = target === 'paused' ? { status: target, pauseBehavior } : { status: target };
  const conference = async (): Promise<Outcome[]> => {
    if (!kinds.includes('conference')) return [];
    let conferenceSid: string | undefined;
    try {
      conferenceSid = await conferenceOf(client, retries, call, conferences);
    } catch (error) {
      return [{ failed: error }];
    }
    if (!conferenceSid) return [];
    const outcomes = await updateActive(
      retries,
      'conference',
      client.conferences(conferenceSid).recordings as unknown as RecordingsResource,
      params,
      onUncertainAttempt,
    );
    return outcomes.map(inConference(conferenceSid));
  };
  const ofCall = kinds.includes('call')
    ? updateActive(retries, 'call', client.calls(call.callSid).recordings as unknown as RecordingsResource, params, onUncertainAttempt)
    : Promise.resolve([]);
  const outcomes = (await Promise.all([ofCall, conference()])).flat();
  const confirmed = outcomes.flatMap((outcome) => ('state' in outcome ? [outcome.state] : []));
  if (outcomes.some((outcome) => 'failed' in outcome)) {
    throw new RecordingUpdateError('Twilio did not confirm the recording change', confirmed);
  }
  if (confirmed.length === 0 && outcomes.some((outcome) => 'ended' in outcome)) throw new CallEndedError();
  if (confirmed.some((state) => state.status !== target)) {
    throw new RecordingUpdateError(
      `Twilio answered a recording status other than ${target}`,
      confirmed.filter((state) => state.status === target),
    );
  }
  return confirmed;
}

/** Every recording of the call and of its conference (looked up when not named yet), as Twilio lists them now. */
async function listRecordings(client: TwilioClient, retries: Retries, conferences: ConferencesOfTasks, call: LiveCall): Promise<PlatformRecording[]> {
  const ofConference = async () => {
    const conferenceSid = await conferenceOf(client, retries, call, conferences);
    if (!conferenceSid) return [];
    const items = await retries.run(() => client.conferences(conferenceSid).recordings.list({ limit: 50 }));
    return items.map((item) => ({ ...stateOf('conference', item), conferenceSid }));
  };
  const lists = await Promise.all([
    retries.run(() => client.calls(call.callSid).recordings.list({ limit: 50 })).then((items) => items.map((item) => stateOf('call', item))),
    ofConference(),
  ]);
  return lists.flat();
}

/** Twilio's recordings, as the rest of the product asks for them (lib/recordingBackend.ts). */
export function twilioRecordings(client: TwilioClient, retries: Retries, pauseBehavior: 'skip' | 'silence'): RecordingBackend {
  // The container's own: one built per container, as buildServices does.
  const conferences: ConferencesOfTasks = new Map();
  return {
    list: (call) => listRecordings(client, retries, conferences, call),
    set: (call, target, kinds, onUncertainAttempt) => setRecordings(client, retries, conferences, call, target, pauseBehavior, kinds, onUncertainAttempt),
    async start(call, statusCallback) {
      await retries.run(() =>
        client.calls(call.callSid).recordings.create({
          recordingChannels: 'dual',
          ...(statusCallback && { recordingStatusCallback: statusCallback, recordingStatusCallbackEvent: ['in-progress', 'completed', 'absent'] }),
        }),
      );
    },
  };
}
