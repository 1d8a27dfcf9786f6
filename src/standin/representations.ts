/**
 * How the stand-in's resources look on the wire: snake_case JSON in the shapes real Twilio
 * answers (and the `twilio` SDK parses), plus the two list envelopes (2010-04-01 and v1).
 */
import type { TwilioModel } from './model';
import { iso8601 } from './primitives';
import type { Call, Conference, LoggedTaskRouterEvent, Recording, Reservation, Task, Worker } from './records';
import type { SyncDocument, SyncList, SyncListItem, SyncMap, SyncMapItem, SyncObject, SyncObjectKind, SyncPermission, SyncServiceInfo } from './sync';

export const TASKROUTER_BASE = 'https://taskrouter.twilio.com/v1';
export const SYNC_BASE = 'https://sync.twilio.com/v1';
const API_VERSION = '2010-04-01';

/** RFC 2822 in the form Twilio's 2010 API uses: "Tue, 25 Nov 2025 10:00:00 +0000". */
export function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

function seconds(from: Date, to: Date): number {
  return Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
}

export function callJson(model: TwilioModel, call: Call) {
  const uri = `/${API_VERSION}/Accounts/${model.accountSid}/Calls/${call.sid}`;
  return {
    sid: call.sid,
    account_sid: model.accountSid,
    api_version: API_VERSION,
    parent_call_sid: null,
    from: call.from,
    from_formatted: call.from,
    to: call.to,
    to_formatted: call.to,
    direction: call.direction,
    status: call.status,
    start_time: rfc2822(call.startTime),
    end_time: call.endTime ? rfc2822(call.endTime) : null,
    duration: call.endTime ? String(seconds(call.startTime, call.endTime)) : null,
    date_created: rfc2822(call.dateCreated),
    date_updated: rfc2822(call.dateUpdated),
    price: null,
    price_unit: 'USD',
    answered_by: null,
    caller_name: null,
    forwarded_from: null,
    group_sid: null,
    phone_number_sid: null,
    queue_time: '0',
    trunk_sid: null,
    uri: `${uri}.json`,
    subresource_uris: {
      recordings: `${uri}/Recordings.json`,
      notifications: `${uri}/Notifications.json`,
      events: `${uri}/Events.json`,
    },
  };
}

export function conferenceJson(model: TwilioModel, conference: Conference) {
  const uri = `/${API_VERSION}/Accounts/${model.accountSid}/Conferences/${conference.sid}`;
  return {
    sid: conference.sid,
    account_sid: model.accountSid,
    api_version: API_VERSION,
    friendly_name: conference.friendlyName,
    status: conference.status,
    region: 'us1',
    date_created: rfc2822(conference.dateCreated),
    date_updated: rfc2822(conference.dateUpdated),
    reason_conference_ended: conference.status === 'completed' ? 'last-participant-left' : null,
    call_sid_ending_conference: null,
    uri: `${uri}.json`,
    subresource_uris: {
      participants: `${uri}/Participants.json`,
      recordings: `${uri}/Recordings.json`,
    },
  };
}

/**
 * Where a recording is read from changes its shape, as in Twilio's spec: under a call it carries
 * `track`; under a conference neither `track` nor links; at the account level `media_url` and
 * `subresource_uris`.
 */
export type RecordingScope = 'account' | 'call' | 'conference';

export function recordingJson(model: TwilioModel, recording: Recording, scope: RecordingScope) {
  const uri = `/${API_VERSION}/Accounts/${model.accountSid}/Recordings/${recording.sid}`;
  const finished = recording.status === 'completed' && recording.endTime !== null;
  const common = {
    sid: recording.sid,
    account_sid: model.accountSid,
    api_version: API_VERSION,
    call_sid: recording.callSid,
    conference_sid: recording.conferenceSid,
    status: recording.status,
    source: recording.source,
    channels: recording.channels,
    start_time: rfc2822(recording.startTime),
    date_created: rfc2822(recording.dateCreated),
    date_updated: rfc2822(recording.dateUpdated),
    // Twilio answers "-1" until the recording is finished.
    duration: finished ? String(seconds(recording.startTime, recording.endTime as Date)) : '-1',
    price: null,
    price_unit: 'USD',
    error_code: null,
    encryption_details: null,
    uri: `${uri}.json`,
  };
  if (scope === 'call') return { ...common, track: recording.track };
  if (scope === 'conference') return common;
  return {
    ...common,
    media_url: `https://api.twilio.com${uri}`,
    subresource_uris: {
      add_on_results: `${uri}/AddOnResults.json`,
      transcriptions: `${uri}/Transcriptions.json`,
    },
  };
}

export function workerJson(model: TwilioModel, worker: Worker) {
  const url = `${TASKROUTER_BASE}/Workspaces/${model.workspaceSid}/Workers/${worker.sid}`;
  return {
    sid: worker.sid,
    account_sid: model.accountSid,
    workspace_sid: model.workspaceSid,
    friendly_name: worker.friendlyName,
    attributes: JSON.stringify(worker.attributes),
    activity_name: 'Available',
    activity_sid: model.busyActivitySid,
    available: true,
    date_created: iso8601(worker.dateCreated),
    date_updated: iso8601(worker.dateUpdated),
    date_status_changed: iso8601(worker.dateUpdated),
    url,
    links: {
      reservations: `${url}/Reservations`,
      channels: `${url}/Channels`,
      workspace: `${TASKROUTER_BASE}/Workspaces/${model.workspaceSid}`,
    },
  };
}

export function reservationJson(model: TwilioModel, reservation: Reservation) {
  const worker = model.workers.get(reservation.workerSid);
  const url = `${TASKROUTER_BASE}/Workspaces/${model.workspaceSid}/Tasks/${reservation.taskSid}/Reservations/${reservation.sid}`;
  return {
    sid: reservation.sid,
    account_sid: model.accountSid,
    workspace_sid: model.workspaceSid,
    task_sid: reservation.taskSid,
    worker_sid: reservation.workerSid,
    worker_name: worker?.friendlyName ?? null,
    reservation_status: reservation.status,
    date_created: iso8601(reservation.dateCreated),
    date_updated: iso8601(reservation.dateUpdated),
    url,
    links: {
      task: `${TASKROUTER_BASE}/Workspaces/${model.workspaceSid}/Tasks/${reservation.taskSid}`,
      worker: `${TASKROUTER_BASE}/Workspaces/${model.workspaceSid}/Workers/${reservation.workerSid}`,
      workspace: `${TASKROUTER_BASE}/Workspaces/${model.workspaceSid}`,
    },
  };
}

export function taskJson(model: TwilioModel, task: Task, now: Date) {
  const url = `${TASKROUTER_BASE}/Workspaces/${model.workspaceSid}/Tasks/${task.sid}`;
  return {
    sid: task.sid,
    account_sid: model.accountSid,
    workspace_sid: model.workspaceSid,
    assignment_status: task.assignmentStatus,
    attributes: task.attributes,
    addons: '{}',
    age: seconds(task.dateCreated, now),
    priority: task.priority,
    reason: task.reason,
    timeout: 86400,
    task_channel_sid: model.voiceChannelSid,
    task_channel_unique_name: task.taskChannelUniqueName,
    task_queue_sid: model.taskQueueSid,
    task_queue_friendly_name: 'Everyone',
    task_queue_entered_date: iso8601(task.dateCreated),
    workflow_sid: model.workflowSid,
    workflow_friendly_name: 'Assign to Anyone',
    date_created: iso8601(task.dateCreated),
    date_updated: iso8601(task.dateUpdated),
    virtual_start_time: iso8601(task.dateCreated),
    ignore_capacity: false,
    routing_target: null,
    url,
    links: {
      reservations: `${url}/Reservations`,
      task_queue: `${TASKROUTER_BASE}/Workspaces/${model.workspaceSid}/TaskQueues/${model.taskQueueSid}`,
      workflow: `${TASKROUTER_BASE}/Workspaces/${model.workspaceSid}/Workflows/${model.workflowSid}`,
      workspace: `${TASKROUTER_BASE}/Workspaces/${model.workspaceSid}`,
    },
  };
}

/** A callback parameter's name in snake_case, as Event Streams and the Events resource name it: `TaskAssignmentStatus` → `task_assignment_status`. */
export function snakeCase(param: string): string {
  return param.replace(/(?<!^)([A-Z])/g, '_$1').toLowerCase();
}

/** The callback parameters that are the Event resource's own fields rather than its `event_data`. */
const EVENT_OWN_PARAMS = new Set(['EventType', 'EventDescription', 'ResourceType', 'ResourceSid', 'AccountSid', 'Timestamp']);

/**
 * A TaskRouter Event resource (`/v1/Workspaces/{WS}/Events/{EV}`): `event_data` holds what the
 * event said when it happened (the task's attributes of that moment among it), in snake_case.
 */
export function eventJson(model: TwilioModel, event: LoggedTaskRouterEvent) {
  const workspaceUrl = `${TASKROUTER_BASE}/Workspaces/${model.workspaceSid}`;
  const taskUrl = `${workspaceUrl}/Tasks/${event.taskSid}`;
  return {
    account_sid: model.accountSid,
    actor_sid: event.actor.sid,
    actor_type: event.actor.type,
    actor_url: event.actor.type === 'worker' ? `${workspaceUrl}/Workers/${event.actor.sid}` : workspaceUrl,
    description: event.params.EventDescription,
    event_data: Object.fromEntries(Object.entries(event.params).flatMap(([name, value]) => (EVENT_OWN_PARAMS.has(name) ? [] : [[snakeCase(name), value]]))),
    event_date: iso8601(event.at),
    event_date_ms: event.at.getTime(),
    event_type: event.eventType,
    resource_sid: event.resourceSid,
    resource_type: event.resourceType,
    resource_url: event.resourceType === 'task' ? taskUrl : `${taskUrl}/Reservations/${event.resourceSid}`,
    sid: event.sid,
    source: 'twilio',
    source_ip_address: null,
    url: `${workspaceUrl}/Events/${event.sid}`,
    workspace_sid: model.workspaceSid,
  };
}

export function serviceJson(model: TwilioModel, service: SyncServiceInfo) {
  const url = `${SYNC_BASE}/Services/${service.sid}`;
  return {
    sid: service.sid,
    unique_name: null,
    account_sid: model.accountSid,
    friendly_name: service.friendlyName,
    date_created: iso8601(service.dateCreated),
    date_updated: iso8601(service.dateUpdated),
    url,
    webhook_url: null,
    webhooks_from_rest_enabled: false,
    reachability_webhooks_enabled: false,
    acl_enabled: service.aclEnabled,
    reachability_debouncing_enabled: false,
    reachability_debouncing_window: 5000,
    links: { documents: `${url}/Documents`, lists: `${url}/Lists`, maps: `${url}/Maps`, streams: `${url}/Streams` },
  };
}

const PERMISSION_SEGMENT: Record<SyncObjectKind, string> = { document: 'Documents', map: 'Maps', list: 'Lists' };

/** A Document, Map or List Permission: the object's sid under `document_sid`, `map_sid` or `list_sid`. */
export function permissionJson(model: TwilioModel, kind: SyncObjectKind, object: SyncObject, identity: string, permission: SyncPermission) {
  return {
    account_sid: model.accountSid,
    service_sid: object.serviceSid,
    [`${kind}_sid`]: object.sid,
    identity,
    read: permission.read,
    write: permission.write,
    manage: permission.manage,
    url: `${SYNC_BASE}/Services/${object.serviceSid}/${PERMISSION_SEGMENT[kind]}/${object.sid}/Permissions/${encodeURIComponent(identity)}`,
  };
}

export function documentJson(model: TwilioModel, document: SyncDocument) {
  const url = `${SYNC_BASE}/Services/${document.serviceSid}/Documents/${document.sid}`;
  return {
    sid: document.sid,
    unique_name: document.uniqueName,
    account_sid: model.accountSid,
    service_sid: document.serviceSid,
    url,
    links: { permissions: `${url}/Permissions` },
    revision: String(document.revision),
    data: document.data,
    ...syncDates(document),
    created_by: 'system',
  };
}

export function mapJson(model: TwilioModel, map: SyncMap) {
  const url = `${SYNC_BASE}/Services/${map.serviceSid}/Maps/${map.sid}`;
  return {
    sid: map.sid,
    unique_name: map.uniqueName,
    account_sid: model.accountSid,
    service_sid: map.serviceSid,
    url,
    links: { items: `${url}/Items`, permissions: `${url}/Permissions` },
    revision: String(map.revision),
    ...syncDates(map),
    created_by: 'system',
  };
}

export function mapItemJson(model: TwilioModel, map: SyncMap, item: SyncMapItem) {
  return {
    key: item.key,
    account_sid: model.accountSid,
    service_sid: map.serviceSid,
    map_sid: map.sid,
    url: `${SYNC_BASE}/Services/${map.serviceSid}/Maps/${map.sid}/Items/${encodeURIComponent(item.key)}`,
    revision: String(item.revision),
    data: item.data,
    ...syncDates(item),
    created_by: 'system',
  };
}

export function listJson(model: TwilioModel, list: SyncList) {
  const url = `${SYNC_BASE}/Services/${list.serviceSid}/Lists/${list.sid}`;
  return {
    sid: list.sid,
    unique_name: list.uniqueName,
    account_sid: model.accountSid,
    service_sid: list.serviceSid,
    url,
    links: { items: `${url}/Items`, permissions: `${url}/Permissions` },
    revision: String(list.revision),
    ...syncDates(list),
    created_by: 'system',
  };
}

export function listItemJson(model: TwilioModel, list: SyncList, item: SyncListItem) {
  return {
    index: item.index,
    account_sid: model.accountSid,
    service_sid: list.serviceSid,
    list_sid: list.sid,
    url: `${SYNC_BASE}/Services/${list.serviceSid}/Lists/${list.sid}/Items/${item.index}`,
    revision: String(item.revision),
    data: item.data,
    ...syncDates(item),
    created_by: 'system',
  };
}

function syncDates(thing: { dateExpires: Date | null; dateCreated: Date; dateUpdated: Date }) {
  return {
    date_expires: thing.dateExpires ? iso8601(thing.dateExpires) : null,
    date_created: iso8601(thing.dateCreated),
    date_updated: iso8601(thing.dateUpdated),
  };
}

// ---------------------------------------------------------------- paging

const DEFAULT_PAGE_SIZE = 50;
/** Twilio's largest PageSize: 1000 for the 2010 API and TaskRouter; Sync's lists allow 100. */
export const MAX_PAGE_SIZE = 1000;
export const SYNC_MAX_PAGE_SIZE = 100;

interface PageRequest {
  page: number;
  pageSize: number;
}

/** A PageSize over the cap is answered with the cap (our reading: Twilio's docs state only the maximum). */
function pageRequest(query: URLSearchParams, maxPageSize: number): PageRequest {
  const size = Number.parseInt(query.get('PageSize') ?? '', 10);
  const page = Number.parseInt(query.get('Page') ?? '', 10);
  return {
    pageSize: Number.isFinite(size) && size > 0 ? Math.min(size, maxPageSize) : DEFAULT_PAGE_SIZE,
    page: Number.isFinite(page) && page >= 0 ? page : 0,
  };
}

/** The same list query (filters kept) asking for another page. */
function pageQuery(query: URLSearchParams, page: number, pageSize: number): string {
  const next = new URLSearchParams(query);
  next.delete('PageToken');
  next.set('PageSize', String(pageSize));
  next.set('Page', String(page));
  return next.toString();
}

/** A 2010-04-01 list: `{<key>: [...], first_page_uri, next_page_uri, page, page_size, …}` with relative URIs. */
export function page2010<T>(items: T[], key: string, path: string, query: URLSearchParams) {
  const { page, pageSize } = pageRequest(query, MAX_PAGE_SIZE);
  const start = page * pageSize;
  const slice = items.slice(start, start + pageSize);
  const uriFor = (n: number) => `${path}?${pageQuery(query, n, pageSize)}`;
  return {
    [key]: slice,
    first_page_uri: uriFor(0),
    next_page_uri: start + pageSize < items.length ? uriFor(page + 1) : null,
    previous_page_uri: page > 0 ? uriFor(page - 1) : null,
    page,
    page_size: pageSize,
    start,
    end: start + Math.max(slice.length - 1, 0),
    uri: uriFor(page),
  };
}

/** A v1 list: `{<key>: [...], meta: {page, page_size, first_page_url, next_page_url, …, key}}` with absolute URLs. */
export function pageV1<T>(items: T[], key: string, baseUrl: string, query: URLSearchParams, maxPageSize = MAX_PAGE_SIZE) {
  const { page, pageSize } = pageRequest(query, maxPageSize);
  const start = page * pageSize;
  const urlFor = (n: number) => `${baseUrl}?${pageQuery(query, n, pageSize)}`;
  return {
    [key]: items.slice(start, start + pageSize),
    meta: {
      page,
      page_size: pageSize,
      first_page_url: urlFor(0),
      previous_page_url: page > 0 ? urlFor(page - 1) : null,
      next_page_url: start + pageSize < items.length ? urlFor(page + 1) : null,
      url: urlFor(page),
      key,
    },
  };
}
