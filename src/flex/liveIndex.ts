/**
 * The live calls of the whole contact center, as the functions keep them in the live-calls index:
 * an item per live call (agents, task, recording, open holds, next resumeAt), spread over a few
 * Sync maps (`rc-live-calls-<shard>`, so that no one map takes every call's writes). One
 * subscription per shard, opened when the first view needs it and closed after the last, serves
 * every call: no request per call and nothing on a timer. When a shard cannot be followed the
 * index says so (`state: 'unavailable'`) and keeps trying to open it again.
 */
import { liveCallFromItem, liveCallsShardNames, type LiveCallReading } from './syncData';
import { SyncFollower } from './syncFollower';
import type { SyncClientLike, SyncMapLike, SyncPaginatorLike, SyncMapItemLike } from './types';

export type LiveIndexState = 'opening' | 'live' | 'unavailable';

export interface LiveIndexSnapshot {
  state: LiveIndexState;
  /** By CallSid, in the order the map gave them. */
  calls: LiveCallReading[];
}

/** twilio-sync's largest page: fewer round trips for a big contact center. */
const PAGE_SIZE = 100;

export class LiveIndexFollower {
  private readonly listeners = new Set<() => void>();
  private shards: ShardFollower[] = [];
  private snapshotCache?: LiveIndexSnapshot;

  constructor(
    private readonly sync: () => SyncClientLike | undefined,
    private readonly random: () => number = Math.random,
  ) {}

  snapshot(): LiveIndexSnapshot {
    this.snapshotCache ??= { state: this.state(), calls: this.shards.flatMap((shard) => [...shard.items.values()]) };
    return this.snapshotCache;
  }

  /** Live once every shard is read; unavailable while any one cannot be followed. */
  private state(): LiveIndexState {
    if (this.shards.length === 0 || this.shards.some((shard) => shard.state === 'unavailable')) return this.shards.length ? 'unavailable' : 'opening';
    return this.shards.every((shard) => shard.state === 'live') ? 'live' : 'opening';
  }

  /** Follows the shards while at least one listener is subscribed. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.open();
    return () => {
      if (!this.listeners.delete(listener)) return;
      if (this.listeners.size === 0) this.close();
    };
  }

  private open(): void {
    let client: SyncClientLike | undefined;
    try {
      client = this.sync();
    } catch {
      client = undefined;
    }
    this.shards = liveCallsShardNames().map((name) => new ShardFollower(name, () => this.changed()));
    if (!client) {
      this.shards.forEach((shard) => (shard.state = 'unavailable'));
      this.changed();
      return;
    }
    for (const shard of this.shards) shard.open(client, this.random);
    this.changed();
  }

  private close(): void {
    this.shards.forEach((shard) => shard.close());
    this.shards = [];
    this.snapshotCache = undefined;
  }

  private changed(): void {
    this.snapshotCache = undefined;
    this.listeners.forEach((listener) => listener());
  }
}

/** One shard of the index: its items as last pushed, and whether it is followed. */
class ShardFollower {
  items = new Map<string, LiveCallReading>();
  state: LiveIndexState = 'opening';
  private follower?: SyncFollower<SyncMapLike>;

  constructor(
    private readonly name: string,
    private readonly changed: () => void,
  ) {}

  open(client: SyncClientLike, random: () => number): void {
    this.follower = new SyncFollower<SyncMapLike>(
      client,
      {
        open: (sync) => sync.map({ id: this.name, mode: 'open_existing' }),
        attach: (map, broke) => this.attach(map, broke),
        onFollowing: (following) => {
          if (!following) {
            this.items = new Map();
            this.set('unavailable');
          }
        },
      },
      random,
    );
  }

  /** Listens first, then reads every page: an event that arrives meanwhile is newer than the page. */
  private attach(map: SyncMapLike, broke: () => void): void {
    let current = true;
    const items = new Map<string, LiveCallReading>();
    const touched = new Set<string>();
    this.items = items;
    const put = ({ key, data }: SyncMapItemLike) => {
      const call = liveCallFromItem(key, data);
      if (call) items.set(key, call);
      else items.delete(key);
    };
    map.on('itemAdded', ({ item }) => {
      touched.add(item.key);
      put(item);
      this.changed();
    });
    map.on('itemUpdated', ({ item }) => {
      touched.add(item.key);
      put(item);
      this.changed();
    });
    map.on('itemRemoved', ({ key }) => {
      touched.add(key);
      items.delete(key);
      this.changed();
    });
    const stop = () => {
      current = false;
      broke();
    };
    map.on('removed', stop);
    map.on('failure', stop);

    const readPages = async (page: SyncPaginatorLike<SyncMapItemLike>): Promise<void> => {
      for (let next: SyncPaginatorLike<SyncMapItemLike> | undefined = page; next; next = next.hasNextPage ? await next.nextPage() : undefined) {
        if (!current || this.items !== items) return;
        next.items.filter((item) => !touched.has(item.key)).forEach(put);
      }
      if (current && this.items === items) this.set('live');
    };
    map
      .getItems({ pageSize: PAGE_SIZE })
      .then(readPages)
      .catch(() => {
        if (current && this.items === items) stop();
      });
  }

  close(): void {
    this.follower?.close();
    this.follower = undefined;
    this.items = new Map();
  }

  private set(state: LiveIndexState): void {
    this.state = state;
    this.changed();
  }
}
