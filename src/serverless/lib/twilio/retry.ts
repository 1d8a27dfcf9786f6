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

/** How hard to retry: the waits between attempts grow from `startingDelayMs` up to `maxDelayMs`, within `budgetMs` in all. */
export interface RetryPolicy {
  budgetMs: number;
  startingDelayMs: number;
  maxDelayMs: number;
}

/**
 * Twilio's. A Twilio Function has 10 s in all and must still answer, so the budget is well under it.
 * Tests and randomized fault runs pass their own to `buildServices` (fault runs: none between attempts).
 */
export const RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({ budgetMs: 4000, startingDelayMs: 50, maxDelayMs: 800 });

/**
 * An attempt that ended without a clear answer — no HTTP answer at all, or a server error — may
 * still be carried out by Twilio later; every other answer says what happened.
 */
const mayLandLater = (error: unknown): boolean => {
  const status = httpStatus(error);
  return status === undefined || status >= 500;
};

export interface RetryOptions {
  /** Less than the policy's budget, for a request that must not hold up its answer that long. */
  budgetMs?: number;
  /** Hears of every attempt that may still land later (see mayLandLater). */
  onUncertainAttempt?: () => void;
}

/**
 * A container's retries of transient Twilio failures: exponential backoff with full jitter, within
 * the policy's budget, measured on the container's clock. (The waits between attempts are
 * exponential-backoff's own timers, which take no clock: under a simulated clock the attempts, eight
 * at most, bound a run.)
 */
export class Retries {
  constructor(
    readonly policy: Readonly<RetryPolicy>,
    private readonly now: () => Date,
  ) {}

  run<T>(operation: () => Promise<T>, { budgetMs = this.policy.budgetMs, onUncertainAttempt }: RetryOptions = {}): Promise<T> {
    const startedAt = this.now().getTime();
    const attempt = !onUncertainAttempt
      ? operation
      : () =>
          operation().catch((error: unknown) => {
            if (mayLandLater(error)) onUncertainAttempt();
            throw error;
          });
    return backOff(attempt, {
      numOfAttempts: 8,
      startingDelay: this.policy.startingDelayMs,
      timeMultiple: 2,
      maxDelay: this.policy.maxDelayMs,
      jitter: 'full',
      delayFirstAttempt: false,
      retry: (error) => isTransient(error) && this.now().getTime() - startedAt < budgetMs,
    });
  }

  /** `operation` with retries, or `fallback` when Twilio answers 404 (the thing does not exist). */
  async unlessNotFound<T, F>(operation: () => Promise<T>, fallback: F, budgetMs?: number): Promise<T | F> {
    try {
      return await this.run(operation, { budgetMs });
    } catch (error) {
      if (httpStatus(error) === 404) return fallback;
      throw error;
    }
  }
}

/** Twilio's policy on real time, for what is built outside `buildServices` (the scripts, tests that make one store). */
export const DEFAULT_RETRIES = new Retries(RETRY_POLICY, () => new Date());

/** Another writer got there first: a Sync unique name already taken (409) or a stale If-Match (412). */
export const isWriteConflict = (error: unknown): boolean => httpStatus(error) === 409 || httpStatus(error) === 412;
