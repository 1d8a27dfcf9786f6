/**
 * Who a Twilio REST request comes from, and what a token's identity may do in Sync:
 *
 * - account credentials (HTTP Basic with the account sid and auth token, or an API key sid the
 *   stand-in knows and its secret) reach everything;
 * - `X-Twilio-Token: <token>` reaches Sync objects only, as a browser's Sync client does: a Flex
 *   token this stand-in issued (its identity is the worker's), or an access token (JWT, HS256, as
 *   `twilio.jwt.AccessToken` makes them) signed with an API key the stand-in knows, carrying a
 *   `data_sync` grant — accepted only for the service of that grant, until its `exp`.
 *
 * On a service with ACLs off (the `default` one, Flex's own) a token's holder may read and write
 * every object. On one created with `AclEnabled=true`, only what the object's permissions grant
 * that identity: read to fetch it or its items, write to change them, manage to delete it; a token
 * can neither create nor list objects there (our reading: Twilio documents creation by tokens only
 * for services without ACLs). Refusals are 403 54007 ("Access forbidden for identity").
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { TwilioModel } from './model';
import type { ApiKey } from './records';
import { TwilioApiError } from './primitives';
import type { Route } from './routing';

export type Principal =
  | { kind: 'account' }
  /** `serviceSid`: the only service an access token's grant reaches (a Flex token names none). */
  | { kind: 'identity'; identity: string; serviceSid?: string; expiresAt: Date };

const CREDENTIAL_USER = /^(AC|SK)[0-9a-fA-F]{32}$/;
const ACCESS_FORBIDDEN = 54007;

/**
 * Whose request this is, or the 401 20003 Twilio answers: Basic credentials must be the stand-in's
 * account sid with `authToken` (any token when the stand-in was given none), or an API key it
 * knows with that key's secret.
 */
export function principalOf(model: TwilioModel, headers: Headers, apiKeys: readonly ApiKey[], now: Date, authToken?: string): Principal {
  const token = headers.get('X-Twilio-Token');
  if (token !== null) return tokenPrincipal(model, token, apiKeys, now);
  const match = /^Basic\s+(\S+)$/i.exec(headers.get('Authorization') ?? '');
  if (!match) throw new TwilioApiError(401, 20003, 'Authentication Error - No credentials provided');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  const user = separator < 0 ? decoded : decoded.slice(0, separator);
  const password = separator < 0 ? '' : decoded.slice(separator + 1);
  if (!CREDENTIAL_USER.test(user)) throw new TwilioApiError(401, 20003, 'Authentication Error - invalid username');
  if (user.startsWith('SK')) {
    const key = apiKeys.find((candidate) => candidate.sid === user);
    if (!key) throw new TwilioApiError(401, 20003, 'Authentication Error - unknown API key');
    if (!sameText(key.secret, password)) throw new TwilioApiError(401, 20003, 'Authentication Error - invalid API key secret');
    return { kind: 'account' };
  }
  if (user !== model.accountSid) throw new TwilioApiError(401, 20003, 'Authentication Error - another account sid');
  if (authToken !== undefined && !sameText(authToken, password)) throw new TwilioApiError(401, 20003, 'Authentication Error - invalid auth token');
  return { kind: 'account' };
}

/** A Flex token this stand-in issued, else an access token. */
export function tokenPrincipal(model: TwilioModel, token: string, apiKeys: readonly ApiKey[], now: Date): Principal & { kind: 'identity' } {
  const flex = model.validateToken(token);
  if (flex) return { kind: 'identity', identity: flex.identity, expiresAt: flex.expiresAt };
  return accessTokenPrincipal(model, token, apiKeys, now);
}

function accessTokenPrincipal(model: TwilioModel, token: string, apiKeys: readonly ApiKey[], now: Date): Principal & { kind: 'identity' } {
  const parts = token.split('.');
  if (parts.length !== 3) throw new TwilioApiError(401, 20101, 'Invalid Access Token');
  const header = decodePart(parts[0]);
  const payload = decodePart(parts[1]);
  if (!header || !payload) throw new TwilioApiError(401, 20101, 'Invalid Access Token');
  if (header.alg !== 'HS256' || header.typ !== 'JWT' || header.cty !== 'twilio-fpa;v=1') throw new TwilioApiError(401, 20102, 'Invalid Access Token header');
  const key = apiKeys.find((candidate) => candidate.sid === payload.iss);
  if (!key || payload.sub !== model.accountSid) throw new TwilioApiError(401, 20103, 'Invalid Access Token issuer/subject');
  const expected = createHmac('sha256', key.secret).update(`${parts[0]}.${parts[1]}`).digest('base64url');
  if (!sameText(expected, parts[2])) throw new TwilioApiError(401, 20107, 'Invalid Access Token signature');
  const seconds = now.getTime() / 1000;
  if (typeof payload.exp !== 'number' || payload.exp <= seconds) throw new TwilioApiError(401, 20104, 'Access Token expired or expiration date invalid');
  if (typeof payload.nbf === 'number' && payload.nbf > seconds) throw new TwilioApiError(401, 20105, 'Access Token not yet valid');
  const grants = (payload.grants ?? {}) as { identity?: unknown; data_sync?: { service_sid?: unknown } };
  const serviceSid = grants.data_sync?.service_sid;
  if (typeof grants.identity !== 'string' || grants.identity.length === 0 || typeof serviceSid !== 'string') {
    throw new TwilioApiError(401, 20106, 'Invalid Access Token grants');
  }
  return { kind: 'identity', identity: grants.identity, serviceSid: model.sync.serviceSid(serviceSid), expiresAt: new Date(payload.exp * 1000) };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JWT's part, read field by field by the caller
function decodePart(part: string): Record<string, any> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Whether the identity may read the service's objects at all: its own grant's service, a service that exists. */
export function assertServiceReachable(model: TwilioModel, principal: Principal & { kind: 'identity' }, serviceReference: string): void {
  const serviceSid = model.sync.serviceSid(serviceReference);
  if (principal.serviceSid !== undefined && principal.serviceSid !== serviceSid) {
    throw new TwilioApiError(403, ACCESS_FORBIDDEN, 'Access forbidden for identity: the token is for another Sync service');
  }
  if (!model.sync.serviceInfo(serviceSid)) throw new TwilioApiError(404, 20404, `The requested resource /Services/${serviceReference} was not found`);
}

/** Throws Twilio's refusal unless the principal may make this request. */
export function assertAllowed(model: TwilioModel, principal: Principal, route: Route, params: Record<string, string>): void {
  if (principal.kind === 'account') return;
  const access = route.access;
  // A token reaches Sync objects only: services, permissions and the other APIs take account credentials.
  if (!access) throw new TwilioApiError(401, 20003, 'Authentication Error - this resource takes account credentials');
  assertServiceReachable(model, principal, params.service);
  if (!model.sync.serviceInfo(params.service)?.aclEnabled) return;
  if (!('param' in access)) {
    throw new TwilioApiError(403, ACCESS_FORBIDDEN, `Access forbidden for identity: tokens cannot ${access.need} objects on a service with ACLs enabled`);
  }
  const permission = model.sync.permissionOf(params.service, access.object, params[access.param], principal.identity);
  // A missing object is answered by the route (404), as for anyone.
  if (permission && !permission[access.need]) throw new TwilioApiError(403, ACCESS_FORBIDDEN, `Access forbidden for identity ${principal.identity}`);
}

/** Whether the identity may read this object, for the push channel. */
export function mayRead(model: TwilioModel, principal: Principal, serviceReference: string, kind: 'document' | 'map', reference: string): boolean {
  if (principal.kind === 'account' || !model.sync.serviceInfo(serviceReference)?.aclEnabled) return true;
  return model.sync.permissionOf(serviceReference, kind, reference, principal.identity)?.read === true;
}
