/**
 * The live index, kept by the functions on every change and by TaskRouter's events, so nothing
 * ever needs to poll or list every ledger. Twilio Sync takes at most 20 writes/s and 20 reads/s per
 * object (an item counts toward its Map), so nothing here is one object for the whole account:
 * - `rc-live-calls-<shard>`: one item per live call (who, which task, the open holds, the next
 *   expiry, what Twilio confirmed), in one of `LIVE_SHARDS` Maps chosen by the call sid.
 *   Supervisors subscribe to every shard; the sweep reads them.
 * - `rc-agent-<digest>`: one document per agent naming the calls they hold now (the newest, and any
 *   other still live), so a signal after a transfer or a new call acts on the calls the agent holds
 *   now. Read only by a container that does not know the agent's call yet.
 * docs/architecture.md ("Sync objects and their limits") gives each one's traffic.
 */
import { createHash } from 'node:crypto';
import { nextExpiry } from '../../../core/holds';
import { LIVE_CALLS_PREFIX, LIVE_SHARDS, liveCallsShardNames } from '../../../core/syncNames';
import type { LiveCallItem } from '../../../core/wire';
import type { CallRecord } from '../base/callRecord';
import type { LiveCall } from '../base/recordingBackend';
import { httpStatus, type Retries } from '../twilio/retry';
import { MapItem, SyncMap } from '../twilio/syncCollections';
import type { TwilioClient } from '../twilio/twilioClient';
import { SweepWatch } from './sweepWatch';

export const AGENT_DOCUMENT_PREFIX = 'rc-agent-';
/** Items of calls that ended without TaskRouter telling us vanish by themselves. */
const LIVE_ITEM_TTL_SECONDS = 12 * 3600;

/** The shard a call's item lives in: the same for every container, spread evenly by the digest. */
export const liveCallsShardOf = (callSid: string): string =>
  `${LIVE_CALLS_PREFIX}${(createHash('sha256').update(callSid).digest()[0] % LIVE_SHARDS).toString(16).padStart(2, '0')}`;

export interface AgentCall extends LiveCall {
  agent: string;
  taskSid: string;
  /**
   * The agent's other live calls, newest first (an agent may hold two): a signal that names no call
   * may be about any of them, so it reaches them all.
   */
  others?: LiveCall[];
}

/** How many other live calls an agent's entry names. */
const KEPT_OTHER_CALLS = 3;
const otherCall = ({ others: _others, agent: _agent, ...call }: LiveCall & { others?: unknown; agent?: string }): LiveCall => call;

export function liveCallItem(record: CallRecord): LiveCallItem {
  const { automationOff } = record;
  const evidence = record.call.taskSid ? record.evidence?.find((task) => task.taskSid === record.call.taskSid) : undefined;
  return {
    callSid: record.call.callSid,
    ...(record.call.taskSid && { taskSid: record.call.taskSid }),
    ...(record.call.conferenceSid && { conferenceSid: record.call.conferenceSid }),
    agents: record.call.agent ? [record.call.agent] : [],
    recording: record.recording,
    holds: record.holds,
    resumeAt: nextExpiry(record),
    outOfSync: record.outOfSync,
    ...(evidence &&
      evidence.failedPauses > 0 && { failedPauses: evidence.failedPauses, failedPausesNotRecovered: evidence.failedPauses - evidence.failedPausesRecovered }),
    ...(automationOff && automationOff.agent === record.call.agent && { automationOff: automationOff.problems }),
    updatedAt: record.updatedAt,
    seq: record.seq,
  };
}

/** What the sweep must look at: an expiry that has come, or a change Twilio did not confirm. */
export const needsSweep = (item: LiveCallItem, now: Date): boolean => item.outOfSync || (item.resumeAt !== null && Date.parse(item.resumeAt) <= now.getTime());

/** Identities are free text: document names get a fixed-length digest of them. */
export const agentDocumentName = (agent: string): string => `${AGENT_DOCUMENT_PREFIX}${createHash('sha256').update(agent).digest('hex').slice(0, 40)}`;

const sameContent = (a: LiveCallItem, b: LiveCallItem): boolean =>
  JSON.stringify({ ...a, seq: 0, updatedAt: '' }) === JSON.stringify({ ...b, seq: 0, updatedAt: '' });

/**
 * The index already has this copy or a newer one. A copy of the same write count with other
 * content was sent alongside a ledger write that then did not land (see CallControl): the ledger's
 * own copy of that count replaces it.
 */
const isCurrent = (known: LiveCallItem, item: LiveCallItem): boolean => known.seq > item.seq || sameContent(known, item);

export class LiveIndex {
  private readonly shards = new Map<string, SyncMap<LiveCallItem>>();
  /** The last item this container wrote (or read) per call: its revision makes the next write conditional. */
  private readonly written = new Map<string, MapItem<LiveCallItem>>();
  /** Whether the sweep has anything to look at: told whenever a copy shows an open hold or an unconfirmed change. */
  readonly sweepWatch: SweepWatch;

  constructor(
    private readonly client: TwilioClient,
    private readonly retries: Retries,
    private readonly serviceSid: string,
    now: () => Date = () => new Date(),
  ) {
    for (const name of liveCallsShardNames()) this.shards.set(name, new SyncMap(client, retries, serviceSid, name));
    this.sweepWatch = new SweepWatch(client, retries, serviceSid, now);
  }

  private shardOf(callSid: string): SyncMap<LiveCallItem> {
    return this.shards.get(liveCallsShardOf(callSid)) as SyncMap<LiveCallItem>;
  }

  private get documents() {
    return this.client.sync.v1.services(this.serviceSid).documents;
  }

  /** Every live call's item, every shard read side by side. */
  async listCalls(): Promise<MapItem<LiveCallItem>[]> {
    return (await Promise.all([...this.shards.values()].map((shard) => shard.list()))).flat();
  }

  /** One call's item, if the index has it. */
  callItem(callSid: string): Promise<MapItem<LiveCallItem> | null> {
    return this.shardOf(callSid).get(callSid);
  }

  /**
   * This container wrote (or read) the call's item last, a copy of the ledger `record` follows on (or
   * `record` is the call's first): its copy is one conditional write, so it can go out alongside the ledger's.
   */
  copiesInOne(record: CallRecord): boolean {
    if (record.seq === 1) return true;
    const known = this.written.get(record.call.callSid);
    return known !== undefined && known.data.seq === record.seq - 1;
  }

  /**
   * Reads the call's item when this container does not know it, alongside the ledger read of a
   * change: the copy of the write that follows is then one conditional request (copiesInOne), sent
   * with the write, instead of a read and a write after it. A failed read only loses that.
   */
  async prefetch(callSid: string): Promise<void> {
    if (this.written.has(callSid)) return;
    const item = await this.shardOf(callSid)
      .get(callSid)
      .catch(() => null);
    if (item && !this.written.has(callSid)) this.remember(item);
  }

  /**
   * Copies the ledger into the index unless a newer copy (or the same content) is already there.
   * `quiet`: no other writer's copy of this call can still be on its way, so ours is written
   * without reading the item first (one request instead of two).
   */
  async record(record: CallRecord, { quiet = false }: { quiet?: boolean } = {}): Promise<void> {
    // The index holds live calls: a ledger whose current task has ended is a call that left it.
    if (record.call.taskSid && record.endedTasks?.includes(record.call.taskSid)) {
      await this.removeCall(record.call.callSid);
      return;
    }
    const item = liveCallItem(record);
    // Alongside the copy, not before it: the sweep's grace covers a copy that lands after (sweepWatch.ts).
    await Promise.all([this.copy(item, quiet), item.holds.length > 0 || item.outOfSync ? this.sweepWatch.watch() : undefined]);
  }

  private async copy(item: LiveCallItem, quiet: boolean): Promise<void> {
    const key = item.callSid;
    const shard = this.shardOf(key);
    let known: MapItem<LiveCallItem> | null | undefined = this.written.get(key);
    if (known && isCurrent(known.data, item)) return;
    if (!known && quiet) {
      const replaced = await shard.replace(key, item, LIVE_ITEM_TTL_SECONDS);
      if (typeof replaced !== 'string') return this.remember(replaced);
      known = null; // not there (yet): made below
    }
    // The first write of a call's ledger: nothing can be in the index yet, so no read first.
    if (!known && item.seq === 1) known = null;
    for (let attempt = 0; attempt < 4; attempt += 1) {
      if (known === undefined) known = await shard.get(key);
      if (known && isCurrent(known.data, item)) return this.remember(known);
      const written = known ? await shard.replace(key, item, LIVE_ITEM_TTL_SECONDS, known.revision) : await shard.create(key, item, LIVE_ITEM_TTL_SECONDS);
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
    await this.shardOf(callSid).remove(callSid);
  }

  async agentCall(agent: string): Promise<AgentCall | null> {
    const data = (await this.agentDocument(agent))?.data;
    return data && typeof data.callSid === 'string' && data.agent === agent ? (data as AgentCall) : null;
  }

  /** Names the agent's calls, whatever was there (the caller decided they are the newer). */
  async setAgentCall(call: AgentCall): Promise<void> {
    const name = agentDocumentName(call.agent);
    try {
      await this.retries.run(() => this.documents(name).update({ data: call, ttl: LIVE_ITEM_TTL_SECONDS }));
    } catch (error) {
      if (httpStatus(error) !== 404) throw error;
      await this.retries
        .run(() => this.documents.create({ uniqueName: name, data: call, ttl: LIVE_ITEM_TTL_SECONDS }))
        .catch((createError: unknown) => {
          // Made meanwhile by another container: write ours over it.
          if (httpStatus(createError) !== 409) throw createError;
          return this.retries.run(() => this.documents(name).update({ data: call, ttl: LIVE_ITEM_TTL_SECONDS }));
        });
    }
  }

  /**
   * The agent's newest call (an acceptance): the calls the entry named go on as the agent's others,
   * on condition nobody wrote the entry since it was read (`read`, sent early), else read again.
   */
  async addAgentCall(call: AgentCall, read = this.agentDocument(call.agent)): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const document = attempt === 0 ? await read : await this.agentDocument(call.agent);
      const before = document?.data;
      const previous = typeof before?.callSid === 'string' && before.agent === call.agent ? [otherCall(before as AgentCall), ...(before.others ?? [])] : [];
      const others = previous.filter((other) => other.callSid !== call.callSid).slice(0, KEPT_OTHER_CALLS);
      const data: AgentCall = { ...otherCall(call), agent: call.agent, taskSid: call.taskSid, ...(others.length > 0 && { others }) };
      if (!document) return this.setAgentCall(data);
      const written = await this.retries
        .unlessNotFound(() => this.documents(agentDocumentName(call.agent)).update({ data, ifMatch: document.revision, ttl: LIVE_ITEM_TTL_SECONDS }), null)
        .then(
          () => true,
          (error: unknown) => {
            if (httpStatus(error) !== 412) throw error;
            return false;
          },
        );
      if (written) return;
    }
    // Written over and over meanwhile: the acceptance's call must be there all the same.
    await this.setAgentCall(call);
  }

  /** The agent's document as it is now (what `clearAgentCall` decides from; read early, it costs no round trip of its own). */
  agentDocument(agent: string): Promise<{ data: Partial<AgentCall>; revision: string } | null> {
    return this.retries
      .unlessNotFound(() => this.documents(agentDocumentName(agent)).fetch(), null)
      .then((document) => document && { data: document.data as Partial<AgentCall>, revision: document.revision });
  }

  /** Forgets the agent's call `callSid`: the newest other call, if any, becomes the one the entry names. */
  async clearAgentCall(agent: string, callSid: string, read = this.agentDocument(agent)): Promise<void> {
    const document = await read;
    const entry = document?.data;
    if (!document || !entry || (entry.callSid !== callSid && !entry.others?.some((other) => other.callSid === callSid))) return;
    const others = (entry.others ?? []).filter((other) => other.callSid !== callSid);
    const [next, ...rest] = entry.callSid === callSid ? others : [otherCall(entry as AgentCall), ...others];
    const data = next ? { ...next, agent, ...(rest.length > 0 && { others: rest }) } : { agent };
    // Conditional, so a newer call written meanwhile is not wiped out.
    await this.retries
      .unlessNotFound(() => this.documents(agentDocumentName(agent)).update({ data, ifMatch: document.revision }), null)
      .catch((error: unknown) => {
        if (httpStatus(error) !== 412) throw error;
      });
  }
}
