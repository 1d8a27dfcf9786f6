/**
 * The desktop item events configuration at runtime (docs/api.md, *Desktop item events — the configuration*): kept in Twilio Sync so a saved
 * change reaches every function container within 5 s with no redeploy; the private asset
 * `desktop-events.json` is the default until the first save.
 *
 * - `rc-desktop-events-config`: the configuration in force, `{version, events, updatedAt, updatedBy}`;
 * - `rc-desktop-events-config-v<n>`: every saved version, the same shape, kept forever.
 *
 * A save is optimistic: it names the version it edited, and the document is written with If-Match
 * on the revision it was read at (created, for the first save), so two admins saving at once
 * cannot both win. Signals read the document at most once per 5 s per container, and only when
 * signals arrive; a document that is not a valid configuration is never acted on: the last good
 * one (or the asset) is used and the log says so.
 */
import { ConfigCheck, CONFIG_SECTIONS, desktopEventsConfigIssues, describeIssue, DesktopEventsConfig } from '../../../core/desktopEvents';
import { httpStatus, isWriteConflict, type Retries, twilioCode } from '../twilio/retry';
import type { TwilioClient } from '../twilio/twilioClient';

export const CONFIG_DOCUMENT = 'rc-desktop-events-config';
export const versionDocument = (version: number): string => `${CONFIG_DOCUMENT}-v${version}`;

/** How old this container's copy may be when a signal uses it. */
export const FRESH_MS = 5000;
/** A copy this old is read again in the background when a signal uses it. */
const REFRESH_AHEAD_MS = 2500;
/** Sync documents hold 16 KiB; the stand-in refuses more as Twilio does (54006). */
export const MAX_STORED_BYTES = 16 * 1024;
/** How many versions one history answer lists by default, and at most (`pageSize`); older ones: `before`. */
export const HISTORY_PAGE = 10;
export const HISTORY_PAGE_MAX = 50;
/** A signal must not wait through the full retry budget for the configuration. */
const SIGNAL_READ_BUDGET_MS = 1000;

/** One saved configuration, as stored and as the API answers it. */
export interface SavedConfig extends DesktopEventsConfig {
  version: number;
  updatedAt: string;
  updatedBy: string;
}

/** What is in force: a saved version, or the asset (version 0, never saved). */
export type ConfigInForce = ({ version: 0 } & DesktopEventsConfig) | SavedConfig;

/** The configuration itself, without its version's who and when. */
export const configOf = (source: DesktopEventsConfig): DesktopEventsConfig => ({
  events: source.events,
  ...Object.fromEntries(CONFIG_SECTIONS.filter((section) => source[section] !== undefined).map((section) => [section, source[section]])),
});

export type SaveResult =
  { ok: true; saved: SavedConfig } | { ok: false; reason: 'conflict'; current: ConfigInForce | null } | { ok: false; reason: 'invalid'; problems: string[] };

interface StoredDocument {
  data: unknown;
  revision: string;
}

export interface Current {
  check: ConfigCheck;
  inForce: ConfigInForce | null;
  stored: StoredDocument | null;
  storedVersion: number;
}

const isPositiveInteger = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 1;

/**
 * The stored document as a configuration, or every reason it is not one. A document cut short,
 * edited by hand or written by something else fails here, and is then never acted on.
 */
export function readSaved(data: unknown): { ok: true; saved: SavedConfig } | { ok: false; version?: number; problems: string[] } {
  const record = (typeof data === 'object' && data !== null && !Array.isArray(data) ? data : {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (!isPositiveInteger(record.version)) problems.push('version: must be a whole number from 1');
  if (typeof record.updatedAt !== 'string' || Number.isNaN(Date.parse(record.updatedAt))) problems.push('updatedAt: must be a time');
  if (typeof record.updatedBy !== 'string' || record.updatedBy.length === 0) problems.push('updatedBy: must name who saved it');
  const config = configOf(record as unknown as DesktopEventsConfig);
  problems.push(...desktopEventsConfigIssues(config).map(describeIssue));
  if (problems.length > 0) return { ok: false, ...(isPositiveInteger(record.version) && { version: record.version }), problems };
  return {
    ok: true,
    saved: { version: record.version as number, ...config, updatedAt: record.updatedAt as string, updatedBy: record.updatedBy as string },
  };
}

export interface ConfigStoreOptions {
  /** The asset's configuration (read from disk, validated). */
  asset: () => ConfigCheck;
  /**
   * Whether the Sync service may keep the state at all (its ACLs on): read alongside the
   * document, so it costs no round trip; a service that may not is a configuration problem.
   */
  serviceCheck?: () => Promise<{ ok: true } | { ok: false; problem: string }>;
  now?: () => number;
  log?: (line: string) => void;
}

export class DesktopEventsConfigStore {
  /** The last configuration read from Sync that was valid: what a broken document falls back to. */
  private lastGood: SavedConfig | undefined;
  private cached: { check: ConfigCheck; readAt: number } | undefined;
  private reading: Promise<ConfigCheck> | undefined;
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  constructor(
    private readonly client: TwilioClient,
    private readonly retries: Retries,
    private readonly serviceSid: string,
    private readonly options: ConfigStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((line) => console.error(line));
  }

  private get documents() {
    return this.client.sync.v1.services(this.serviceSid).documents;
  }

  private async fetchDocument(uniqueName: string, budgetMs?: number): Promise<StoredDocument | null> {
    const document = await this.retries.unlessNotFound(() => this.documents(uniqueName).fetch(), null, budgetMs);
    return document && { data: document.data, revision: document.revision };
  }

  /** The asset, or the last good saved version when there is one. */
  private fallback(): { check: ConfigCheck; name: string } {
    if (this.lastGood) return { check: { ok: true, config: configOf(this.lastGood) }, name: `the last good version (${this.lastGood.version})` };
    return { check: this.options.asset(), name: 'the desktop-events.json asset' };
  }

  /**
   * The configuration a signal acts on: this container's copy when it is under 5 s old (read again
   * in the background once it is 2.5 s old), else one read of Sync (shared by every signal that
   * arrives meanwhile). No timer refreshes it: an idle container costs nothing. Never throws: when
   * Sync cannot be read, the fallback is used.
   */
  forSignals(): Promise<ConfigCheck> {
    const age = this.cached ? this.now() - this.cached.readAt : Infinity;
    if (this.cached && age < FRESH_MS) {
      // Read again ahead of time while signals keep coming, so a busy container's pause never waits for it.
      if (age >= REFRESH_AHEAD_MS) void this.read();
      return Promise.resolve(this.cached.check);
    }
    return this.read();
  }

  /**
   * What a signal acts on (desktopEvent.ts): `forSignals`, and, while that reads Sync again, this
   * container's older copy (none before its first read) — a signal may act by it while the newer
   * one is read, which must then say the same of the trigger.
   */
  forSignal(): { config: Promise<ConfigCheck>; configOnHand?: ConfigCheck } {
    const configOnHand = this.cached && this.now() - this.cached.readAt >= FRESH_MS ? this.cached.check : undefined;
    return { config: this.forSignals(), ...(configOnHand && { configOnHand }) };
  }

  /** One read of Sync into this container's copy, shared by every signal that arrives meanwhile. */
  private read(): Promise<ConfigCheck> {
    if (!this.reading) {
      const startedAt = this.now();
      this.reading = this.current(SIGNAL_READ_BUDGET_MS)
        .then(({ check }) => check)
        .catch((error: unknown) => {
          const { check, name } = this.fallback();
          this.log(
            `desktop events configuration: Sync could not be read (${httpStatus(error) ?? 'no answer'} ${twilioCode(error) ?? ''}); signals use ${name}`,
          );
          return check;
        })
        .then((check) => {
          this.cached = { check, readAt: startedAt };
          return check;
        })
        .finally(() => {
          this.reading = undefined;
        });
    }
    return this.reading;
  }

  /**
   * Reads Sync now (a Sync failure throws). `check` is what signals act on; `inForce` is that as
   * the API shows it, with `version` the stored document's so a save can replace even a broken
   * one. A document that is not a valid configuration is logged and replaced by the fallback.
   */
  async current(budgetMs?: number): Promise<Current> {
    const [stored, service] = await Promise.all([this.fetchDocument(CONFIG_DOCUMENT, budgetMs), this.options.serviceCheck?.()]);
    if (service && !service.ok) return { check: { ok: false, problems: [service.problem] }, inForce: null, stored: null, storedVersion: 0 };
    if (!stored) {
      const check = this.options.asset();
      return { check, inForce: check.ok ? { version: 0, ...configOf(check.config) } : null, stored, storedVersion: 0 };
    }
    const read = readSaved(stored.data);
    if (read.ok) {
      if (!this.lastGood || read.saved.version >= this.lastGood.version) this.lastGood = read.saved;
      return { check: { ok: true, config: configOf(read.saved) }, inForce: read.saved, stored, storedVersion: read.saved.version };
    }
    const { check, name } = this.fallback();
    this.log(
      `desktop events configuration: ${CONFIG_DOCUMENT} (revision ${stored.revision}${read.version ? `, version ${read.version}` : ''}) is not a valid configuration ` +
        `(${read.problems.slice(0, 5).join('; ')}${read.problems.length > 5 ? '; …' : ''}); signals use ${name} instead`,
    );
    const storedVersion = read.version ?? this.lastGood?.version ?? 0;
    const inForce: ConfigInForce | null = check.ok
      ? ({ ...(this.lastGood ?? { version: 0 }), ...configOf(check.config), version: storedVersion } as ConfigInForce)
      : null;
    return { check, inForce, stored, storedVersion };
  }

  /**
   * Saves `config` as the next version if `version` is the current one. A section it leaves out
   * (queue policies, pause caps) keeps what is in force, so an editor that knows only the events
   * never drops them. Nothing is written when another save got there first.
   */
  async save(version: number, config: DesktopEventsConfig, by: string): Promise<SaveResult> {
    const current = await this.current();
    if (version !== current.storedVersion) return { ok: false, reason: 'conflict', current: current.inForce };

    const kept = current.inForce ? configOf(current.inForce) : { events: config.events };
    const saved: SavedConfig = { version: version + 1, ...kept, ...configOf(config), updatedAt: new Date(this.now()).toISOString(), updatedBy: by };
    const bytes = Buffer.byteLength(JSON.stringify(saved), 'utf8');
    if (bytes > MAX_STORED_BYTES) {
      return {
        ok: false,
        reason: 'invalid',
        problems: [`configuration: ${bytes} bytes once stored; Twilio Sync keeps at most ${MAX_STORED_BYTES} (fewer events or fields)`],
      };
    }
    // The version being replaced is in the history before it is replaced (a save whose history
    // write failed is repaired here by the next one).
    const previous = current.stored && readSaved(current.stored.data);
    if (previous && previous.ok) await this.keepVersion(previous.saved);

    try {
      await this.retries.run(() =>
        current.stored
          ? this.documents(CONFIG_DOCUMENT).update({ data: saved, ifMatch: current.stored.revision })
          : this.documents.create({ uniqueName: CONFIG_DOCUMENT, data: saved }),
      );
    } catch (error) {
      if (!isWriteConflict(error)) throw error;
      return { ok: false, reason: 'conflict', current: (await this.current()).inForce };
    }
    await this.keepVersion(saved).catch(() => this.log(`desktop events configuration: version ${saved.version} was saved but not yet added to the history`));
    this.lastGood = saved;
    this.cached = { check: { ok: true, config: configOf(saved) }, readAt: this.now() };
    return { ok: true, saved };
  }

  /** Adds a version to the history; one already there is left as it is. */
  private async keepVersion(saved: SavedConfig): Promise<void> {
    try {
      await this.retries.run(() => this.documents.create({ uniqueName: versionDocument(saved.version), data: saved }));
    } catch (error) {
      if (!isWriteConflict(error)) throw error;
    }
  }

  /**
   * One page of saved versions, newest first: up to `pageSize` of them older than `before` (or the
   * newest), each one Sync read; `next` is the `before` of the following page, while there is one.
   */
  async history(before?: number, pageSize = HISTORY_PAGE): Promise<{ versions: SavedConfig[]; next?: number }> {
    const current = await this.current();
    const newest = Math.min(current.storedVersion, before === undefined ? Infinity : before - 1);
    const numbers = Array.from({ length: Math.max(0, Math.min(pageSize, newest)) }, (_, index) => newest - index);
    const documents = await Promise.all(numbers.map((version) => this.fetchDocument(versionDocument(version))));
    const latest = current.stored ? readSaved(current.stored.data) : undefined;
    const versions = numbers.flatMap((version, index) => {
      const read = documents[index] ? readSaved(documents[index]?.data) : undefined;
      if (read?.ok) return [read.saved];
      // The version in force whose history write has not happened yet.
      if (latest?.ok && latest.saved.version === version) return [latest.saved];
      return [];
    });
    const oldest = numbers[numbers.length - 1];
    return oldest !== undefined && oldest > 1 ? { versions, next: oldest } : { versions };
  }
}
