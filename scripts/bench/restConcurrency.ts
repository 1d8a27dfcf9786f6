/**
 * Twilio's account-wide REST concurrency, which the stand-in does not model: with `limit` requests
 * of the account in flight, the next is answered 429 with Twilio's 20429 at once (never processed,
 * safe to retry). Twilio publishes no figure; 100 is the account default commonly met.
 *
 * It wraps the stand-in's `handle`, so a request it refuses never reaches the stand-in (nor its
 * request log): put it on after any other wrapper of `handle` (RequestLog) and take it off first.
 */
import type { Standin } from '../../src/standin/standin';

export const ACCOUNT_REST_CONCURRENCY = 100;
const CONTROL_PREFIX = '/__standin';

export interface RestConcurrencyLimit {
  /** Requests let through to the stand-in so far (its own log keeps only the newest). */
  admitted(): number;
  /** Requests answered 429 / 20429 so far. */
  refused(): number;
  /** The most requests in flight at once since the start or the last `resetPeak`. */
  peak(): number;
  resetPeak(): void;
  /** Puts the stand-in's `handle` back as it was. */
  undo(): void;
}

export function limitRestConcurrency(standin: Pick<Standin, 'handle'>, limit = ACCOUNT_REST_CONCURRENCY): RestConcurrencyLimit {
  const original = standin.handle;
  const handle = original.bind(standin);
  let inFlight = 0;
  let peak = 0;
  let refused = 0;
  let admitted = 0;
  standin.handle = async (request) => {
    if (new URL(request.url).pathname.startsWith(CONTROL_PREFIX)) return handle(request);
    if (inFlight >= limit) {
      refused += 1;
      const body = { code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 };
      return new Response(JSON.stringify(body), { status: 429, headers: { 'Content-Type': 'application/json; charset=utf-8' } });
    }
    inFlight += 1;
    admitted += 1;
    peak = Math.max(peak, inFlight);
    try {
      return await handle(request);
    } finally {
      inFlight -= 1;
    }
  };
  return {
    admitted: () => admitted,
    refused: () => refused,
    peak: () => peak,
    resetPeak: () => {
      peak = inFlight;
    },
    undo: () => {
      standin.handle = original;
    },
  };
}
