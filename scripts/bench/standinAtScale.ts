/**
 * The stand-in at a contact center's scale. It removes expired Sync objects before every Sync
 * request by looking at every object of the service: at a few thousand calls that scan, not the
 * functions, bounds a load run. Twilio documents that expiry may happen minutes late, so for the
 * run the scan happens at most once a quarter second per service. Undone by the returned function; false when the stand-in has no such scan any more.
 */
import { SyncStore } from '../../src/standin/sync';

const SCAN_EVERY_MS = 250;

type Scan = (this: SyncStore, service: object, now: number) => void;

export function expireSyncLazily(): { applied: boolean; undo: () => void } {
  const prototype = SyncStore.prototype as unknown as { removeExpired?: Scan };
  const scan = prototype.removeExpired;
  if (typeof scan !== 'function') return { applied: false, undo: () => undefined };
  const lastScan = new WeakMap<object, number>();
  prototype.removeExpired = function lazily(service, now) {
    if (now - (lastScan.get(service) ?? -Infinity) < SCAN_EVERY_MS) return;
    lastScan.set(service, now);
    scan.call(this, service, now);
  };
  return { applied: true, undo: () => (prototype.removeExpired = scan) };
}
