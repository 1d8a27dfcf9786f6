/**
 * The stand-in's in-memory Twilio: calls, conferences, recordings, TaskRouter workers/tasks/
 * reservations, the Flex tokens it issued (Sync lives in sync.ts) — and the rules Twilio applies to them.
 *
 * Everything here is plain data plus the state changes the REST routes and the control surface
 * ask for. Rule violations throw TwilioApiError carrying the HTTP status and Twilio error code
 * that real Twilio answers (or our documented reading of it where Twilio's docs are vague).
 */
import { cryptoRandomness, newSid, TwilioApiError, type Randomness } from './primitives';
import { SyncStore } from './sync';
import { EventStreamsStore } from './eventStreamsStore';
import { FlexStore } from './flexStore';
import { eventCallbackParams } from './eventCallback';
import type {
  RecordingStatus,
  RecordingUpdateStatus,
  PauseBehavior,
  AssignmentStatus,
  ReservationStatus,
  Role,
  Call,
  Conference,
  Recording,
  Worker,
  Task,
  Reservation,
  FlexToken,
  TaskRouterEvent,
  EventActor,
  LoggedTaskRouterEvent,
  RecordingOwner,
  TaskChanges,
  ApiKey,
} from './records';

export { TwilioApiError, newSid, parseIfMatch } from './primitives';

export const ASSIGNMENT_STATUSES: readonly AssignmentStatus[] = ['pending', 'reserved', 'assigned', 'wrapping', 'completed', 'canceled'];
export const ROLES: readonly Role[] = ['agent', 'supervisor', 'admin'];
const FLEX_TOKEN_LIFETIME_MS = 60 * 60 * 1000;
/** TaskRouter keeps its Events 30 days. */
export const EVENT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** The reservation statuses in which a worker holds its task (Flex lets it write the task's attributes). */
const HOLDING: readonly ReservationStatus[] = ['pending', 'accepted', 'wrapping'];

export const CURRENT_RECORDING = 'Twilio.CURRENT';

function isLive(status: RecordingStatus): boolean {
  return status === 'in-progress' || status === 'paused';
}

export class TwilioModel {
  readonly taskQueueSid: string;
  readonly workflowSid: string;
  readonly voiceChannelSid: string;
  readonly busyActivitySid: string;

  calls = new Map<string, Call>();
  conferences = new Map<string, Conference>();
  recordings = new Map<string, Recording>();
  workers = new Map<string, Worker>();
  tasks = new Map<string, Task>();
  reservations = new Map<string, Reservation>();
  readonly sync: SyncStore;
  tokens = new Map<string, FlexToken>();
  /** Event Streams' sinks and subscriptions (eventStreams.ts). */
  readonly eventStreams: EventStreamsStore;
  /** Flex's Configuration and Plugins API (flexApi.ts). */
  readonly flex: FlexStore;
  /** API keys made through the REST API (`api:core:keys:create`), beside those the stand-in was started with. */
  apiKeys: ApiKey[] = [];
  /** TaskRouter's event log (the Events resource), oldest first; events older than 30 days are dropped. */
  events: LoggedTaskRouterEvent[] = [];
  /**
   * Told each event as it is logged, to go where TaskRouter sends it (the Event Callback URL, Event
   * Streams sinks): tasks created, updated (Flex naming the conference, a worker's attribute write),
   * wrapping up, completed or canceled; reservations accepted, wrapping up, completed or canceled.
   */
  onTaskRouterEvent?: (event: LoggedTaskRouterEvent) => void;
  /**
   * Asked when the REST API hangs up a call: the scenario the call belongs to (scenarios.ts) ends
   * it whole — both legs, the conference, its recordings, the task — and answers true.
   */
  onHangUp?: (callSid: string) => boolean;
  private recordingCounter = 0;
  private conferenceCounter = 0;

  constructor(
    private readonly now: () => Date,
    readonly accountSid: string,
    readonly workspaceSid: string,
    readonly randomness: Randomness = cryptoRandomness,
  ) {
    this.taskQueueSid = this.newSid('WQ');
    this.workflowSid = this.newSid('WW');
    this.voiceChannelSid = this.newSid('TC');
    this.busyActivitySid = this.newSid('WA');
    this.sync = new SyncStore(now, randomness);
    this.eventStreams = new EventStreamsStore(now, randomness);
    this.flex = new FlexStore(now, randomness);
  }

  /** A new sid, its digits from this stand-in's randomness. */
  newSid(prefix: string): string {
    return newSid(prefix, this.randomness);
  }

  reset(): void {
    this.calls.clear();
    this.conferences.clear();
    this.recordings.clear();
    this.workers.clear();
    this.tasks.clear();
    this.reservations.clear();
    this.sync.reset();
    this.eventStreams.reset();
    this.flex.reset();
    this.apiKeys = [];
    this.tokens.clear();
    this.events = [];
    this.recordingCounter = 0;
    this.conferenceCounter = 0;
  }

  issueToken(worker: Worker, role: Role): FlexToken {
    const token: FlexToken = {
      // Opaque on purpose: only this stand-in can tell what it means.
      token: `standin-flex-token.${this.randomness.hex(24)}`,
      workerSid: worker.sid,
      identity: worker.friendlyName,
      realmUserSid: worker.realmUserSid,
      roles: [role],
      expiresAt: new Date(this.now().getTime() + FLEX_TOKEN_LIFETIME_MS),
    };
    this.tokens.set(token.token, token);
    return token;
  }

  /** The token's grant if this stand-in issued it and it has not expired. */
  validateToken(token: unknown): FlexToken | undefined {
    if (typeof token !== 'string') return undefined;
    const grant = this.tokens.get(token);
    if (!grant || grant.expiresAt.getTime() <= this.now().getTime()) return undefined;
    return grant;
  }

  // ---------------------------------------------------------------- calls and conferences

  addCall(fields: Pick<Call, 'from' | 'to' | 'direction'>): Call {
    const now = this.now();
    const call: Call = { sid: this.newSid('CA'), ...fields, status: 'in-progress', startTime: now, endTime: null, dateCreated: now, dateUpdated: now };
    this.calls.set(call.sid, call);
    return call;
  }

  addConference(friendlyName: string): Conference {
    const now = this.now();
    const conference: Conference = {
      sid: this.newSid('CF'),
      friendlyName,
      status: 'in-progress',
      dateCreated: now,
      dateUpdated: now,
      order: ++this.conferenceCounter,
    };
    this.conferences.set(conference.sid, conference);
    return conference;
  }

  fetchCall(callSid: string): Call {
    const call = this.calls.get(callSid);
    if (!call) throw notFound(`The requested resource /Calls/${callSid}.json was not found`);
    return call;
  }

  /** POST Calls/{CA}.json: only `Status=completed` (hang up) changes anything here. */
  updateCall(callSid: string, status: string | undefined): Call {
    const call = this.fetchCall(callSid);
    if (status === undefined) return call;
    if (status !== 'completed' && status !== 'canceled') throw new TwilioApiError(400, 20001, `Invalid Status: ${status}`);
    if (call.status !== 'in-progress' && call.status !== 'queued' && call.status !== 'ringing') {
      throw new TwilioApiError(400, 21220, 'Call is not in-progress. Cannot redirect.');
    }
    if (!this.onHangUp?.(callSid)) {
      const now = this.now();
      Object.assign(call, { status: 'completed', endTime: now, dateUpdated: now });
    }
    return call;
  }

  fetchConference(conferenceSid: string): Conference {
    const conference = this.conferences.get(conferenceSid);
    if (!conference) throw notFound(`The requested resource /Conferences/${conferenceSid}.json was not found`);
    return conference;
  }

  // ---------------------------------------------------------------- recordings

  addRecording(fields: Pick<Recording, 'callSid' | 'conferenceSid' | 'source' | 'channels' | 'track'>): Recording {
    const now = this.now();
    const recording: Recording = {
      sid: this.newSid('RE'),
      ...fields,
      status: 'in-progress',
      pauseBehavior: null,
      startTime: now,
      endTime: null,
      dateCreated: now,
      dateUpdated: now,
      history: [{ status: 'in-progress', at: now.toISOString() }],
      order: ++this.recordingCounter,
    };
    this.recordings.set(recording.sid, recording);
    return recording;
  }

  setRecordingStatus(recording: Recording, status: RecordingStatus): void {
    const now = this.now();
    recording.status = status;
    recording.dateUpdated = now;
    if ((status === 'stopped' || status === 'completed') && recording.endTime === null) recording.endTime = now;
    recording.history.push({ status, at: now.toISOString() });
  }

  /** Recordings of a call or conference, newest first (as Twilio lists them). */
  recordingsOf(owner: RecordingOwner): Recording[] {
    this.assertOwnerExists(owner);
    return [...this.recordings.values()]
      .filter((recording) => (owner.kind === 'call' ? recording.callSid === owner.callSid : recording.conferenceSid === owner.conferenceSid))
      .sort((a, b) => b.order - a.order);
  }

  fetchRecording(recordingSid: string): Recording {
    const recording = this.recordings.get(recordingSid);
    if (!recording) throw notFound(`The requested resource /Recordings/${recordingSid}.json was not found`);
    return recording;
  }

  /**
   * A recording named under a call or conference path: a sid of theirs, or Twilio.CURRENT — the
   * one live (in-progress or paused) recording: none is 404 20404; more than one is ambiguous,
   * and Twilio refuses it with 400 16108 ("more than one active recording for the provided Call
   * SID"; we answer the same under a conference).
   */
  findRecording(owner: RecordingOwner, reference: string): Recording {
    const candidates = this.recordingsOf(owner);
    if (reference === CURRENT_RECORDING) {
      const live = candidates.filter((candidate) => isLive(candidate.status));
      if (live.length > 1) throw new TwilioApiError(400, 16108, 'Request failed due to concurrent recordings: more than one active recording');
      if (live.length === 1) return live[0];
    } else {
      const recording = candidates.find((candidate) => candidate.sid === reference);
      if (recording) return recording;
    }
    throw notFound(`The requested resource Recordings/${reference}.json was not found`);
  }

  /** POST Calls/{CA}/Recordings.json: start a recording of a call that is in progress. */
  startCallRecording(callSid: string, options: { channels: 1 | 2; track: Recording['track'] }): Recording {
    const call = this.fetchCall(callSid);
    if (call.status !== 'in-progress') throw new TwilioApiError(400, 21220, 'Invalid call state');
    return this.addRecording({ callSid, conferenceSid: null, source: 'StartCallRecordingAPI', channels: options.channels, track: options.track });
  }

  /**
   * POST …/Recordings/{RE|Twilio.CURRENT}.json with Status paused | in-progress | stopped.
   * Checked in this order, as the path reads:
   * - unknown call or conference → 404 20404;
   * - the call is not in progress → 400 21220 ("Invalid call state": realtime operations need a
   *   call in progress), for a sid and for Twilio.CURRENT alike;
   * - the conference is completed → 400 16022 ("Conference does not exist or is completed";
   *   the status is our reading);
   * - unknown recording, or no live one for Twilio.CURRENT → 404 20404; more than one live one
   *   for Twilio.CURRENT → 400 16108 (see findRecording);
   * - the recording is finished (stopped, processing, completed…) → 400 with code 400 (Twilio's
   *   "Bad Request: the resource has moved into a state that is no longer valid"; our reading —
   *   Twilio documents no specific code for it);
   * - asking for the status it already has (paused→paused, in-progress→in-progress) is an
   *   accepted no-op: 200, no history entry.
   */
  updateRecording(owner: RecordingOwner, reference: string, status: RecordingUpdateStatus, pauseBehavior?: PauseBehavior): Recording {
    if (owner.kind === 'call') {
      if (this.fetchCall(owner.callSid).status !== 'in-progress') throw new TwilioApiError(400, 21220, 'Invalid call state');
    } else if (this.fetchConference(owner.conferenceSid).status !== 'in-progress') {
      throw new TwilioApiError(400, 16022, 'Conference does not exist or is completed');
    }
    const recording = this.findRecording(owner, reference);
    if (!isLive(recording.status)) throw new TwilioApiError(400, 400, `Recording is ${recording.status} and can no longer be changed`);
    if (recording.status === status) return recording;
    if (status === 'paused') recording.pauseBehavior = pauseBehavior ?? 'silence';
    this.setRecordingStatus(recording, status);
    return recording;
  }

  private assertOwnerExists(owner: RecordingOwner): void {
    if (owner.kind === 'call') this.fetchCall(owner.callSid);
    else this.fetchConference(owner.conferenceSid);
  }

  // ---------------------------------------------------------------- TaskRouter

  fetchWorker(workerSid: string): Worker {
    const worker = this.workers.get(workerSid);
    if (!worker) throw notFound(`The requested resource /Workers/${workerSid} was not found`);
    return worker;
  }

  reservationsOf(workerSid: string): Reservation[] {
    this.fetchWorker(workerSid);
    return [...this.reservations.values()].filter((reservation) => reservation.workerSid === workerSid);
  }

  fetchTask(taskSid: string): Task {
    const task = this.tasks.get(taskSid);
    if (!task) throw notFound(`The requested resource /Tasks/${taskSid} was not found`);
    return task;
  }

  /**
   * POST Tasks/{WT}. `If-Match` must equal the task's current revision (its ETag), else 412 with
   * code 20412 — the code is our choice; Twilio documents only the 412.
   * A completed or canceled task keeps its assignment status (400 20001); its attributes may
   * still be written, which is how wrap-up data lands on it.
   */
  updateTask(taskSid: string, changes: TaskChanges): Task {
    const task = this.fetchTask(taskSid);
    if (changes.ifMatch !== undefined && changes.ifMatch !== String(task.revision)) {
      throw new TwilioApiError(412, 20412, 'The If-Match header does not match the Task revision');
    }
    if (changes.attributes !== undefined && !isJsonObject(changes.attributes)) {
      throw new TwilioApiError(400, 20001, 'Attributes must be a JSON object');
    }
    if (changes.assignmentStatus !== undefined && (task.assignmentStatus === 'completed' || task.assignmentStatus === 'canceled')) {
      throw new TwilioApiError(400, 20001, `Task is already ${task.assignmentStatus}`);
    }
    this.changeTask(task, changes);
    return task;
  }

  changeTask(task: Task, changes: Omit<TaskChanges, 'ifMatch'>): void {
    const now = this.now();
    if (changes.attributes !== undefined) task.attributes = changes.attributes;
    if (changes.reason !== undefined) task.reason = changes.reason;
    if (changes.priority !== undefined) task.priority = changes.priority;
    const statusChanged = changes.assignmentStatus !== undefined && changes.assignmentStatus !== task.assignmentStatus;
    if (changes.assignmentStatus !== undefined) task.assignmentStatus = changes.assignmentStatus;
    task.revision += 1;
    task.dateUpdated = now;
    if (!statusChanged) return;
    // TaskRouter tells the reservations' change first, then the task's.
    this.followTaskWithReservations(task, now);
    const event = ({ wrapping: 'task.wrapup', completed: 'task.completed', canceled: 'task.canceled' } as const)[
      task.assignmentStatus as 'wrapping' | 'completed' | 'canceled'
    ];
    if (event) this.emit({ eventType: event, task });
  }

  /** A reservation follows its task into wrap-up and completion, so it is no longer "accepted". */
  private followTaskWithReservations(task: Task, now: Date): void {
    const next: Partial<Record<AssignmentStatus, 'wrapping' | 'completed' | 'canceled'>> = {
      wrapping: 'wrapping',
      completed: 'completed',
      canceled: 'canceled',
    };
    const status = next[task.assignmentStatus];
    if (!status) return;
    for (const reservation of this.reservations.values()) {
      if (reservation.taskSid !== task.sid || (reservation.status !== 'accepted' && reservation.status !== 'wrapping') || reservation.status === status)
        continue;
      reservation.status = status;
      reservation.dateUpdated = now;
      this.tellReservation(
        ({ wrapping: 'reservation.wrapup', completed: 'reservation.completed', canceled: 'reservation.canceled' } as const)[status],
        reservation,
      );
    }
  }

  tellReservation(eventType: 'reservation.accepted' | 'reservation.wrapup' | 'reservation.completed' | 'reservation.canceled', reservation: Reservation): void {
    const task = this.tasks.get(reservation.taskSid);
    const worker = this.workers.get(reservation.workerSid);
    if (task && worker) this.emit({ eventType, task, reservation, worker });
  }

  /**
   * TaskRouter logs the event as things are now (the task's attributes of this moment stay in the
   * log whatever is written later) and sends it on (onTaskRouterEvent).
   */
  emit(event: TaskRouterEvent, actor: EventActor = { type: 'workspace', sid: this.workspaceSid }): LoggedTaskRouterEvent {
    const at = this.now();
    const logged: LoggedTaskRouterEvent = {
      sid: this.newSid('EV'),
      eventType: event.eventType,
      at,
      ...('reservation' in event
        ? { resourceType: 'reservation' as const, resourceSid: event.reservation.sid }
        : { resourceType: 'task' as const, resourceSid: event.task.sid }),
      taskSid: event.task.sid,
      params: Object.freeze(eventCallbackParams(this, event, at)),
      actor,
    };
    this.events.push(logged);
    this.dropOldEvents();
    this.onTaskRouterEvent?.(logged);
    return logged;
  }

  /** The events TaskRouter still keeps (30 days), oldest first. */
  loggedEvents(): LoggedTaskRouterEvent[] {
    this.dropOldEvents();
    return this.events;
  }

  private dropOldEvents(): void {
    const oldest = this.now().getTime() - EVENT_RETENTION_MS;
    const kept = this.events.findIndex((event) => event.at.getTime() >= oldest);
    if (kept !== 0) this.events.splice(0, kept < 0 ? this.events.length : kept);
  }

  /** Whether the worker holds the task: a reservation of it that is pending, accepted or wrapping up. */
  holdsTask(workerSid: string, taskSid: string): boolean {
    return [...this.reservations.values()].some(
      (reservation) => reservation.workerSid === workerSid && reservation.taskSid === taskSid && HOLDING.includes(reservation.status),
    );
  }

  /**
   * What Flex's `task.setAttributes()` does with the worker's TaskRouter token: the attributes
   * replaced as a task update replaces them (revision and date updated move on), then `task.updated`,
   * the worker its actor. Whether the worker may is the caller's to check (holdsTask).
   */
  writeAttributesAsWorker(task: Task, attributes: Record<string, unknown>, workerSid: string): void {
    this.changeTask(task, { attributes: JSON.stringify(attributes) });
    this.emit({ eventType: 'task.updated', task }, { type: 'worker', sid: workerSid });
  }
}

function notFound(message: string): TwilioApiError {
  return new TwilioApiError(404, 20404, message);
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
