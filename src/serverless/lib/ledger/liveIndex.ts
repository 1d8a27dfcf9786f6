/**
 * The live index, kept by the functions on every change and by TaskRouter's events, so nothing
 * ever needs to poll or list every ledger:
 * - `rc-live-calls`: one item per live call (who, which task, the open holds, the next expiry,
 *   what Twilio confirmed). Supervisors subscribe to it; the sweep reads only it.
 * - `rc-live-agents`: the agent's current call, so a signal after a transfer or a new call acts on
 *   the call the agent holds now.
 */
import { createHash } from 'node:crypto';
import { Hold, nextExpiry } from '../../../core/holds';
import type { CallRecord } from './ledgerStore';
import type { LiveCall } from '../twilio/recordings';
import { MapItem, SyncMap } from '../twilio/syncCollections';
import type { TwilioClient } from '../twilio/twilioClient';

export const LIVE_CALLS_MAP = 'rc-live-calls';
export const LIVE_AGENTS_MAP = 'rc-live-agents';
/** Items of calls that ended without TaskRouter telling us vanish by themselves. */
const LIVE_ITEM_TTL_SECONDS = 12 * 3600;

export interface LiveCallItem {
  callSid: string;
  taskSid?: string;
  conferenceSid?: string;
  agents: string[];
  recording: CallRecord['recording'];
  holds: Hold[];
  /** The earliest moment an open hold closes by itself. */
  resumeAt: string | null;
  outOfSync: boolean;
  updatedAt: string;
  /** The ledger write this item copies: an older copy never overwrites a newer one. */
  seq: number;
}

export interface AgentCall extends LiveCall {
  agent: string;
  taskSid: string;
}

export const liveCallItem = (record: CallRecord): LiveCallItem => ({
  callSid: record.call.callSid,
  ...(record.call.taskSid && { taskSid: record.call.taskSid }),
  ...(record.call.conferenceSid && { conferenceSid: record.call.conferenceSid }),
  agents: record.call.agent ? [record.call.agent] : [],
  recording: record.recording,
  holds: record.holds,
  resumeAt: nextExpiry(record),
  outOfSync: record.outOfSync,
  updatedAt: record.updatedAt,
  seq: record.seq,
});

/** What the sweep must look at: an expiry that has come, or a change Twilio did not confirm. */
export const needsSweep = (item: LiveCallItem, now: Date): boolean =>
  item.outOfSync || (item.resumeAt !== null && Date.parse(item.resumeAt) <= now.getTime());

/** Identities are free text; map keys get a fixed-length digest of them. */
export const agentKey = (agent: string): string => `agent-${createHash('sha256').update(agent).digest('hex').slice(0, 40)}`;

const sameContent = (a: LiveCallItem, b: LiveCallItem): boolean =>
  JSON.stringify({ ...a, seq: 0, updatedAt: '' }) === JSON.stringify({ ...b, seq: 0, updatedAt: '' });

export class LiveIndex {
  readonly calls: SyncMap<LiveCallItem>;
  readonly agents: SyncMap<AgentCall>;
  /** The last item this container wrote per call: its revision makes the next write conditional. */
  private readonly written = new Map<string, MapItem<LiveCallItem>>();

  constructor(client: TwilioClient, serviceSid: string) {
    this.calls = new SyncMap(client, serviceSid, LIVE_CALLS_MAP);
    this.agents = new SyncMap(client, serviceSid, LIVE_AGENTS_MAP);
  }

  /** Copies the ledger into the index unless a newer copy is already there. */
  async record(record: CallRecord): Promise<void> {
    const item = liveCallItem(record);
    const key = item.callSid;
    let known: MapItem<LiveCallItem> | null | undefined = this.written.get(key);
    if (known && (known.data.seq >= item.seq || sameContent(known.data, item))) return;
    // The first write of a call's ledger: nothing can be in the index yet, so no read first.
    if (!known && item.seq === 1) known = null;
    for (let attempt = 0; attempt < 4; attempt += 1) {
      if (known === undefined) known = await this.calls.get(key);
      if (known && known.data.seq >= item.seq) return this.remember(known);
      const written = known
        ? await this.calls.replace(key, item, LIVE_ITEM_TTL_SECONDS, known.revision)
        : await this.calls.create(key, item, LIVE_ITEM_TTL_SECONDS);
      if (typeof written !== 'string') return this.remember(written);
      known = undefined; // someone else wrote (or removed) it: read again
    }
  }

  private remember(item: MapItem<LiveCallItem>): void {
    this.written.set(item.key, item);
    if (this.written.size > 5000) this.written.delete(this.written.keys().next().value as string);
  }

  async removeCall(callSid: string): Promise<void> {
    this.written.delete(callSid);
    await this.calls.remove(callSid);
  }

  async agentCall(agent: string): Promise<AgentCall | null> {
    return (await this.agents.get(agentKey(agent)))?.data ?? null;
  }

  async setAgentCall(call: AgentCall): Promise<void> {
    await this.agents.put(agentKey(call.agent), call, LIVE_ITEM_TTL_SECONDS);
  }

  /** Forgets the agent's call if it is still `callSid` (a newer call of theirs stays). */
  async clearAgentCall(agent: string, callSid: string): Promise<void> {
    const item = await this.agents.get(agentKey(agent));
    if (item && item.data.callSid === callSid) await this.agents.remove(agentKey(agent));
  }
}
