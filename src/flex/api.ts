/**
 * The Recording Controls API client (docs/api.md): `POST <base>/recording-controls/<verb>`,
 * form-encoded like Flex's own requests, authenticated with the user's Flex token;
 * `POST <base>/sync-token`, the token of the plugin's own Sync client; and `POST <base>/automation-health`,
 * what keeps the agent's card fields from pausing by themselves, for supervisors.
 */
import type { AutomationProblemCode } from '../core/automation';
import type { SyncTokenAnswer } from './productSync';
import type { CallRef, CallStatus, CallVerb } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiOptions {
  baseUrl: string;
  /** Read at every request: Flex refreshes its token while it runs. */
  token: () => string | undefined;
  timeoutMs?: number;
}

export type Fields = Record<string, string | boolean | undefined>;

export interface RecordingControlsApi {
  call(verb: CallVerb, ref: CallRef, fields?: Fields): Promise<unknown>;
  status(ref: CallRef): Promise<CallStatus>;
  /** A Sync token for the user's identity on the product's Sync service. */
  syncToken?(): Promise<SyncTokenAnswer>;
  /** Tells supervisors what keeps card fields on the agent's call from pausing by themselves (none: nothing). */
  automationOff?(ref: CallRef, problems: AutomationProblemCode[]): Promise<unknown>;
}

/** Any 2xx body with `recording` and `holds` is the call's state after the request. */
export const isCallStatus = (body: unknown): body is CallStatus =>
  typeof body === 'object' && body !== null && typeof (body as CallStatus).recording === 'string' && Array.isArray((body as CallStatus).holds);

/** Fills the optional arrays so the views never have to guard them. */
export const normalizeStatus = (body: CallStatus): CallStatus => ({
  ...body,
  recordings: Array.isArray(body.recordings) ? body.recordings : [],
  intervals: Array.isArray(body.intervals) ? body.intervals : [],
});

/**
 * POSTs fields form-encoded with the user's Flex token, as Flex's own requests to Functions go
 * (their gateway allows no `Token` header from a browser). A request that gets no answer throws.
 */
export async function postForm(url: string, fields: Fields, token: string | undefined, timeoutMs = 10_000): Promise<Response> {
  const form = new URLSearchParams();
  form.set('Token', token ?? '');
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined) form.set(name, String(value));
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      signal: controller.signal,
    });
  } catch {
    const timedOut = controller.signal.aborted;
    throw new ApiError(0, timedOut ? 'timeout' : 'network_error', timedOut ? 'no answer from the server' : 'server unreachable');
  } finally {
    clearTimeout(timer);
  }
}

/** The answer's JSON body; an error answer (`{error: {code, message}}`) or a body that is not JSON throws. */
export async function jsonOf(response: Response): Promise<unknown> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(response.status, 'bad_response', `unexpected answer (HTTP ${response.status})`);
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error ?? {};
    throw new ApiError(response.status, String(error.code ?? 'http_error'), String(error.message ?? `HTTP ${response.status}`));
  }
  return body;
}

export function createApi({ baseUrl, token, timeoutMs = 10_000 }: ApiOptions): RecordingControlsApi {
  async function call(verb: CallVerb, ref: CallRef, fields: Fields = {}): Promise<unknown> {
    return post(`/recording-controls/${verb}`, { taskSid: ref.taskSid, callSid: ref.callSid, ...fields });
  }

  async function post(path: string, fields: Fields): Promise<unknown> {
    if (!baseUrl) throw new ApiError(0, 'not_configured', 'serverlessBaseUrl is not configured');
    return jsonOf(await postForm(`${baseUrl}${path}`, fields, token(), timeoutMs));
  }

  return {
    call,
    async status(ref) {
      const body = await call('status', ref);
      if (!isCallStatus(body)) throw new ApiError(200, 'bad_response', 'status answer without recording state');
      return normalizeStatus(body);
    },
    automationOff: (ref, problems) => post('/automation-health', { taskSid: ref.taskSid, callSid: ref.callSid, problems: problems.join(',') }),
    async syncToken() {
      const body = (await post('/sync-token', {})) as Partial<SyncTokenAnswer> | null;
      if (typeof body?.token !== 'string' || body.token.length === 0) throw new ApiError(200, 'bad_response', 'sync-token answer without a token');
      return body as SyncTokenAnswer;
    },
  };
}
