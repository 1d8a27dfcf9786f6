/**
 * Twilio Sync's per-object rate limits: each Document, Map or List takes at most 20 reads/s and
 * 20 writes/s with a 10 s burst window, i.e. at most 200 reads and 200 writes in any sliding 10 s.
 * A read or write of a Map's or List's item counts toward that Map or List; creating an object
 * counts as a write to it. Past the limit Twilio answers 429 with code 54009 and the request has no
 * effect (nor does it count).
 *
 * Windows are per object (its sid), so a document deleted and made again under the same unique
 * name starts afresh. Only Sync object routes are limited: the service routes and the collection
 * lists (`GET …/Documents`, `…/Maps`, `…/Lists`) are not per object. Permissions have a separate, higher limit
 * (80/s per object permission) that the stand-in does not enforce: nothing here comes close to it.
 * Twilio also throttles creating objects too fast, with no documented figure; not modelled.
 */
import type { TwilioModel } from './model';
import { TwilioApiError } from './primitives';
import type { Route } from './routing';
import type { SyncObjectKind } from './sync';

export const SYNC_WINDOW_MS = 10_000;
/** Per object and per direction (reads, writes) within one window. */
export const SYNC_REQUESTS_PER_WINDOW = 200;
const RATE_LIMIT_EXCEEDED = 54009;

export type SyncDirection = 'read' | 'write';

const OBJECT_NAMES: Record<SyncObjectKind, string> = { document: 'Document', map: 'Map', list: 'List' };

/** What a request costs: one read or write of the object its path names, or a write to the object it creates. */
type SyncCost = { kind: SyncObjectKind; direction: SyncDirection } & ({ reference: string } | { creates: true });

function costOf(route: Route, params: Record<string, string>): SyncCost | undefined {
  const access = route.access;
  if (!access) return undefined;
  if ('param' in access) return { kind: access.object, direction: access.need === 'read' ? 'read' : 'write', reference: params[access.param] };
  if (access.need === 'create') return { kind: access.object, direction: 'write', creates: true };
  return undefined;
}

export class SyncRateLimiter {
  enabled: boolean;
  /** Arrival times (ms on the stand-in's clock) of the requests counted, per object and direction. */
  private windows = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(enabled: boolean) {
    this.enabled = enabled;
  }

  /**
   * Counts the request toward its object's window, or throws 429 54009 (counting nothing) when the
   * window is full. Returns what to call once the route has answered: a create is counted toward
   * the new object, whose sid is known only then.
   */
  admit(model: TwilioModel, route: Route, params: Record<string, string>, now: Date): (answerBody: unknown) => void {
    const cost = this.enabled ? costOf(route, params) : undefined;
    if (!cost) return () => undefined;
    const at = now.getTime();
    this.sweep(at);
    const serviceSid = model.sync.serviceSid(params.service);
    if ('creates' in cost) {
      return (answerBody) => {
        const sid = (answerBody as { sid?: unknown } | undefined)?.sid;
        if (typeof sid === 'string') this.count(windowKey(serviceSid, cost.kind, sid, cost.direction), at);
      };
    }
    // A request naming no object is answered 404 by its route; there is no object to count it toward.
    const sid = model.sync.objectSid(serviceSid, cost.kind, cost.reference);
    if (sid === undefined) return () => undefined;
    const key = windowKey(serviceSid, cost.kind, sid, cost.direction);
    if (this.recent(key, at).length >= SYNC_REQUESTS_PER_WINDOW) {
      throw new TwilioApiError(
        429,
        RATE_LIMIT_EXCEEDED,
        `Rate limit exceeded - at most ${SYNC_REQUESTS_PER_WINDOW} ${cost.direction}s per ${SYNC_WINDOW_MS / 1000} s to ${OBJECT_NAMES[cost.kind]} ${cost.reference}`,
      );
    }
    this.count(key, at);
    return () => undefined;
  }

  /** Empties every window (the setting stays). */
  reset(): void {
    this.windows.clear();
  }

  private count(key: string, at: number): void {
    const times = this.recent(key, at);
    times.push(at);
    this.windows.set(key, times);
  }

  /** The window's requests still inside the last 10 s (a clock set back keeps the later ones counted). */
  private recent(key: string, at: number): number[] {
    const times = (this.windows.get(key) ?? []).filter((time) => time > at - SYNC_WINDOW_MS);
    this.windows.set(key, times);
    return times;
  }

  /** `npm start` runs for hours making objects: forget windows that have emptied, once per window. */
  private sweep(at: number): void {
    if (Math.abs(at - this.lastSweep) < SYNC_WINDOW_MS) return;
    this.lastSweep = at;
    for (const [key, times] of this.windows) {
      if (times.every((time) => time <= at - SYNC_WINDOW_MS)) this.windows.delete(key);
    }
  }
}

function windowKey(serviceSid: string, kind: SyncObjectKind, sid: string, direction: SyncDirection): string {
  return `${serviceSid} ${kind} ${sid} ${direction}`;
}
