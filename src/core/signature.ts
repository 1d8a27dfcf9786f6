/**
 * Desktop relay signatures (docs/api.md, *Desktop events*): `v1=<hex HMAC-SHA256(secret, "<timestamp>.<canonical body>")>`.
 * Twilio Functions hand us the parsed body, not its bytes, so both sides sign a canonical
 * re-serialization: object keys sorted by code point, no whitespace.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { measureJson } from './jsonLimits';

export const MAX_CLOCK_SKEW_SECONDS = 300;

/** Deeper bodies are never signed by a relay; the key sort below is recursive, so they are not walked. */
const MAX_SIGNED_DEPTH = 32;

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    // Default sort compares UTF-16 code units, which orders like code points for these keys.
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

export const canonicalJson = (value: unknown): string => JSON.stringify(sortKeys(value));

export const sign = (secret: string, timestamp: string, body: unknown): string =>
  `v1=${createHmac('sha256', secret)
    .update(`${timestamp}.${canonicalJson(body)}`)
    .digest('hex')}`;

/** The headers a relay sends with `body`, signed now. */
export function signedHeaders(secret: string, body: unknown, nowMs = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return { 'Content-Type': 'application/json', 'X-Desktop-Timestamp': timestamp, 'X-Desktop-Signature': sign(secret, timestamp, body) };
}

export type SignatureCheck = 'valid' | 'invalid_signature' | 'stale_timestamp';

/**
 * Accepts a signature made with any of the secrets (current and, while rotating, previous);
 * the header may carry several comma-separated `v1=` values (copies of the header joined with
 * commas are the same list). Never throws, whatever the body.
 */
export function verifySignature(options: {
  secrets: string[];
  timestampHeader: string | undefined;
  signatureHeader: string | undefined;
  body: unknown;
  nowSeconds: number;
}): SignatureCheck {
  const { secrets, timestampHeader, signatureHeader, body, nowSeconds } = options;
  if (typeof timestampHeader !== 'string' || !/^\d{1,12}$/.test(timestampHeader) || typeof signatureHeader !== 'string') return 'invalid_signature';
  if (Math.abs(nowSeconds - Number(timestampHeader)) > MAX_CLOCK_SKEW_SECONDS) return 'stale_timestamp';
  if (!measureJson(body, { maxDepth: MAX_SIGNED_DEPTH, maxBytes: Number.MAX_SAFE_INTEGER }).ok) return 'invalid_signature';
  const offered = signatureHeader
    .split(',')
    .map((part) => part.trim())
    .filter((part) => /^v1=[0-9a-f]{64}$/.test(part))
    .map((part) => Buffer.from(part.slice(3), 'hex'));
  for (const secret of secrets) {
    const expected = Buffer.from(sign(secret, timestampHeader, body).slice(3), 'hex');
    if (offered.some((candidate) => timingSafeEqual(candidate, expected))) return 'valid';
  }
  return 'invalid_signature';
}
