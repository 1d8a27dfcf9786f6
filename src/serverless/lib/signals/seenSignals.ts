/**
 * Every desktop event id seen, kept in Twilio Sync for longer than a signature stays valid, so a
 * signal captured and sent again — minutes later, to any container — is answered as a repeat and
 * changes nothing. The first container to create the id's item owns the signal; its answer is
 * stored in the item for repeats to return.
 */
import { MAX_CLOCK_SKEW_SECONDS } from '../../../core/signature';
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
  answer?: Answer;
}

/** `first`: this request owns the signal. `repeat`: another did; its answer, once it has one. */
export type Claim = { first: true } | { first: false; answer?: Answer };

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

  async claim(eventId: string): Promise<Claim> {
    const created = await this.map.create(eventId, { claimedAt: this.now().toISOString() }, SEEN_TTL_SECONDS);
    if (created !== 'exists') return { first: true };
    const deadline = Date.now() + WAIT_FOR_ANSWER_MS;
    for (;;) {
      const item = await this.map.get(eventId);
      if (!item) return this.claim(eventId); // released after a failure: the signal may be tried again
      if (item.data.answer) return { first: false, answer: item.data.answer };
      if (this.now().getTime() - Date.parse(item.data.claimedAt) > ABANDONED_AFTER_MS) {
        const taken = await this.map.replace(eventId, { claimedAt: this.now().toISOString() }, SEEN_TTL_SECONDS, item.revision);
        if (typeof taken !== 'string') return { first: true };
        continue;
      }
      // The first is still being applied: its answer is the one to give.
      if (Date.now() >= deadline) return { first: false };
      await sleep(WAIT_STEP_MS);
    }
  }

  async answered(eventId: string, answer: Answer): Promise<void> {
    await this.map.put(eventId, { claimedAt: this.now().toISOString(), answer }, SEEN_TTL_SECONDS);
  }

  /** The signal did not take effect (Twilio failed): a retry of it is a new attempt, not a repeat. */
  async release(eventId: string): Promise<void> {
    await this.map.remove(eventId);
  }
}
