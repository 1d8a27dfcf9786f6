/**
 * The local Twilio stand-in: one Fetch-API handler that answers the Twilio REST shapes the
 * functions use (Voice recordings, calls and conferences; TaskRouter; Sync documents; the Flex
 * token check) and the `/__standin/*` control surface (README.md).
 *
 * The same object serves jest (through msw, see msw.ts) and `npm start` (over HTTP, see
 * server.ts). State lives in model.ts; the scenarios the control surface sets up in scenarios.ts;
 * the REST routes in routes.ts; the control surface in control.ts; fault injection in faults.ts.
 */
import {
  CONTROL_PREFIX,
  StandinForbiddenError,
  StandinInputError,
  StandinNotFoundError,
  StandinUnauthenticatedError,
  handleControl,
  parseAgent,
  parseFault,
  parseLatency,
  parseLiveCallInput,
  parseOutsideRecordingKind,
  parseSyncLimits,
  parseWorkerInput,
} from './control';
import { EventCallbackSender, eventCallbackUrl } from './eventCallback';
import { sinkDestination } from './eventStreams';
import { FaultQueue } from './faults';
import { type StreamAudience, SyncPushChannel } from './push';
import { SyncRateLimiter } from './syncLimits';
import { TwilioApiError, TwilioModel } from './model';
import { findRoute } from './routes';
import { Scenarios } from './scenarios';
import { cryptoRandomness, seededRandomness } from './primitives';
import type { Answer } from './routing';
import { type Principal, assertAllowed, assertServiceReachable, mayRead, principalOf, tokenPrincipal } from './syncAccess';
import type { RequestRecord, Standin, StandinOptions, SyncPushAccess } from './types';
import { isObject } from '../core/isObject';

export { FAULT_OPERATIONS, type FaultSpec, type Operation } from './faults';
export { StandinForbiddenError, StandinInputError, StandinNotFoundError, StandinUnauthenticatedError } from './control';
export type { ApiKey, Role } from './records';
export type { LiveCallInput, LiveCallResult, OutsideRecordingKind, RecordingMode, TransferResult, WorkerInput, WorkerResult } from './scenarios';

export type {
  EventCallbackReport,
  FaultInput,
  PushedDocument,
  PushedMapItem,
  RecordingReport,
  RequestRecord,
  Standin,
  StandinOptions,
  SyncPushAccess,
  SyncServiceInput,
  TaskAttributesResult,
  TaskReport,
} from './types';

export const DEFAULT_ACCOUNT_SID = `AC${'0'.repeat(32)}`;
export const DEFAULT_WORKSPACE_SID = `WS${'0'.repeat(32)}`;

/** Marks an answer that must be a dropped connection rather than an HTTP response. */
const NETWORK_ERROR = Symbol('network error');
const REQUEST_LOG_LIMIT = 20_000;
const SERVERLESS_HOSTS = /^serverless(-upload)?\.twilio\.com$/;

export function createStandin(options: StandinOptions = {}): Standin {
  const now = options.now ?? (() => new Date());
  const randomness = options.random ? seededRandomness(options.random) : cryptoRandomness;
  const model = new TwilioModel(now, options.accountSid || DEFAULT_ACCOUNT_SID, options.workspaceSid || DEFAULT_WORKSPACE_SID, randomness);
  const scenarios = new Scenarios(model, now, options.timers);
  const faults = new FaultQueue();
  let latencyMs = parseLatency({ ms: options.latencyMs ?? 0 });
  let log: RequestRecord[] = [];
  const startingKeys = options.apiKeys ?? [];
  const knownKeys = () => (model.apiKeys.length ? [...startingKeys, ...model.apiKeys] : startingKeys);
  const authToken = options.authToken || undefined;
  const syncLimits = new SyncRateLimiter(options.syncLimits ?? true);
  const push = new SyncPushChannel({
    sweepExpired: () => model.sync.sweepExpired(),
    keepAliveMs: options.keepAliveMs,
  });
  model.sync.onChange = (change) => push.publish(change);
  // TaskRouter's events go to the workspace's Event Callback URL, if it has one, and to every Event Streams sink subscribed to them.
  const callbacks = options.eventCallbackUrl ? new EventCallbackSender(eventCallbackUrl(options.eventCallbackUrl, authToken), randomness) : undefined;
  const sinkSenders = new Map<string, EventCallbackSender>();
  const senders = () => [...(callbacks ? [callbacks] : []), ...sinkSenders.values()];
  // The workspace's EventsFilter: the Event Callback URL is told only these (every event without one, as TaskRouter does).
  const eventsFilter = options.eventsFilter ? new Set(options.eventsFilter) : undefined;
  model.onTaskRouterEvent = ({ sid, eventType, params, at }) => {
    // The Event Callback lists the event under its Event resource sid; each sink under its own.
    if (!eventsFilter || eventsFilter.has(eventType)) callbacks?.send(params, at, sid);
    for (const sink of model.eventStreams.sinksFor(eventType)) {
      let sender = sinkSenders.get(sink.sid);
      if (!sender) sinkSenders.set(sink.sid, (sender = new EventCallbackSender(sinkDestination(sink, model.workspaceSid, authToken), randomness)));
      sender.send(params, at);
    }
  };

  async function answerTwilio(request: Request, url: URL, record: RequestRecord): Promise<Answer | typeof NETWORK_ERROR> {
    try {
      const body = await request.text();
      const principal = principalOf(model, request.headers, knownKeys(), now(), authToken);
      // Serverless' paths (`/v1/Services…`) are Sync's too: its hosts are told apart, and not modelled.
      if (SERVERLESS_HOSTS.test(url.hostname))
        return twilioError(new TwilioApiError(404, 20404, `The stand-in has no Serverless API (${url.hostname}${url.pathname})`));
      const found = findRoute(request.method, url.pathname);
      if (!found) return twilioError(new TwilioApiError(404, 20404, `The requested resource ${url.pathname} was not found`));
      record.operation = found.route.operation;
      assertAllowed(model, principal, found.route, found.params);
      const countCreated = syncLimits.admit(model, found.route, found.params, now());

      const fault = faults.take(found.route.operation, (callSid) => scenarios.concernsCall(callSid, found.params));
      if (fault) {
        if (fault.status === 0) return NETWORK_ERROR;
        return twilioError(new TwilioApiError(fault.status, fault.code, `Injected fault for ${found.route.operation}`));
      }

      const contentType = request.headers.get('Content-Type') ?? '';
      const answer = found.route.answer(model, {
        params: found.params,
        query: url.searchParams,
        form: contentType.includes('application/x-www-form-urlencoded') ? new URLSearchParams(body) : new URLSearchParams(),
        json: contentType.includes('application/json') ? parseJsonOrUndefined(body) : undefined,
        headers: request.headers,
        now: now(),
      });
      if (answer.status === 201) countCreated(answer.body);
      return answer;
    } catch (error) {
      if (error instanceof TwilioApiError) return twilioError(error);
      return twilioError(new TwilioApiError(500, 20500, 'Internal stand-in error'));
    }
  }

  /**
   * Who reads the push channel: a service (default: `default`) and, with a token, its identity. A
   * service with ACLs enabled needs a token; one with ACLs off is readable without, as Flex's is.
   */
  function pushAccess(access: SyncPushAccess | undefined): { serviceSid: string; principal: Principal } {
    const reference = access?.service || 'default';
    const info = model.sync.serviceInfo(reference);
    if (!info) throw new TwilioApiError(404, 20404, `No Sync service ${reference}`);
    if (!access?.token) {
      if (access?.authorization)
        return { serviceSid: info.sid, principal: principalOf(model, new Headers({ Authorization: access.authorization }), knownKeys(), now(), authToken) };
      if (info.aclEnabled) throw new TwilioApiError(401, 20003, 'Authentication Error - this service has ACLs enabled: send a token');
      return { serviceSid: info.sid, principal: { kind: 'account' } };
    }
    const principal = tokenPrincipal(model, access.token, knownKeys(), now());
    assertServiceReachable(model, principal, info.sid);
    return { serviceSid: info.sid, principal };
  }

  const standin: Standin = {
    accountSid: model.accountSid,
    workspaceSid: model.workspaceSid,

    async handle(request) {
      const url = new URL(request.url);
      if (url.pathname.startsWith(CONTROL_PREFIX)) return handleControl(standin, request, url.pathname);

      const record: RequestRecord = { method: request.method, path: url.pathname, at: now().toISOString(), operation: null, answeredAt: null, status: null };
      log.push(record);
      // `npm start` runs for hours with a sweep every second: keep the newest requests only.
      if (log.length > REQUEST_LOG_LIMIT) log.splice(0, log.length - REQUEST_LOG_LIMIT);
      const delay = latencyMs;
      // The state changes now, on arrival; only the answer waits, as with a slow network.
      const answer = await answerTwilio(request, url, record);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      record.answeredAt = now().toISOString();
      record.status = answer === NETWORK_ERROR ? 0 : answer.status;
      return answer === NETWORK_ERROR ? Response.error() : toResponse(answer);
    },

    createLiveCall(input) {
      return scenarios.createLiveCall(parseLiveCallInput(input));
    },

    transferCall(callSid, agent) {
      return scenarios.transferLiveCall(callSid, parseAgent(agent));
    },

    startOutsideRecording(callSid, kind) {
      return scenarios.startOutsideRecording(callSid, parseOutsideRecordingKind({ kind }));
    },

    createWorker(input) {
      const { agent, role } = parseWorkerInput(input);
      return scenarios.createWorker(agent, role);
    },

    setTaskAttributes(taskSid, token, attributes) {
      const grant = model.validateToken(token);
      if (!grant) throw new StandinUnauthenticatedError('token is no Flex token this stand-in issued, or it has expired');
      if (!isObject(attributes)) throw new StandinInputError('attributes must be a JSON object');
      const task = model.tasks.get(taskSid);
      if (!task) throw new StandinNotFoundError(`No task ${taskSid}`);
      if (!model.holdsTask(grant.workerSid, taskSid))
        throw new StandinForbiddenError(`The worker ${grant.identity} (${grant.workerSid}) holds no reservation of the task ${taskSid}`);
      model.writeAttributesAsWorker(task, attributes, grant.workerSid);
      return { sid: task.sid, attributes: JSON.parse(task.attributes) as Record<string, unknown> };
    },

    endCall(callSid) {
      if (!scenarios.endLiveCall(callSid)) throw new StandinNotFoundError(`No live call ${callSid}`);
    },

    async callbacksDelivered() {
      await Promise.all(senders().map((sender) => sender.delivered()));
    },

    eventCallbacks() {
      const deliveries = senders().flatMap((sender) => sender.deliveries());
      return senders().length > 1 ? deliveries.sort((a, b) => a.at.localeCompare(b.at)) : deliveries;
    },

    async redeliverEventCallback(sid) {
      const delivery = senders()
        .map((sender) => sender.redeliver(sid))
        .find((found) => found !== undefined);
      if (!delivery) throw new StandinNotFoundError(`No event ${sid}`);
      return { sid, status: await delivery };
    },

    reset() {
      model.reset();
      scenarios.reset();
      callbacks?.reset();
      sinkSenders.clear();
      faults.clear();
      syncLimits.reset();
      log = [];
    },

    recording(sid) {
      const recording = model.recordings.get(sid);
      if (!recording) return undefined;
      return { sid: recording.sid, status: recording.status, history: recording.history.map((entry) => ({ ...entry })) };
    },

    task(taskSid) {
      const task = model.tasks.get(taskSid);
      if (!task) return undefined;
      return { sid: task.sid, assignmentStatus: task.assignmentStatus, attributes: JSON.parse(task.attributes) as unknown };
    },

    injectFault(fault) {
      faults.add(parseFault(fault));
    },

    requests() {
      return log.map((record) => ({ ...record }));
    },

    setLatency(ms) {
      latencyMs = parseLatency({ ms });
    },

    setSyncLimits(on) {
      syncLimits.enabled = parseSyncLimits({ sync: on });
    },

    createSyncService({ friendlyName, aclEnabled, sid }) {
      return model.sync.createService(friendlyName, aclEnabled, sid).sid;
    },

    hasSyncService(sid) {
      try {
        return model.sync.fetchService(sid).sid === sid;
      } catch {
        return false;
      }
    },

    syncDocument(uniqueName, access) {
      const { serviceSid, principal } = pushAccess(access);
      const document = unlessSyncNotFound(() => model.sync.fetchDocument(serviceSid, uniqueName));
      if (document && !mayRead(model, principal, serviceSid, 'document', uniqueName)) throw forbidden(principal);
      return document && { uniqueName: document.uniqueName ?? document.sid, revision: String(document.revision), data: document.data };
    },

    syncMapItems(uniqueName, access) {
      const { serviceSid, principal } = pushAccess(access);
      const items = unlessSyncNotFound(() => model.sync.listMapItems(serviceSid, uniqueName, {}));
      if (items && !mayRead(model, principal, serviceSid, 'map', uniqueName)) throw forbidden(principal);
      return items?.map((item) => ({ key: item.key, revision: String(item.revision), data: item.data }));
    },

    syncStream(lastEventId = null, access) {
      const { serviceSid, principal } = pushAccess(access);
      const audience: StreamAudience = { serviceSid, identity: principal.kind === 'identity' ? principal.identity : null };
      return push.stream(lastEventId, audience);
    },

    closeStreams() {
      push.close();
    },
  };
  return standin;
}

function unlessSyncNotFound<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof TwilioApiError && error.status === 404) return undefined;
    throw error;
  }
}

function forbidden(principal: Principal): TwilioApiError {
  return new TwilioApiError(403, 54007, `Access forbidden for identity${principal.kind === 'identity' ? ` ${principal.identity}` : ''}`);
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Twilio's error body: `{code, message, more_info, status}`. */
function twilioError(error: TwilioApiError): Answer {
  return {
    status: error.status,
    body: { code: error.code, message: error.message, more_info: `https://www.twilio.com/docs/errors/${error.code}`, status: error.status },
  };
}

function toResponse(answer: Answer): Response {
  if (answer.body === undefined) return new Response(null, { status: answer.status, headers: answer.headers });
  return new Response(JSON.stringify(answer.body), {
    status: answer.status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...answer.headers },
  });
}
