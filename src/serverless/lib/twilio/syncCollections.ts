/**
 * Sync Maps and Lists as the functions use them. Twilio does not create a collection when an
 * item is first written, so a write that finds none creates it and tries once more. Items are
 * read and written with their revision so concurrent writers can be told apart.
 */
import { httpStatus, type Retries } from './retry';
import type { TwilioClient } from './twilioClient';

export interface MapItem<T> {
  key: string;
  data: T;
  revision: string;
}

const isStatus = (status: number) => (error: unknown) => httpStatus(error) === status;
const notFound = isStatus(404);
const exists = isStatus(409);
const stale = isStatus(412);

/** Runs `operation`; if the collection is missing, creates it (a racing creator is fine) and runs it again. */
async function creatingOnce<T>(retries: Retries, operation: () => Promise<T>, createCollection: () => Promise<unknown>): Promise<T> {
  try {
    return await retries.run(operation);
  } catch (error) {
    if (!notFound(error)) throw error;
    await retries.run(createCollection).catch((createError: unknown) => {
      if (!exists(createError)) throw createError;
    });
    return retries.run(operation);
  }
}

export class SyncMap<T> {
  constructor(
    private readonly client: TwilioClient,
    private readonly retries: Retries,
    private readonly serviceSid: string,
    readonly name: string,
    /** The Map's own lifetime when this creates it; none: it stays. */
    private readonly mapTtlSeconds?: number,
  ) {}

  private get service() {
    return this.client.sync.v1.services(this.serviceSid);
  }

  private get items() {
    return this.service.syncMaps(this.name).syncMapItems;
  }

  private createMap = () => this.service.syncMaps.create({ uniqueName: this.name, ...(this.mapTtlSeconds !== undefined && { ttl: this.mapTtlSeconds }) });

  async get(key: string): Promise<MapItem<T> | null> {
    try {
      const item = await this.retries.run(() => this.items(key).fetch());
      return { key, data: item.data as T, revision: item.revision };
    } catch (error) {
      if (notFound(error)) return null;
      throw error;
    }
  }

  /** Creates the item; `exists` when the key is taken (the caller decides what that means). */
  async create(key: string, data: T, ttlSeconds: number): Promise<MapItem<T> | 'exists'> {
    try {
      const item = await creatingOnce(this.retries, () => this.items.create({ key, data, itemTtl: ttlSeconds }), this.createMap);
      return { key, data, revision: item.revision };
    } catch (error) {
      if (exists(error)) return 'exists';
      throw error;
    }
  }

  /** Replaces the item if it is still at `revision`: `conflict` if another writer got there first, `missing` if gone. */
  async replace(key: string, data: T, ttlSeconds: number, revision?: string): Promise<MapItem<T> | 'conflict' | 'missing'> {
    try {
      const item = await this.retries.run(() => this.items(key).update({ data, itemTtl: ttlSeconds, ...(revision !== undefined && { ifMatch: revision }) }));
      return { key, data, revision: item.revision };
    } catch (error) {
      if (stale(error)) return 'conflict';
      if (notFound(error)) return 'missing';
      throw error;
    }
  }

  /** Writes the item whatever was there. */
  async put(key: string, data: T, ttlSeconds: number): Promise<MapItem<T>> {
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const replaced = await this.replace(key, data, ttlSeconds);
      if (typeof replaced !== 'string') return replaced;
      const created = await this.create(key, data, ttlSeconds);
      if (created !== 'exists') return created;
    }
    throw new Error(`the ${this.name} item keeps changing`);
  }

  async remove(key: string): Promise<void> {
    try {
      await this.retries.run(() => this.items(key).remove());
    } catch (error) {
      if (!notFound(error)) throw error;
    }
  }

  /** Every item, page by page (100 a page, Twilio's cap); a missing map has none. */
  async list(): Promise<MapItem<T>[]> {
    try {
      const items = await this.retries.run(() => this.items.list({ pageSize: 100 }));
      return items.map((item) => ({ key: item.key, data: item.data as T, revision: item.revision }));
    } catch (error) {
      if (notFound(error)) return [];
      throw error;
    }
  }
}

export class SyncList<T> {
  constructor(
    private readonly client: TwilioClient,
    private readonly retries: Retries,
    private readonly serviceSid: string,
    readonly name: string,
    private readonly ttlSeconds: number,
  ) {}

  private get service() {
    return this.client.sync.v1.services(this.serviceSid);
  }

  /** Appends in order (one request each: Sync has no batch write). */
  async append(values: T[]): Promise<void> {
    const createList = () => this.service.syncLists.create({ uniqueName: this.name, ttl: this.ttlSeconds });
    for (const data of values) {
      await creatingOnce(this.retries, () => this.service.syncLists(this.name).syncListItems.create({ data, itemTtl: this.ttlSeconds }), createList);
    }
  }

  /** Every item, oldest first; a missing list has none. */
  async all(): Promise<T[]> {
    try {
      const items = await this.retries.run(() => this.service.syncLists(this.name).syncListItems.list({ order: 'asc', pageSize: 100 }));
      return items.map((item) => item.data as T);
    } catch (error) {
      if (notFound(error)) return [];
      throw error;
    }
  }
}
