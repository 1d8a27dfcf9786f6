/**
 * What the Sync clients that stand in for twilio-sync outside Flex share (the demo page's, over the
 * stand-in: src/demo/app/standinSync.ts; the tests' and bench's in-memory one: src/rig/fakeSync.ts):
 * the small event emitter twilio-sync's objects are, and its errors. The plugin itself never uses them.
 */
import type { SyncErrorLike } from './types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- listeners take whatever the event carries, as twilio-sync's do
export type Listener = (...args: any[]) => void;

/** `on`, `removeListener`, and events emitted to them. */
export class Emitter {
  private readonly listeners = new Map<string, Set<Listener>>();

  on(event: string, listener: Listener): this {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)?.add(listener);
    return this;
  }

  removeListener(event: string, listener: Listener): this {
    this.listeners.get(event)?.delete(listener);
    return this;
  }

  emit(event: string, ...args: unknown[]): void {
    [...(this.listeners.get(event) ?? [])].forEach((listener) => listener(...args));
  }

  removeAllListeners(): void {
    this.listeners.clear();
  }
}

/** An error as twilio-sync throws or reports it: the HTTP status and Twilio's error code. */
export const syncError = (status: number, code: number, message: string): SyncErrorLike & Error => Object.assign(new Error(message), { status, code });
