/**
 * Finds an agent's live call from TaskRouter: the worker whose contact_uri is client:<agent>,
 * its accepted reservations, and the voice task that is still assigned. A small in-memory
 * cache makes a warm container skip the lookup, so the pause is the only round trip; it is
 * never required, and an ended call evicts it.
 */
import { taskRouterString } from '../../core/taskRouterExpression';
import type { LiveCall } from './recordings';
import { unlessNotFound, withRetries } from './retry';
import type { TwilioClient } from './twilioClient';

/** How long a found call is trusted without asking TaskRouter again. */
export const CALL_CACHE_TTL_MS = 5 * 60 * 1000;

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
    private readonly clock: () => number = Date.now,
  ) {}

  /** The cached call, when fresh and (if named) the same call. */
  known(agent: string, callSid?: string): LiveCall | undefined {
    const entry = this.calls.get(agent);
    if (!entry || this.clock() - entry.at > CALL_CACHE_TTL_MS) return undefined;
    if (callSid && entry.call.callSid !== callSid) return undefined;
    return entry.call;
  }

  remember(call: LiveCall & { agent: string }): void {
    this.calls.set(call.agent, { call, at: this.clock() });
  }

  forget(agent: string): void {
    this.calls.delete(agent);
  }

  async find(agent: string, callSid?: string): Promise<LiveCall | undefined> {
    const known = this.known(agent, callSid);
    if (known) return known;
    const found = await this.lookup(agent, callSid);
    if (found) this.remember(found);
    return found;
  }

  /** Always asks TaskRouter. */
  async lookup(agent: string, callSid?: string): Promise<(LiveCall & { agent: string }) | undefined> {
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
    return chosen && { ...chosen.call, workerSid, agent };
  }

  private async workerSid(agent: string): Promise<string | undefined> {
    const cached = this.workers.get(agent);
    if (cached) return cached;
    const contactUri = `client:${agent}`;
    // Quoted so that no identity can change the expression, whatever it contains.
    const quoted = taskRouterString(contactUri);
    if (!quoted) return undefined;
    const workers = await withRetries(() =>
      this.client.taskrouter.v1
        .workspaces(this.workspaceSid)
        .workers.list({ targetWorkersExpression: `contact_uri == ${quoted}`, limit: 5 }),
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
  task: { sid: string; attributes: string },
  callSid?: string,
): { call: LiveCall & { taskSid: string }; attributes: Record<string, unknown> } | undefined {
  const attributes = parseAttributes(task.attributes);
  if (typeof attributes.call_sid !== 'string') return undefined;
  if (callSid && attributes.call_sid !== callSid && !participantCalls(attributes).includes(callSid)) return undefined;
  const conferenceSid = (attributes.conference as { sid?: unknown } | undefined)?.sid;
  return { call: { callSid: attributes.call_sid, ...(typeof conferenceSid === 'string' && { conferenceSid }), taskSid: task.sid }, attributes };
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
      : (
          await withRetries(() =>
            this.workspace.tasks.list({ evaluateTaskAttributes: `call_sid == ${quotedCallSid}`, limit: 5 }),
          )
        ).sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime())[0];
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
