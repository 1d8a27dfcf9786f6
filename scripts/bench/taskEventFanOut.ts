/**
 * TaskRouter's event callbacks as TaskRouter sends them to a busy contact center: each task's
 * events in the order they happened, different tasks' at the same time. The stand-in's own sender
 * delivers every event one after another (the order tests rely on), which at 30 new calls a second
 * would queue them without end; it posts here instead, is answered at once, and each event goes on
 * to the functions' /task-event, signed again for that URL as Twilio signs it.
 *
 * Only the events the workspace's EventsFilter names go on (the others cost an invocation for
 * nothing, and a configured workspace does not send them). Each delivery is timed.
 */
import { createServer, type Server } from 'node:http';
import { TASK_EVENTS } from '../../src/serverless/lib/ledger/callbacks';
import { twilioSignature } from '../../src/standin/eventCallback';

export interface TaskEventDelivery {
  eventType: string;
  taskSid: string;
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
  private readonly chains = new Map<string, Promise<void>>();
  private readonly waiting = new Map<string, Array<(delivery: TaskEventDelivery) => void>>();
  private readonly done = new Map<string, TaskEventDelivery>();
  private server?: Server;

  constructor(
    private readonly taskEventUrl: string,
    private readonly authToken: string,
  ) {}

  listen(port: number, host = '127.0.0.1'): Promise<void> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        response.statusCode = 200;
        response.end();
        this.forward(Object.fromEntries(new URLSearchParams(body)));
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

  /** Resolves once every event received so far has been answered. */
  async idle(): Promise<void> {
    await Promise.all(this.chains.values());
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private forward(params: Record<string, string>): void {
    const { EventType: eventType, TaskSid: taskSid } = params;
    if (!TASK_EVENTS.includes(eventType)) {
      this.filtered.set(eventType, (this.filtered.get(eventType) ?? 0) + 1);
      return;
    }
    const chain = (this.chains.get(taskSid) ?? Promise.resolve()).then(() => this.post(eventType, taskSid, params));
    this.chains.set(taskSid, chain);
  }

  private async post(eventType: string, taskSid: string, params: Record<string, string>): Promise<void> {
    const sentAt = Date.now();
    let status = 0;
    try {
      const response = await fetch(this.taskEventUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': twilioSignature(this.authToken, this.taskEventUrl, params) },
        body: new URLSearchParams(params),
      });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      // counted as status 0
    }
    const delivery = { eventType, taskSid, sentAt, answeredAt: Date.now(), status };
    this.deliveries.push(delivery);
    const key = `${taskSid} ${eventType}`;
    if (!this.done.has(key)) this.done.set(key, delivery);
    for (const resolve of this.waiting.get(key) ?? []) resolve(delivery);
    this.waiting.delete(key);
  }
}
