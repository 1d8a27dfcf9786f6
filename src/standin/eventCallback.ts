/**
 * TaskRouter's workspace Event Callback, as the stand-in sends it: each event POSTed
 * form-encoded with TaskRouter's parameter names (EventType, ResourceType, ResourceSid, the
 * Task…, Worker… and Reservation fields), signed in X-Twilio-Signature with the auth token.
 * Deliveries go one after another, in the order the events happened, so a receiver keeping an
 * index from them sees a transfer's completion before the new acceptance. Each event is kept with
 * its parameters so that it can be delivered again exactly as the first time, as TaskRouter does
 * when it redelivers late.
 */
import { createHmac } from 'node:crypto';
import type { Task, TaskRouterEvent, Worker } from './records';
import { cryptoRandomness, iso8601, newSid, type Randomness } from './primitives';

/** TaskRouter expects an answer within 15 s; one that takes longer counts as no answer. */
const DELIVERY_TIMEOUT_MS = 15_000;

const WORKSPACE_NAME = 'Flex Task Assignment';
const TASK_QUEUE_NAME = 'Everyone';
const WORKFLOW_NAME = 'Assign to Anyone';
const ACTIVITY_NAME = 'Available';

const DESCRIPTIONS: Record<TaskRouterEvent['eventType'], string> = {
  'task.created': 'Task created',
  'task.updated': 'Task updated',
  'task.wrapup': 'Task wrapping up',
  'task.completed': 'Task completed',
  'task.canceled': 'Task canceled',
  'reservation.accepted': 'Reservation accepted',
  'reservation.wrapup': 'Reservation wrapping up',
  'reservation.completed': 'Reservation completed',
  'reservation.canceled': 'Reservation canceled',
};

/** The workspace's own sids an event names (the model's). */
export interface WorkspaceSids {
  accountSid: string;
  workspaceSid: string;
  taskQueueSid: string;
  workflowSid: string;
  voiceChannelSid: string;
  busyActivitySid: string;
}

/** The form parameters TaskRouter posts for an event. */
export function eventCallbackParams(model: WorkspaceSids, event: TaskRouterEvent, now: Date): Record<string, string> {
  const common = {
    EventType: event.eventType,
    EventDescription: DESCRIPTIONS[event.eventType],
    AccountSid: model.accountSid,
    WorkspaceSid: model.workspaceSid,
    WorkspaceName: WORKSPACE_NAME,
    Timestamp: String(Math.floor(now.getTime() / 1000)),
    ...taskFields(model, event.task, now),
    TaskQueueSid: model.taskQueueSid,
    TaskQueueName: TASK_QUEUE_NAME,
    WorkflowSid: model.workflowSid,
    WorkflowName: WORKFLOW_NAME,
  };
  if (!('reservation' in event)) return { ...common, ResourceType: 'task', ResourceSid: event.task.sid };
  return {
    ...common,
    ResourceType: 'reservation',
    ResourceSid: event.reservation.sid,
    ReservationSid: event.reservation.sid,
    ...workerFields(model, event.worker),
  };
}

function taskFields(model: WorkspaceSids, task: Task, now: Date): Record<string, string> {
  return {
    TaskSid: task.sid,
    TaskAttributes: task.attributes,
    TaskAssignmentStatus: task.assignmentStatus,
    TaskAge: String(Math.max(0, Math.round((now.getTime() - task.dateCreated.getTime()) / 1000))),
    TaskPriority: String(task.priority),
    TaskDateCreated: iso8601(task.dateCreated),
    TaskChannelSid: model.voiceChannelSid,
    TaskChannelUniqueName: task.taskChannelUniqueName,
    ...(task.reason !== null && { TaskCompletedReason: task.reason }),
  };
}

function workerFields(model: WorkspaceSids, worker: Worker): Record<string, string> {
  return {
    WorkerSid: worker.sid,
    WorkerName: worker.friendlyName,
    WorkerAttributes: JSON.stringify(worker.attributes),
    WorkerActivitySid: model.busyActivitySid,
    WorkerActivityName: ACTIVITY_NAME,
  };
}

/** Twilio's request signature: HMAC-SHA1 of the URL followed by each sorted key and its value. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((text, key) => text + key + params[key], url);
  return createHmac('sha1', authToken).update(data).digest('base64');
}

/** One TaskRouter event delivered to the event callback URL. */
export interface EventCallbackReport {
  /** `EV` + 32 hex, the stand-in's own name for the event. */
  sid: string;
  eventType: string;
  taskSid: string;
  /** When the event happened, ISO 8601 with milliseconds. */
  at: string;
  /** The HTTP status the receiver answered its latest delivery with; 0 if the connection failed or no answer came within 15 s. */
  status: number;
}

/** An event the stand-in sent, kept to be reported and delivered again. */
export interface SentEvent {
  report: EventCallbackReport;
  /** Exactly what the first delivery posted, stale attributes included. */
  params: Record<string, string>;
  delivered: boolean;
}

/** Where events go: the workspace's Event Callback URL, or an Event Streams sink (eventStreams.ts). */
export interface EventDestination {
  /** Events waiting together go in one request (an Event Streams sink batches; TaskRouter's callback does not). */
  batches: boolean;
  /** The receiver's HTTP status; 0 when the connection failed or no answer came in time. */
  post(events: SentEvent[]): Promise<number>;
}

/** The workspace's Event Callback URL: one event a request, form-encoded, signed with the URL and its fields. */
export function eventCallbackUrl(url: string, authToken: string | undefined): EventDestination {
  return {
    batches: false,
    async post([event]) {
      const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
      if (authToken) headers['X-Twilio-Signature'] = twilioSignature(authToken, url, event.params);
      return postTo(url, { method: 'POST', headers, body: new URLSearchParams(event.params) }, DELIVERY_TIMEOUT_MS);
    },
  };
}

/** The receiver's HTTP status, its body read to the end; 0 when the connection failed or no answer came within `timeoutMs`. */
export async function postTo(url: string, init: RequestInit, timeoutMs: number): Promise<number> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer().catch(() => undefined);
    return response.status;
  } catch {
    return 0;
  }
}

/**
 * Sends events to a destination one request at a time, in the order they happened (a redelivery
 * takes its turn after what is already waiting; a batching destination takes everything waiting
 * in one request); a failed delivery is not retried unless asked for.
 */
export class EventCallbackSender {
  private events: SentEvent[] = [];
  private waiting: Array<{ event: SentEvent; answered(status: number): void }> = [];
  private pumping: Promise<void> | undefined;

  constructor(
    private readonly destination: EventDestination,
    private readonly randomness: Randomness = cryptoRandomness,
  ) {}

  /** Delivers an event that happened `at`, listed as `sid` (a new one if not given). */
  send(params: Record<string, string>, at: Date, sid: string = newSid('EV', this.randomness)): void {
    const event: SentEvent = {
      report: { sid, eventType: params.EventType, taskSid: params.TaskSid, at: at.toISOString(), status: 0 },
      params,
      delivered: false,
    };
    this.events.push(event);
    void this.enqueue(event);
  }

  /** Delivers the event `sid` again with its first parameters; the receiver's status, or undefined for no such event. */
  redeliver(sid: string): Promise<number> | undefined {
    const event = this.events.find((candidate) => candidate.report.sid === sid);
    return event && this.enqueue(event);
  }

  /** Every event delivered at least once, in the order they happened, with the status of its latest delivery. */
  deliveries(): EventCallbackReport[] {
    return this.events.filter((event) => event.delivered).map((event) => ({ ...event.report }));
  }

  /** Forgets the events (deliveries under way still finish). */
  reset(): void {
    this.events = [];
  }

  /** Resolves once every event sent so far has been answered (or failed). */
  async delivered(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  private enqueue(event: SentEvent): Promise<number> {
    const answered = new Promise<number>((resolve) => this.waiting.push({ event, answered: resolve }));
    this.pump();
    return answered;
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = (async () => {
      while (this.waiting.length) {
        const batch = this.destination.batches ? this.waiting.splice(0) : this.waiting.splice(0, 1);
        const status = await this.destination.post(batch.map(({ event }) => event));
        // Recorded before the queue moves on, so whoever awaited delivered() sees it.
        for (const { event, answered } of batch) {
          event.report.status = status;
          event.delivered = true;
          answered(status);
        }
      }
    })().finally(() => {
      this.pumping = undefined;
      if (this.waiting.length) this.pump();
    });
  }
}
