/**
 * A Sync service in memory — the product's own — with clients that behave like twilio-sync's
 * `Client`. `client` is Flex's own (`manager.insightsClient`, on Flex's service: none of the
 * product's objects are there); `new client.constructor(token)` is one on the product's service,
 * as the plugin makes it (`tokens` lists every token it was given, `updateToken` included, and
 * `tokenAboutToExpire()` tells those clients their token runs out). `document` / `map` with
 * `open_existing` answer asynchronously, a
 * missing object is refused with 404 (54100) and a forbidden one with 403; opens wait while the
 * client is not connected; changes reach every open object as `updated` / `removed` /
 * `itemAdded` / `itemUpdated` / `itemRemoved` with twilio-sync's payloads; a broken subscription
 * is a `failure` event; the connection is reported by `connectionStateChanged`.
 *
 * It counts what a bill would: each open and each page read is one Sync read.
 */
import { Emitter, type Listener, syncError } from '../flex/syncClientParts';
import type { SyncClientLike, SyncConnectionState, SyncDocumentLike, SyncMapItemLike, SyncMapLike, SyncPaginatorLike } from '../flex/types';

class FakeDocument extends Emitter implements SyncDocumentLike {
  closed = false;
  constructor(
    readonly name: string,
    public data: unknown,
    private readonly service: FakeSync,
  ) {
    super();
  }
  close(): void {
    this.closed = true;
    this.service.forget(this);
  }
}

class FakeMap extends Emitter implements SyncMapLike {
  closed = false;
  constructor(
    readonly name: string,
    private readonly service: FakeSync,
  ) {
    super();
  }
  async getItems({ pageSize = 50 }: { pageSize?: number } = {}): Promise<SyncPaginatorLike<SyncMapItemLike>> {
    const read = async (from: number): Promise<SyncPaginatorLike<SyncMapItemLike>> => {
      await Promise.resolve();
      this.service.reads += 1;
      const all = [...(this.service.maps.get(this.name) ?? new Map())].map(([key, data]) => ({ key, data }));
      return { items: all.slice(from, from + pageSize), hasNextPage: from + pageSize < all.length, nextPage: () => read(from + pageSize) };
    };
    return read(0);
  }
  close(): void {
    this.closed = true;
    this.service.forget(this);
  }
}

/** twilio-sync's Client: made with a token (none: Flex's own, on Flex's service). */
export interface FakeSyncClient extends SyncClientLike {
  readonly token?: string;
  updateToken(token: string): Promise<FakeSyncClient>;
}

export class FakeSync {
  readonly documents = new Map<string, unknown>();
  readonly maps = new Map<string, Map<string, unknown>>();
  /** Names this user may not read (403), as a Sync ACL or a missing Flex role would refuse. */
  readonly forbidden = new Set<string>();
  /** Every token a product-service client was made or updated with, in order. */
  readonly tokens: string[] = [];
  reads = 0;
  private readonly open = new Set<FakeDocument | FakeMap>();
  private readonly clientEvents = new Emitter();
  private state: SyncConnectionState = 'connected';
  private whenConnected: Array<() => void> = [];
  /** Flex's own client (`manager.insightsClient`). */
  readonly client: FakeSyncClient;

  constructor() {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const service = this;
    class Client implements FakeSyncClient {
      constructor(public token?: string) {
        if (token !== undefined) service.tokens.push(token);
      }
      get connectionState() {
        return service.state;
      }
      document(options: { id: string }) {
        return service.openDocument(options.id, this.token !== undefined);
      }
      map(options: { id: string }) {
        return service.openMap(options.id, this.token !== undefined);
      }
      on(event: string, listener: Listener) {
        service.clientEvents.on(`${this.token === undefined ? 'flex' : 'product'}:${event}`, listener);
        if (event === 'connectionStateChanged' && this.token !== undefined) service.clientEvents.on('flex:connectionStateChanged', listener);
        return this;
      }
      removeListener(event: string, listener: Listener) {
        for (const side of ['flex', 'product']) service.clientEvents.removeListener(`${side}:${event}`, listener);
        return this;
      }
      async updateToken(token: string) {
        this.token = token;
        service.tokens.push(token);
        return this;
      }
    }
    this.client = new Client();
  }

  /** The product-service clients' token is about to run out (twilio-sync's `tokenAboutToExpire`). */
  tokenAboutToExpire(): void {
    this.clientEvents.emit('product:tokenAboutToExpire');
  }

  /** Objects open right now (subscriptions). */
  subscriptions(name?: string): number {
    return [...this.open].filter((object) => name === undefined || object.name === name).length;
  }

  setDocument(name: string, data: unknown): void {
    this.documents.set(name, data);
    this.each(FakeDocument, name, (document) => {
      document.data = data;
      document.emit('updated', { data, isLocal: false, previousData: undefined });
    });
  }

  removeDocument(name: string): void {
    this.documents.delete(name);
    this.each(FakeDocument, name, (document) => document.emit('removed', { isLocal: false, previousData: undefined }));
  }

  setItem(map: string, key: string, data: unknown): void {
    const items = this.maps.get(map) ?? new Map<string, unknown>();
    this.maps.set(map, items);
    const event = items.has(key) ? 'itemUpdated' : 'itemAdded';
    items.set(key, data);
    this.each(FakeMap, map, (open) => open.emit(event, { item: { key, data }, isLocal: false }));
  }

  removeItem(map: string, key: string): void {
    if (!this.maps.get(map)?.delete(key)) return;
    this.each(FakeMap, map, (open) => open.emit('itemRemoved', { key, isLocal: false, previousItemData: undefined }));
  }

  /** The service stops delivering one object's changes (twilio-sync reports it as `failure`). */
  breakSubscription(name: string): void {
    this.each(Object, name, (object) => (object as FakeDocument).emit('failure', syncError(503, 54500, 'subscription failed')));
  }

  setConnectionState(state: SyncConnectionState): void {
    this.state = state;
    this.clientEvents.emit('flex:connectionStateChanged', state);
    if (state === 'connected') {
      const waiting = this.whenConnected;
      this.whenConnected = [];
      waiting.forEach((resume) => resume());
    }
  }

  forget(object: FakeDocument | FakeMap): void {
    this.open.delete(object);
  }

  private each<T>(kind: abstract new (...args: never[]) => T, name: string, action: (object: T) => void): void {
    [...this.open].filter((object) => object instanceof kind && object.name === name && !object.closed).forEach((object) => action(object as unknown as T));
  }

  private async connected(): Promise<void> {
    await Promise.resolve();
    if (this.state !== 'connected') await new Promise<void>((resume) => this.whenConnected.push(resume));
  }

  private async openDocument(name: string, product: boolean): Promise<SyncDocumentLike> {
    await this.connected();
    this.reads += 1;
    if (this.forbidden.has(name)) throw syncError(403, 54007, `access to ${name} forbidden`);
    if (!product || !this.documents.has(name)) throw syncError(404, 54100, `document ${name} not found`);
    const document = new FakeDocument(name, this.documents.get(name), this);
    this.open.add(document);
    return document;
  }

  private async openMap(name: string, product: boolean): Promise<SyncMapLike> {
    await this.connected();
    this.reads += 1;
    if (this.forbidden.has(name)) throw syncError(403, 54007, `access to ${name} forbidden`);
    if (!product || !this.maps.has(name)) throw syncError(404, 54200, `map ${name} not found`);
    const map = new FakeMap(name, this);
    this.open.add(map);
    return map;
  }
}
