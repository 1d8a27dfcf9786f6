/**
 * TaskRouter's events as an Event Streams webhook sink receives them from a busy contact center:
 * gathered into deliveries (a JSON array of CloudEvents, one /task-event invocation each), signed
 * as Twilio signs a JSON body. The stand-in's own sender delivers one request at a time (the order
 * tests rely on), which at 30 new calls a second would queue them without end; it posts each event
 * here instead, is answered at once, and the events go on to the functions' /task-event.
 *
 * A delivery goes once it holds `batchSize` events, or once its first event has waited
 * `maxWaitMs`; deliveries go side by side, except that one holding a task's event waits for the
 * earlier deliveries holding that task's events to be answered (each task's events in order).
 * Twilio does not say how many events a delivery holds or how long it gathers them.
 *
 * Only the events the workspace's EventsFilter names go on (the others cost an invocation for
 * nothing, and a sink is subscribed to these only). Each delivery is timed.
 */
import { createServer, type Server } from 'node:http';
import { TASK_EVENTS } from '../../src/serverless/lib/control/callbacks';
import { twilioSignature } from '../../src/standin/eventCallback';
import { signedJsonUrl } from '../../src/standin/eventStreams';
import { cloudEventsOf, GATHER_MS } from './taskEventBatches';

export interface TaskEventDelivery {
  /** The events it held, in order. */
  events: Array<{ eventType: string; taskSid: string }>;
  /** When it was posted to /task-event, and when the answer came (epoch ms). */
  sentAt: number;
  answeredAt: number;
  /** /task-event's HTTP status; 0 when the connection failed. */
  status: number;
}

export class TaskEventFanOut {
  readonly deliveries: TaskEventDelivery[] = [];
  /** Events the EventsFilter leaves out, by type. */
  readonly filtered = new Map<string, number>();
  /** Events a delivery holds at most, and how long its first event waits for more. */
  batchSize = 1;
  maxWaitMs = GATHER_MS;
  private gathering: Array<Record<string, string>> = [];
  private gatherTimer?: ReturnType<typeof setTimeout>;
  /** Each task's latest delivery: the next one holding the task waits for it. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly waiting = new Map<string, Array<(delivery: TaskEventDelivery) => void>>();
  private readonly done = new Map<string, TaskEventDelivery>();
  private server?: Server;

  constructor(
    private readonly taskEventUrl: string,
    private readonly authToken: string,
    private readonly workspaceSid: string,
  ) {}

  listen(port: number, host = '127.0.0.1'): Promise<void> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        response.statusCode = 200;
        response.end();
        this.gather(Object.fromEntries(new URLSearchParams(body)));
      });
    });
    return new Promise((resolve) => this.server?.listen(port, host, resolve));
  }

  /** Resolves when the task's event of that type has been answered by /task-event. */
  delivered(taskSid: string, eventType: string): Promise<TaskEventDelivery> {
    const key = `${taskSid} ${eventType}`;
    const known = this.done.get(key);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => this.waiting.set(key, [...(this.waiting.get(key) ?? []), resolve]));
  }

  /** Sends what is gathered and resolves once every event received so far has been answered. */
  async idle(): Promise<void> {
    this.send();
    await Promise.all(this.chains.values());
  }

  close(): Promise<void> {
    clearTimeout(this.gatherTimer);
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private gather(params: Record<string, string>): void {
    if (!TASK_EVENTS.includes(params.EventType)) {
      this.filtered.set(params.EventType, (this.filtered.get(params.EventType) ?? 0) + 1);
      return;
    }
    this.gathering.push(params);
    if (this.gathering.length >= this.batchSize) this.send();
    else if (!this.gatherTimer) this.gatherTimer = setTimeout(() => this.send(), this.maxWaitMs);
  }

  private send(): void {
    clearTimeout(this.gatherTimer);
    this.gatherTimer = undefined;
    const events = this.gathering.splice(0);
    if (!events.length) return;
    const tasks = [...new Set(events.map((event) => event.TaskSid))];
    const before = Promise.all(tasks.map((task) => this.chains.get(task)));
    const delivery = before.then(() => this.post(events));
    for (const task of tasks) this.chains.set(task, delivery);
  }

  private async post(events: Array<Record<string, string>>): Promise<void> {
    const body = JSON.stringify(cloudEventsOf(events, this.workspaceSid));
    const url = signedJsonUrl(this.taskEventUrl, body);
    const sentAt = Date.now();
    let status = 0;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Twilio-Signature': twilioSignature(this.authToken, url, {}) },
        body,
      });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      // counted as status 0
    }
    const delivery: TaskEventDelivery = {
      events: events.map((event) => ({ eventType: event.EventType, taskSid: event.TaskSid })),
      sentAt,
      answeredAt: Date.now(),
      status,
    };
    this.deliveries.push(delivery);
    for (const { eventType, taskSid } of delivery.events) {
      const key = `${taskSid} ${eventType}`;
      if (!this.done.has(key)) this.done.set(key, delivery);
      for (const resolve of this.waiting.get(key) ?? []) resolve(delivery);
      this.waiting.delete(key);
    }
  }
}
