/**
 * The Desktop Manager's API (docs/desktop-manager.md):
 *   GET  /desktop-events/config           → the configuration in force, with its version
 *   POST /desktop-events/config           {version, events} → the saved version (version + 1)
 *   GET  /desktop-events/config/history   → {versions: [...], next?}, newest first, a page at a time
 * Saves: Flex admins (a `Token` whose worker has the `admin` role) and admin keys; reads: those and
 * the API keys. And, for every Flex user (the plugin inside Flex relays CRM fields for its agent):
 *   GET  /desktop-events/crm-fields       → the CRM fields that fire triggers, by origin
 *
 * Twilio Functions do not tell a function the HTTP method, and their gateway answers a browser's
 * CORS preflight itself, allowing only GET and POST and no `Token` header. So: a body naming
 * `version` or `events` is a save; anything else is a read, whatever its Content-Type — `GET` from a
 * server, or from a browser a form-encoded `POST` of `Token` (a "simple" request, as Flex's own
 * are). Browsers send the Flex token in the body (the twilio-flex-token-validator convention);
 * servers may use the `Token` header.
 */
import { CONFIG_SECTIONS, desktopEventsConfigIssues, describeIssue, DesktopEventsConfig, DesktopItemEvent, renewEveryMs } from '../../../core/desktopEvents';
import type { CrmFieldTrigger } from '../../../crm/protocol';
import { configOf, HISTORY_PAGE_MAX } from '../stores/desktopEventsConfig';
import type { ConfigInForce, DesktopEventsConfigStore } from '../stores/desktopEventsConfig';
import { errorResult, fromUrl, FunctionRequest, HttpResult } from '../base/http';
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
export const savedBy = (caller: Caller): string => (caller.kind === 'flex' ? caller.identity : `${caller.admin ? 'admin' : 'api'}-key-${caller.key}`);

type Admission = { ok: true; caller: Caller } | { ok: false; result: HttpResult };

/**
 * The caller, from `Authorization: Bearer <key>`, a `Token` header or `Token` in the body (the
 * twilio-flex-token-validator convention, and the only way a browser can send it). A `Token` that
 * came from the URL, which ends up in logs, is refused.
 */
async function admit(deps: ConfigApiDeps, request: ConfigApiRequest, who: 'save' | 'read' | 'any-user'): Promise<Admission> {
  if (fromUrl(request, 'Token'))
    return { ok: false, result: errorResult(401, 'unauthenticated', 'send the Flex token in the body or a Token header, never in the URL') };
  const credentials = credentialsOf(request.headers, request.body.Token);
  if (!credentials.ok) return { ok: false, result: errorResult(401, 'unauthenticated', credentials.message) };
  // An admin key is tried first: it is no API key, so the API would refuse it.
  const asAdminKey = deps.auth.adminKey(credentials.authorization);
  const [authentication, service] = await Promise.all([
    asAdminKey.ok ? asAdminKey : deps.auth.authenticate(credentials.authorization, credentials.token),
    deps.syncService?.check(),
  ]);
  if (!authentication.ok) return { ok: false, result: errorResult(401, 'unauthenticated', authentication.message) };
  if (service && !service.ok) return { ok: false, result: notConfiguredSync(service) };
  const { caller } = authentication;
  if (who === 'any-user') return { ok: true, caller };
  if (caller.kind === 'flex' && !caller.roles.includes('admin')) {
    return {
      ok: false,
      result: errorResult(403, 'forbidden', 'only Flex admins and API keys read desktop item events, and only Flex admins and admin keys save them'),
    };
  }
  if (who === 'save' && caller.kind === 'api' && !caller.admin) {
    return {
      ok: false,
      result: errorResult(
        403,
        'forbidden',
        'this API key may read the configuration, not change it: saves take a Flex admin or a key of RECORDING_CONTROLS_ADMIN_KEYS',
      ),
    };
  }
  return { ok: true, caller };
}

/** The contract's document: `updatedAt`/`updatedBy` only once a version has been saved. */
const configBody = (config: ConfigInForce): Record<string, unknown> =>
  'updatedAt' in config && config.version > 0
    ? { version: config.version, ...configOf(config), updatedAt: config.updatedAt, updatedBy: config.updatedBy }
    : { version: config.version, ...configOf(config) };

/** Twilio Sync did not answer: nothing was changed, the caller may try again. */
function syncFailed(deps: ConfigApiDeps, what: string, error: unknown): HttpResult {
  (deps.log ?? console.error)(
    `desktop-events/${what} failed: ${error instanceof Error ? error.name : 'error'} ${httpStatus(error) ?? ''} ${twilioCode(error) ?? ''}`,
  );
  return errorResult(502, 'config_unavailable', 'Twilio Sync did not answer; nothing was changed. Try again.');
}

/**
 * A save's body: `{version, events}`, and the sections to change (queue policies, pause caps; one left
 * out stays as it is); `updatedAt` and `updatedBy` echoed back from a read are ignored.
 */
export const SAVE_FIELDS = ['version', 'events', ...CONFIG_SECTIONS, 'Token', 'updatedAt', 'updatedBy'];

function checkSave(body: Record<string, unknown>): { ok: true; version: number; config: DesktopEventsConfig } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const unknown = Object.keys(body).filter((key) => !SAVE_FIELDS.includes(key));
  if (unknown.length > 0) problems.push(`unknown field(s): ${unknown.map((key) => (/^[A-Za-z_]{1,64}$/.test(key) ? key : '(unprintable name)')).join(', ')}`);
  const { version, events } = body;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    problems.push('version: must be the version you edited (a whole number, 0 while the asset is in force)');
  }
  const config = configOf(body as unknown as DesktopEventsConfig);
  problems.push(...desktopEventsConfigIssues({ ...config, events }).map(describeIssue));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, version: version as number, config };
}

/**
 * A save names `version` or `events`; anything else reads, whatever its Content-Type (many HTTP
 * clients send `application/json` on a GET, and a function cannot see the method).
 */
const isSave = (request: ConfigApiRequest): boolean => 'version' in request.body || 'events' in request.body;

/** A read (`GET`) or a save (`PUT`, or `POST` from a browser) of `/desktop-events/config`. */
export async function handleDesktopEventsConfig(deps: ConfigApiDeps, request: ConfigApiRequest): Promise<HttpResult> {
  const saving = isSave(request);
  const admission = await admit(deps, request, saving ? 'save' : 'read');
  if (!admission.ok) return admission.result;
  if (!saving) return readConfig(deps);

  const checked = checkSave(request.body);
  if (!checked.ok) {
    return {
      status: 400,
      body: {
        error: {
          code: 'invalid_config',
          message: `the configuration has ${checked.problems.length} problem(s); nothing was saved`,
          problems: checked.problems,
        },
      },
    };
  }
  try {
    const result = await deps.configs.save(checked.version, checked.config, savedBy(admission.caller));
    if (result.ok) return { status: 200, body: configBody(result.saved) };
    if (result.reason === 'invalid') {
      return {
        status: 400,
        body: { error: { code: 'invalid_config', message: 'the configuration cannot be stored; nothing was saved', problems: result.problems } },
      };
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

/** A whole number in a form or JSON body (forms carry text), or undefined when not sent. */
const wholeNumber = (value: unknown): number | undefined | null => {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  return Number.isInteger(number) ? number : null;
};

/**
 * `GET /desktop-events/config/history`: one page, newest first (`pageSize` 1–50, default 10;
 * `before=<version>` for older ones — the answer's `next` while there are more).
 */
export async function handleDesktopEventsConfigHistory(deps: ConfigApiDeps, request: ConfigApiRequest): Promise<HttpResult> {
  const admission = await admit(deps, request, 'read');
  if (!admission.ok) return admission.result;
  const before = wholeNumber(request.body.before);
  if (before === null || (before !== undefined && before < 1)) return errorResult(400, 'invalid_request', 'before: must be a version number');
  const pageSize = wholeNumber(request.body.pageSize);
  if (pageSize === null || (pageSize !== undefined && (pageSize < 1 || pageSize > HISTORY_PAGE_MAX))) {
    return errorResult(400, 'invalid_request', `pageSize: must be a whole number from 1 to ${HISTORY_PAGE_MAX}`);
  }
  try {
    const page = await deps.configs.history(before, pageSize);
    return { status: 200, body: { versions: page.versions.map(configBody), ...(page.next !== undefined && { next: page.next }) } };
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
      ...renewal(event),
    })),
  );
const renewal = (event: DesktopItemEvent) => {
  const every = renewEveryMs(event);
  return every === undefined ? {} : { renewEveryMs: every };
};

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
