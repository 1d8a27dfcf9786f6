/**
 * The Twilio REST routes the stand-in answers. Routing is by path only (the host is ignored),
 * because the local server receives every Twilio host's requests on one port; the APIs' paths
 * do not collide. Account, workspace and service sids in paths are not checked against the
 * stand-in's own: it is single-tenant, and answers with its configured sids.
 */
import { EVENT_STREAMS_ROUTES } from './eventStreams';
import { FLEX_API_ROUTES } from './flexApi';
import { parseExpression } from './expressions';
import { ASSIGNMENT_STATUSES, TwilioApiError, type TwilioModel } from './model';
import type { AssignmentStatus, Conference, ConferenceStatus, LoggedTaskRouterEvent, PauseBehavior, RecordingOwner, RecordingUpdateStatus } from './records';
import { iso8601, parseIfMatch } from './primitives';
import { type Answer, type Route, type RouteRequest, created, etag, integerParam, ok, oneOf, path } from './routing';
import { SYNC_ROUTES } from './syncRoutes';
import {
  TASKROUTER_BASE,
  callJson,
  conferenceJson,
  eventJson,
  page2010,
  rfc2822,
  pageV1,
  recordingJson,
  reservationJson,
  taskJson,
  workerJson,
} from './representations';

const ACCOUNT = '/2010-04-01/Accounts/(?<account>[^/]+)';
const WORKSPACE = '/v1/Workspaces/(?<workspace>[^/]+)';

function callOwner(request: RouteRequest): RecordingOwner {
  return { kind: 'call', callSid: request.params.call };
}

function conferenceOwner(request: RouteRequest): RecordingOwner {
  return { kind: 'conference', conferenceSid: request.params.conference };
}

/** Status (required) and PauseBehavior of a recording update. */
function recordingUpdate(model: TwilioModel, request: RouteRequest, owner: RecordingOwner): Answer {
  const status = oneOf<RecordingUpdateStatus>(request.form.get('Status'), ['paused', 'in-progress', 'stopped'], 'Status');
  if (!status) throw new TwilioApiError(400, 20001, 'Missing required parameter Status');
  const pauseBehavior = oneOf<PauseBehavior>(request.form.get('PauseBehavior'), ['skip', 'silence'], 'PauseBehavior');
  return ok(recordingJson(model, model.updateRecording(owner, request.params.recording, status, pauseBehavior), owner.kind));
}

/**
 * The conference list's day filters, as Twilio reads them: `DateCreated=YYYY-MM-DD` that day (UTC),
 * `DateCreated<` on or before it, `DateCreated>` on or after it; the same for `DateUpdated`.
 */
function dayFilters(query: URLSearchParams): (conference: Conference) => boolean {
  const checks: ((conference: Conference) => boolean)[] = [];
  for (const [field, key] of [
    ['DateCreated', 'dateCreated'],
    ['DateUpdated', 'dateUpdated'],
  ] as const) {
    for (const [suffix, compare] of [
      ['', (a: string, b: string) => a === b],
      ['<', (a: string, b: string) => a <= b],
      ['>', (a: string, b: string) => a >= b],
    ] as const) {
      const name = field + suffix;
      const value = query.get(name);
      if (value === null) continue;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
        throw new TwilioApiError(400, 20001, `Invalid ${name}: ${value}`);
      checks.push((conference) => compare(conference[key].toISOString().slice(0, 10), value));
    }
  }
  return (conference) => checks.every((check) => check(conference));
}

/** Multi-valued list filters arrive repeated (`A=x&A=y`, as the SDK sends them) or comma-separated. */
function listParam(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean);
}

/** An ISO 8601 date-time (a day alone is no date-time), as the Events resource's StartDate and EndDate take it. */
function dateTimeParam(value: string | null, name: string): number | undefined {
  if (value === null) return undefined;
  const at = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value) || Number.isNaN(at))
    throw new TwilioApiError(400, 20001, `Invalid ${name}: ${value}`);
  return at;
}

const DEFAULT_EVENT_MINUTES = 15;

/**
 * The Events list's filters. Minutes (default 15) keeps the events of the last N minutes;
 * StartDate and EndDate (on or after, on or before) bound them too. Our reading, where Twilio is
 * silent: the 15-minute default applies only when none of Minutes, StartDate and EndDate is given.
 */
function eventFilters(query: URLSearchParams, now: Date): (event: LoggedTaskRouterEvent) => boolean {
  const start = dateTimeParam(query.get('StartDate'), 'StartDate');
  const end = dateTimeParam(query.get('EndDate'), 'EndDate');
  const minutes = integerParam(query.get('Minutes'), 'Minutes') ?? (start === undefined && end === undefined ? DEFAULT_EVENT_MINUTES : undefined);
  const since = minutes === undefined ? undefined : now.getTime() - minutes * 60_000;
  const equal = (param: string, field: string) => {
    const wanted = query.get(param);
    return (event: LoggedTaskRouterEvent) => wanted === null || event.params[field] === wanted;
  };
  const checks = [
    equal('EventType', 'EventType'),
    equal('TaskSid', 'TaskSid'),
    equal('ReservationSid', 'ReservationSid'),
    equal('WorkerSid', 'WorkerSid'),
    equal('TaskQueueSid', 'TaskQueueSid'),
    equal('WorkflowSid', 'WorkflowSid'),
    (event: LoggedTaskRouterEvent) => {
      const channel = query.get('TaskChannel');
      return channel === null || channel === event.params.TaskChannelUniqueName || channel === event.params.TaskChannelSid;
    },
    (event: LoggedTaskRouterEvent) => {
      const sid = query.get('Sid');
      return sid === null || sid === event.sid;
    },
    (event: LoggedTaskRouterEvent) => {
      // StartDate and EndDate compare to the second, as `event_date` reads: an event's own date finds it.
      const second = Math.floor(event.at.getTime() / 1000) * 1000;
      return (since === undefined || event.at.getTime() >= since) && (start === undefined || second >= start) && (end === undefined || second <= end);
    },
  ];
  return (event) => checks.every((check) => check(event));
}

export const ROUTES: Route[] = [
  // ------------------------------------------------------------ Voice: calls and conferences
  {
    method: 'GET',
    pattern: path(`${ACCOUNT}/Calls/(?<call>[^/]+)\\.json`),
    operation: 'call.fetch',
    answer: (model, request) => ok(callJson(model, model.fetchCall(request.params.call))),
  },
  {
    method: 'POST',
    pattern: path(`${ACCOUNT}/Calls/(?<call>[^/]+)\\.json`),
    operation: 'call.update',
    answer: (model, request) => ok(callJson(model, model.updateCall(request.params.call, request.form.get('Status') ?? undefined))),
  },
  {
    method: 'GET',
    pattern: path(`${ACCOUNT}/Conferences\\.json`),
    operation: 'conference.list',
    answer: (model, request) => {
      const friendlyName = request.query.get('FriendlyName');
      const status = oneOf<ConferenceStatus>(request.query.get('Status'), ['init', 'in-progress', 'completed'], 'Status');
      const onDay = dayFilters(request.query);
      const conferences = [...model.conferences.values()]
        .filter(
          (conference) =>
            (friendlyName === null || conference.friendlyName === friendlyName) && (status === undefined || conference.status === status) && onDay(conference),
        )
        .sort((a, b) => b.order - a.order);
      return ok(
        page2010(
          conferences.map((conference) => conferenceJson(model, conference)),
          'conferences',
          `/2010-04-01/Accounts/${request.params.account}/Conferences.json`,
          request.query,
        ),
      );
    },
  },
  {
    method: 'GET',
    pattern: path(`${ACCOUNT}/Conferences/(?<conference>[^/]+)\\.json`),
    operation: 'conference.fetch',
    answer: (model, request) => ok(conferenceJson(model, model.fetchConference(request.params.conference))),
  },
  // ------------------------------------------------------------ Voice: recordings
  {
    method: 'GET',
    pattern: path(`${ACCOUNT}/Calls/(?<call>[^/]+)/Recordings\\.json`),
    operation: 'recording.list',
    answer: (model, request) =>
      ok(
        page2010(
          model.recordingsOf(callOwner(request)).map((recording) => recordingJson(model, recording, 'call')),
          'recordings',
          requestPath(request, 'Calls', 'call'),
          request.query,
        ),
      ),
  },
  {
    method: 'POST',
    pattern: path(`${ACCOUNT}/Calls/(?<call>[^/]+)/Recordings\\.json`),
    operation: 'recording.create',
    answer: (model, request) => {
      // RecordingStatusCallback(Event), Trim and RecordingConfigurationId are accepted and ignored: nothing calls back locally.
      const channels = oneOf(request.form.get('RecordingChannels'), ['mono', 'dual'], 'RecordingChannels') ?? 'mono';
      const track = oneOf(request.form.get('RecordingTrack'), ['inbound', 'outbound', 'both'], 'RecordingTrack') ?? 'both';
      oneOf(request.form.get('Trim'), ['trim-silence', 'do-not-trim'], 'Trim');
      const recording = model.startCallRecording(request.params.call, { channels: channels === 'dual' ? 2 : 1, track });
      return created(recordingJson(model, recording, 'call'));
    },
  },
  {
    method: 'GET',
    pattern: path(`${ACCOUNT}/Calls/(?<call>[^/]+)/Recordings/(?<recording>[^/]+)\\.json`),
    operation: 'recording.fetch',
    answer: (model, request) => ok(recordingJson(model, model.findRecording(callOwner(request), request.params.recording), 'call')),
  },
  {
    method: 'POST',
    pattern: path(`${ACCOUNT}/Calls/(?<call>[^/]+)/Recordings/(?<recording>[^/]+)\\.json`),
    operation: 'recording.update',
    answer: (model, request) => recordingUpdate(model, request, callOwner(request)),
  },
  {
    method: 'GET',
    pattern: path(`${ACCOUNT}/Conferences/(?<conference>[^/]+)/Recordings\\.json`),
    operation: 'recording.list',
    answer: (model, request) =>
      ok(
        page2010(
          model.recordingsOf(conferenceOwner(request)).map((recording) => recordingJson(model, recording, 'conference')),
          'recordings',
          requestPath(request, 'Conferences', 'conference'),
          request.query,
        ),
      ),
  },
  {
    method: 'GET',
    pattern: path(`${ACCOUNT}/Conferences/(?<conference>[^/]+)/Recordings/(?<recording>[^/]+)\\.json`),
    operation: 'recording.fetch',
    answer: (model, request) => ok(recordingJson(model, model.findRecording(conferenceOwner(request), request.params.recording), 'conference')),
  },
  {
    method: 'POST',
    pattern: path(`${ACCOUNT}/Conferences/(?<conference>[^/]+)/Recordings/(?<recording>[^/]+)\\.json`),
    operation: 'recording.update',
    answer: (model, request) => recordingUpdate(model, request, conferenceOwner(request)),
  },
  {
    method: 'GET',
    pattern: path(`${ACCOUNT}/Recordings/(?<recording>[^/]+)\\.json`),
    operation: 'recording.fetch',
    answer: (model, request) => ok(recordingJson(model, model.fetchRecording(request.params.recording), 'account')),
  },
  // ------------------------------------------------------------ TaskRouter
  {
    method: 'GET',
    pattern: path(`${WORKSPACE}/Workers`),
    operation: 'taskrouter.worker.list',
    answer: (model, request) => {
      const expression = request.query.get('TargetWorkersExpression');
      const matches = expression ? parseExpression(expression) : () => true;
      const friendlyName = request.query.get('FriendlyName');
      const workers = [...model.workers.values()].filter(
        (worker) => matches(worker.attributes) && (friendlyName === null || worker.friendlyName === friendlyName),
      );
      return ok(
        pageV1(
          workers.map((worker) => workerJson(model, worker)),
          'workers',
          `${TASKROUTER_BASE}/Workspaces/${model.workspaceSid}/Workers`,
          request.query,
        ),
      );
    },
  },
  {
    method: 'GET',
    pattern: path(`${WORKSPACE}/Workers/(?<worker>[^/]+)`),
    operation: 'taskrouter.worker.fetch',
    answer: (model, request) => ok(workerJson(model, model.fetchWorker(request.params.worker))),
  },
  {
    method: 'GET',
    pattern: path(`${WORKSPACE}/Workers/(?<worker>[^/]+)/Reservations`),
    operation: 'taskrouter.reservation.list',
    answer: (model, request) => {
      const status = request.query.get('ReservationStatus');
      const reservations = model.reservationsOf(request.params.worker).filter((reservation) => status === null || reservation.status === status);
      return ok(
        pageV1(
          reservations.map((reservation) => reservationJson(model, reservation)),
          'reservations',
          `${TASKROUTER_BASE}/Workspaces/${model.workspaceSid}/Workers/${request.params.worker}/Reservations`,
          request.query,
        ),
      );
    },
  },
  {
    method: 'GET',
    pattern: path(`${WORKSPACE}/Tasks`),
    operation: 'taskrouter.task.list',
    answer: (model, request) => {
      const statuses = listParam(request.query, 'AssignmentStatus');
      const channel = request.query.get('TaskChannel');
      const expression = request.query.get('EvaluateTaskAttributes');
      const matches = expression ? parseExpression(expression) : () => true;
      const tasks = [...model.tasks.values()].filter(
        (task) =>
          (statuses.length === 0 || statuses.includes(task.assignmentStatus)) &&
          (channel === null || channel === task.taskChannelUniqueName || channel === model.voiceChannelSid) &&
          matches(JSON.parse(task.attributes) as Record<string, unknown>),
      );
      return ok(
        pageV1(
          tasks.map((task) => taskJson(model, task, request.now)),
          'tasks',
          `${TASKROUTER_BASE}/Workspaces/${model.workspaceSid}/Tasks`,
          request.query,
        ),
      );
    },
  },
  {
    method: 'GET',
    pattern: path(`${WORKSPACE}/Tasks/(?<task>[^/]+)`),
    operation: 'taskrouter.task.fetch',
    answer: (model, request) => {
      const task = model.fetchTask(request.params.task);
      return ok(taskJson(model, task, request.now), etag(task.revision));
    },
  },
  {
    method: 'POST',
    pattern: path(`${WORKSPACE}/Tasks/(?<task>[^/]+)`),
    operation: 'taskrouter.task.update',
    answer: (model, request) => {
      const task = model.updateTask(request.params.task, {
        ifMatch: parseIfMatch(request.headers.get('If-Match')),
        attributes: request.form.get('Attributes') ?? undefined,
        assignmentStatus: oneOf<AssignmentStatus>(request.form.get('AssignmentStatus'), ASSIGNMENT_STATUSES, 'AssignmentStatus'),
        reason: request.form.get('Reason') ?? undefined,
        priority: integerParam(request.form.get('Priority'), 'Priority'),
      });
      return ok(taskJson(model, task, request.now), etag(task.revision));
    },
  },
  {
    method: 'GET',
    pattern: path(`${WORKSPACE}/Events`),
    operation: 'taskrouter.event.list',
    answer: (model, request) => {
      const matches = eventFilters(request.query, request.now);
      // Newest first, one page: Twilio supports no paging of this resource (`Page` is not read).
      const events = model
        .loggedEvents()
        .filter(matches)
        .reverse()
        .map((event) => eventJson(model, event));
      const query = new URLSearchParams(request.query);
      query.delete('Page');
      query.delete('PageToken');
      const page = pageV1(events, 'events', `${TASKROUTER_BASE}/Workspaces/${model.workspaceSid}/Events`, query);
      return ok({ ...page, meta: { ...page.meta, next_page_url: null } });
    },
  },
  {
    method: 'GET',
    pattern: path(`${WORKSPACE}/Events/(?<event>[^/]+)`),
    operation: 'taskrouter.event.fetch',
    answer: (model, request) => {
      const event = model.loggedEvents().find((candidate) => candidate.sid === request.params.event);
      if (!event) throw new TwilioApiError(404, 20404, `The requested resource /Events/${request.params.event} was not found`);
      return ok(eventJson(model, event));
    },
  },
  ...SYNC_ROUTES,
  ...EVENT_STREAMS_ROUTES,
  ...FLEX_API_ROUTES,
  // ------------------------------------------------------------ API keys (the plugin's Sync tokens are signed with one)
  {
    method: 'POST',
    pattern: path(`${ACCOUNT}/Keys\\.json`),
    operation: 'key.create',
    answer: (model, request) => {
      const key = { sid: model.newSid('SK'), secret: model.randomness.hex(16) };
      model.apiKeys.push(key);
      const now = rfc2822(request.now);
      return created({ sid: key.sid, secret: key.secret, friendly_name: request.form.get('FriendlyName'), date_created: now, date_updated: now });
    },
  },
  // ------------------------------------------------------------ IAM: the Flex token check (twilio-flex-token-validator)
  {
    method: 'POST',
    pattern: path('/v1/Accounts/(?<account>[^/]+)/Tokens/validate'),
    operation: 'token.validate',
    answer: (model, request) => {
      const token = (request.json as { token?: unknown } | undefined)?.token;
      const grant = model.validateToken(token);
      if (!grant) {
        // The validator rejects with `message`; the usual error fields ride along.
        return {
          status: 403,
          body: { valid: false, code: 20003, message: 'Invalid token', more_info: 'https://www.twilio.com/docs/errors/20003', status: 403 },
        };
      }
      return ok({
        valid: true,
        code: 0,
        message: null,
        expiration: iso8601(grant.expiresAt),
        realm_user_sid: grant.realmUserSid,
        identity: grant.identity,
        roles: grant.roles,
        worker_sid: grant.workerSid,
      });
    },
  },
];

/** The route for a method and path, with its decoded path parameters. */
export function findRoute(method: string, pathname: string): { route: Route; params: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    const params: Record<string, string> = {};
    try {
      for (const [name, value] of Object.entries(match.groups ?? {})) params[name] = decodeURIComponent(value);
    } catch {
      return undefined; // malformed %-escapes name nothing
    }
    return { route, params };
  }
  return undefined;
}

/** The 2010 path of a call's or conference's recordings list, for its paging URIs. */
function requestPath(request: RouteRequest, collection: 'Calls' | 'Conferences', param: 'call' | 'conference'): string {
  return `/2010-04-01/Accounts/${request.params.account}/${collection}/${request.params[param]}/Recordings.json`;
}
