/**
 * Finds an agent's live call. The agent's document in the live index (`rc-agent-<digest>`, kept
 * from TaskRouter's events) answers in one Sync read; TaskRouter itself (the worker whose
 * contact_uri is client:<agent>, its accepted reservations, the voice task still assigned) when the
 * index does not know. A container also remembers the calls it acted on, so a warm signal can pause
 * at once; the call's ledger, read alongside the pause, confirms it is still the agent's.
 */
import { taskRouterString } from '../../../core/taskRouterExpression';
import type { LiveIndex } from '../stores/liveIndex';
import type { LiveCall } from '../base/recordingBackend';
import type { Retries } from '../twilio/retry';
import { parseAttributes } from '../twilio/taskCalls';
import type { TaskOrigins } from '../twilio/taskOrigins';
import type { TwilioClient } from '../twilio/twilioClient';

/** How long a remembered call is tried first (its ledger confirms it every time). */
export const CALL_MEMORY_TTL_MS = 10 * 60 * 1000;

interface Remembered {
  call: LiveCall;
  /** The agent's other live calls (an agent may hold two). */
  others: LiveCall[];
  at: number;
}

export class AgentCalls {
  private readonly calls = new Map<string, Remembered>();
  private readonly workers = new Map<string, string>();

  constructor(
    private readonly client: TwilioClient,
    private readonly retries: Retries,
    private readonly workspaceSid: string,
    private readonly origins: TaskOrigins,
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

  /** The agent's other live calls this container knows of: a signal that names no call reaches them too. */
  others(agent: string): LiveCall[] {
    const entry = this.calls.get(agent);
    return entry && this.clock() - entry.at <= CALL_MEMORY_TTL_MS ? entry.others : [];
  }

  /** The call a signal of the agent's was just applied to: the next one goes there first (with the agent's other calls, known or given). */
  remember(agent: string, call: LiveCall, others?: LiveCall[]): void {
    const kept = (others ?? this.calls.get(agent)?.others ?? []).filter((other) => other.callSid !== call.callSid);
    this.calls.set(agent, { call, others: kept, at: this.clock() });
    if (this.calls.size > 5000) this.calls.delete(this.calls.keys().next().value as string);
  }

  /**
   * The agent's call now, or the named one of theirs: from the live index, else from TaskRouter (and
   * then indexed). Only a search for the agent's call (none named) is remembered as theirs.
   */
  async current(agent: string, callSid?: string): Promise<LiveCall | undefined> {
    const indexed = await this.index?.agentCall(agent);
    if (indexed) {
      const { agent: _agent, others = [], ...call } = indexed;
      if (!callSid) {
        this.remember(agent, call, others);
        return call;
      }
      const named = [call, ...others].find((candidate) => candidate.callSid === callSid);
      if (named) return named;
    }
    return this.lookup(agent, callSid);
  }

  /**
   * The agent accepted the call (TaskRouter's event came to this container): their next signal goes
   * there first, and a call remembered before goes on as one of their others.
   */
  accepted(agent: string, call: LiveCall): void {
    const previous = this.known(agent);
    const others = this.others(agent);
    this.remember(agent, call, previous && previous.callSid !== call.callSid ? [previous, ...others] : others);
  }

  /** The named call is over or not the agent's: neither memory nor the index names it again. */
  async forget(agent: string, callSid: string): Promise<void> {
    this.forgetHere(agent, callSid);
    await this.index?.clearAgentCall(agent, callSid).catch(() => undefined);
  }

  /** Memory alone forgets the call (its task's end, which clears the index itself, came here). */
  forgetHere(agent: string, callSid: string): void {
    const entry = this.calls.get(agent);
    if (entry?.call.callSid === callSid) {
      const [next, ...rest] = entry.others;
      if (next) this.calls.set(agent, { call: next, others: rest, at: entry.at });
      else this.calls.delete(agent);
    } else if (entry) entry.others = entry.others.filter((other) => other.callSid !== callSid);
  }

  /**
   * The TaskRouter queue of the call's task, for its pause policy: known from the acceptance
   * (memory, the ledger, the agent's entry), else asked of TaskRouter once.
   */
  async queueOf(call: LiveCall): Promise<string | undefined> {
    if (call.queue !== undefined || !call.taskSid) return call.queue;
    const task = await this.retries.unlessNotFound(() => this.client.taskrouter.v1.workspaces(this.workspaceSid).tasks(call.taskSid!).fetch(), null);
    return task?.taskQueueFriendlyName || undefined;
  }

  /** Always asks TaskRouter; what it finds is remembered and indexed. */
  async lookup(agent: string, callSid?: string): Promise<LiveCall | undefined> {
    const [call, ...others] = await this.askTaskRouter(agent);
    if (!call) return undefined;
    this.remember(agent, call, others);
    await this.index?.setAgentCall({ ...call, agent, ...(others.length > 0 && { others }) }).catch(() => undefined);
    return callSid ? [call, ...others].find((candidate) => candidate.callSid === callSid) : call;
  }

  /** The agent's live voice calls, newest first. */
  private async askTaskRouter(agent: string): Promise<Array<LiveCall & { taskSid: string }>> {
    let workerSid = await this.workerSid(agent);
    if (!workerSid) return [];
    const workspace = this.client.taskrouter.v1.workspaces(this.workspaceSid);
    const acceptedOf = (sid: string) =>
      this.retries.unlessNotFound(() => workspace.workers(sid).reservations.list({ reservationStatus: 'accepted', limit: 20 }), undefined);
    let reservations = await acceptedOf(workerSid);
    if (!reservations) {
      // The remembered worker is gone (deleted and created anew): find it again, once.
      this.workers.delete(agent);
      workerSid = await this.workerSid(agent);
      if (!workerSid) return [];
      reservations = (await acceptedOf(workerSid)) ?? [];
    }
    // The call each task was created for, as TaskRouter recorded it: never what its attributes say now.
    const tasks = await Promise.all(
      reservations.map(async (reservation) => {
        const [task, origin] = await Promise.all([this.retries.run(() => workspace.tasks(reservation.taskSid).fetch()), this.origins.of(reservation.taskSid)]);
        return { task, origin };
      }),
    );
    return tasks
      .filter(({ task, origin }) => task.taskChannelUniqueName === 'voice' && task.assignmentStatus === 'assigned' && origin)
      .sort((a, b) => b.task.dateCreated.getTime() - a.task.dateCreated.getTime())
      .map(({ task, origin }) => {
        const queue = task.taskQueueFriendlyName || undefined;
        return { callSid: origin!.callSid, taskSid: task.sid, ...(queue && { queue }), workerSid };
      })
      .filter((call, index, all) => all.findIndex((other) => other.callSid === call.callSid) === index);
  }

  private async workerSid(agent: string): Promise<string | undefined> {
    const cached = this.workers.get(agent);
    if (cached) return cached;
    const contactUri = `client:${agent}`;
    // Quoted so that no identity can change the expression, whatever it contains.
    const quoted = taskRouterString(contactUri);
    if (!quoted) return undefined;
    const workers = await this.retries.run(() =>
      this.client.taskrouter.v1.workspaces(this.workspaceSid).workers.list({ targetWorkersExpression: `contact_uri == ${quoted}`, limit: 5 }),
    );
    const worker = workers.find((candidate) => parseAttributes(candidate.attributes).contact_uri === contactUri);
    if (worker) this.workers.set(agent, worker.sid);
    return worker?.sid;
  }
}
