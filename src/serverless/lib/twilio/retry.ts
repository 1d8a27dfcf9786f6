import { backOff } from 'exponential-backoff';

/**
 * What Twilio tells us to try again: rate limits, its server errors, a recording busy with a
 * transfer. Every request we send is safe to repeat: status updates set a state, Sync writes carry
 * If-Match (a repeat that already landed comes back as a conflict and is re-read).
 */
const TRANSIENT_CODES = new Set([20429, 16114]);
const TRANSIENT_STATUSES = new Set([429, 500, 502, 503, 504]);

export interface TwilioErrorLike {
  status?: number;
  code?: number | string;
}

export const twilioCode = (error: unknown): number | undefined => {
  const code = (error as TwilioErrorLike | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
};

export const httpStatus = (error: unknown): number | undefined => {
  const status = (error as TwilioErrorLike | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
};

export function isTransient(error: unknown): boolean {
  const status = httpStatus(error);
  const code = twilioCode(error);
  if (status === undefined) return true; // no HTTP answer at all: a reset or a dropped connection
  return TRANSIENT_STATUSES.has(status) || (code !== undefined && TRANSIENT_CODES.has(code));
}

/**
 * How hard to retry. A Twilio Function has 10 s in all and must still answer, so the budget is
 * well under it. Randomized fault runs shrink the delays so thousands of faults run in seconds.
 */
export const retryPolicy = { budgetMs: 4000, startingDelayMs: 50, maxDelayMs: 800 };

/**
 * An attempt that ended without a clear answer — no HTTP answer at all, or a server error — may
 * still be carried out by Twilio later; every other answer says what happened.
 */
const mayLandLater = (error: unknown): boolean => {
  const status = httpStatus(error);
  return status === undefined || status >= 500;
};

/**
 * Retries transient Twilio failures with exponential backoff and full jitter, within the budget.
 * `onUncertainAttempt` hears of every attempt that may still land later (see mayLandLater).
 */
export function withRetries<T>(operation: () => Promise<T>, budgetMs = retryPolicy.budgetMs, onUncertainAttempt?: () => void): Promise<T> {
  const startedAt = Date.now();
  const attempt = !onUncertainAttempt
    ? operation
    : () =>
        operation().catch((error: unknown) => {
          if (mayLandLater(error)) onUncertainAttempt();
          throw error;
        });
  return backOff(attempt, {
    numOfAttempts: 8,
    startingDelay: retryPolicy.startingDelayMs,
    timeMultiple: 2,
    maxDelay: retryPolicy.maxDelayMs,
    jitter: 'full',
    delayFirstAttempt: false,
    retry: (error) => isTransient(error) && Date.now() - startedAt < budgetMs,
  });
}

/** `operation` with retries, or `fallback` when Twilio answers 404 (the thing does not exist). */
export async function unlessNotFound<T, F>(operation: () => Promise<T>, fallback: F, budgetMs?: number): Promise<T | F> {
  try {
    return await withRetries(operation, budgetMs);
  } catch (error) {
    if (httpStatus(error) === 404) return fallback;
    throw error;
  }
}

/** Another writer got there first: a Sync unique name already taken (409) or a stale If-Match (412). */
export const isWriteConflict = (error: unknown): boolean => httpStatus(error) === 409 || httpStatus(error) === 412;
