/**
 * Naming a call for the Recording Controls API by its task or call sid, with whether a worker holds
 * the task.
 */
import { taskRouterString } from '../../../core/taskRouterExpression';
import type { LiveCall } from '../base/recordingBackend';
import type { CallRecord } from '../base/callRecord';
import type { Retries } from './retry';
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

/** A task as TaskRouter has it now (null when it has none): whether it is still assigned, and when it was made. */
export async function taskNow(
  client: TwilioClient,
  retries: Retries,
  workspaceSid: string,
  taskSid: string,
): Promise<{ assigned: boolean; createdAt: number } | null> {
  const task = await retries.unlessNotFound(() => client.taskrouter.v1.workspaces(workspaceSid).tasks(taskSid).fetch(), null);
  return task && { assigned: task.assignmentStatus === 'assigned', createdAt: task.dateCreated.getTime() };
}

/** Whether Twilio has the call in progress now. */
export async function callInProgress(client: TwilioClient, retries: Retries, callSid: string): Promise<boolean> {
  const fetched = await retries.unlessNotFound(() => client.calls(callSid).fetch(), null);
  return fetched?.status === 'in-progress';
}

export interface TaskCall {
  call: LiveCall & { taskSid: string };
  /** The task is still assigned: the call is live. */
  live: boolean;
}

const CONTROL_CACHE_TTL_MS = 60 * 1000;

/** The call and its task as the call's ledger names them now (the product's own state); live until that task's end was handled. */
export function taskCallOfLedger(callSid: string, record: CallRecord | undefined): TaskCall | undefined {
  const taskSid = record?.call.taskSid;
  return taskSid
    ? { call: { callSid, taskSid, ...(record.call.queue && { queue: record.call.queue }) }, live: !record.endedTasks?.includes(taskSid) }
    : undefined;
}

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
    private readonly retries: Retries,
    private readonly workspaceSid: string,
    private readonly origins: TaskOrigins,
    /** The call as its ledger names it (the product's own state): its task now, and whether that task's end was handled. */
    private readonly ledgerCall: (callSid: string) => Promise<TaskCall | undefined>,
    private readonly clock: () => number = Date.now,
  ) {}

  private get workspace() {
    return this.client.taskrouter.v1.workspaces(this.workspaceSid);
  }

  /**
   * `ledger`: the call's ledger as this container last wrote or read it. Written within the last
   * minute, it is as fresh as what is remembered here, and names the call's task without a lookup.
   */
  async find(name: { taskSid?: string; callSid?: string }, ledger?: CallRecord): Promise<TaskCall | undefined> {
    const remembered = name.taskSid ?? (name.callSid ? this.byCall.get(name.callSid) : undefined);
    const cached = remembered ? this.byTask.get(remembered) : undefined;
    if (cached && this.clock() - cached.at < CONTROL_CACHE_TTL_MS && (!name.callSid || cached.found.call.callSid === name.callSid)) {
      return cached.found;
    }
    const recent =
      name.callSid && ledger && this.clock() - Date.parse(ledger.updatedAt) < CONTROL_CACHE_TTL_MS ? taskCallOfLedger(name.callSid, ledger) : undefined;
    if (recent && (!name.taskSid || recent.call.taskSid === name.taskSid)) return recent;
    const found = name.taskSid
      ? ((name.callSid ? await this.ledgerNaming(name.callSid, name.taskSid) : undefined) ?? (await this.ofTask(name.taskSid, name.callSid)))
      : name.callSid
        ? await this.ofCall(name.callSid)
        : undefined;
    if (found) {
      this.byTask.set(found.call.taskSid, { found, at: this.clock() });
      this.byCall.set(found.call.callSid, found.call.taskSid);
    }
    return found;
  }

  /** A task's call: the one it was created for; live while TaskRouter has the task assigned. */
  private async ofTask(taskSid: string, callSid?: string): Promise<TaskCall | undefined> {
    const [task, origin] = await Promise.all([this.retries.unlessNotFound(() => this.workspace.tasks(taskSid).fetch(), undefined), this.origins.of(taskSid)]);
    if (!task || !origin || (callSid && origin.callSid !== callSid)) return undefined;
    const queue = task.taskQueueFriendlyName || undefined;
    return { call: { callSid: origin.callSid, taskSid: task.sid, ...(queue && { queue }) }, live: task.assignmentStatus === 'assigned' };
  }

  /**
   * The call and task both named (the plugin names both): the call's ledger, read once (the read a
   * change starts from), names that task as the one the functions saw accepted for it — no need to
   * ask TaskRouter. Undefined when it names another task, or Sync fails.
   */
  private async ledgerNaming(callSid: string, taskSid: string): Promise<TaskCall | undefined> {
    const held = await this.ledgerCall(callSid).catch(() => undefined);
    return held?.call.taskSid === taskSid ? held : undefined;
  }

  /**
   * A call and its task: as the call's ledger names them (one read, the one a change reads anyway);
   * for a call the functions never saw accepted, or while Sync fails, the newest task TaskRouter's
   * record says was created for it (the tasks whose attributes name it are only candidates).
   */
  private async ofCall(callSid: string): Promise<TaskCall | undefined> {
    const held = await this.ledgerCall(callSid).catch(() => undefined);
    if (held) return held;
    const quoted = taskRouterString(callSid);
    if (!quoted) return undefined;
    const candidates = await this.retries.run(() => this.workspace.tasks.list({ evaluateTaskAttributes: `call_sid == ${quoted}`, limit: 5 }));
    const checked = await Promise.all(candidates.map(async (task) => ((await this.origins.isOf(task.sid, callSid)) ? task : undefined)));
    const newest = checked.filter((task) => task !== undefined).sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime())[0];
    return newest && this.ofTask(newest.sid, callSid);
  }

  /** Whether the worker has (or had, in wrap-up) a reservation for the task. */
  async holds(workerSid: string, taskSid: string): Promise<boolean> {
    const key = `${workerSid}|${taskSid}`;
    const at = this.holders.get(key);
    if (at !== undefined && this.clock() - at < CONTROL_CACHE_TTL_MS) return true;
    const reservations = await this.retries.unlessNotFound(() => this.workspace.workers(workerSid).reservations.list({ limit: 50 }), []);
    const held = reservations.some(
      (reservation) => reservation.taskSid === taskSid && ['accepted', 'wrapping', 'completed'].includes(reservation.reservationStatus),
    );
    if (held) this.holders.set(key, this.clock());
    return held;
  }
}
