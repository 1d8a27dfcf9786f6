/**
 * Every desktop event id seen, kept in Twilio Sync for longer than a signature stays valid, so a
 * signal captured and sent again — minutes later, to any container — is answered as a repeat and
 * changes nothing. Event ids are the agent's own: the item is keyed by agent and id, so another
 * agent's `evt-1` is another signal. The first container to create the item owns the signal; its
 * answer is stored in the item for repeats to return, and a digest of the body it came with, so the
 * same id with another body is told apart (a conflict, not a repeat).
 */
import { createHash } from 'node:crypto';
import { canonicalJson, MAX_CLOCK_SKEW_SECONDS } from '../../../core/signature';
import { SyncMap } from '../twilio/syncCollections';
import type { TwilioClient } from '../twilio/twilioClient';

export const SEEN_SIGNALS_MAP = 'rc-seen-signals';
/** A timestamp may be 300 s ahead or behind: an id must outlive both sides of that window. */
export const SEEN_TTL_SECONDS = 2 * MAX_CLOCK_SKEW_SECONDS + 60;
/** Longer than a Function may run: a claim older than this was abandoned by a container that died. */
const ABANDONED_AFTER_MS = 15_000;
const WAIT_FOR_ANSWER_MS = 3_000;
const WAIT_STEP_MS = 200;

type Answer = Record<string, unknown>;

interface SeenSignal {
  claimedAt: string;
  /** Digest of the signal's body: the same id with another body is a conflict. */
  body?: string;
  answer?: Answer;
}

/** One agent's signal: whose it is, its id and a digest of everything it asked. */
export interface SignalIdentity {
  agent: string;
  eventId: string;
  body: string;
}

/**
 * `first`: this request owns the signal. `repeat`: another did; its answer, once it has one.
 * `conflict`: the agent already sent this id with another body.
 */
export type Claim = { first: true } | { first: false; conflict?: false; answer?: Answer } | { first: false; conflict: true };

/** A digest of a signal's body, the same whatever the order of its keys. */
export const bodyDigest = (body: unknown): string => createHash('sha256').update(canonicalJson(body)).digest('hex').slice(0, 32);

/** Identities and ids are free text: map keys get a fixed-length digest of the pair. */
export const signalKey = (agent: string, eventId: string): string =>
  `sig-${createHash('sha256').update(JSON.stringify([agent, eventId])).digest('hex').slice(0, 40)}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class SeenSignals {
  private readonly map: SyncMap<SeenSignal>;

  constructor(
    client: TwilioClient,
    serviceSid: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.map = new SyncMap(client, serviceSid, SEEN_SIGNALS_MAP);
  }

  async claim(signal: SignalIdentity): Promise<Claim> {
    const key = signalKey(signal.agent, signal.eventId);
    const created = await this.map.create(key, { claimedAt: this.now().toISOString(), body: signal.body }, SEEN_TTL_SECONDS);
    if (created !== 'exists') return { first: true };
    const deadline = Date.now() + WAIT_FOR_ANSWER_MS;
    for (;;) {
      const item = await this.map.get(key);
      if (!item) return this.claim(signal); // released after a failure: the signal may be tried again
      if (item.data.body !== undefined && item.data.body !== signal.body) return { first: false, conflict: true };
      if (item.data.answer) return { first: false, answer: item.data.answer };
      if (this.now().getTime() - Date.parse(item.data.claimedAt) > ABANDONED_AFTER_MS) {
        const taken = await this.map.replace(key, { claimedAt: this.now().toISOString(), body: signal.body }, SEEN_TTL_SECONDS, item.revision);
        if (typeof taken !== 'string') return { first: true };
        continue;
      }
      // The first is still being applied: its answer is the one to give.
      if (Date.now() >= deadline) return { first: false };
      await sleep(WAIT_STEP_MS);
    }
  }

  async answered(signal: SignalIdentity, answer: Answer): Promise<void> {
    await this.map.put(signalKey(signal.agent, signal.eventId), { claimedAt: this.now().toISOString(), body: signal.body, answer }, SEEN_TTL_SECONDS);
  }

  /** The signal did not take effect (Twilio failed): a retry of it is a new attempt, not a repeat. */
  async release(signal: SignalIdentity): Promise<void> {
    await this.map.remove(signalKey(signal.agent, signal.eventId));
  }
}
