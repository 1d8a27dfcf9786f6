/**
 * Who is calling the Recording Controls API (docs/api.md): a Flex user by their Flex token
 * (`Token`, validated with twilio-flex-token-validator against Twilio), or an external
 * application by `Authorization: Bearer <key>`. A validated token is remembered until it
 * expires, so a warm manual pause costs one Twilio round trip, not two.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { validator } from 'twilio-flex-token-validator';
import { RequestHeaders, singleHeader } from '../base/http';
import type { Settings } from '../base/settings';

export type Caller =
  | { kind: 'flex'; identity: string; workerSid?: string; roles: string[]; privileged: boolean }
  | { kind: 'api'; key: number; privileged: true; /** A key of RECORDING_CONTROLS_ADMIN_KEYS: may save the configuration. */ admin?: true };

export type Authentication = { ok: true; caller: Caller } | { ok: false; message: string };

interface TokenGrant {
  identity: string;
  worker_sid?: string;
  roles?: string[];
  expiration?: string;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Supervisors and admins may act on any call; agents on calls of their own tasks. */
const PRIVILEGED_ROLES = ['admin', 'supervisor'];
const MAX_TOKEN_MEMORY_MS = 60 * 60 * 1000;

/**
 * Asks Twilio whether a Flex token is valid. The library speaks only to iam.twilio.com; for the
 * local stand-in the same request goes to its origin instead.
 */
async function validateWithTwilio(settings: Settings, token: string): Promise<TokenGrant> {
  if (!settings.apiBaseUrl) return (await validator(token, settings.accountSid, settings.authToken)) as unknown as TokenGrant;
  const response = await fetch(`${settings.apiBaseUrl}/v1/Accounts/${settings.accountSid}/Tokens/validate`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ token }),
  });
  const result = (await response.json()) as TokenGrant & { valid?: boolean; message?: string };
  if (!result.valid) throw new Error(result.message ?? 'invalid token');
  return result;
}

export type Credentials = { ok: true; authorization?: string; token?: string } | { ok: false; message: string };

/**
 * Where credentials may come from (docs/api.md): `Authorization` and `Token` headers, each sent
 * once, or a Flex `Token` in the body (which wins over the header). `bodyToken` must be the
 * body's: the function shells refuse a `Token` that came from the query string (`fromUrl` in http.ts).
 */
export function credentialsOf(headers: RequestHeaders, bodyToken: unknown): Credentials {
  const authorization = singleHeader(headers, 'authorization');
  if (authorization.repeated) return { ok: false, message: 'send one Authorization header' };
  const tokenHeader = singleHeader(headers, 'token');
  if (tokenHeader.repeated) return { ok: false, message: 'send one Token header' };
  if (bodyToken !== undefined && typeof bodyToken !== 'string') return { ok: false, message: 'Token must be a string' };
  return { ok: true, authorization: authorization.value, token: bodyToken ?? tokenHeader.value };
}

/**
 * Which of `keys` a `Bearer` authorization names (1-based), 0 for none, undefined when no Bearer
 * was sent. Digests are compared so neither the content nor the length of a key leaks through timing.
 */
function matchKey(keys: string[], authorization: string | undefined): number | undefined {
  const bearer = typeof authorization === 'string' ? /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim() : undefined;
  if (!bearer) return undefined;
  const offered = digest(bearer);
  return keys.findIndex((candidate) => timingSafeEqual(digest(candidate), offered)) + 1;
}

export class Authenticator {
  private readonly grants = new Map<string, { caller: Caller; until: number }>();

  constructor(
    private readonly settings: Settings,
    private readonly clock: () => number = Date.now,
  ) {}

  /** An external application, by `Authorization: Bearer <key>` only (the sweep takes nothing else). */
  apiKey(authorization: string | undefined): Authentication {
    const key = matchKey(this.settings.apiKeys, authorization);
    if (key === undefined) return { ok: false, message: 'send an API key as Authorization: Bearer <key>' };
    return key > 0 ? { ok: true, caller: { kind: 'api', key, privileged: true } } : { ok: false, message: 'the API key is not valid' };
  }

  /** An administrator's key (`RECORDING_CONTROLS_ADMIN_KEYS`): only the configuration endpoints take it. */
  adminKey(authorization: string | undefined): Authentication {
    const key = matchKey(this.settings.adminKeys, authorization);
    return key !== undefined && key > 0
      ? { ok: true, caller: { kind: 'api', key, privileged: true, admin: true } }
      : { ok: false, message: 'the API key is not valid' };
  }

  async authenticate(authorization: string | undefined, token: string | undefined): Promise<Authentication> {
    if (typeof authorization === 'string' && /^Bearer\s+\S/i.test(authorization)) return this.apiKey(authorization);
    if (typeof token !== 'string' || token.length === 0) {
      return { ok: false, message: 'send a Flex token as Token, or an API key as Authorization: Bearer <key>' };
    }

    const remembered = this.grants.get(digest(token).toString('hex'));
    if (remembered && remembered.until > this.clock()) return { ok: true, caller: remembered.caller };
    let grant: TokenGrant;
    try {
      grant = await validateWithTwilio(this.settings, token);
    } catch {
      return { ok: false, message: 'the Flex token is not valid' };
    }
    const roles = grant.roles ?? [];
    const caller: Caller = {
      kind: 'flex',
      identity: grant.identity,
      ...(grant.worker_sid && { workerSid: grant.worker_sid }),
      roles,
      privileged: roles.some((role) => PRIVILEGED_ROLES.includes(role)),
    };
    const expires = grant.expiration ? Date.parse(grant.expiration) : Number.NaN;
    const until = Math.min(Number.isNaN(expires) ? Infinity : expires, this.clock() + MAX_TOKEN_MEMORY_MS);
    this.grants.set(digest(token).toString('hex'), { caller, until });
    if (this.grants.size > 1000) this.grants.delete(this.grants.keys().next().value as string);
    return { ok: true, caller };
  }
}

/**
 * The hold a caller opens and closes with pause and resume. A supervisor's or admin's is named
 * so, so that an agent's screen can say "Paused by supervisor".
 */
export const holdOf = (caller: Caller): { id: string; source: 'manual' | 'api'; by: string } =>
  caller.kind === 'flex'
    ? { id: `${caller.privileged ? 'supervisor' : 'manual'}:${caller.identity}`, source: 'manual', by: caller.identity }
    : { id: `api:${caller.key}`, source: 'api', by: `api-key-${caller.key}` };
