/**
 * Finds an agent's live call from TaskRouter: the worker whose contact_uri is client:<agent>,
 * its accepted reservations, and the voice task that is still assigned. A small in-memory
 * cache makes a warm container skip the lookup, so the pause is the only round trip; it is
 * never required, and an ended call evicts it.
 */
import type { LiveCall } from './recordings';
import { withRetries } from './retry';
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

  remember(call: LiveCall): void {
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
  async lookup(agent: string, callSid?: string): Promise<LiveCall | undefined> {
    const workerSid = await this.workerSid(agent);
    if (!workerSid) return undefined;
    const workspace = this.client.taskrouter.v1.workspaces(this.workspaceSid);
    const reservations = await withRetries(() =>
      workspace.workers(workerSid).reservations.list({ reservationStatus: 'accepted', limit: 20 }),
    );
    const tasks = await Promise.all(reservations.map((reservation) => withRetries(() => workspace.tasks(reservation.taskSid).fetch())));
    const live = tasks
      .filter((task) => task.taskChannelUniqueName === 'voice' && task.assignmentStatus === 'assigned')
      .map((task) => ({ task, attributes: parseAttributes(task.attributes) }))
      .filter(({ attributes }) => typeof attributes.call_sid === 'string')
      .filter(({ attributes }) => !callSid || attributes.call_sid === callSid || participantCalls(attributes).includes(callSid))
      .sort((a, b) => b.task.dateCreated.getTime() - a.task.dateCreated.getTime());
    const chosen = live[0];
    if (!chosen) return undefined;
    const conferenceSid = (chosen.attributes.conference as { sid?: unknown } | undefined)?.sid;
    return {
      callSid: chosen.attributes.call_sid as string,
      ...(typeof conferenceSid === 'string' && { conferenceSid }),
      taskSid: chosen.task.sid,
      workerSid,
      agent,
    };
  }

  private async workerSid(agent: string): Promise<string | undefined> {
    const cached = this.workers.get(agent);
    if (cached) return cached;
    // The expression language has no escaping; an identity with quotes cannot be looked up.
    if (/["'\\]/.test(agent)) return undefined;
    const contactUri = `client:${agent}`;
    const workers = await withRetries(() =>
      this.client.taskrouter.v1
        .workspaces(this.workspaceSid)
        .workers.list({ targetWorkersExpression: `contact_uri == "${contactUri}"`, limit: 5 }),
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
