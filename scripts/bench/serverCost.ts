/**
 * What the functions cost, measured by running them (the real endpoint code, the real `twilio`
 * SDK, the stand-in answering in-process, TaskRouter's event callbacks delivered to the task-event
 * logic as Twilio would):
 * - a call with one card payment (card number and CVV, focus and blur), accepted to wrapped up:
 *   Function invocations, Twilio REST requests, Sync reads and writes;
 * - an idle agent on a call: what the plugin's one `status` costs, and nothing after;
 * - the sweep with 5,000 past ledgers and none open, against the previous sweep that listed every
 *   document;
 * - how many agents on calls 30 concurrent Functions serve (Little's law: 30 / (λ · W)), with W the
 *   measured mean invocation time against a Twilio answering in 150 ms, before and after.
 */
import { buildServices, taskEventDeps } from '../../src/serverless/lib/services';
import { performance } from 'node:perf_hooks';
import twilio from 'twilio';
import { signedHeaders } from '../../src/core/signature';
import { taskEvent } from '../../src/serverless/lib/ledger/callbacks';
import { handleDesktopEvent } from '../../src/serverless/lib/signals/desktopEvent';
import { LedgerStore, newCallRecord } from '../../src/serverless/lib/ledger/ledgerStore';
import { handleRecordingControl } from '../../src/serverless/lib/api/recordingControls';
import { readSettings } from '../../src/serverless/lib/settings';
import { sweep } from '../../src/serverless/lib/ledger/sweep';
import { createStandin, RequestRecord } from '../../src/standin/standin';
import { parseDesktopEventsConfig } from '../../src/core/desktopEvents';
import { InProcessRequestClient } from './inProcess';
import { taskEventCallback } from './shared';
import { FIRST_STATE_GRACE_MS } from '../../src/flex/liveState';
import { liveCallsShardNames } from '../../src/core/syncNames';

const ACCOUNT_SID = `AC${'0'.repeat(32)}`;
const WORKSPACE_SID = `WS${'0'.repeat(32)}`;
const PRODUCT_SYNC_SERVICE_SID = `IS${'5'.repeat(32)}`;
const SECRET = 'bench-secret';
const API_KEY = 'bench-key';
const CONCURRENT_FUNCTIONS = 30;
const LATENCY_MS = 150;
/** The agent-hour the figures assume: 5-minute calls back to back, one card payment on each. */
const CALLS_PER_HOUR = 12;
/** The previous plugin asked `status` every second for the call on screen. */
const BEFORE_STATUS_PER_HOUR = 3600;
const PAST_LEDGERS = 5000;

const env = {
  ACCOUNT_SID,
  AUTH_TOKEN: 'b'.repeat(32),
  TWILIO_WORKSPACE_SID: WORKSPACE_SID,
  // The product's own Sync service (ACLs on), made at the stand-in below.
  SYNC_SERVICE_SID: PRODUCT_SYNC_SERVICE_SID,
  DESKTOP_EVENT_SECRET: SECRET,
  RECORDING_CONTROLS_API_KEYS: API_KEY,
};

export type Kind = 'voice' | 'taskrouter' | 'sync read' | 'sync write' | 'other';
/** What a Twilio REST request is, by the stand-in's name for its operation. */
export const kindOf = (request: RequestRecord): Kind => {
  const operation = request.operation ?? '';
  if (operation.startsWith('recording.') || operation.startsWith('call.') || operation.startsWith('conference.')) return 'voice';
  if (operation.startsWith('taskrouter.')) return 'taskrouter';
  if (operation.startsWith('sync')) return /\.(fetch|list)$/.test(operation) ? 'sync read' : 'sync write';
  return 'other';
};

function tally(requests: RequestRecord[]): Record<Kind, number> & { total: number } {
  const counts = { voice: 0, taskrouter: 0, 'sync read': 0, 'sync write': 0, other: 0, total: requests.length };
  for (const request of requests) counts[kindOf(request)] += 1;
  return counts;
}

const describeCounts = (counts: ReturnType<typeof tally>) =>
  `${counts.total} Twilio REST requests (Voice ${counts.voice}, TaskRouter ${counts.taskrouter}, Sync reads ${counts['sync read']}, Sync writes ${counts['sync write']})`;

/**
 * The functions on the in-process Twilio, in `containers` Function containers that take the
 * invocations in turn (one: a single warm container serves them all).
 */
async function world({ containers: count = 1 } = {}) {
  const standinRef: { current?: ReturnType<typeof createStandin> } = {};
  const durations: number[] = [];
  /** What each duration was: a signal's trigger, a task event's type, or status. */
  const durationKinds: string[] = [];
  let invocations = 0;
  const timed = async <T>(kind: string, work: () => Promise<T>): Promise<T> => {
    invocations += 1;
    const started = performance.now();
    try {
      return await work();
    } finally {
      durations.push(performance.now() - started);
      durationKinds.push(kind);
    }
  };
  // TaskRouter's event callback, delivered to the task-event logic like the deployed function.
  const callback = await taskEventCallback((event) => timed(event.EventType, () => taskEvent(container().callbacks, event)));
  const standin = createStandin({
    accountSid: ACCOUNT_SID,
    workspaceSid: WORKSPACE_SID,
    eventCallbackUrl: callback.url,
    authToken: env.AUTH_TOKEN,
  });
  standin.createSyncService({ sid: PRODUCT_SYNC_SERVICE_SID, friendlyName: 'recording-controls', aclEnabled: true });
  standinRef.current = standin;
  const settings = readSettings(env);
  const client = twilio(settings.accountSid, settings.authToken, { httpClient: new InProcessRequestClient(standin) });
  const config = parseDesktopEventsConfig(
    JSON.stringify({
      events: [
        { id: 'card-number', startTrigger: 'card-number.focus', action: 'pause', durationSeconds: 60, stopTrigger: 'card-number.blur' },
        { id: 'cvv', startTrigger: 'cvv.focus', action: 'pause', durationSeconds: 60, stopTrigger: 'cvv.blur' },
      ],
    }),
  );
  // As the functions wire a container (runtime.ts): the configuration read as a signal reads it.
  const containerOf = (services: ReturnType<typeof buildServices>) => ({
    services,
    desktop: () => ({ ...services, config: services.configs.forSignals(), now: () => new Date() }),
    api: { ...services, now: () => new Date() },
    callbacks: taskEventDeps(services)!,
  });
  // A contact center in its steady state: the live index's shards exist already.
  await Promise.all(liveCallsShardNames().map((uniqueName) => client.sync.v1.services(PRODUCT_SYNC_SERVICE_SID).syncMaps.create({ uniqueName })));
  const containers = Array.from({ length: count }, () => containerOf(buildServices(settings, { client, asset: () => config })));
  let turn = 0;
  const container = () => containers[turn++ % count];
  const { store, index, control } = containers[0].services;
  let sequence = 0;
  return {
    standin,
    store,
    index,
    control,
    durations,
    durationKinds,
    /** The plugin's own read of a call's document (Sync, not a Function): a store no container uses. */
    pluginRead: new LedgerStore(client, PRODUCT_SYNC_SERVICE_SID),
    invocations: () => invocations,
    /** Waits for TaskRouter's callbacks under way and stops the pending ones (a conference not named yet), so nothing reaches the next section. */
    close: async () => {
      await standin.callbacksDelivered();
      standin.reset();
      callback.close();
    },
    signal: (agent: string, trigger: string) =>
      timed(trigger, async () => {
        sequence += 1;
        const body = { eventId: `bench-cost-${sequence}`, agent, trigger };
        const headers = Object.fromEntries(Object.entries(signedHeaders(SECRET, body)).map(([name, value]) => [name.toLowerCase(), value]));
        const result = await handleDesktopEvent(container().desktop(), { headers, body });
        if (result.status !== 200) throw new Error(`signal answered ${result.status}`);
      }),
    status: (callSid: string) =>
      timed('status', async () => {
        const result = await handleRecordingControl('status', container().api, { headers: { authorization: `Bearer ${API_KEY}` }, body: { callSid } });
        if (result.status !== 200) throw new Error(`status answered ${result.status}`);
      }),
  };
}

const CARD_PAYMENT = ['card-number.focus', 'card-number.blur', 'cvv.focus', 'cvv.blur'];
/** Timed payments leave the load bench's mean gap between an agent's signals (a resume then has landed before the next pause). */
const SIGNAL_GAP_MS = 2000;

/**
 * A call from the agent accepting it to its wrap-up, with the signals given. The plugin asks no
 * `status`: the call's document says the state once Flex named the conference (task.updated).
 */
async function oneCall(w: Awaited<ReturnType<typeof world>>, agent: string, triggers: string[] = CARD_PAYMENT, gapMs = 0) {
  const call = w.standin.createLiveCall({ agent, recording: 'both' });
  await w.standin.callbacksDelivered();
  if (!(await documentSaysState(w, call.taskSid, call.callSid))) await w.status(call.callSid);
  for (const trigger of triggers) {
    await w.signal(agent, trigger);
    if (gapMs) await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  w.standin.endCall(call.callSid);
  await w.standin.callbacksDelivered();
}

/**
 * The plugin follows the call's document, which learns the state once Flex named the conference
 * (task.updated): it asks `status` only if the document cannot say then (src/flex/liveState.ts).
 */
async function documentSaysState(w: Awaited<ReturnType<typeof world>>, taskSid: string, callSid: string): Promise<boolean> {
  const until = Date.now() + FIRST_STATE_GRACE_MS;
  while (!w.standin.eventCallbacks().some((event) => event.taskSid === taskSid && event.eventType === 'task.updated') && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await w.standin.callbacksDelivered();
  return (await w.pluginRead.load(callSid))?.record.recording !== 'unknown';
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** Mean duration of each kind of invocation last timed, in Twilio round trips. */
function roundTrips(w: Awaited<ReturnType<typeof world>>): string {
  const byKind = new Map<string, number[]>();
  w.durations.forEach((ms, i) => byKind.set(w.durationKinds[i], [...(byKind.get(w.durationKinds[i]) ?? []), ms]));
  return [...byKind].map(([kind, times]) => `${kind} ${(mean(times) / LATENCY_MS).toFixed(1)}`).join(', ');
}

export async function run(): Promise<string[]> {
  const lines: string[] = [];

  // A call with one card payment, and an idle agent's first status.
  const w = await world();
  await oneCall(w, 'warm-up'); // a warm container, as most invocations find
  let invocationsBefore = w.invocations();
  const quietMark = w.standin.requests().length;
  await oneCall(w, 'quiet', []);
  const perQuietCall = w.invocations() - invocationsBefore;
  lines.push(
    `call without a card payment, accepted to wrap-up: ${perQuietCall} Function invocations, ${describeCounts(tally(w.standin.requests().slice(quietMark)))}`,
  );
  invocationsBefore = w.invocations();
  const mark = w.standin.requests().length;
  await oneCall(w, 'payer', CARD_PAYMENT, SIGNAL_GAP_MS);
  const perCall = w.invocations() - invocationsBefore;
  const callCounts = tally(w.standin.requests().slice(mark));
  lines.push(
    `call with one card payment (card number + CVV, focus and blur), accepted to wrap-up: ${perCall} Function invocations, ${describeCounts(callCounts)}`,
  );

  const idle = w.standin.createLiveCall({ agent: 'idle', recording: 'both' });
  await w.standin.callbacksDelivered();
  const idleMark = w.standin.requests().length;
  await w.status(idle.callSid);
  const statusCounts = tally(w.standin.requests().slice(idleMark));
  lines.push(
    `idle agent on a call, per agent-hour: 1 Function invocation (the plugin's first status: ${describeCounts(statusCounts)}), then 0 invocations and 0 REST requests per minute`,
  );
  lines.push(
    `idle agent, per agent-hour, before: ${BEFORE_STATUS_PER_HOUR} invocations, ${BEFORE_STATUS_PER_HOUR * 3} Twilio REST requests (status every second: the ledger and both recording lists)`,
  );

  // Little's law, with Twilio answering in 150 ms: agents = 30 / (invocations per second per agent × mean time).
  w.standin.setLatency(LATENCY_MS);
  w.durations.length = 0;
  w.durationKinds.length = 0;
  await oneCall(w, 'warm-up', CARD_PAYMENT, SIGNAL_GAP_MS); // an agent's next call: their entry exists
  const paymentCallMs = mean(w.durations);
  const warmTrips = roundTrips(w);
  w.durations.length = 0;
  await oneCall(w, 'quiet', []);
  const quietCallMs = mean(w.durations);
  const timedIdle = w.standin.createLiveCall({ agent: 'timed-idle', recording: 'both' });
  await w.standin.callbacksDelivered();
  w.durations.length = 0;
  for (let i = 0; i < 5; i += 1) await w.status(timedIdle.callSid);
  const statusMs = mean(w.durations);
  w.standin.setLatency(0);
  const agentsFor = (invocationsPerHour: number, meanMs: number) =>
    Math.round(CONCURRENT_FUNCTIONS / ((invocationsPerHour / 3600) * (meanMs / 1000))).toLocaleString('en-US');
  lines.push(
    `agents on calls within ${CONCURRENT_FUNCTIONS} concurrent Functions (Little's law, Twilio answering in ${LATENCY_MS} ms, ${CALLS_PER_HOUR} five-minute calls an agent-hour):`,
  );
  lines.push(`  before: ${agentsFor(BEFORE_STATUS_PER_HOUR, statusMs)} (a status every second, ${statusMs.toFixed(0)} ms each)`);
  lines.push(
    `  after, calls without a card payment: ${agentsFor(CALLS_PER_HOUR * perQuietCall, quietCallMs)} (${perQuietCall} invocations a call, ${quietCallMs.toFixed(0)} ms mean)`,
  );
  lines.push(
    `  after, a card payment on every call: ${agentsFor(CALLS_PER_HOUR * perCall, paymentCallMs)} (${perCall} invocations a call, ${paymentCallMs.toFixed(0)} ms mean)`,
  );
  lines.push(`  one warm container, round trips of ${LATENCY_MS} ms per invocation: ${warmTrips}`);

  // Twilio gives each concurrent invocation a container of its own: a call's invocations rarely
  // meet the one that remembers it. Here 30 warm containers take them in turn, so none does.
  const cold = await world({ containers: CONCURRENT_FUNCTIONS });
  for (let i = 0; i < 6; i += 1) await oneCall(cold, `cold-warm-up-${i}`); // every container has read the configuration
  const coldBefore = cold.invocations();
  const coldMark = cold.standin.requests().length;
  await oneCall(cold, 'cold-warm-up-1', CARD_PAYMENT, SIGNAL_GAP_MS); // a returning agent, as most are
  const coldPerCall = cold.invocations() - coldBefore;
  cold.standin.setLatency(LATENCY_MS);
  cold.durations.length = 0;
  cold.durationKinds.length = 0;
  await oneCall(cold, 'cold-warm-up-0', CARD_PAYMENT, SIGNAL_GAP_MS);
  const coldCallMs = mean(cold.durations);
  cold.standin.setLatency(0);
  lines.push(`${CONCURRENT_FUNCTIONS} warm containers taking the invocations in turn (none remembers the call or the agent):`);
  lines.push(`  call with one card payment: ${coldPerCall} Function invocations, ${describeCounts(tally(cold.standin.requests().slice(coldMark)))}`);
  lines.push(
    `  a card payment on every call: ${agentsFor(CALLS_PER_HOUR * coldPerCall, coldCallMs)} agents (${coldCallMs.toFixed(0)} ms mean); round trips per invocation: ${roundTrips(cold)}`,
  );
  await cold.close();

  // The sweep with 5,000 past ledgers and none open.
  const past = await world();
  for (let i = 0; i < PAST_LEDGERS; i += 1) {
    const callSid = `CA${i.toString(16).padStart(32, '0')}`;
    await past.store.commit(callSid, () => ({
      ...newCallRecord({ callSid }),
      intervals: [{ from: new Date(0).toISOString(), to: new Date(1000).toISOString(), holdIds: ['cvv'], sources: ['desktop'], by: ['someone'] }],
    }));
  }
  const sweepMark = past.standin.requests().length;
  const report = await sweep(past.index, past.control, () => new Date());
  const sweepRequests = past.standin.requests().length - sweepMark;
  const listMark = past.standin.requests().length;
  await twilioListAllDocuments(past);
  const beforeSweep = past.standin.requests().length - listMark;
  lines.push(
    `sweep with ${PAST_LEDGERS.toLocaleString('en-US')} past ledgers, none open: ${sweepRequests} Twilio REST request(s) (${report.live} live calls read); before: ${beforeSweep} (every document listed)`,
  );
  await w.close();
  await past.close();
  return lines;
}

/** What the previous sweep did first: list every document in the service, 100 a page. */
async function twilioListAllDocuments(w: Awaited<ReturnType<typeof world>>): Promise<void> {
  const client = twilio(ACCOUNT_SID, env.AUTH_TOKEN, { httpClient: new InProcessRequestClient(w.standin) });
  await client.sync.v1.services('default').documents.list({ pageSize: 100 });
}
