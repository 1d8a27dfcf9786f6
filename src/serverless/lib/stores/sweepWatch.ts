/**
 * Whether the sweep has anything to look at, in one Sync document (`rc-sweep-watch`), so a round with
 * no open hold costs one read instead of the live index's 64 shards.
 *
 * - A writer that copies an open hold or an unconfirmed change into the index makes sure the document
 *   says "watch" (`idleSince: null`): it reads it at most once per `TRUST_MS` per container and writes
 *   it only when it says idle — so at scale, where some hold is always open, it is read a few times a
 *   second in all and almost never written.
 * - The sweep marks it idle (revision-checked) after a round that found nothing, and goes on reading
 *   the shards for `GRACE_MS` after: long enough for a writer that trusted its copy read just before
 *   (`TRUST_MS`) and whose index write was still on its way (a Function runs 10 s at most). A hold
 *   seen then marks it watched again.
 */
import type { TwilioClient } from '../twilio/twilioClient';
import { httpStatus, type Retries } from '../twilio/retry';
import { SWEEP_WATCH_DOCUMENT } from '../../../core/syncNames';

export const TRUST_MS = 5_000;
const EXECUTION_LIMIT_MS = 10_000;
export const GRACE_MS = TRUST_MS + EXECUTION_LIMIT_MS + 5_000;

interface WatchData {
  /** When the sweep last found nothing to look at; null while something may be. */
  idleSince: string | null;
}

export interface WatchReading {
  idleSince: string | null;
  /** Undefined: the document does not exist yet. */
  revision?: string;
}

export class SweepWatch {
  /** When this container last saw (or made) the document say "watch", on its clock. */
  private watchedAtMs?: number;

  constructor(
    private readonly client: TwilioClient,
    private readonly retries: Retries,
    private readonly serviceSid: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private get documents() {
    return this.client.sync.v1.services(this.serviceSid).documents;
  }

  async read(): Promise<WatchReading> {
    const document = await this.retries.unlessNotFound(() => this.documents(SWEEP_WATCH_DOCUMENT).fetch(), null);
    if (!document) return { idleSince: null };
    const { idleSince } = (document.data ?? {}) as Partial<WatchData>;
    return { idleSince: typeof idleSince === 'string' ? idleSince : null, revision: document.revision };
  }

  /** The sweep may skip the shards: it found nothing long enough ago that no writer can still be on its way. */
  static skips(reading: WatchReading, now: Date): boolean {
    return reading.idleSince !== null && now.getTime() - Date.parse(reading.idleSince) > GRACE_MS;
  }

  /**
   * Something needs the sweep: a writer's copy (trusting what this container saw lately), or the
   * sweep itself finding work after the document said idle (`known`, what it read).
   */
  async watch(known?: WatchReading): Promise<void> {
    const nowMs = this.now().getTime();
    if (!known && this.watchedAtMs !== undefined && nowMs - this.watchedAtMs >= 0 && nowMs - this.watchedAtMs < TRUST_MS) return;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const reading = attempt === 0 && known ? known : await this.read();
      if (reading.revision !== undefined && reading.idleSince === null) break;
      if (await this.write({ idleSince: null }, reading.revision)) break;
    }
    this.watchedAtMs = nowMs;
  }

  /** The sweep found nothing; false when someone wrote the document since `reading`. */
  async idle(reading: WatchReading): Promise<boolean> {
    this.watchedAtMs = undefined;
    return this.write({ idleSince: this.now().toISOString() }, reading.revision);
  }

  /** Written on the revision read (created when there was none); false when another writer came first. */
  private async write(data: WatchData, revision: string | undefined): Promise<boolean> {
    try {
      if (revision === undefined) await this.retries.run(() => this.documents.create({ uniqueName: SWEEP_WATCH_DOCUMENT, data }));
      else await this.retries.run(() => this.documents(SWEEP_WATCH_DOCUMENT).update({ data, ifMatch: revision }));
      return true;
    } catch (error) {
      const status = httpStatus(error);
      if (status === 409 || status === 412 || status === 404) return false;
      throw error;
    }
  }
}
