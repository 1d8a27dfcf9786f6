/**
 * The stand-in's local Sync push channel: every change to a document or map item of a Sync
 * service, as Server-Sent Events, so the demo page and the browser tests follow Sync by push
 * locally, as a Sync client does against Twilio. Each stream is for one service and, when opened
 * with a token, for that token's identity: on a service with ACLs enabled it hears only of the
 * objects that identity may read (the default service's stream needs no token: its ACLs are off).
 *
 * Events: `document` {uniqueName, revision, data}; `document_removed` {uniqueName};
 * `map_item` {map, key, revision, data}; `map_item_removed` {map, key}. Each carries an `id`; a
 * client reconnecting with `Last-Event-ID` (EventSource does so by itself) first gets what it
 * missed, if still remembered. A `: keep-alive` comment goes out every 15 s. While anyone
 * listens, expired objects are looked for every second, so their removal is pushed too.
 */
import type { SyncChange, SyncReaders } from './sync';

export const DEFAULT_KEEP_ALIVE_MS = 15_000;
const EXPIRY_SWEEP_MS = 1_000;
/** How many past events a reconnecting client can catch up on. */
const REPLAY_LIMIT = 1_000;

interface PushEvent {
  id: number;
  text: string;
  serviceSid: string;
  readers: SyncReaders;
}

/** Which changes one stream hears: a service's, and of those only what `identity` may read (null: all). */
export interface StreamAudience {
  serviceSid: string;
  identity: string | null;
}

interface Listener {
  audience: StreamAudience;
  send(text: string): void;
  close(): void;
}

export interface PushChannelOptions {
  /** Looks for expired objects (each removal comes back through `publish`). */
  sweepExpired: () => void;
  keepAliveMs?: number;
}

const hears = (audience: StreamAudience, event: PushEvent): boolean =>
  event.serviceSid === audience.serviceSid && (audience.identity === null || event.readers === 'all' || event.readers.includes(audience.identity));

export class SyncPushChannel {
  private readonly listeners = new Set<Listener>();
  private recent: PushEvent[] = [];
  private nextId = 1;
  private timers: ReturnType<typeof setInterval>[] = [];
  private readonly encoder = new TextEncoder();

  constructor(private readonly options: PushChannelOptions) {}

  /** Told of every Sync change; pushes it to the streams whose audience may hear it. */
  publish(change: SyncChange): void {
    const payload: Record<string, unknown> = { ...change };
    delete payload.type;
    delete payload.serviceSid;
    delete payload.readers;
    const id = this.nextId++;
    const event: PushEvent = {
      id,
      text: `id: ${id}\nevent: ${change.type}\ndata: ${JSON.stringify(payload)}\n\n`,
      serviceSid: change.serviceSid,
      readers: change.readers,
    };
    this.recent.push(event);
    if (this.recent.length > REPLAY_LIMIT) this.recent.splice(0, this.recent.length - REPLAY_LIMIT);
    for (const listener of this.listeners) if (hears(listener.audience, event)) listener.send(event.text);
  }

  /** The `text/event-stream` answer for one client; `lastEventId` replays what it missed (of what it may hear). */
  stream(lastEventId: string | null, audience: StreamAudience): Response {
    let listener: Listener | undefined;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        const own: Listener = {
          audience,
          send: (text) => {
            try {
              controller.enqueue(this.encoder.encode(text));
            } catch {
              this.drop(own); // the stream is gone without telling us
            }
          },
          close: () => {
            try {
              controller.close();
            } catch {
              // already closed
            }
          },
        };
        listener = own;
        // Reconnect quickly, and show the client the stream is open before any change happens.
        listener.send('retry: 1000\n: connected\n\n');
        for (const event of this.missedSince(lastEventId)) if (hears(audience, event)) listener.send(event.text);
        this.listeners.add(listener);
        this.startTimers();
      },
      cancel: () => {
        if (listener) this.drop(listener);
      },
    });
    return new Response(body, {
      status: 200,
      headers: {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache',
        Connection: 'keep-alive',
        'Access-Control-Allow-Origin': '*',
      },
    });
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  /** Ends every open stream and stops the timers. */
  close(): void {
    for (const listener of this.listeners) listener.close();
    this.listeners.clear();
    this.stopTimers();
  }

  private drop(listener: Listener): void {
    this.listeners.delete(listener);
    if (this.listeners.size === 0) this.stopTimers();
  }

  private missedSince(lastEventId: string | null): PushEvent[] {
    if (lastEventId === null || !/^\d+$/.test(lastEventId)) return [];
    const last = Number(lastEventId);
    return this.recent.filter((event) => event.id > last);
  }

  private startTimers(): void {
    if (this.timers.length > 0) return;
    const keepAlive = setInterval(() => {
      for (const listener of this.listeners) listener.send(': keep-alive\n\n');
    }, this.options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS);
    const sweep = setInterval(() => this.options.sweepExpired(), EXPIRY_SWEEP_MS);
    // An open stream must not keep a test run or a stopping process alive.
    for (const timer of [keepAlive, sweep]) timer.unref?.();
    this.timers = [keepAlive, sweep];
  }

  private stopTimers(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }
}
