/**
 * The calls of TaskRouter's voice tasks: a Flex task's call (its `call_sid` and conference), and
 * naming a call for the Recording Controls API by its task or call sid, with whether a worker holds
 * the task.
 */
import { taskRouterString } from '../../../core/taskRouterExpression';
import type { TwilioCall } from './recordings';
import { unlessNotFound, withRetries } from './retry';
import type { TwilioClient } from './twilioClient';

export function parseAttributes(text: string | undefined | null): Record<string, unknown> {
  try {
    const value = JSON.parse(text ?? '{}');
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function participantCalls(attributes: Record<string, unknown>): string[] {
  const participants = (attributes.conference as { participants?: Record<string, unknown> } | undefined)?.participants;
  return participants ? Object.values(participants).filter((value): value is string => typeof value === 'string') : [];
}

/**
 * The call a Flex voice task is about: its `call_sid` and `conference.sid` attributes. When a
 * call sid is named, the task must be that call's (the customer's or a participant's leg).
 */
export function callOfTask(
  task: { sid: string; attributes: string; taskQueueFriendlyName?: string },
  callSid?: string,
): { call: TwilioCall & { taskSid: string }; attributes: Record<string, unknown> } | undefined {
  const attributes = parseAttributes(task.attributes);
  if (typeof attributes.call_sid !== 'string') return undefined;
  if (callSid && attributes.call_sid !== callSid && !participantCalls(attributes).includes(callSid)) return undefined;
  const conferenceSid = (attributes.conference as { sid?: unknown } | undefined)?.sid;
  const queue = task.taskQueueFriendlyName || undefined;
  return {
    call: { callSid: attributes.call_sid, ...(typeof conferenceSid === 'string' && { conferenceSid }), taskSid: task.sid, ...(queue && { queue }) },
    attributes,
  };
}

export interface TaskCall {
  call: TwilioCall & { taskSid: string };
  /** The task is still assigned: the call is live. */
  live: boolean;
  attributes: Record<string, unknown>;
}

const CONTROL_CACHE_TTL_MS = 60 * 1000;

/**
 * Names a call for the Recording Controls API: by its task or by its call sid, and whether a
 * worker holds that task. Answers are remembered briefly so a warm manual pause sends only the
 * pause.
 */
export class TaskCalls {
  private readonly byTask = new Map<string, { found: TaskCall; at: number }>();
  private readonly byCall = new Map<string, string>();
  private readonly holders = new Map<string, number>();

  constructor(
    private readonly client: TwilioClient,
    private readonly workspaceSid: string,
    private readonly clock: () => number = Date.now,
  ) {}

  private get workspace() {
    return this.client.taskrouter.v1.workspaces(this.workspaceSid);
  }

  async find(name: { taskSid?: string; callSid?: string }): Promise<TaskCall | undefined> {
    const taskSid = name.taskSid ?? (name.callSid ? this.byCall.get(name.callSid) : undefined);
    const cached = taskSid ? this.byTask.get(taskSid) : undefined;
    if (cached && this.clock() - cached.at < CONTROL_CACHE_TTL_MS && (!name.callSid || cached.found.call.callSid === name.callSid)) {
      return cached.found;
    }
    const quotedCallSid = name.callSid === undefined ? undefined : taskRouterString(name.callSid);
    if (!taskSid && !quotedCallSid) return undefined;
    const task = taskSid
      ? await unlessNotFound(() => this.workspace.tasks(taskSid).fetch(), undefined)
      : (await withRetries(() => this.workspace.tasks.list({ evaluateTaskAttributes: `call_sid == ${quotedCallSid}`, limit: 5 }))).sort(
          (a, b) => b.dateCreated.getTime() - a.dateCreated.getTime(),
        )[0];
    const ofTask = task && callOfTask(task, name.callSid);
    if (!task || !ofTask) return undefined;
    const found: TaskCall = { ...ofTask, live: task.assignmentStatus === 'assigned' };
    this.byTask.set(task.sid, { found, at: this.clock() });
    this.byCall.set(found.call.callSid, task.sid);
    return found;
  }

  /** Whether the worker has (or had, in wrap-up) a reservation for the task. */
  async holds(workerSid: string, taskSid: string): Promise<boolean> {
    const key = `${workerSid}|${taskSid}`;
    const at = this.holders.get(key);
    if (at !== undefined && this.clock() - at < CONTROL_CACHE_TTL_MS) return true;
    const reservations = await unlessNotFound(() => this.workspace.workers(workerSid).reservations.list({ limit: 50 }), []);
    const held = reservations.some(
      (reservation) => reservation.taskSid === taskSid && ['accepted', 'wrapping', 'completed'].includes(reservation.reservationStatus),
    );
    if (held) this.holders.set(key, this.clock());
    return held;
  }
}
