/**
 * The records the stand-in's Twilio keeps (model.ts) — calls, conferences, recordings, TaskRouter's
 * workers, tasks, reservations and events, the Flex tokens and API keys it issued — as plain types,
 * so the modules the model uses can name them without importing the model.
 */
export type CallStatus = 'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'failed' | 'no-answer' | 'canceled';
export type ConferenceStatus = 'init' | 'in-progress' | 'completed';
export type RecordingStatus = 'in-progress' | 'paused' | 'stopped' | 'processing' | 'completed' | 'absent' | 'failed';
export type RecordingUpdateStatus = 'in-progress' | 'paused' | 'stopped';
export type PauseBehavior = 'skip' | 'silence';
export type AssignmentStatus = 'pending' | 'reserved' | 'assigned' | 'wrapping' | 'completed' | 'canceled';
export type ReservationStatus = 'pending' | 'accepted' | 'rejected' | 'timeout' | 'canceled' | 'rescinded' | 'wrapping' | 'completed';
export type Role = 'agent' | 'supervisor' | 'admin';

export interface Call {
  sid: string;
  from: string;
  to: string;
  direction: 'inbound' | 'outbound-api';
  status: CallStatus;
  startTime: Date;
  endTime: Date | null;
  dateCreated: Date;
  dateUpdated: Date;
}

export interface Conference {
  sid: string;
  friendlyName: string;
  status: ConferenceStatus;
  dateCreated: Date;
  dateUpdated: Date;
  /** Creation order: lists answer newest first without depending on clock resolution. */
  order: number;
}

export interface RecordingHistoryEntry {
  status: RecordingStatus;
  /** ISO 8601 with milliseconds. */
  at: string;
}

export interface Recording {
  sid: string;
  /** Set for call recordings; null for conference recordings (as Twilio answers them). */
  callSid: string | null;
  conferenceSid: string | null;
  source: 'StartConferenceRecordingAPI' | 'StartCallRecordingAPI';
  channels: 1 | 2;
  track: 'inbound' | 'outbound' | 'both';
  status: RecordingStatus;
  pauseBehavior: PauseBehavior | null;
  startTime: Date;
  endTime: Date | null;
  dateCreated: Date;
  dateUpdated: Date;
  history: RecordingHistoryEntry[];
  /** Creation order: "newest" for Twilio.CURRENT must not depend on clock resolution. */
  order: number;
}

export interface Worker {
  sid: string;
  friendlyName: string;
  attributes: Record<string, unknown>;
  realmUserSid: string;
  dateCreated: Date;
  dateUpdated: Date;
}

export interface Task {
  sid: string;
  /** The JSON string, exactly as TaskRouter stores it. */
  attributes: string;
  assignmentStatus: AssignmentStatus;
  taskChannelUniqueName: string;
  priority: number;
  reason: string | null;
  /** Answered as the ETag header; every change increments it. */
  revision: number;
  dateCreated: Date;
  dateUpdated: Date;
}

export interface Reservation {
  sid: string;
  taskSid: string;
  workerSid: string;
  status: ReservationStatus;
  dateCreated: Date;
  dateUpdated: Date;
}

export interface FlexToken {
  token: string;
  workerSid: string;
  identity: string;
  realmUserSid: string;
  roles: Role[];
  expiresAt: Date;
}

/**
 * A TaskRouter event, as the workspace's Event Callback URL is told it: task events carry the
 * task; reservation events the task, the reservation and its worker.
 */
export type TaskRouterEvent =
  | { eventType: 'task.created' | 'task.updated' | 'task.wrapup' | 'task.completed' | 'task.canceled'; task: Task }
  | {
      eventType: 'reservation.accepted' | 'reservation.wrapup' | 'reservation.completed' | 'reservation.canceled';
      task: Task;
      reservation: Reservation;
      worker: Worker;
    };

/** Who made an event happen: TaskRouter itself (the workspace), or a worker writing through its token. */
export interface EventActor {
  type: 'workspace' | 'worker';
  sid: string;
}

/**
 * An event as TaskRouter logged it (the Events resource) and as its Event Callback and Event
 * Streams sinks are told it: what it said at that moment (`params`, the callback's parameters,
 * attributes included), never changed afterwards.
 */
export interface LoggedTaskRouterEvent {
  /** `EV` + 32 hex: the Event resource's sid. */
  sid: string;
  eventType: TaskRouterEvent['eventType'];
  at: Date;
  resourceType: 'task' | 'reservation';
  resourceSid: string;
  taskSid: string;
  params: Readonly<Record<string, string>>;
  actor: EventActor;
}

/** Whose recordings a Calls/{CA}/Recordings or Conferences/{CF}/Recordings path talks about. */
export type RecordingOwner = { kind: 'call'; callSid: string } | { kind: 'conference'; conferenceSid: string };

export interface TaskChanges {
  ifMatch?: string;
  attributes?: string;
  assignmentStatus?: AssignmentStatus;
  reason?: string;
  priority?: number;
}

/** An API key: `SK…` sid and its secret. */
export interface ApiKey {
  sid: string;
  secret: string;
}
