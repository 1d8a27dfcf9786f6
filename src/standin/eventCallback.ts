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
import type { Task, TaskRouterEvent, TwilioModel, Worker } from './model';
import { newSid } from './primitives';
import { iso8601 } from './representations';
import type { EventCallbackReport } from './types';

/** TaskRouter expects an answer within 15 s; one that takes longer counts as no answer. */
const DELIVERY_TIMEOUT_MS = 15_000;

const WORKSPACE_NAME = 'Flex Task Assignment';
const TASK_QUEUE_NAME = 'Everyone';
const WORKFLOW_NAME = 'Assign to Anyone';
const ACTIVITY_NAME = 'Available';

const DESCRIPTIONS: Record<TaskRouterEvent['eventType'], string> = {
  'task.updated': 'Task updated',
  'task.wrapup': 'Task wrapping up',
  'task.completed': 'Task completed',
  'task.canceled': 'Task canceled',
  'reservation.accepted': 'Reservation accepted',
  'reservation.wrapup': 'Reservation wrapping up',
  'reservation.completed': 'Reservation completed',
  'reservation.canceled': 'Reservation canceled',
};

/** The form parameters TaskRouter posts for an event. */
export function eventCallbackParams(model: TwilioModel, event: TaskRouterEvent, now: Date): Record<string, string> {
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

function taskFields(model: TwilioModel, task: Task, now: Date): Record<string, string> {
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

function workerFields(model: TwilioModel, worker: Worker): Record<string, string> {
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

interface SentEvent {
  report: EventCallbackReport;
  /** Exactly what the first delivery posted, stale attributes included. */
  params: Record<string, string>;
  delivered: boolean;
}

/**
 * Sends events to the callback URL one at a time, in order (a redelivery takes its turn after
 * what is already waiting); a failed delivery is not retried unless asked for.
 */
export class EventCallbackSender {
  private queue: Promise<void> = Promise.resolve();
  private events: SentEvent[] = [];

  constructor(
    private readonly url: string,
    private readonly authToken: string | undefined,
  ) {}

  /** Delivers an event that happened `at`. */
  send(params: Record<string, string>, at: Date): void {
    const event: SentEvent = {
      report: { sid: newSid('EV'), eventType: params.EventType, taskSid: params.TaskSid, at: at.toISOString(), status: 0 },
      params,
      delivered: false,
    };
    this.events.push(event);
    void this.deliver(event);
  }

  /** Delivers the event `sid` again with its first parameters; the receiver's status, or undefined for no such event. */
  redeliver(sid: string): Promise<number> | undefined {
    const event = this.events.find((candidate) => candidate.report.sid === sid);
    return event && this.deliver(event);
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
  delivered(): Promise<void> {
    return this.queue;
  }

  private deliver(event: SentEvent): Promise<number> {
    const delivery = this.queue.then(async () => {
      const status = await this.post(event.params);
      // Recorded before the queue moves on, so whoever awaited delivered() sees it.
      event.report.status = status;
      event.delivered = true;
      return status;
    });
    this.queue = delivery.then(() => undefined);
    return delivery;
  }

  /** The receiver's HTTP status; 0 when the connection failed or no answer came in time. */
  private async post(params: Record<string, string>): Promise<number> {
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
    if (this.authToken) headers['X-Twilio-Signature'] = twilioSignature(this.authToken, this.url, params);
    try {
      const response = await fetch(this.url, { method: 'POST', headers, body: new URLSearchParams(params), signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
      await response.arrayBuffer().catch(() => undefined);
      return response.status;
    } catch {
      return 0;
    }
  }
}
