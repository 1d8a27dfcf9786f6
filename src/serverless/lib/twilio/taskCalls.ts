/**
 * Naming a call for the Recording Controls API by its task or call sid, with whether a worker holds
 * the task.
 */
import { taskRouterString } from '../../../core/taskRouterExpression';
import type { TwilioCall } from './recordings';
import { unlessNotFound, withRetries } from './retry';
import type { TaskOrigins } from './taskOrigins';
import type { TwilioClient } from './twilioClient';

export function parseAttributes(text: string | undefined | null): Record<string, unknown> {
  try {
    const value = JSON.parse(text ?? '{}');
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export interface TaskCall {
  call: TwilioCall & { taskSid: string };
  /** The task is still assigned: the call is live. */
  live: boolean;
}

const CONTROL_CACHE_TTL_MS = 60 * 1000;

/**
 * Names a call for the Recording Controls API: by its task or by its call sid, and whether a
 * worker holds that task. A task's call is the one TaskRouter recorded it was created for
 * (taskOrigins.ts), and a call's task the one its ledger names now — never a task's attributes,
 * which the agent holding it may rewrite. Answers are remembered briefly so a warm manual pause
 * sends only the pause.
 */
export class TaskCalls {
  private readonly byTask = new Map<string, { found: TaskCall; at: number }>();
  private readonly byCall = new Map<string, string>();
  private readonly holders = new Map<string, number>();

  constructor(
    private readonly client: TwilioClient,
    private readonly workspaceSid: string,
    private readonly origins: TaskOrigins,
    /** The task holding the call now, as the call's ledger names it (the product's own state). */
    private readonly taskOfCall: (callSid: string) => Promise<string | undefined>,
    private readonly clock: () => number = Date.now,
  ) {}

  private get workspace() {
    return this.client.taskrouter.v1.workspaces(this.workspaceSid);
  }

  async find(name: { taskSid?: string; callSid?: string }): Promise<TaskCall | undefined> {
    const remembered = name.taskSid ?? (name.callSid ? this.byCall.get(name.callSid) : undefined);
    const cached = remembered ? this.byTask.get(remembered) : undefined;
    if (cached && this.clock() - cached.at < CONTROL_CACHE_TTL_MS && (!name.callSid || cached.found.call.callSid === name.callSid)) {
      return cached.found;
    }
    const taskSid = name.taskSid ?? (name.callSid ? await this.taskOf(name.callSid) : undefined);
    if (!taskSid) return undefined;
    const [task, origin] = await Promise.all([unlessNotFound(() => this.workspace.tasks(taskSid).fetch(), undefined), this.origins.of(taskSid)]);
    if (!task || !origin || (name.callSid && origin.callSid !== name.callSid)) return undefined;
    const queue = task.taskQueueFriendlyName || undefined;
    const found: TaskCall = { call: { callSid: origin.callSid, taskSid: task.sid, ...(queue && { queue }) }, live: task.assignmentStatus === 'assigned' };
    this.byTask.set(task.sid, { found, at: this.clock() });
    this.byCall.set(found.call.callSid, task.sid);
    return found;
  }

  /**
   * The call's task: the one its ledger names; for a call the functions never saw accepted, the
   * newest task TaskRouter's record says was created for it (the tasks whose attributes name it are
   * only candidates).
   */
  private async taskOf(callSid: string): Promise<string | undefined> {
    // Sync failing must not stop a pause: TaskRouter's own records name the task then.
    const held = await this.taskOfCall(callSid).catch(() => undefined);
    if (held) return held;
    const quoted = taskRouterString(callSid);
    if (!quoted) return undefined;
    const candidates = await withRetries(() => this.workspace.tasks.list({ evaluateTaskAttributes: `call_sid == ${quoted}`, limit: 5 }));
    const checked = await Promise.all(candidates.map(async (task) => ((await this.origins.isOf(task.sid, callSid)) ? task : undefined)));
    return checked.filter((task) => task !== undefined).sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime())[0]?.sid;
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
