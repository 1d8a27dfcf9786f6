/**
 * The Desktop Manager's API (CONTRACT §2):
 *   GET  /desktop-events/config           → the configuration in force, with its version
 *   PUT  /desktop-events/config           {version, events} → the saved version (version + 1)
 *   GET  /desktop-events/config/history   → {versions: [...]}, newest first
 * Flex admins (a `Token` whose worker has the `admin` role) and API keys only. And, for every
 * Flex user (the plugin inside Flex relays CRM fields for its agent):
 *   GET  /desktop-events/crm-fields       → the CRM fields that fire triggers, by origin
 *
 * Twilio Functions do not tell a function the HTTP method, and their gateway answers a browser's
 * CORS preflight itself, allowing only GET and POST and no `Token` header. So: a JSON body (or one
 * naming `version`/`events`) is a save, whatever the method — `PUT` as the contract has it, `POST`
 * from a browser; anything else is a read — `GET` from a server, or from a browser a form-encoded
 * `POST` of `Token` (a "simple" request, as Flex's own are). Browsers send the Flex token in the
 * body (the twilio-flex-token-validator convention); servers may use the `Token` header.
 */
import { desktopEventsConfigIssues, describeIssue, DesktopItemEvent } from '../../../core/desktopEvents';
import type { CrmFieldTrigger } from '../../../crm/protocol';
import type { ConfigInForce, DesktopEventsConfigStore } from '../signals/desktopEventsConfig';
import { errorResult, fromUrl, FunctionRequest, HttpResult, mediaType } from '../http';
import { httpStatus, twilioCode } from '../twilio/retry';
import { notConfiguredSync, type SyncServiceCheck } from '../twilio/syncService';
import { Authenticator, Caller, credentialsOf } from './auth';

export interface ConfigApiDeps {
  auth: Authenticator;
  configs: DesktopEventsConfigStore;
  /** Whether the Sync service may keep the state (read alongside the caller's token check). */
  syncService?: SyncServiceCheck;
  log?: (line: string) => void;
}

export type ConfigApiRequest = FunctionRequest;

/** Who saved, as the history shows it: the worker's identity, or which API key. */
export const savedBy = (caller: Caller): string => (caller.kind === 'flex' ? caller.identity : `api-key-${caller.key}`);

type Admission = { ok: true; caller: Caller } | { ok: false; result: HttpResult };

/**
 * The caller, from `Authorization: Bearer <key>`, a `Token` header or `Token` in the body (the
 * twilio-flex-token-validator convention, and the only way a browser can send it). A `Token` that
 * came from the URL, which ends up in logs, is refused.
 */
async function admit(deps: ConfigApiDeps, request: ConfigApiRequest, who: 'admin' | 'any-user'): Promise<Admission> {
  if (fromUrl(request, 'Token')) return { ok: false, result: errorResult(401, 'unauthenticated', 'send the Flex token in the body or a Token header, never in the URL') };
  const credentials = credentialsOf(request.headers, request.body.Token);
  if (!credentials.ok) return { ok: false, result: errorResult(401, 'unauthenticated', credentials.message) };
  const [authentication, service] = await Promise.all([deps.auth.authenticate(credentials.authorization, credentials.token), deps.syncService?.check()]);
  if (!authentication.ok) return { ok: false, result: errorResult(401, 'unauthenticated', authentication.message) };
  if (service && !service.ok) return { ok: false, result: notConfiguredSync(service) };
  const { caller } = authentication;
  if (who === 'admin' && caller.kind === 'flex' && !caller.roles.includes('admin')) {
    return { ok: false, result: errorResult(403, 'forbidden', 'only Flex admins and API keys manage desktop item events') };
  }
  return { ok: true, caller };
}

/** The contract's document: `updatedAt`/`updatedBy` only once a version has been saved. */
const configBody = (config: ConfigInForce): Record<string, unknown> =>
  'updatedAt' in config && config.version > 0
    ? { version: config.version, events: config.events, updatedAt: config.updatedAt, updatedBy: config.updatedBy }
    : { version: config.version, events: config.events };

/** Twilio Sync did not answer: nothing was changed, the caller may try again. */
function syncFailed(deps: ConfigApiDeps, what: string, error: unknown): HttpResult {
  (deps.log ?? console.error)(`desktop-events/${what} failed: ${error instanceof Error ? error.name : 'error'} ${httpStatus(error) ?? ''} ${twilioCode(error) ?? ''}`);
  return errorResult(502, 'config_unavailable', 'Twilio Sync did not answer; nothing was changed. Try again.');
}

/** A save's body: `{version, events}`; `updatedAt` and `updatedBy` echoed back from a read are ignored. */
export const SAVE_FIELDS = ['version', 'events', 'Token', 'updatedAt', 'updatedBy'];

function checkSave(body: Record<string, unknown>): { ok: true; version: number; events: DesktopItemEvent[] } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const unknown = Object.keys(body).filter((key) => !SAVE_FIELDS.includes(key));
  if (unknown.length > 0) problems.push(`unknown field(s): ${unknown.map((key) => (/^[A-Za-z_]{1,64}$/.test(key) ? key : '(unprintable name)')).join(', ')}`);
  const { version, events } = body;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    problems.push('version: must be the version you edited (a whole number, 0 while the asset is in force)');
  }
  problems.push(...desktopEventsConfigIssues({ events }).map(describeIssue));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, version: version as number, events: events as DesktopItemEvent[] };
}

/** A JSON body, or one naming what a save names; a browser's read posts only its `Token`, form-encoded. */
const isSave = (request: ConfigApiRequest): boolean => mediaType(request.headers) === 'application/json' || 'version' in request.body || 'events' in request.body;

/** A read (`GET`) or a save (`PUT`, or `POST` from a browser) of `/desktop-events/config`. */
export async function handleDesktopEventsConfig(deps: ConfigApiDeps, request: ConfigApiRequest): Promise<HttpResult> {
  const admission = await admit(deps, request, 'admin');
  if (!admission.ok) return admission.result;
  if (!isSave(request)) return readConfig(deps);

  const checked = checkSave(request.body);
  if (!checked.ok) {
    return { status: 400, body: { error: { code: 'invalid_config', message: `the configuration has ${checked.problems.length} problem(s); nothing was saved`, problems: checked.problems } } };
  }
  try {
    const result = await deps.configs.save(checked.version, checked.events, savedBy(admission.caller));
    if (result.ok) return { status: 200, body: configBody(result.saved) };
    if (result.reason === 'invalid') {
      return { status: 400, body: { error: { code: 'invalid_config', message: 'the configuration cannot be stored; nothing was saved', problems: result.problems } } };
    }
    const current = result.current;
    const who = current && 'updatedBy' in current && current.version > 0 ? ` (saved by ${current.updatedBy} at ${current.updatedAt})` : '';
    return {
      status: 409,
      body: {
        error: {
          code: 'version_conflict',
          message: `version ${current?.version ?? '?'} is the current one${who}, not ${checked.version}: reload, then apply your change again; nothing was saved`,
          ...(current && { current: configBody(current) }),
        },
      },
    };
  } catch (error) {
    return syncFailed(deps, 'config', error);
  }
}

async function readConfig(deps: ConfigApiDeps): Promise<HttpResult> {
  try {
    const { inForce, check } = await deps.configs.current();
    if (!inForce) {
      return errorResult(500, 'not_configured', `the desktop item events configuration is invalid: ${check.ok ? '' : check.problems.join('; ')}`);
    }
    return { status: 200, body: configBody(inForce) };
  } catch (error) {
    return syncFailed(deps, 'config', error);
  }
}

/** `GET /desktop-events/config/history` (`before=<version>` for older ones). */
export async function handleDesktopEventsConfigHistory(deps: ConfigApiDeps, request: ConfigApiRequest): Promise<HttpResult> {
  const admission = await admit(deps, request, 'admin');
  if (!admission.ok) return admission.result;
  const before = request.body.before === undefined || request.body.before === '' ? undefined : Number(request.body.before);
  if (before !== undefined && (!Number.isInteger(before) || before < 1)) return errorResult(400, 'invalid_request', 'before: must be a version number');
  try {
    const versions = await deps.configs.history(before);
    return { status: 200, body: { versions: versions.map(configBody) } };
  } catch (error) {
    return syncFailed(deps, 'config/history', error);
  }
}

export const crmFieldTriggers = (events: DesktopItemEvent[]): CrmFieldTrigger[] =>
  events.flatMap((event) =>
    (event.fields ?? []).map((field) => ({
      origin: field.origin,
      selector: field.selector,
      event: event.id,
      focusTrigger: event.startTrigger,
      ...(event.stopTrigger && { blurTrigger: event.stopTrigger }),
    })),
  );

/**
 * `GET /desktop-events/crm-fields`: what the plugin of every Flex user needs to relay CRM fields —
 * origins, selectors and trigger ids, nothing else of the configuration. Read as signals read it
 * (at most 5 s old).
 */
export async function handleCrmFields(deps: ConfigApiDeps, request: ConfigApiRequest): Promise<HttpResult> {
  const admission = await admit(deps, request, 'any-user');
  if (!admission.ok) return admission.result;
  const check = await deps.configs.forSignals();
  if (!check.ok) return errorResult(500, 'not_configured', 'the desktop item events configuration is invalid');
  return { status: 200, body: { fields: crmFieldTriggers(check.config.events) } };
}
