/**
 * The stand-in's control surface, `/__standin/*` (listed in README.md): how tests, the demo page and the
 * benchmark set up live calls and faults and look at what happened. Never logged as a Twilio
 * request, never delayed, never faulted.
 */
import { FAULT_OPERATIONS, type FaultSpec, isOperation } from './faults';
import { ROLES } from './model';
import type { Role } from './records';
import {
  type LiveCallInput,
  MAX_CONFERENCE_DELAY_MS,
  OUTSIDE_RECORDING_KINDS,
  type OutsideRecordingKind,
  RECORDING_MODES,
  type RecordingMode,
  type WorkerInput,
} from './scenarios';
import { StandinForbiddenError, StandinInputError, StandinNotFoundError, StandinUnauthenticatedError, TwilioApiError } from './primitives';
import type { Standin } from './types';
import { isObject } from '../core/isObject';

export { StandinForbiddenError, StandinInputError, StandinNotFoundError, StandinUnauthenticatedError } from './primitives';

export const CONTROL_PREFIX = '/__standin/';

/** An agent identity: the worker's friendly name and `client:<agent>` contact URI. */
export function parseAgent(agent: unknown): string {
  if (typeof agent !== 'string' || agent.length < 1 || agent.length > 256) throw new StandinInputError('agent must be a string of 1–256 characters');
  return agent;
}

function parseRole(role: unknown): Role {
  if (typeof role !== 'string' || !ROLES.includes(role as Role)) throw new StandinInputError(`role must be one of ${ROLES.join(', ')}`);
  return role as Role;
}

export function parseLiveCallInput(body: unknown): LiveCallInput {
  if (!isObject(body)) throw new StandinInputError('Body must be a JSON object');
  const { agent, recording, role, conferenceDelayMs } = body;
  if (typeof recording !== 'string' || !RECORDING_MODES.includes(recording as RecordingMode)) {
    throw new StandinInputError(`recording must be one of ${RECORDING_MODES.join(', ')}`);
  }
  return {
    agent: parseAgent(agent),
    recording: recording as RecordingMode,
    role: role === undefined ? undefined : parseRole(role),
    conferenceDelayMs: conferenceDelayMs === undefined ? undefined : parseConferenceDelay(conferenceDelayMs),
  };
}

function parseConferenceDelay(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_CONFERENCE_DELAY_MS) {
    throw new StandinInputError(`conferenceDelayMs must be an integer from 0 to ${MAX_CONFERENCE_DELAY_MS} (milliseconds)`);
  }
  return value;
}

/** `{kind: "call" | "conference"}` of a recording started by someone else. */
export function parseOutsideRecordingKind(body: unknown): OutsideRecordingKind {
  const kind = isObject(body) ? body.kind : undefined;
  if (typeof kind !== 'string' || !OUTSIDE_RECORDING_KINDS.includes(kind as OutsideRecordingKind)) {
    throw new StandinInputError(`kind must be one of ${OUTSIDE_RECORDING_KINDS.join(', ')}`);
  }
  return kind as OutsideRecordingKind;
}

export function parseWorkerInput(body: unknown): WorkerInput {
  if (!isObject(body)) throw new StandinInputError('Body must be a JSON object');
  return { agent: parseAgent(body.agent), role: parseRole(body.role) };
}

/** `{operation, status, code?, times?, callSid?}`; code defaults to 20500 and times to 1. */
export function parseFault(body: unknown): FaultSpec {
  if (!isObject(body)) throw new StandinInputError('Body must be a JSON object');
  const { operation, status, code = 20500, times = 1, callSid } = body;
  if (!isOperation(operation)) throw new StandinInputError(`operation must be one of ${FAULT_OPERATIONS.join(', ')}`);
  if (typeof status !== 'number' || !Number.isInteger(status) || (status !== 0 && (status < 400 || status > 599))) {
    throw new StandinInputError('status must be 0 (connection reset) or an HTTP error status 400–599');
  }
  if (typeof code !== 'number' || !Number.isInteger(code)) throw new StandinInputError('code must be an integer Twilio error code');
  if (typeof times !== 'number' || !Number.isInteger(times) || times < 0)
    throw new StandinInputError("times must be a non-negative integer (0 clears the operation's pending faults)");
  if (callSid !== undefined && (typeof callSid !== 'string' || !/^CA[0-9a-f]{32}$/.test(callSid)))
    throw new StandinInputError('callSid must be a call sid (CA…)');
  return { operation, status, code, times, ...(callSid !== undefined && { callSid }) };
}

export function parseLatency(body: unknown): number {
  const ms = isObject(body) ? body.ms : undefined;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new StandinInputError('ms must be a non-negative number');
  return ms;
}

/** `{sync: bool}`: Twilio's Sync rate limits on or off. */
export function parseSyncLimits(body: unknown): boolean {
  const sync = isObject(body) ? body.sync : undefined;
  if (typeof sync !== 'boolean') throw new StandinInputError("sync must be true (Twilio's Sync limits on) or false (off)");
  return sync;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json; charset=utf-8' } });
}

function error(status: number, code: string, message: string): Response {
  return json(status, { error: { code, message } });
}

/** The push channel's reads are made by the demo page, from another origin. */
function withAnyOrigin(response: Response): Response {
  response.headers.set('Access-Control-Allow-Origin', '*');
  return response;
}

/**
 * `GET /sync/documents/<name>`, `GET /sync/maps/<name>/items`, `GET /sync/stream` (undefined for
 * any other route). `?service=IS…&token=…` (or an `X-Twilio-Token` header) reads a service as that
 * token's identity may; EventSource cannot send headers, hence the query. Account credentials
 * (`Authorization: Basic`) read any service, as tests and tools do.
 */
function syncPushRoute(standin: Standin, request: Request, route: string): Response | undefined {
  const query = new URL(request.url).searchParams;
  const access = {
    service: query.get('service'),
    token: query.get('token') ?? request.headers.get('X-Twilio-Token'),
    authorization: request.headers.get('Authorization'),
  };
  const refused = (caught: unknown): Response => {
    if (!(caught instanceof TwilioApiError)) throw caught;
    return withAnyOrigin(error(caught.status, caught.status === 403 ? 'forbidden' : caught.status === 404 ? 'not_found' : 'unauthenticated', caught.message));
  };
  if (route === 'GET /sync/stream') {
    try {
      return standin.syncStream(request.headers.get('Last-Event-ID'), access);
    } catch (caught) {
      return refused(caught);
    }
  }
  const documentName = /^GET \/sync\/documents\/([^/]+)$/.exec(route)?.[1];
  if (documentName !== undefined) {
    const name = decodeURIComponent(documentName);
    try {
      const document = standin.syncDocument(name, access);
      return withAnyOrigin(document ? json(200, document) : error(404, 'not_found', `No Sync document ${name}`));
    } catch (caught) {
      return refused(caught);
    }
  }
  const mapName = /^GET \/sync\/maps\/([^/]+)\/items$/.exec(route)?.[1];
  if (mapName !== undefined) {
    const name = decodeURIComponent(mapName);
    try {
      const items = standin.syncMapItems(name, access);
      return withAnyOrigin(items ? json(200, { items }) : error(404, 'not_found', `No Sync map ${name}`));
    } catch (caught) {
      return refused(caught);
    }
  }
  return undefined;
}

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new StandinInputError('Body must be JSON');
  }
}

export async function handleControl(standin: Standin, request: Request, pathname: string): Promise<Response> {
  const route = `${request.method} ${pathname.slice(CONTROL_PREFIX.length - 1)}`;
  try {
    if (route === 'GET /health') return json(200, { ok: true });
    if (route === 'POST /reset') {
      standin.reset();
      return json(200, { ok: true });
    }
    // Live-call changes answer once TaskRouter's event callback has been delivered, so whatever
    // the functions keep from those events (the task's attributes, the live-call index) is there
    // when the caller looks.
    if (route === 'POST /live-calls') {
      const created = standin.createLiveCall(parseLiveCallInput(await readJson(request)));
      await standin.callbacksDelivered();
      return json(200, created);
    }
    if (route === 'POST /workers') return json(200, standin.createWorker(parseWorkerInput(await readJson(request))));
    if (route === 'POST /faults') {
      const fault = parseFault(await readJson(request));
      standin.injectFault(fault);
      return json(200, { ok: true, ...fault });
    }
    if (route === 'POST /latency') {
      const ms = parseLatency(await readJson(request));
      standin.setLatency(ms);
      return json(200, { ok: true, ms });
    }
    if (route === 'POST /limits') {
      const sync = parseSyncLimits(await readJson(request));
      standin.setSyncLimits(sync);
      return json(200, { ok: true, sync });
    }
    if (route === 'GET /event-callbacks') return json(200, standin.eventCallbacks());
    const redeliver = /^POST \/event-callbacks\/([^/]+)\/redeliver$/.exec(route)?.[1];
    if (redeliver !== undefined) return json(200, await standin.redeliverEventCallback(decodeURIComponent(redeliver)));
    if (route === 'GET /requests')
      return json(
        200,
        standin.requests().map(({ method, path, at, status }) => ({ method, path, at, status })),
      );
    const pushed = syncPushRoute(standin, request, route);
    if (pushed) return pushed;

    const [, resource, sid, action] = /^\w+ \/(live-calls|recordings|tasks)\/([^/]+)(?:\/(end|transfer|recordings|attributes))?$/.exec(route) ?? [];
    const id = sid === undefined ? undefined : decodeURIComponent(sid);
    if (request.method === 'POST' && resource === 'live-calls' && action === 'end' && id) {
      standin.endCall(id);
      await standin.callbacksDelivered();
      return json(200, { ok: true, callSid: id });
    }
    if (request.method === 'POST' && resource === 'live-calls' && action === 'transfer' && id) {
      const body = await readJson(request);
      const transferred = standin.transferCall(id, parseAgent(isObject(body) ? body.agent : undefined));
      await standin.callbacksDelivered();
      return json(200, transferred);
    }
    if (request.method === 'POST' && resource === 'live-calls' && action === 'recordings' && id) {
      return json(200, standin.startOutsideRecording(id, parseOutsideRecordingKind(await readJson(request))));
    }
    if (request.method === 'GET' && resource === 'recordings' && !action && id) {
      const recording = standin.recording(id);
      return recording ? json(200, recording) : error(404, 'not_found', `No recording ${id}`);
    }
    // Flex's task.setAttributes() with the worker's token: answered once task.updated was delivered.
    if (request.method === 'POST' && resource === 'tasks' && action === 'attributes' && id) {
      const body = await readJson(request);
      if (!isObject(body)) throw new StandinInputError('Body must be a JSON object {token, attributes}');
      const written = standin.setTaskAttributes(id, body.token, body.attributes);
      await standin.callbacksDelivered();
      return json(200, written);
    }
    if (request.method === 'GET' && resource === 'tasks' && !action && id) {
      const task = standin.task(id);
      return task ? json(200, task) : error(404, 'not_found', `No task ${id}`);
    }
    return error(404, 'not_found', `No control route ${route}`);
  } catch (caught) {
    if (caught instanceof StandinInputError || caught instanceof URIError) return error(400, 'invalid_request', caught.message);
    if (caught instanceof StandinNotFoundError) return error(404, 'not_found', caught.message);
    if (caught instanceof StandinUnauthenticatedError) return error(401, 'unauthenticated', caught.message);
    if (caught instanceof StandinForbiddenError) return error(403, 'forbidden', caught.message);
    throw caught;
  }
}
