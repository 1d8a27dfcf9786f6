/**
 * A simulated clock for the benchmark: while installed, `setTimeout`/`setInterval` and
 * `Date.now()` follow it, and `advance(ms)` runs the timers due in order, letting promises settle
 * after each, so an hour of a browser's timers passes in milliseconds.
 */
interface Timer {
  id: number;
  at: number;
  every?: number;
  run: () => void;
}

export class SimulatedClock {
  private now: number;
  private timers: Timer[] = [];
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

  install(): void {
    const schedule = (run: () => void, delay = 0, every?: number) => {
      const timer = { id: this.nextId++, at: this.now + Math.max(0, delay), every, run };
      this.timers.push(timer);
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
    };
    const cancel = (handle: unknown) => {
      const id = Number(handle);
      this.timers = this.timers.filter((timer) => timer.id !== id);
    };
    Object.assign(globalThis, {
      setTimeout: (run: () => void, delay?: number) => schedule(run, delay),
      setInterval: (run: () => void, delay?: number) => schedule(run, delay, Math.max(1, delay ?? 0)),
      clearTimeout: cancel,
      clearInterval: cancel,
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
      const next = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) break;
      this.now = next.at;
      if (next.every) next.at += next.every;
      else this.timers = this.timers.filter((timer) => timer !== next);
      next.run();
      await this.settle();
    }
    this.now = end;
  }

  /** Lets promise chains started by a timer run to their end (they only wait on each other). */
  private async settle(): Promise<void> {
    for (let round = 0; round < 3; round += 1) await new Promise((resolve) => this.real.setImmediate(resolve));
  }
}
