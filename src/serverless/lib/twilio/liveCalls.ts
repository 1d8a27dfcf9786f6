/**
 * Finds an agent's live call. The agent's document in the live index (`rc-agent-<digest>`, kept
 * from TaskRouter's events) answers in one Sync read; TaskRouter itself (the worker whose
 * contact_uri is client:<agent>, its accepted reservations, the voice task still assigned) when the
 * index does not know. A container also remembers the calls it acted on, so a warm signal can pause
 * at once; the call's ledger, read alongside the pause, confirms it is still the agent's.
 */
import { taskRouterString } from '../../../core/taskRouterExpression';
import type { LiveIndex } from '../ledger/liveIndex';
import type { LiveCall } from './recordings';
import { unlessNotFound, withRetries } from './retry';
import type { TwilioClient } from './twilioClient';

/** How long a remembered call is tried first (its ledger confirms it every time). */
export const CALL_MEMORY_TTL_MS = 10 * 60 * 1000;

interface Remembered {
  call: LiveCall;
  at: number;
}

export class LiveCallDirectory {
  private readonly calls = new Map<string, Remembered>();
  private readonly workers = new Map<string, string>();

  constructor(
    private readonly client: TwilioClient,
    private readonly workspaceSid: string,
    private readonly index?: LiveIndex,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The call this container last acted on for the agent (and, if named, the same call). */
  known(agent: string, callSid?: string): LiveCall | undefined {
    const entry = this.calls.get(agent);
    if (!entry || this.clock() - entry.at > CALL_MEMORY_TTL_MS) return undefined;
    if (callSid && entry.call.callSid !== callSid) return undefined;
    return entry.call;
  }

  /** The call a signal of the agent's was just applied to: the next one goes there first. */
  remember(agent: string, call: LiveCall): void {
    this.calls.set(agent, { call, at: this.clock() });
    if (this.calls.size > 5000) this.calls.delete(this.calls.keys().next().value as string);
  }

  /** The agent's call now: from the live index, else from TaskRouter (and then indexed). */
  async current(agent: string, callSid?: string): Promise<LiveCall | undefined> {
    const indexed = await this.index?.agentCall(agent);
    if (indexed && (!callSid || indexed.callSid === callSid)) {
      const { agent: _agent, ...call } = indexed;
      this.remember(agent, call);
      return call;
    }
    return this.lookup(agent, callSid);
  }

  /** The named call is over or not the agent's: neither memory nor the index names it again. */
  async forget(agent: string, callSid: string): Promise<void> {
    if (this.calls.get(agent)?.call.callSid === callSid) this.calls.delete(agent);
    await this.index?.clearAgentCall(agent, callSid).catch(() => undefined);
  }

  /** Always asks TaskRouter; what it finds is remembered and indexed. */
  /**
   * The TaskRouter queue of the call's task, for its pause policy: known from the acceptance
   * (memory, the ledger, the agent's entry), else asked of TaskRouter once.
   */
  async queueOf(call: LiveCall): Promise<string | undefined> {
    if (call.queue !== undefined || !call.taskSid) return call.queue;
    const task = await unlessNotFound(() => this.client.taskrouter.v1.workspaces(this.workspaceSid).tasks(call.taskSid!).fetch(), null);
    return task?.taskQueueFriendlyName || undefined;
  }

  async lookup(agent: string, callSid?: string): Promise<LiveCall | undefined> {
    const found = await this.askTaskRouter(agent, callSid);
    if (found) {
      this.remember(agent, found);
      await this.index?.setAgentCall({ ...found, agent }).catch(() => undefined);
    }
    return found;
  }

  private async askTaskRouter(agent: string, callSid?: string): Promise<(LiveCall & { taskSid: string }) | undefined> {
    let workerSid = await this.workerSid(agent);
    if (!workerSid) return undefined;
    const workspace = this.client.taskrouter.v1.workspaces(this.workspaceSid);
    const acceptedOf = (sid: string) => unlessNotFound(() => workspace.workers(sid).reservations.list({ reservationStatus: 'accepted', limit: 20 }), undefined);
    let reservations = await acceptedOf(workerSid);
    if (!reservations) {
      // The remembered worker is gone (deleted and created anew): find it again, once.
      this.workers.delete(agent);
      workerSid = await this.workerSid(agent);
      if (!workerSid) return undefined;
      reservations = (await acceptedOf(workerSid)) ?? [];
    }
    const tasks = await Promise.all(reservations.map((reservation) => withRetries(() => workspace.tasks(reservation.taskSid).fetch())));
    const chosen = tasks
      .filter((task) => task.taskChannelUniqueName === 'voice' && task.assignmentStatus === 'assigned')
      .sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime())
      .map((task) => callOfTask(task, callSid))
      .find((found) => found !== undefined);
    return chosen && { ...chosen.call, workerSid };
  }

  private async workerSid(agent: string): Promise<string | undefined> {
    const cached = this.workers.get(agent);
    if (cached) return cached;
    const contactUri = `client:${agent}`;
    // Quoted so that no identity can change the expression, whatever it contains.
    const quoted = taskRouterString(contactUri);
    if (!quoted) return undefined;
    const workers = await withRetries(() =>
      this.client.taskrouter.v1.workspaces(this.workspaceSid).workers.list({ targetWorkersExpression: `contact_uri == ${quoted}`, limit: 5 }),
    );
    const worker = workers.find((candidate) => parseAttributes(candidate.attributes).contact_uri === contactUri);
    if (worker) this.workers.set(agent, worker.sid);
    return worker?.sid;
  }
}

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
function callOfTask(
  task: { sid: string; attributes: string; taskQueueFriendlyName?: string },
  callSid?: string,
): { call: LiveCall & { taskSid: string }; attributes: Record<string, unknown> } | undefined {
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
  call: LiveCall & { taskSid: string };
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
