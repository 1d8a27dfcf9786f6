/**
 * The demo page's Sync client: the plugin's `SyncClientLike` (the slice of twilio-sync's `Client`
 * the plugin uses) over the Twilio stand-in's local push channel, so the page follows calls the
 * way Flex does — pushed, not polled. In Flex this is Twilio Sync itself.
 *
 * Like twilio-sync's `Client`, it is made with a token: `standinSyncClientFor(origin)` is the
 * class. Made without one it is Flex's own client on Flex's `default` service (the demo's
 * `manager.insightsClient`); made with a Sync access token (what `/sync-token` answers) it reads
 * the service of the token's grant as the token's identity may — the plugin makes it so, with
 * `new insightsClient.constructor(token)`. It says `tokenAboutToExpire` a minute before the
 * token's `exp` and `tokenExpired` at it, and takes a new one with `updateToken`. It connects when
 * the first object is opened.
 *
 * - `GET <origin>/__standin/sync/documents/<name>` and `/__standin/sync/maps/<name>/items`: the
 *   object when it is opened (404 when it does not exist, as twilio-sync's `open_existing`);
 * - `GET <origin>/__standin/sync/stream`: Server-Sent Events of every change (`document`,
 *   `document_removed`, `map_item`, `map_item_removed`), turned into twilio-sync's events
 *   (`updated`, `removed`, `itemAdded`, `itemUpdated`, `itemRemoved`) on the opened objects.
 *
 * The stream's state is the client's `connectionState`: while it reconnects the plugin treats
 * the subscriptions as broken, and opens them again (a fresh read) once it is back.
 */
import { Emitter, syncError } from '../../flex/syncClientParts';
import type { SyncClientLike, SyncConnectionState, SyncDocumentLike, SyncMapItemLike, SyncMapLike, SyncPaginatorLike } from '../../flex/types';

interface Versioned {
  revision: string;
  data: unknown;
}

/** The stand-in's revisions count up ("0", "1", …); anything else different counts as newer. */
const isNewer = (candidate: string, than: string): boolean => {
  const a = Number(candidate);
  const b = Number(than);
  return Number.isFinite(a) && Number.isFinite(b) ? a > b : candidate !== than;
};

class StandinDocument extends Emitter implements SyncDocumentLike {
  constructor(
    readonly uniqueName: string,
    private current: Versioned,
    private readonly onClose: (document: StandinDocument) => void,
  ) {
    super();
  }

  get data(): unknown {
    return this.current.data;
  }

  /** A change from the stream; older than what we have (it crossed our read) is ignored. */
  receive(next: Versioned): void {
    if (!isNewer(next.revision, this.current.revision)) return;
    this.current = next;
    this.emit('updated', { data: next.data, isLocal: false });
  }

  removed(): void {
    this.emit('removed', { isLocal: false });
  }

  close(): void {
    this.onClose(this);
    this.removeAllListeners();
  }
}

class StandinMap extends Emitter implements SyncMapLike {
  constructor(
    readonly uniqueName: string,
    private readonly items: Map<string, Versioned>,
    private readonly onClose: (map: StandinMap) => void,
  ) {
    super();
  }

  async getItems({ pageSize = 50 }: { pageSize?: number } = {}): Promise<SyncPaginatorLike<SyncMapItemLike>> {
    const all = [...this.items].map(([key, { data }]) => ({ key, data }));
    const page = (from: number): SyncPaginatorLike<SyncMapItemLike> => ({
      items: all.slice(from, from + pageSize),
      hasNextPage: from + pageSize < all.length,
      nextPage: async () => page(from + pageSize),
    });
    return page(0);
  }

  receive(key: string, next: Versioned): void {
    const known = this.items.get(key);
    if (known && !isNewer(next.revision, known.revision)) return;
    this.items.set(key, next);
    this.emit(known ? 'itemUpdated' : 'itemAdded', { item: { key, data: next.data }, isLocal: false });
  }

  removeItem(key: string): void {
    if (!this.items.delete(key)) return;
    this.emit('itemRemoved', { key, isLocal: false });
  }

  removed(): void {
    this.emit('removed', { isLocal: false });
  }

  close(): void {
    this.onClose(this);
    this.removeAllListeners();
  }
}

/** The newest changes seen on the stream, so a read that crossed one is corrected at once. */
const RECENT_LIMIT = 2000;

/** A stream refused or ended by the stand-in is opened again after this long, with the current token. */
const REOPEN_MS = 2000;
/** twilio-sync says `tokenAboutToExpire` ahead of time; so does this client. */
const ABOUT_TO_EXPIRE_MS = 60_000;

/** The service and expiry a Sync access token names (its payload, unverified: the stand-in checks it). */
function grantOf(token: string): { serviceSid?: string; expiresAt?: number } {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as {
      exp?: unknown;
      grants?: { data_sync?: { service_sid?: unknown } };
    };
    const serviceSid = payload.grants?.data_sync?.service_sid;
    return { serviceSid: typeof serviceSid === 'string' ? serviceSid : undefined, expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : undefined };
  } catch {
    return {};
  }
}

export class StandinSyncClient extends Emitter implements SyncClientLike {
  private state: SyncConnectionState = 'connecting';
  private source?: EventSource;
  private readonly documents = new Map<string, Set<StandinDocument>>();
  private readonly maps = new Map<string, Set<StandinMap>>();
  private readonly recent = new Map<string, Versioned | 'removed'>();
  private connected: Promise<void>;
  private markConnected: () => void = () => undefined;
  private timers: Array<ReturnType<typeof setTimeout>> = [];
  private closed = false;

  constructor(
    private readonly origin: string,
    private token?: string,
  ) {
    super();
    this.connected = new Promise((resolve) => (this.markConnected = resolve));
    this.watchExpiry();
  }

  get connectionState(): SyncConnectionState {
    return this.state;
  }

  /** A new token for the same identity and service (as twilio-sync's `updateToken`): used from the next read and reconnection on. */
  async updateToken(token: string): Promise<this> {
    this.token = token;
    this.watchExpiry();
    return this;
  }

  /** Closes the stream and stops the token's timers (twilio-sync's `shutdown`). */
  async shutdown(): Promise<void> {
    this.timers.forEach(clearTimeout);
    this.timers = [];
    this.closed = true;
    this.source?.close();
    this.source = undefined;
  }

  /** `?service=…&token=…` for a client made with a token (EventSource sends no headers). */
  private access(): string {
    if (!this.token) return '';
    const { serviceSid } = grantOf(this.token);
    return `?${new URLSearchParams({ ...(serviceSid && { service: serviceSid }), token: this.token }).toString()}`;
  }

  private watchExpiry(): void {
    this.timers.forEach(clearTimeout);
    this.timers = [];
    const expiresAt = this.token ? grantOf(this.token).expiresAt : undefined;
    if (expiresAt === undefined) return;
    const left = expiresAt - Date.now();
    this.timers.push(setTimeout(() => this.emit('tokenAboutToExpire'), Math.max(0, left - ABOUT_TO_EXPIRE_MS)));
    this.timers.push(setTimeout(() => this.emit('tokenExpired'), Math.max(0, left)));
  }

  /** Opens the stream once (and again, with the current token, whenever the stand-in ends it). */
  private connect(): void {
    if (this.source || this.closed) return;
    const source = new EventSource(`${this.origin}/__standin/sync/stream${this.access()}`);
    this.source = source;
    source.onopen = () => this.setState('connected');
    source.onerror = () => {
      if (source.readyState !== EventSource.CLOSED) {
        this.setState('connecting');
        return;
      }
      this.setState('disconnected');
      if (this.source === source) this.source = undefined;
      setTimeout(() => this.connect(), REOPEN_MS);
    };
    source.addEventListener('document', (event) => this.onDocument(JSON.parse((event as MessageEvent).data)));
    source.addEventListener('document_removed', (event) => this.onDocumentRemoved(JSON.parse((event as MessageEvent).data)));
    source.addEventListener('map_item', (event) => this.onMapItem(JSON.parse((event as MessageEvent).data)));
    source.addEventListener('map_item_removed', (event) => this.onMapItemRemoved(JSON.parse((event as MessageEvent).data)));
  }

  async document({ id }: { id: string; mode: 'open_existing' }): Promise<SyncDocumentLike> {
    // Listen before reading, as twilio-sync subscribes before it answers: no change falls in between.
    this.connect();
    await this.connected;
    const body = (await this.read(`/__standin/sync/documents/${encodeURIComponent(id)}`, id)) as { revision: string; data: unknown };
    const document = new StandinDocument(id, { revision: String(body.revision), data: body.data }, (closed) => this.documents.get(id)?.delete(closed));
    const seen = this.recent.get(`d:${id}`);
    if (seen === 'removed') throw syncError(404, 54100, `document ${id} was removed`);
    if (seen) document.receive(seen);
    this.register(this.documents, id, document);
    return document;
  }

  async map({ id }: { id: string; mode: 'open_existing' }): Promise<SyncMapLike> {
    this.connect();
    await this.connected;
    const body = (await this.read(`/__standin/sync/maps/${encodeURIComponent(id)}/items`, id)) as {
      items: Array<{ key: string; revision: string; data: unknown }>;
    };
    const items = new Map(body.items.map((item) => [item.key, { revision: String(item.revision), data: item.data }]));
    for (const [name, seen] of this.recent) {
      if (!name.startsWith(`m:${id}\u0000`)) continue;
      const key = name.slice(id.length + 3);
      const known = items.get(key);
      if (seen === 'removed') items.delete(key);
      else if (!known || isNewer(seen.revision, known.revision)) items.set(key, seen);
    }
    const map = new StandinMap(id, items, (closed) => this.maps.get(id)?.delete(closed));
    this.register(this.maps, id, map);
    return map;
  }

  private async read(path: string, name: string): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.origin}${path}${this.access()}`, { cache: 'no-store' });
    } catch {
      throw syncError(0, 0, `the Sync stand-in does not answer (${name})`);
    }
    if (response.status === 404) throw syncError(404, 54100, `${name} not found`);
    if (response.status === 403) throw syncError(403, 54007, `access to ${name} forbidden`);
    if (!response.ok) throw syncError(response.status, 0, `reading ${name} failed (HTTP ${response.status})`);
    return response.json();
  }

  private register<T>(registry: Map<string, Set<T>>, name: string, object: T): void {
    if (!registry.has(name)) registry.set(name, new Set());
    registry.get(name)?.add(object);
  }

  private remember(name: string, change: Versioned | 'removed'): void {
    this.recent.delete(name);
    this.recent.set(name, change);
    if (this.recent.size > RECENT_LIMIT) this.recent.delete(this.recent.keys().next().value as string);
  }

  private onDocument({ uniqueName, revision, data }: { uniqueName: string; revision: string; data: unknown }): void {
    const change = { revision: String(revision), data };
    this.remember(`d:${uniqueName}`, change);
    this.documents.get(uniqueName)?.forEach((document) => document.receive(change));
  }

  private onDocumentRemoved({ uniqueName }: { uniqueName: string }): void {
    this.remember(`d:${uniqueName}`, 'removed');
    const open = [...(this.documents.get(uniqueName) ?? [])];
    this.documents.delete(uniqueName);
    open.forEach((document) => document.removed());
  }

  private onMapItem({ map, key, revision, data }: { map: string; key: string; revision: string; data: unknown }): void {
    const change = { revision: String(revision), data };
    this.remember(`m:${map}\u0000${key}`, change);
    this.maps.get(map)?.forEach((open) => open.receive(key, change));
  }

  private onMapItemRemoved({ map, key }: { map: string; key: string }): void {
    this.remember(`m:${map}\u0000${key}`, 'removed');
    this.maps.get(map)?.forEach((open) => open.removeItem(key));
  }

  private setState(state: SyncConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    if (state === 'connected') {
      this.markConnected();
    } else {
      // Changes missed while away are not replayed: what was read before is stale from here on.
      this.recent.clear();
      this.connected = new Promise((resolve) => (this.markConnected = resolve));
    }
    this.emit('connectionStateChanged', state);
  }
}

/**
 * The class the demo's Flex client is made of, bound to the stand-in's origin: `new Client()` is
 * Flex's own (default service), `new Client(token)` the plugin's own — as twilio-sync's `Client`.
 */
export function standinSyncClientFor(origin: string): new (token?: string) => StandinSyncClient {
  return class extends StandinSyncClient {
    constructor(token?: string) {
      super(origin, token);
    }
  };
}
