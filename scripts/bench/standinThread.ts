/**
 * A stand-in in a worker thread of its own: its heap and garbage collection are not ours, so a
 * figure of our own time per signal does not carry the stand-in's collections. Requests and the
 * control calls the benchmark makes cross by message; the clock is shared memory, so both
 * threads read the same simulated time.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createStandin, type Standin } from '../../src/standin/standin';
import type { StandinOptions } from '../../src/standin/types';

type Control = 'createSyncService' | 'createLiveCall' | 'endCall' | 'callbacksDelivered';
interface Message {
  id: number;
  op: 'handle' | Control;
  args: unknown[];
}
interface Wire {
  method: string;
  url: string;
  headers: [string, string][];
  body?: string;
}

/** The stand-in's surface the benchmark uses, answered by the thread. */
export class StandinThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private sequence = 0;

  constructor(options: Omit<StandinOptions, 'now'>, clock: Float64Array) {
    this.worker = new Worker(__filename, { workerData: { options, clock }, execArgv: ['--require', 'tsx/cjs'] });
    this.worker.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
      const waiting = this.pending.get(id);
      this.pending.delete(id);
      if (error === undefined) waiting?.resolve(result);
      else waiting?.reject(new Error(error));
    });
  }

  private ask<T>(op: Message['op'], ...args: unknown[]): Promise<T> {
    const id = (this.sequence += 1);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ id, op, args } satisfies Message);
    });
  }

  async handle(request: Request): Promise<Response> {
    const wire: Wire = { method: request.method, url: request.url, headers: [...request.headers], body: request.body ? await request.text() : undefined };
    const answer = await this.ask<{ status: number; headers: [string, string][]; body: string }>('handle', wire);
    return new Response(answer.status === 204 ? null : answer.body, { status: answer.status, headers: answer.headers });
  }

  createSyncService(input: Parameters<Standin['createSyncService']>[0]) {
    return this.ask<ReturnType<Standin['createSyncService']>>('createSyncService', input);
  }
  createLiveCall(input: Parameters<Standin['createLiveCall']>[0]) {
    return this.ask<ReturnType<Standin['createLiveCall']>>('createLiveCall', input);
  }
  endCall(callSid: string) {
    return this.ask<void>('endCall', callSid);
  }
  callbacksDelivered() {
    return this.ask<void>('callbacksDelivered');
  }
  close() {
    return this.worker.terminate();
  }
}

/** A clock both threads read: the benchmark moves it, the stand-in reads it. */
export const sharedClock = (startMs: number): Float64Array => {
  const clock = new Float64Array(new SharedArrayBuffer(8));
  clock[0] = startMs;
  return clock;
};

if (!isMainThread && parentPort) {
  const port = parentPort;
  const { options, clock } = workerData as { options: StandinOptions; clock: Float64Array };
  const standin = createStandin({ ...options, now: () => new Date(clock[0]) });
  port.on('message', async ({ id, op, args }: Message) => {
    try {
      if (op === 'handle') {
        const wire = args[0] as Wire;
        const response = await standin.handle(new Request(wire.url, { method: wire.method, headers: wire.headers, body: wire.body }));
        port.postMessage({ id, result: { status: response.status, headers: [...response.headers], body: await response.text() } });
      } else {
        const result = await (standin[op] as (...input: unknown[]) => unknown)(...args);
        port.postMessage({ id, result });
      }
    } catch (error) {
      port.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
    }
  });
}
