/**
 * A desktop event from a relay inside Flex (CONTRACT §1): the plugin relays a CRM page's fields
 * and authenticates with the agent's Flex token (`Token` header, or `Token` in the body as
 * twilio-flex-token-validator has it) instead of the two signature headers. Such a signal acts
 * only for the token's worker: `agent` may be left out, and any other agent is refused (403).
 */
import type { Authenticator } from './auth';
import { errorResult, HttpResult } from './http';

type Headers = Record<string, string | string[] | undefined>;

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value.join(',') : value);

/** A Flex token and no signature: the signal is authenticated by the token. */
export function isTokenSignal(headers: Headers, body: unknown): boolean {
  if (headers['x-desktop-signature'] !== undefined) return false;
  return headers.token !== undefined || (typeof body === 'object' && body !== null && 'Token' in body);
}

export type TokenAdmission = { ok: true; identity: string; body: Record<string, unknown> } | { ok: false; result: HttpResult };

/** Validates the token; the body comes back without `Token` and with `agent` filled in when left out. */
export async function admitTokenSignal(auth: Authenticator | undefined, headers: Headers, body: Record<string, unknown>): Promise<TokenAdmission> {
  if (!auth) return { ok: false, result: errorResult(500, 'not_configured', 'Flex tokens cannot be checked here') };
  const { Token: inBody, ...rest } = body;
  const token = single(headers.token) ?? (typeof inBody === 'string' ? inBody : undefined);
  const authentication = await auth.authenticate(undefined, token);
  if (!authentication.ok || authentication.caller.kind !== 'flex') {
    return { ok: false, result: errorResult(401, 'unauthenticated', 'the Flex token is not valid') };
  }
  const { identity } = authentication.caller;
  return { ok: true, identity, body: { agent: identity, ...rest } };
}

export const notTheTokensAgent = (): HttpResult => errorResult(403, 'forbidden', 'a signal with a Flex token acts only for that token’s worker');
