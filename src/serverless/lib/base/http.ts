/**
 * What every function shares: reading the event Twilio's runtime hands over without trusting its
 * shape, and answering `{status, body}` as a `Twilio.Response`.
 */
import { JsonLimits, measureJson, overLimit } from '../../../core/jsonLimits';
import type { FunctionContext, FunctionHandler } from './functionTypes';

/** The shape every endpoint answers with. */
export interface HttpResult {
  status: number;
  body: unknown;
  /** JSON unless said otherwise (the report's CSV). */
  contentType?: string;
}

/** A body that could not be read; `invalid_config` always lists its problems (docs/api.md, *Desktop item events — the configuration*). */
const unreadable = (code: string, problem: string): HttpResult => {
  const result = errorResult(400, code, problem);
  return code === 'invalid_config' ? { ...result, body: { error: { code, message: problem, problems: [problem] } } } : result;
};

export const errorResult = (status: number, code: string, message: string): HttpResult => ({
  status,
  body: { error: { code, message } },
});

/** Headers as the Functions runtime hands them over: lower-case names; a header sent twice is an array. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

export interface FunctionRequest {
  headers: RequestHeaders;
  body: Record<string, unknown>;
}

/**
 * The runtime's `request` (`{ headers, cookies }`), when it is one: an object whose headers are
 * strings or lists of strings under lower-case names. Anything else was put there by the sender.
 */
function runtimeHeaders(request: unknown): RequestHeaders | undefined {
  if (request === null || typeof request !== 'object' || Array.isArray(request)) return undefined;
  const { headers } = request as { headers?: unknown };
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) return undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (name !== name.toLowerCase()) return undefined;
    if (typeof value !== 'string' && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) return undefined;
  }
  return headers as RequestHeaders;
}

export type EventRead = { ok: true; request: FunctionRequest } | { ok: false; problem: string };

/**
 * Reads a Functions event. The runtime builds it as `{ request: { headers, cookies }, ...query,
 * ...body }` (@twilio/runtime-handler's constructEvent), so a field named `request` in the query
 * string or the body replaces the headers: such an event is refused, as is a body the runtime
 * flattened from a JSON array (`{0: …, 1: …}`) unless `arrays` (Event Streams delivers one), one
 * nested deeper than `limits.maxDepth` or larger than `limits.maxBytes` — measured before anything walks it.
 */
export function readEvent(event: unknown, limits: JsonLimits, arrays = false): EventRead {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return { ok: false, problem: 'the request could not be read' };
  const { request, ...body } = event as Record<string, unknown>;
  const headers = runtimeHeaders(request);
  if (!headers) return { ok: false, problem: 'the request headers cannot be read: a field named request is not allowed' };
  if (!arrays && Object.prototype.hasOwnProperty.call(body, '0')) return { ok: false, problem: 'the body must be a JSON object, not an array' };
  const measured = measureJson(body, limits);
  if (!measured.ok) {
    return { ok: false, problem: overLimit(measured.problem, limits.maxBytes) };
  }
  return { ok: true, request: { headers, body } };
}

/** A header that must come once (a credential): its value, or `repeated` when copies were sent. */
export function singleHeader(headers: RequestHeaders, name: string): { value?: string; repeated?: true } {
  const value = headers[name.toLowerCase()];
  if (Array.isArray(value)) return value.length === 1 ? { value: value[0] } : { repeated: true };
  return typeof value === 'string' ? { value } : {};
}

/** A header whose copies form one comma-separated list (as HTTP allows for list headers). */
export function headerList(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}

/** The media type of a single Content-Type header, lower-cased, without parameters. */
export function mediaType(headers: RequestHeaders): string | undefined {
  const { value } = singleHeader(headers, 'content-type');
  return value?.split(';')[0].trim().toLowerCase();
}

/**
 * Whether a field of the event surely came from the query string. Twilio merges the query string
 * and the body into one event and keeps no URL, so the field cannot say; the headers tell some
 * of it: only JSON and form bodies are parsed (with any other type, or none, every field came
 * from the URL), and a body whose Content-Length is shorter than the value cannot have held it.
 * A chunked body has no length, so a field beside one may be either.
 */
export function fromUrl(request: FunctionRequest, field: string): boolean {
  const value = request.body[field];
  if (value === undefined) return false;
  const type = mediaType(request.headers);
  if (type !== 'application/json' && type !== 'application/x-www-form-urlencoded') return true;
  const length = singleHeader(request.headers, 'content-length');
  if (length.repeated) return true;
  return length.value !== undefined && Number(length.value) < Buffer.byteLength(typeof value === 'string' ? value : '', 'utf8');
}

/** Twilio's own callbacks (form fields, task attributes as a string) fit well within these. */
export const CALLBACK_LIMITS: JsonLimits = { maxDepth: 4, maxBytes: 128 * 1024 };

/**
 * TaskRouter's events (one form-encoded event, or an Event Streams batch of CloudEvents): as large
 * as Twilio's runtime parses. An agent may grow its own task's attributes to any size, and its
 * task's end must count all the same; the body is Twilio's own (signed), and what the functions
 * read of it never walks the attributes.
 */
export const TASK_EVENT_LIMITS: JsonLimits = { maxDepth: 6, maxBytes: 6 * 1024 * 1024 };

export interface ShellOptions {
  /** Named in the log line of an unexpected failure. */
  name: string;
  /** The contract code for a request that cannot be read (`invalid_event`, `invalid_request`). */
  invalidCode: string;
  limits: JsonLimits;
  /** The body may be a JSON array (an Event Streams batch). */
  arrays?: boolean;
  cors?: boolean;
}

/**
 * A function: the event read and checked, `run` called, and its result answered. Nothing a
 * request carries can make it throw out of here: a request that cannot be read gets 400 with
 * `invalidCode`, and a failure nobody expected is logged by name only and answered 502 (the
 * change is not confirmed), so one request never takes the container down.
 */
export function functionShell(options: ShellOptions, run: (context: FunctionContext, request: FunctionRequest) => Promise<HttpResult>): FunctionHandler {
  return async (context, event, callback) => {
    let result: HttpResult;
    try {
      const read = readEvent(event, options.limits, options.arrays);
      result = read.ok ? await run(context, read.request) : unreadable(options.invalidCode, read.problem);
    } catch (error) {
      console.error(`${options.name} failed unexpectedly: ${error instanceof Error ? error.name : typeof error}`);
      result = errorResult(502, 'recording_update_failed', 'the request could not be completed: treat the call as NOT paused');
    }
    const response = toTwilioResponse(result);
    callback(null, options.cors ? withCors(response) : response);
  };
}

interface ResponseLike {
  setStatusCode(code: number): unknown;
  setBody(body: unknown): unknown;
  appendHeader(name: string, value: string): unknown;
}

/** Builds a `Twilio.Response` (a global inside the Functions runtime). */
export function toTwilioResponse(result: HttpResult): ResponseLike {
  const response = new (globalThis as unknown as { Twilio: { Response: new () => ResponseLike } }).Twilio.Response();
  response.setStatusCode(result.status);
  response.appendHeader('Content-Type', result.contentType ?? 'application/json');
  response.appendHeader('Cache-Control', 'no-store');
  response.setBody(result.body);
  return response;
}

/** The API is called from Flex in the browser (another origin) and from servers. */
export function withCors<T extends ResponseLike>(response: T): T {
  response.appendHeader('Access-Control-Allow-Origin', '*');
  response.appendHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
  response.appendHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization');
  return response;
}

/** The functions' own public address, for callbacks Twilio should make to them. */
export const ownUrl = (domainName: string | undefined, path: string): string | undefined =>
  domainName ? `${/^(localhost|127\.)/.test(domainName) ? 'http' : 'https'}://${domainName}${path}` : undefined;
