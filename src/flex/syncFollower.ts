/**
 * Following one Sync object (a call's document, the live-calls map) through Flex's Sync client,
 * and noticing when it can no longer be followed: it cannot be opened (no permission, not made
 * yet), it was removed, its subscription failed, or the client lost its connection. Then the
 * owner falls back to something slower (`onFollowing(false)`) and the follower keeps trying to
 * open it again, with backoff, until it can (`onFollowing(true)`).
 */
import type { SyncClientLike, SyncConnectionState } from './types';

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/** Trying to subscribe again costs no Function invocation, only a Sync read: start soon. */
export const SUBSCRIBE_RETRY: Backoff = { baseMs: 2_000, maxMs: 60_000 };

/**
 * `base · 2^attempt`, capped, stretched by up to half again at random so that many browsers
 * that lost Sync together do not come back in step. Never shorter than the un-jittered delay.
 */
export function backoffDelay(attempt: number, { baseMs, maxMs }: Backoff, random: () => number = Math.random): number {
  const delay = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(delay * (1 + random() / 2));
}

type ConnectionListener = (state: SyncConnectionState) => void;
const connectionListeners = new WeakMap<SyncClientLike, Set<ConnectionListener>>();

/** One `connectionStateChanged` listener per client, whatever the number of followers. */
function watchConnection(client: SyncClientLike, listener: ConnectionListener): () => void {
  if (typeof client.on !== 'function') return () => undefined;
  let listeners = connectionListeners.get(client);
  if (!listeners) {
    const set = new Set<ConnectionListener>();
    listeners = set;
    connectionListeners.set(client, set);
    client.on('connectionStateChanged', (state) => [...set].forEach((each) => each(state)));
  }
  listeners.add(listener);
  return () => {
    listeners?.delete(listener);
  };
}

export interface FollowHandlers<T> {
  open(client: SyncClientLike): Promise<T>;
  /** Registers the object's listeners; `broke` is called when it stops delivering changes. */
  attach(object: T, broke: () => void): void;
  /** True once the object is open and followed; false when it cannot be (again). */
  onFollowing(following: boolean): void;
}

export class SyncFollower<T extends { close(): void }> {
  private object?: T;
  private opening = false;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private attempt = 0;
  /** Bumped whenever an open or an object is abandoned, so its late answers and events are ignored. */
  private generation = 0;
  private closed = false;
  private following?: boolean;
  private readonly unwatchConnection: () => void;

  constructor(
    private readonly client: SyncClientLike,
    private readonly handlers: FollowHandlers<T>,
    private readonly random: () => number = Math.random,
  ) {
    this.unwatchConnection = watchConnection(client, (state) => this.onConnection(state));
    this.open();
  }

  get isFollowing(): boolean {
    return this.following === true;
  }

  close(): void {
    this.closed = true;
    this.generation += 1;
    this.unwatchConnection();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.object?.close();
    this.object = undefined;
  }

  private open(): void {
    if (this.closed || this.opening) return;
    this.opening = true;
    const generation = ++this.generation;
    let opened: Promise<T>;
    try {
      opened = this.handlers.open(this.client);
    } catch (error) {
      opened = Promise.reject(error);
    }
    opened.then(
      (object) => {
        if (generation !== this.generation || this.closed) {
          object.close();
          return;
        }
        this.opening = false;
        this.object = object;
        this.attempt = 0;
        this.handlers.attach(object, () => {
          if (generation === this.generation && this.object === object) this.broke();
        });
        this.setFollowing(true);
      },
      () => {
        if (generation !== this.generation || this.closed) return;
        this.opening = false;
        this.setFollowing(false);
        this.retryLater();
      },
    );
  }

  private broke(): void {
    this.generation += 1;
    this.object?.close();
    this.object = undefined;
    this.setFollowing(false);
    this.retryLater();
  }

  private retryLater(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const delay = backoffDelay(this.attempt, SUBSCRIBE_RETRY, this.random);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.open();
    }, delay);
  }

  /** Changes are not delivered while the client is disconnected; once it is back, open again at once. */
  private onConnection(state: SyncConnectionState): void {
    if (this.closed) return;
    if (state !== 'connected') {
      if (this.object) this.broke();
      return;
    }
    if (!this.object && !this.opening) {
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.open();
    }
  }

  private setFollowing(following: boolean): void {
    if (this.following === following) return;
    this.following = following;
    this.handlers.onFollowing(following);
  }
}
