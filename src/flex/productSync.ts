/**
 * The plugin's own Sync client, on the product's Sync service (ACLs on), where only the functions
 * write and the user reads what the functions granted its identity. Flex's `manager.insightsClient`
 * reaches Flex's own service, whose ACLs are off — anything read there could have been written by
 * any Flex user — so the plugin reads nothing from it.
 *
 * The client is made with the constructor of `manager.insightsClient` (twilio-sync's `Client` in
 * Flex; the demo's stand-in client on the demo page), so the bundle carries no twilio-sync of its
 * own. Its token comes from the functions (`POST /sync-token`), asked for when an object is first
 * opened, and is renewed before it runs out (`tokenAboutToExpire`, and `tokenExpired` if that was
 * missed) with `updateToken`. When no token can be had, opening fails like any Sync failure: the
 * caller polls meanwhile and tries to open again with backoff, which asks for a token again.
 */
import { backoffDelay } from './syncFollower';
import type { SyncClientLike, SyncConnectionState } from './types';

/** What `/sync-token` answers. */
export interface SyncTokenAnswer {
  token: string;
  identity: string;
  serviceSid: string;
  /** Seconds the token lasts. */
  ttl: number;
}

/** twilio-sync's `Client` as the plugin uses it: the objects, the connection, and its token's lifetime. */
export interface RenewableSyncClient extends SyncClientLike {
  updateToken?(token: string): Promise<unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as twilio-sync declares its listeners
  on?(event: string, listener: (...args: any[]) => void): unknown;
}

export type SyncClientFactory = (token: string) => RenewableSyncClient;

/** A renewal that failed is tried again soon, doubling to a minute, while the old token may still last. */
const RENEW_RETRY = { baseMs: 5_000, maxMs: 60_000 };

/**
 * A factory making clients of the same class as Flex's own Sync client, or undefined when there
 * is none (the plugin then polls).
 */
export function sameClassAs(flexClient: SyncClientLike | undefined): SyncClientFactory | undefined {
  const constructor = (flexClient as { constructor?: unknown } | undefined)?.constructor;
  if (typeof constructor !== 'function' || constructor === Object) return undefined;
  const SyncClient = constructor as new (token: string) => RenewableSyncClient;
  return (token) => new SyncClient(token);
}

type ConnectionListener = (state: SyncConnectionState) => void;

export class ProductSyncClient implements SyncClientLike {
  private client?: RenewableSyncClient;
  private making?: Promise<RenewableSyncClient>;
  private readonly connectionListeners = new Set<ConnectionListener>();
  private renewTimer?: ReturnType<typeof setTimeout>;
  private renewAttempt = 0;
  private renewing = false;

  constructor(
    private readonly make: SyncClientFactory,
    private readonly fetchToken: () => Promise<SyncTokenAnswer>,
    private readonly random: () => number = Math.random,
  ) {}

  get connectionState(): SyncConnectionState {
    return this.client?.connectionState ?? 'connecting';
  }

  document(options: { id: string; mode: 'open_existing' }) {
    return this.ready().then((client) => client.document(options));
  }

  map(options: { id: string; mode: 'open_existing' }) {
    return this.ready().then((client) => client.map(options));
  }

  on(event: 'connectionStateChanged', listener: ConnectionListener): this {
    if (event === 'connectionStateChanged') this.connectionListeners.add(listener);
    return this;
  }

  removeListener(event: 'connectionStateChanged', listener: ConnectionListener): this {
    if (event === 'connectionStateChanged') this.connectionListeners.delete(listener);
    return this;
  }

  /** The client, made once with a first token; a failed attempt is forgotten so the next open tries again. */
  private ready(): Promise<RenewableSyncClient> {
    if (this.client) return Promise.resolve(this.client);
    this.making ??= this.fetchToken().then(
      ({ token }) => {
        const client = this.make(token);
        this.client = client;
        this.making = undefined;
        client.on?.('connectionStateChanged', (state: SyncConnectionState) => this.connectionListeners.forEach((listener) => listener(state)));
        client.on?.('tokenAboutToExpire', () => this.renew());
        client.on?.('tokenExpired', () => this.renew());
        return client;
      },
      (error: unknown) => {
        this.making = undefined;
        throw error;
      },
    );
    return this.making;
  }

  private renew(): void {
    const client = this.client;
    if (!client?.updateToken || this.renewing) return;
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = undefined;
    this.renewing = true;
    this.fetchToken()
      .then(({ token }) => client.updateToken?.(token))
      .then(
        () => {
          this.renewAttempt = 0;
        },
        () => {
          // Not now: again soon. Should the token run out meanwhile, the objects break and the calls are polled.
          const delay = backoffDelay(this.renewAttempt, RENEW_RETRY, this.random);
          this.renewAttempt += 1;
          this.renewTimer = setTimeout(() => this.renew(), delay);
        },
      )
      .finally(() => {
        this.renewing = false;
      });
  }
}
