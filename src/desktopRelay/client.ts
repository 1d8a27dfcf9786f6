/**
 * The desktop relay's sending side: one trigger becomes one signed signal to `/desktop-event`
 * (docs/desktop-relay.md). A signal that got no clear answer (no connection, a timeout, 429, a
 * server error) is sent again with the same event id — the functions answer a repeat with the first
 * answer and change nothing — within a short budget, because a pause that comes late is worthless.
 * The functions refuse a timestamp 300 s from their clock: the relay learns their clock from each
 * answer's `Date` header and signs with it. A trigger whose event id the caller named is sent again
 * as it was first sent (same `occurredAt`): the functions answer a repeat, but refuse the same id with
 * another body.
 */
import { randomUUID } from 'node:crypto';
import { backOff } from 'exponential-backoff';
import { canonicalJson, MAX_CLOCK_SKEW_SECONDS, signedHeaders } from '../core/signature';

export interface RelaySettings {
  /** The functions' `/desktop-event` URL. */
  url: string;
  /** `DESKTOP_EVENT_SECRET`. */
  secret: string;
  /** The agent on this PC, when a trigger does not name one. */
  agent?: string;
  /** How long a trigger may take in all, retries included. Default 4 s. */
  budgetMs?: number;
  /**
   * The client sends one trigger and its process ends (a command line), so it cannot remember what it
   * sent: a trigger whose event id the caller named then goes without an `occurredAt` of the relay's
   * (the functions take its arrival), and running the command again sends the same signal.
   */
  oneShot?: boolean;
}

export interface Trigger {
  trigger: string;
  agent?: string;
  callSid?: string;
  /** A new one per trigger unless given (to send a repeat on purpose). */
  eventId?: string;
  /** The user's action; the relay's clock when not given (see `oneShot`). */
  occurredAt?: string;
}

/** The signal's body, as signed and sent. */
type SignalBody = { eventId: string; agent?: string; trigger: string; occurredAt?: string; callSid?: string };

export interface Outcome {
  eventId: string;
  trigger: string;
  /** The functions' HTTP status; 0 when they could not be reached. */
  status: number;
  /** Their answer (JSON), or `{error}` of the relay's own when there was none. */
  body: Record<string, unknown>;
  /** The error code, if it failed. */
  code?: string;
  /** Why the functions could not be reached (the network's words), when they could not. */
  unreachable?: string;
  attempts: number;
  ms: number;
}

const DEFAULT_BUDGET_MS = 4000;
/** The functions know an event id for two signature windows and a minute; a relay remembers what it sent a little longer. */
const REMEMBERED_MS = (2 * MAX_CLOCK_SKEW_SECONDS + 120) * 1000;
const REMEMBERED_MAX = 1000;
/** Differences below this are the `Date` header's whole seconds and the network, not a wrong clock. */
const SKEW_NOTICED_MS = 2000;

/** Worth sending again: nothing clear came back, or the functions could not complete it (a 502 is "not paused"). */
const mayRetry = (status: number, code: string | undefined) => status === 0 || status === 429 || (status >= 500 && code !== 'not_configured');

class Unanswered extends Error {
  constructor(readonly outcome: Omit<Outcome, 'attempts' | 'ms'>) {
    super(`HTTP ${outcome.status}`);
  }
}

export class RelayClient {
  /** The functions' clock minus ours, as their answers tell it. */
  clockOffsetMs = 0;
  /** What was sent for each event id a caller named, by agent and id: a repeat goes as it went. */
  private readonly named = new Map<string, { asked: string; body: SignalBody; at: number }>();

  constructor(
    private readonly settings: RelaySettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sends one trigger; never throws. */
  async send(trigger: Trigger): Promise<Outcome> {
    const startedAt = this.now();
    const body = this.signalOf(trigger, startedAt);
    const budgetMs = this.settings.budgetMs ?? DEFAULT_BUDGET_MS;
    let attempts = 0;
    const finish = (outcome: Omit<Outcome, 'attempts' | 'ms'>): Outcome => ({ ...outcome, attempts, ms: this.now() - startedAt });

    const attempt = async () => {
      attempts += 1;
      const answer = await this.post(body, Math.max(500, budgetMs - (this.now() - startedAt)));
      // A clock this far off is corrected at once, and the signal signed again.
      if (answer.code === 'stale_timestamp' && attempts === 1) {
        attempts += 1;
        return this.post(body, Math.max(500, budgetMs - (this.now() - startedAt)));
      }
      return answer;
    };
    try {
      const answer = await backOff(
        async () => {
          const outcome = await attempt();
          if (mayRetry(outcome.status, outcome.code)) throw new Unanswered(outcome);
          return outcome;
        },
        {
          numOfAttempts: 10,
          startingDelay: 150,
          timeMultiple: 2,
          maxDelay: 1000,
          jitter: 'full',
          retry: () => this.now() - startedAt < budgetMs,
        },
      );
      return finish(answer);
    } catch (error) {
      return finish((error as Unanswered).outcome);
    }
  }

  /** The body to send: a new event id and the relay's time, or for a named id what was sent for it before. */
  private signalOf(trigger: Trigger, now: number): SignalBody {
    const agent = trigger.agent ?? this.settings.agent;
    const asked = {
      ...(agent !== undefined && { agent }),
      trigger: trigger.trigger,
      ...(trigger.occurredAt !== undefined && { occurredAt: trigger.occurredAt }),
      ...(trigger.callSid && { callSid: trigger.callSid }),
    };
    const stamped = { occurredAt: new Date(now).toISOString(), ...asked };
    if (trigger.eventId === undefined) return { eventId: `relay-${randomUUID()}`, ...stamped };
    const eventId = trigger.eventId;
    if (this.settings.oneShot) return { eventId, ...asked };
    const key = JSON.stringify([agent, eventId]);
    const known = this.named.get(key);
    // The same trigger again (the caller's own retry): the same signal, which the functions answer as a repeat.
    if (known && known.asked === canonicalJson(asked) && now - known.at < REMEMBERED_MS) return known.body;
    const body = { eventId, ...stamped };
    this.named.delete(key);
    this.named.set(key, { asked: canonicalJson(asked), body, at: now });
    if (this.named.size > REMEMBERED_MAX) this.named.delete(this.named.keys().next().value as string);
    return body;
  }

  private async post(body: SignalBody, timeoutMs: number): Promise<Omit<Outcome, 'attempts' | 'ms'>> {
    const { eventId, trigger } = body;
    try {
      const response = await fetch(this.settings.url, {
        method: 'POST',
        headers: signedHeaders(this.settings.secret, body, this.now() + this.clockOffsetMs),
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      this.learnClock(response.headers.get('date'));
      const text = await response.text();
      let answer: Record<string, unknown>;
      try {
        answer = JSON.parse(text) as Record<string, unknown>;
      } catch {
        answer = { error: { code: 'not_json', message: `the answer was not JSON: ${text.slice(0, 200)}` } };
      }
      const code = (answer.error as { code?: unknown } | undefined)?.code;
      return { eventId, trigger, status: response.status, body: answer, ...(typeof code === 'string' && { code }) };
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
      return {
        eventId,
        trigger,
        status: 0,
        code: 'unreachable',
        unreachable: cause,
        body: { error: { code: 'unreachable', message: `could not reach ${this.settings.url} (${cause})` } },
      };
    }
  }

  private learnClock(date: string | null): void {
    const theirs = date ? Date.parse(date) : NaN;
    if (Number.isNaN(theirs)) return;
    const offset = theirs - this.now();
    // The header has whole seconds: keep what we know unless it is clearly wrong.
    if (Math.abs(offset - this.clockOffsetMs) > SKEW_NOTICED_MS) this.clockOffsetMs = Math.abs(offset) > SKEW_NOTICED_MS ? offset : 0;
  }
}
