/**
 * Letting Flex call a function from the browser (another origin) with its `Token` header: the
 * CORS preflight (`OPTIONS`) and the headers on every answer. Twilio Functions do not tell a
 * function the request's method; a preflight is known by its `Access-Control-Request-Method`
 * header and its missing body. No cookies are involved (the token is a header), so any origin may
 * call: what a caller may do is decided by its credentials alone.
 */
import type { HttpResult } from './http';
import { toTwilioResponse } from './http';

type Headers = Record<string, string | string[] | undefined>;

const ALLOWED_HEADERS = 'Content-Type, Authorization, Token';

/** True when the body carries something: a JSON or form body, however small. */
export const hasBody = (headers: Headers, body: Record<string, unknown>): boolean =>
  Object.keys(body).length > 0 || Number(headers['content-length'] ?? 0) > 0 || headers['content-type'] !== undefined;

export const isPreflight = (headers: Headers, body: Record<string, unknown>): boolean =>
  headers['access-control-request-method'] !== undefined && !hasBody(headers, body);

type ResponseLike = ReturnType<typeof toTwilioResponse>;

/** A `Twilio.Response` of the result that browsers on any origin may read. */
export function browserResponse(result: HttpResult, methods: string): ResponseLike {
  const response = toTwilioResponse(result);
  response.appendHeader('Access-Control-Allow-Origin', '*');
  response.appendHeader('Access-Control-Allow-Methods', methods);
  response.appendHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
  // Browsers may skip the preflight for ten minutes.
  response.appendHeader('Access-Control-Max-Age', '600');
  return response;
}

/** The answer to a preflight: nothing but the permissions. */
export const preflightResponse = (methods: string): ResponseLike => browserResponse({ status: 204, body: '' }, methods);
