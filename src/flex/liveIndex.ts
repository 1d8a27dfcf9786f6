/**
 * The live calls of the whole contact center, as the functions keep them in the Sync map
 * `rc-live-calls` (an item per live call: agents, task, recording, open holds, next resumeAt).
 * One subscription, opened when the first view needs it and closed after the last, serves every
 * call: no request per call and nothing on a timer. When the map cannot be followed the index
 * says so (`state: 'unavailable'`) and keeps trying to open it again.
 */
import { LIVE_CALLS_MAP, liveCallFromItem, type LiveCallItem } from './syncData';
import { SyncFollower } from './syncFollower';
import type { SyncClientLike, SyncMapLike, SyncPaginatorLike, SyncMapItemLike } from './types';

export type LiveIndexState = 'opening' | 'live' | 'unavailable';

export interface LiveIndexSnapshot {
  state: LiveIndexState;
  /** By CallSid, in the order the map gave them. */
  calls: LiveCallItem[];
}

/** twilio-sync's largest page: fewer round trips for a big contact center. */
const PAGE_SIZE = 100;

export class LiveCallIndex {
  private readonly listeners = new Set<() => void>();
  private items = new Map<string, LiveCallItem>();
  private state: LiveIndexState = 'opening';
  private follower?: SyncFollower<SyncMapLike>;
  private snapshotCache?: LiveIndexSnapshot;

  constructor(private readonly sync: () => SyncClientLike | undefined, private readonly random: () => number = Math.random) {}

  snapshot(): LiveIndexSnapshot {
    this.snapshotCache ??= { state: this.state, calls: [...this.items.values()] };
    return this.snapshotCache;
  }

  /** Follows the map while at least one listener is subscribed. */
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
    if (!client) {
      this.set('unavailable');
      return;
    }
    this.set('opening');
    this.follower = new SyncFollower<SyncMapLike>(
      client,
      {
        open: (sync) => sync.map({ id: LIVE_CALLS_MAP, mode: 'open_existing' }),
        attach: (map, broke) => this.attach(map, broke),
        onFollowing: (following) => {
          if (!following) {
            this.items = new Map();
            this.set('unavailable');
          }
        },
      },
      this.random,
    );
  }

  /** Listens first, then reads every page: an event that arrives meanwhile is newer than the page. */
  private attach(map: SyncMapLike, broke: () => void): void {
    let current = true;
    const items = new Map<string, LiveCallItem>();
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

  private close(): void {
    this.follower?.close();
    this.follower = undefined;
    this.items = new Map();
    this.state = 'opening';
    this.snapshotCache = undefined;
  }

  private set(state: LiveIndexState): void {
    this.state = state;
    this.changed();
  }

  private changed(): void {
    this.snapshotCache = undefined;
    this.listeners.forEach((listener) => listener());
  }
}
