/**
 * The stand-in's public shapes: the `Standin` object and what it answers. Kept apart so the
 * control surface (control.ts) and the stand-in itself (standin.ts) both depend on them, not on
 * each other.
 */
import type { FaultSpec, Operation } from './faults';
import type { ApiKey, AssignmentStatus, RecordingHistoryEntry, RecordingStatus } from './records';
import type { EventCallbackReport } from './eventCallback';
import type { LiveCallInput, LiveCallResult, OutsideRecordingKind, StandinTimers, TransferResult, WorkerInput, WorkerResult } from './scenarios';

export type { EventCallbackReport, StandinTimers };

export interface StandinOptions {
  /** Delay before every Twilio REST answer (the state change happens on arrival). Default 0. */
  latencyMs?: number;
  /** The clock for every timestamp the stand-in makes. Default: the real clock. */
  now?: () => Date;
  /** The timers that clock runs (Flex naming the conference later, see scenarios.ts). Default: the real ones. */
  timers?: StandinTimers;
  /** Where sids and tokens take their digits from, for a run that replays exactly (a seeded generator). Default: crypto's. */
  random?: () => number;
  /** Answered as `account_sid`. Default AC000…0. */
  accountSid?: string;
  /** Answered as `workspace_sid`. Default WS000…0. */
  workspaceSid?: string;
  /**
   * The workspace's Event Callback URL: TaskRouter's events (task.created, reservation.accepted,
   * task.updated, wrap-up, completion, cancelation; those `eventsFilter` names if given) are POSTed
   * there as TaskRouter does (form-encoded, signed with `authToken` in X-Twilio-Signature).
   */
  eventCallbackUrl?: string;
  /**
   * The workspace's EventsFilter: the event types the Event Callback URL is told (as
   * `workspaces:update --events-filter` sets it). Default: every event, as TaskRouter without one.
   */
  eventsFilter?: string[];
  /** Also the auth token REST requests must carry with the account sid (401 20003 otherwise); any is accepted without it. */
  authToken?: string;
  /** How often the push channel sends its keep-alive comment. Default 15 s. */
  keepAliveMs?: number;
  /**
   * API keys (`SK…` sid and secret) the stand-in knows: Basic auth with one must carry its
   * secret, and Sync access tokens signed with one are accepted in `X-Twilio-Token`.
   */
  apiKeys?: ApiKey[];
  /**
   * Twilio Sync's per-object rate limits (at most 200 reads and 200 writes per object in any 10 s
   * on the `now` clock; 429 54009 past them, see syncLimits.ts). Default true.
   */
  syncLimits?: boolean;
}

/**
 * Whose view of the push channel: a Sync service (default `default`) and a token for it, or
 * account credentials (`Authorization: Basic …`, as the REST API takes them), which see everything.
 */
export interface SyncPushAccess {
  service?: string | null;
  token?: string | null;
  authorization?: string | null;
}

/** A Sync service made through the typed helper; `sid` names one a deployment already has. */
export interface SyncServiceInput {
  friendlyName?: string;
  aclEnabled: boolean;
  sid?: string;
}

/** One Twilio REST request received (control-surface requests are not logged). */
export interface RequestRecord {
  method: string;
  /** Path without host and query. */
  path: string;
  /** When it arrived, ISO 8601 with milliseconds. */
  at: string;
  /** The fault operation it belongs to; null for unknown paths and refused authentication. */
  operation: Operation | null;
  /** When it was answered (after any latency); null while still waiting. */
  answeredAt: string | null;
  /** The HTTP status answered (429 for a Sync rate limit); 0 for a dropped connection (a status-0 fault); null while still waiting. */
  status: number | null;
}

export interface RecordingReport {
  sid: string;
  status: RecordingStatus;
  history: RecordingHistoryEntry[];
}

/** What `POST /__standin/tasks/<taskSid>/attributes` answers: the task's attributes now, parsed. */
export interface TaskAttributesResult {
  sid: string;
  attributes: Record<string, unknown>;
}

export interface TaskReport {
  sid: string;
  assignmentStatus: AssignmentStatus;
  attributes: unknown;
}

/** A Sync document, as the push channel shows it. */
export interface PushedDocument {
  uniqueName: string;
  revision: string;
  data: Record<string, unknown>;
}

/** A Sync map item, as the push channel shows it. */
export interface PushedMapItem {
  key: string;
  revision: string;
  data: Record<string, unknown>;
}

/** `code` defaults to 20500 and `times` to 1. */
export type FaultInput = Omit<FaultSpec, 'code' | 'times'> & Partial<Pick<FaultSpec, 'code' | 'times'>>;

export interface Standin {
  readonly accountSid: string;
  readonly workspaceSid: string;
  /** Answers a Twilio REST request or a `/__standin/*` control request. */
  handle(request: Request): Promise<Response>;
  /** As `POST /__standin/live-calls`; throws StandinInputError on bad input. */
  createLiveCall(input: LiveCallInput): LiveCallResult;
  /**
   * As `POST /__standin/tasks/<taskSid>/attributes {token, attributes}`: what Flex's
   * `task.setAttributes()` does with the token's worker's TaskRouter token — the attributes replaced,
   * `task.updated` sent (await callbacksDelivered() for its delivery). Throws
   * StandinUnauthenticatedError for a token the stand-in did not issue or that has expired,
   * StandinInputError for attributes that are no JSON object, StandinNotFoundError for an unknown
   * task, StandinForbiddenError when the worker holds no pending, accepted or wrapping reservation of it.
   */
  setTaskAttributes(taskSid: string, token: unknown, attributes: unknown): TaskAttributesResult;
  /** As `POST /__standin/live-calls/<callSid>/end`; throws StandinNotFoundError for an unknown call. */
  endCall(callSid: string): void;
  /**
   * As `POST /__standin/live-calls/<callSid>/transfer {agent}`; throws StandinNotFoundError for an
   * unknown call, StandinInputError for bad input or a call that has ended.
   */
  transferCall(callSid: string, agent: string): TransferResult;
  /**
   * As `POST /__standin/live-calls/<callSid>/recordings {kind}`: a recording someone else started on
   * the call or its conference, with no callback to the functions. Throws StandinNotFoundError for
   * an unknown call, StandinInputError for a bad kind or a call that has ended.
   */
  startOutsideRecording(callSid: string, kind: OutsideRecordingKind): { sid: string };
  /** As `POST /__standin/workers {agent, role}`: a worker with no call and a Flex token for it. */
  createWorker(input: WorkerInput): WorkerResult;
  /** Empties all state, faults, the request log and the Sync rate windows (the latency and limits settings stay). */
  reset(): void;
  /** Resolves once every event callback sent so far has been answered (or failed). */
  callbacksDelivered(): Promise<void>;
  /** As `GET /__standin/event-callbacks`: every event delivered so far, in the order they happened ([] without an event callback URL). */
  eventCallbacks(): EventCallbackReport[];
  /**
   * As `POST /__standin/event-callbacks/<sid>/redeliver`: delivers that event again with the same
   * parameters, resolving once answered; rejects with StandinNotFoundError for an unknown sid.
   */
  redeliverEventCallback(sid: string): Promise<{ sid: string; status: number }>;
  recording(sid: string): RecordingReport | undefined;
  task(taskSid: string): TaskReport | undefined;
  injectFault(fault: FaultInput): void;
  requests(): RequestRecord[];
  setLatency(ms: number): void;
  /** As `POST /__standin/limits {sync}`: Twilio's Sync rate limits on (the default) or off. */
  setSyncLimits(on: boolean): void;
  /** As `POST /v1/Services` with account credentials: the new service's sid. Services outlive `reset()`. */
  createSyncService(input: SyncServiceInput): string;
  /** Whether a Sync service with this sid exists (made at start, or through the REST API). */
  hasSyncService(sid: string): boolean;
  /**
   * As `GET /__standin/sync/documents/<uniqueName>`: the service's document (the default
   * service's without `access`), if it exists. Throws TwilioApiError 401 for a bad token or a
   * service with ACLs enabled reached without one, 403 54007 when the identity may not read it.
   */
  syncDocument(uniqueName: string, access?: SyncPushAccess): PushedDocument | undefined;
  /** As `GET /__standin/sync/maps/<uniqueName>/items`: the map's items in key order, if the map exists (refusals as syncDocument). */
  syncMapItems(uniqueName: string, access?: SyncPushAccess): PushedMapItem[] | undefined;
  /** As `GET /__standin/sync/stream`: every change of the service the access may read, as Server-Sent Events. */
  syncStream(lastEventId?: string | null, access?: SyncPushAccess): Response;
  /** Ends every open push stream. */
  closeStreams(): void;
}
