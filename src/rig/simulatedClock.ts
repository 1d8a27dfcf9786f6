/**
 * A simulated clock: `advance(ms)` runs the timers due in order, letting promises settle after
 * each, so an hour passes in milliseconds. Handed to what takes a clock (a container's `now` and
 * `sleep`, the stand-in's `now` and `timers`), it makes a run replay exactly; `install()` also puts
 * it in place of the globals (`setTimeout`, `Date.now`, …), for the benchmark's browser code.
 */
interface Timer {
  id: number;
  at: number;
  every?: number;
  run: () => void;
}

export class SimulatedClock {
  private now: number;
  private pending: Timer[] = [];
  private nextId = 1;
  private readonly real = {
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
    setInterval: globalThis.setInterval,
    clearInterval: globalThis.clearInterval,
    dateNow: Date.now,
    setImmediate: globalThis.setImmediate,
  };

  constructor(start: number) {
    this.now = start;
  }

  /** Its time, as a container's `now`. */
  readonly date = (): Date => new Date(this.now);
  readonly ms = (): number => this.now;

  /** Waiting on this clock lets its time pass (timers due meanwhile run): nothing waits for real time. */
  readonly sleep = (ms: number): Promise<void> => this.advance(Math.max(0, ms));

  /** Its timers, as the stand-in's `timers` (not installed globally). */
  readonly timers = {
    setTimeout: (run: () => void, delay?: number): unknown => this.schedule(run, delay),
    clearTimeout: (handle: unknown): void => this.cancel(handle),
  };

  private schedule(run: () => void, delay = 0, every?: number): ReturnType<typeof setTimeout> {
    const timer = { id: this.nextId++, at: this.now + Math.max(0, delay), every, run };
    this.pending.push(timer);
    // Shaped like Node's Timeout (ref, unref, refresh), for Node's own code that may run meanwhile.
    const handle = {
      ref: () => handle,
      unref: () => handle,
      hasRef: () => false,
      refresh: () => {
        timer.at = this.now + Math.max(0, delay);
        return handle;
      },
      [Symbol.toPrimitive]: () => timer.id,
    };
    return handle as unknown as ReturnType<typeof setTimeout>;
  }

  private cancel(handle: unknown): void {
    const id = Number(handle);
    this.pending = this.pending.filter((timer) => timer.id !== id);
  }

  install(): void {
    Object.assign(globalThis, {
      setTimeout: (run: () => void, delay?: number) => this.schedule(run, delay),
      setInterval: (run: () => void, delay?: number) => this.schedule(run, delay, Math.max(1, delay ?? 0)),
      clearTimeout: (handle: unknown) => this.cancel(handle),
      clearInterval: (handle: unknown) => this.cancel(handle),
    });
    Date.now = () => this.now;
  }

  uninstall(): void {
    const { dateNow, setImmediate: _, ...timers } = this.real;
    Object.assign(globalThis, timers);
    Date.now = dateNow;
  }

  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    await this.settle();
    for (;;) {
      const next = this.pending.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) break;
      // Time never goes back: two waits under way at once both end at the later of their ends.
      this.now = Math.max(this.now, next.at);
      if (next.every) next.at += next.every;
      else this.pending = this.pending.filter((timer) => timer !== next);
      next.run();
      await this.settle();
    }
    this.now = Math.max(this.now, end);
  }

  /** Lets promise chains started by a timer run to their end (they only wait on each other). */
  private async settle(): Promise<void> {
    for (let round = 0; round < 3; round += 1) await new Promise((resolve) => this.real.setImmediate(resolve));
  }
}
