/**
 * The demo page's Sync client: the plugin's `SyncClientLike` (the slice of twilio-sync that
 * Flex's `manager.insightsClient` offers) over the Twilio stand-in's local push channel, so the
 * page follows calls the way Flex does — pushed, not polled. In Flex this is Twilio Sync itself.
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
import type {
  SyncClientLike,
  SyncConnectionState,
  SyncDocumentLike,
  SyncErrorLike,
  SyncMapItemLike,
  SyncMapLike,
  SyncPaginatorLike,
} from '../../flex/types';

import { Emitter } from './emitter';

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

const syncError = (status: number, code: number, message: string): SyncErrorLike & Error => Object.assign(new Error(message), { status, code });

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

export class StandinSyncClient extends Emitter implements SyncClientLike {
  private state: SyncConnectionState = 'connecting';
  private readonly source: EventSource;
  private readonly documents = new Map<string, Set<StandinDocument>>();
  private readonly maps = new Map<string, Set<StandinMap>>();
  private readonly recent = new Map<string, Versioned | 'removed'>();
  private connected: Promise<void>;
  private markConnected: () => void = () => undefined;

  constructor(private readonly origin: string) {
    super();
    this.connected = new Promise((resolve) => (this.markConnected = resolve));
    this.source = new EventSource(`${origin}/__standin/sync/stream`);
    this.source.onopen = () => this.setState('connected');
    this.source.onerror = () => this.setState(this.source.readyState === EventSource.CLOSED ? 'disconnected' : 'connecting');
    this.source.addEventListener('document', (event) => this.onDocument(JSON.parse((event as MessageEvent).data)));
    this.source.addEventListener('document_removed', (event) => this.onDocumentRemoved(JSON.parse((event as MessageEvent).data)));
    this.source.addEventListener('map_item', (event) => this.onMapItem(JSON.parse((event as MessageEvent).data)));
    this.source.addEventListener('map_item_removed', (event) => this.onMapItemRemoved(JSON.parse((event as MessageEvent).data)));
  }

  get connectionState(): SyncConnectionState {
    return this.state;
  }

  async document({ id }: { id: string; mode: 'open_existing' }): Promise<SyncDocumentLike> {
    // Listen before reading, as twilio-sync subscribes before it answers: no change falls in between.
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
    await this.connected;
    const body = (await this.read(`/__standin/sync/maps/${encodeURIComponent(id)}/items`, id)) as { items: Array<{ key: string; revision: string; data: unknown }> };
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
      response = await fetch(`${this.origin}${path}`, { cache: 'no-store' });
    } catch {
      throw syncError(0, 0, `the Sync stand-in does not answer (${name})`);
    }
    if (response.status === 404) throw syncError(404, 54100, `${name} not found`);
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
