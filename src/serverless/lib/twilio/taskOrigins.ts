/**
 * A task's call, as TaskRouter recorded it when the task was created — before any worker held it.
 *
 * In Flex an agent's browser may rewrite every attribute of the tasks it holds (`task.setAttributes()`),
 * so the `call_sid` a task carries now, or that an event about it carries, is the agent's word. The
 * `task.created` event in TaskRouter's own log (the Events resource, kept 30 days) is not: its
 * attributes are the ones the task was made with (Flex's Studio "Send to Flex" writes `call_sid` there).
 * What it says never changes, so a container asks once per task.
 */
import { CALL_SID } from '../../../core/wire';
import type { Retries } from './retry';
import type { TwilioClient } from './twilioClient';

export interface TaskOrigin {
  taskSid: string;
  /** The call the task was created for. */
  callSid: string;
}

/** The Events resource keeps 30 days; a task's creation is further back than any of its calls lasts. */
const LOOK_BACK_MINUTES = 30 * 24 * 60;
const KEPT_ORIGINS = 5000;

function parsed(value: unknown): Record<string, unknown> {
  if (value !== null && typeof value === 'object') return value as Record<string, unknown>;
  try {
    const object: unknown = JSON.parse(typeof value === 'string' ? value : '{}');
    return object !== null && typeof object === 'object' ? (object as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export class TaskOrigins {
  /** Answers (and answers on their way) by task: what a task was created with never changes. */
  private readonly known = new Map<string, Promise<TaskOrigin | null>>();

  constructor(
    private readonly client: TwilioClient,
    private readonly retries: Retries,
    private readonly workspaceSid: string,
  ) {}

  /** The call the task was created for; null for a task that was not made for a call (or not in the log). */
  of(taskSid: string): Promise<TaskOrigin | null> {
    const known = this.known.get(taskSid);
    if (known) return known;
    const asked = this.ask(taskSid);
    this.known.set(taskSid, asked);
    // A failed read is asked again next time; a task with no call stays known as such.
    asked.catch(() => this.known.delete(taskSid));
    if (this.known.size > KEPT_ORIGINS) this.known.delete(this.known.keys().next().value as string);
    return asked;
  }

  /** The call a task was created for, when it is this one. */
  async isOf(taskSid: string, callSid: string): Promise<boolean> {
    return (await this.of(taskSid))?.callSid === callSid;
  }

  private async ask(taskSid: string): Promise<TaskOrigin | null> {
    const events = await this.retries.run(() =>
      this.client.taskrouter.v1.workspaces(this.workspaceSid).events.list({ taskSid, eventType: 'task.created', minutes: LOOK_BACK_MINUTES, limit: 5 }),
    );
    const created = events.find((event) => event.eventType === 'task.created' && event.resourceSid === taskSid) ?? events[0];
    if (!created) return null;
    const callSid = parsed(parsed(created.eventData).task_attributes).call_sid;
    return typeof callSid === 'string' && CALL_SID.test(callSid) ? { taskSid, callSid } : null;
  }
}
