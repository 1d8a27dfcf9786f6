/**
 * A desktop event from a relay inside Flex (docs/api.md, *Desktop events*): the plugin relays a CRM page's fields
 * and authenticates with the agent's Flex token (`Token` header, or `Token` in the body as
 * twilio-flex-token-validator has it) instead of the two signature headers. Such a signal acts
 * only for the token's worker: `agent` may be left out, and any other agent is refused (403).
 */
import { Authenticator, credentialsOf } from './auth';
import { errorResult, fromUrl, FunctionRequest, HttpResult, RequestHeaders } from '../base/http';

/** A Flex token and no signature: the signal is authenticated by the token. */
export function isTokenSignal(headers: RequestHeaders, body: unknown): boolean {
  if (headers['x-desktop-signature'] !== undefined) return false;
  return headers.token !== undefined || (typeof body === 'object' && body !== null && 'Token' in body);
}

export type TokenAdmission = { ok: true; identity: string; body: Record<string, unknown> } | { ok: false; result: HttpResult };

/**
 * Validates the token; the body comes back without `Token` and with `agent` filled in when left
 * out. A token sent twice, or in the URL (which ends up in logs), is refused.
 */
export async function admitTokenSignal(auth: Authenticator | undefined, request: FunctionRequest): Promise<TokenAdmission> {
  if (!auth) return { ok: false, result: errorResult(500, 'not_configured', 'Flex tokens cannot be checked here') };
  if (fromUrl(request, 'Token'))
    return { ok: false, result: errorResult(401, 'unauthenticated', 'send the Flex token in the body or a Token header, never in the URL') };
  const { Token: inBody, ...rest } = request.body;
  const credentials = credentialsOf(request.headers, inBody);
  if (!credentials.ok) return { ok: false, result: errorResult(401, 'unauthenticated', credentials.message) };
  const { token } = credentials;
  const authentication = await auth.authenticate(undefined, token);
  if (!authentication.ok || authentication.caller.kind !== 'flex') {
    return { ok: false, result: errorResult(401, 'unauthenticated', 'the Flex token is not valid') };
  }
  const { identity } = authentication.caller;
  return { ok: true, identity, body: { agent: identity, ...rest } };
}

export const notTheTokensAgent = (): HttpResult => errorResult(403, 'forbidden', 'a signal with a Flex token acts only for that token’s worker');
