/**
 * TaskRouter's workspace Event Callback, as the stand-in sends it: each event POSTed
 * form-encoded with TaskRouter's parameter names (EventType, ResourceType, ResourceSid, the
 * Task…, Worker… and Reservation fields), signed in X-Twilio-Signature with the auth token.
 * Deliveries go one after another, in the order the events happened, so a receiver keeping an
 * index from them sees a transfer's completion before the new acceptance.
 */
import { createHmac } from 'node:crypto';
import type { Task, TaskRouterEvent, TwilioModel, Worker } from './model';
import { iso8601 } from './representations';

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

/** Sends events to the callback URL one at a time, in order; a failed delivery is dropped. */
export class EventCallbackSender {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly url: string,
    private readonly authToken: string | undefined,
  ) {}

  send(params: Record<string, string>): void {
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
    if (this.authToken) headers['X-Twilio-Signature'] = twilioSignature(this.authToken, this.url, params);
    this.queue = this.queue.then(() =>
      fetch(this.url, { method: 'POST', headers, body: new URLSearchParams(params) })
        .then((response) => response.arrayBuffer())
        .then(
          () => undefined,
          () => undefined,
        ),
    );
  }

  /** Resolves once every event sent so far has been answered (or failed). */
  delivered(): Promise<void> {
    return this.queue;
  }
}
