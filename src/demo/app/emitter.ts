/** The small event emitter twilio-sync's objects are: `on`, `removeListener`, and events emitted to them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- listeners take whatever the event carries, as twilio-sync's do
export type Listener = (...args: any[]) => void;

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

  /** How many listeners an event has (tests check that closed objects let go). */
  count(event: string): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.listeners.clear();
  }
}
