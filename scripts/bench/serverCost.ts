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
 *   measured mean invocation time against a Twilio answering in 150 ms, before and after;
 * - TaskRouter's events delivered as an Event Streams sink delivers them, in batches of 10, 50 and
 *   100 (one invocation each, its tasks bounded as the function bounds them), Twilio at 150 ms with
 *   its account REST concurrency on: the Functions-seconds of a batch;
 * - the busy Functions of a 10,000-agent contact center: their mean (Little's law over signals,
 *   batched task events, status and the sweep) and the 99th percentile of the number busy, taking
 *   it as Poisson with that mean; in one warm container and in 30 that take invocations in turn.
 */
import { buildServices } from '../../src/serverless/lib/wiring/services';
import { taskEventDeps } from '../../src/serverless/lib/endpoints/taskEvent';
import { performance } from 'node:perf_hooks';
import twilio from 'twilio';
import { signedHeaders } from '../../src/core/signature';
import { taskEvent } from '../../src/serverless/lib/control/callbacks';
import { handleDesktopEvent } from '../../src/serverless/lib/endpoints/desktopEvent';
import { LedgerStore } from '../../src/serverless/lib/stores/ledgerStore';
import { DEFAULT_RETRIES } from '../../src/serverless/lib/twilio/retry';
import { newCallRecord } from '../../src/serverless/lib/base/callRecord';
import { handleRecordingControl } from '../../src/serverless/lib/endpoints/recordingControls';
import { readSettings } from '../../src/serverless/lib/base/settings';
import { sweep } from '../../src/serverless/lib/control/sweep';
import { GRACE_MS } from '../../src/serverless/lib/stores/sweepWatch';
import { eventStreamsEvents } from '../../src/serverless/lib/control/eventStreams';
import { handleDelivery, TASKS_AT_ONCE } from '../../src/serverless/lib/control/taskEventBatch';
import { createStandin, type LiveCallResult, RequestRecord } from '../../src/standin/standin';
import pLimit from 'p-limit';
import { parseDesktopEventsConfig } from '../../src/core/desktopEvents';
import { InProcessRequestClient } from './inProcess';
import { PAYMENT_AT_AGENT_PACE, PAYMENT_TRIGGERS, taskEventCallback } from './shared';
import { EXPIRY_MARGIN_MS, FIRST_STATE_GRACE_MS } from '../../src/flex/liveState';
import { type Hold, resumesAt } from '../../src/core/holds';
import { liveCallsShardNames } from '../../src/core/syncNames';
import { ACCOUNT_REST_CONCURRENCY, limitRestConcurrency } from './restConcurrency';
import {
  BATCH_SIZES,
  busyFunctions,
  type CallFunctionTime,
  cloudEventsOf,
  CONCURRENT_FUNCTIONS,
  PLANNED_BUSY_SHARE,
  SINK_TIMEOUT_MS,
  SWEEP_EVERY_SECONDS,
} from './taskEventBatches';

const ACCOUNT_SID = `AC${'0'.repeat(32)}`;
const WORKSPACE_SID = `WS${'0'.repeat(32)}`;
const PRODUCT_SYNC_SERVICE_SID = `IS${'5'.repeat(32)}`;
const SECRET = 'bench-secret';
const API_KEY = 'bench-key';
const LATENCY_MS = 150;
/** The agent-hour the figures assume: 5-minute calls back to back, one card payment on each. */
const CALLS_PER_HOUR = 12;
/** The previous plugin asked `status` every second for the call on screen. */
const BEFORE_STATUS_PER_HOUR = 3600;
const PAST_LEDGERS = 5000;
/** The contact center the busy Functions are figured for: every agent on a call, call after call. */
const AGENTS = 10_000;
const CALLS_PER_SECOND = (AGENTS * CALLS_PER_HOUR) / 3600;
/** A payment's holds are open about 4 s (card number and CVV, 1–3 s each, as the load bench types them). */
const HELD_SECONDS_PER_PAYMENT = 4;

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
  // TaskRouter's event callback, delivered to the task-event logic like the deployed function; or,
  // while batches are gathered, kept for a batch to deliver.
  const queued: Array<Record<string, string>> = [];
  let queueing = false;
  const callback = await taskEventCallback((event) => {
    if (!queueing) return timed(event.EventType, () => taskEvent(container().callbacks, event));
    queued.push(event);
    return Promise.resolve({ status: 204, body: '' });
  });
  const standin = createStandin({
    accountSid: ACCOUNT_SID,
    workspaceSid: WORKSPACE_SID,
    eventCallbackUrl: callback.url,
    authToken: env.AUTH_TOKEN,
  });
  standin.createSyncService({ sid: PRODUCT_SYNC_SERVICE_SID, friendlyName: 'recording-controls', aclEnabled: true });
  standinRef.current = standin;
  // Twilio's account REST concurrency: past it, 429 / 20429.
  const restLimit = limitRestConcurrency(standin);
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
    desktop: () => ({ ...services, ...services.configs.forSignal() }),
    api: services,
    callbacks: taskEventDeps(services)!,
  });
  // A contact center in its steady state: the live index's shards exist already.
  await Promise.all(liveCallsShardNames().map((uniqueName) => client.sync.v1.services(PRODUCT_SYNC_SERVICE_SID).syncMaps.create({ uniqueName })));
  const newContainer = () => containerOf(buildServices(settings, { client, asset: () => config }));
  const containers = Array.from({ length: count }, newContainer);
  let turn = 0;
  const container = () => containers[turn++ % count];
  const { store, index, control } = containers[0].services;
  let sequence = 0;
  return {
    standin,
    restLimit,
    store,
    index,
    control,
    newContainer,
    durations,
    durationKinds,
    /** The plugin's own read of a call's document (Sync, not a Function): a store no container uses. */
    pluginRead: new LedgerStore(client, DEFAULT_RETRIES, PRODUCT_SYNC_SERVICE_SID),
    invocations: () => invocations,
    /** Waits for TaskRouter's callbacks under way and stops the pending ones (a conference not named yet), so nothing reaches the next section. */
    close: async () => {
      await standin.callbacksDelivered();
      restLimit.undo();
      standin.reset();
      callback.close();
    },
    /** TaskRouter's events are kept from now on (`queueEvents(true)`) instead of handled, for `deliver`. */
    queueEvents: (on: boolean) => {
      queueing = on;
    },
    queued,
    /** One Event Streams delivery of `events` to the next container, as the function runs it; its duration (ms). */
    deliver: async (events: Array<Record<string, string>>): Promise<number> => {
      const { callbacks } = container();
      const batch = eventStreamsEvents({ ...cloudEventsOf(events, WORKSPACE_SID) }) ?? [];
      const started = performance.now();
      const result = await handleDelivery(batch, (event) => taskEvent(callbacks, event));
      if (result.status !== 204) throw new Error(`a delivery answered ${result.status}`);
      return performance.now() - started;
    },
    /** A desktop signal naming the agent (and the call, when the relay knows it). */
    signal: (agent: string, trigger: string, callSid?: string) =>
      timed(trigger, async () => {
        sequence += 1;
        const body = { eventId: `bench-cost-${sequence}`, agent, trigger, ...(callSid && { callSid }) };
        const headers = Object.fromEntries(Object.entries(signedHeaders(SECRET, body)).map(([name, value]) => [name.toLowerCase(), value]));
        const result = await handleDesktopEvent(container().desktop(), { headers, body });
        if (result.status !== 200) throw new Error(`signal answered ${result.status}`);
        return (result.body as { holds?: Hold[] }).holds ?? [];
      }),
    status: (callSid: string) =>
      timed('status', async () => {
        const result = await handleRecordingControl('status', container().api, { headers: { authorization: `Bearer ${API_KEY}` }, body: { callSid } });
        if (result.status !== 200) throw new Error(`status answered ${result.status}`);
      }),
  };
}

const CARD_PAYMENT = PAYMENT_TRIGGERS;
/** Each signal of a timed payment comes the middle of its range after the one before (an agent's pace). */
const PAYMENT_WAITS_MS = PAYMENT_AT_AGENT_PACE.map(({ afterMs }) => (afterMs[0] + afterMs[1]) / 2);
/** After the payment's last signal the call goes on this long: the plugin's look at the expiry comes within it. */
const CALL_GOES_ON_MS = 2000;

/**
 * A call from the agent accepting it to its wrap-up, with the signals given (at an agent's pace when
 * `paced`). The plugin asks `status` when the call's document cannot say the state once Flex named
 * the conference (task.updated), and when the call resumes by itself before the next signal.
 */
async function oneCall(w: Awaited<ReturnType<typeof world>>, agent: string, triggers: string[] = CARD_PAYMENT, paced = false, namingTheCall = false) {
  const call = w.standin.createLiveCall({ agent, recording: 'both' });
  await w.standin.callbacksDelivered();
  if (!(await documentSaysState(w, call.taskSid, call.callSid))) await w.status(call.callSid);
  for (const [index, trigger] of triggers.entries()) {
    const holds = await w.signal(agent, trigger, namingTheCall ? call.callSid : undefined);
    if (!paced) continue;
    const gapMs = PAYMENT_WAITS_MS[index + 1] ?? CALL_GOES_ON_MS;
    // The plugin asks `status` the moment the call resumes by itself (a stop's wait for the next field), if that comes before the next signal.
    const at = resumesAt({ holds, intervals: [] });
    const untilExpiry = at === null ? Infinity : Date.parse(at) - Date.now() + EXPIRY_MARGIN_MS;
    if (untilExpiry < gapMs) {
      await sleep(Math.max(0, untilExpiry));
      await w.status(call.callSid);
      await sleep(gapMs - untilExpiry);
    } else await sleep(gapMs);
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
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type World = Awaited<ReturnType<typeof world>>;

/** Payment calls timed with Twilio at 150 ms, for the durations the busy Functions are figured from. */
const TIMED_CALLS = 3;

/** What the timed payment calls' invocations took, by kind: signals, task events (one a request), status; and how many a call made. */
function callTimes(w: World, calls = TIMED_CALLS): { signalMs: number; signals: number; eventMs: number; events: number; status: number; statusMs: number } {
  const ofKind = (which: (kind: string) => boolean) => w.durations.filter((_, i) => which(w.durationKinds[i]));
  const signals = ofKind((kind) => CARD_PAYMENT.includes(kind));
  const events = ofKind((kind) => !CARD_PAYMENT.includes(kind) && kind !== 'status');
  return {
    signalMs: mean(signals),
    signals: signals.length / calls,
    eventMs: mean(events),
    events: events.length / calls,
    status: ofKind((kind) => kind === 'status').length / calls,
    // The plugin's looks at a payment's expiry (its first status comes only when the document cannot say).
    statusMs: mean(ofKind((kind) => kind === 'status')),
  };
}

interface BatchFigures {
  /** Each timed delivery's duration (ms). */
  ms: number[];
  events: number;
  requests: number;
  refused: number;
}

/**
 * Deliveries of `size` task events from a contact center in its steady state, as Event Streams
 * gathers them: acceptances, conferences named and ends of different calls (each ended call took
 * a card payment first). Calls are set up and paid with Twilio answering at once; each delivery
 * is timed with Twilio at 150 ms. The first fills the pool of calls on the go and is not timed.
 */
async function batchFigures(w: World, size: number, timed: number): Promise<BatchFigures> {
  const warmUp = 1;
  const figures: BatchFigures = { ms: [], events: 0, requests: 0, refused: 0 };
  const waiting: Array<LiveCallResult & { agent: string }> = [];
  const live: Array<LiveCallResult & { agent: string }> = [];
  const delivered = new Set<string>();
  let made = 0;
  w.queueEvents(true);
  w.standin.setLatency(0);
  for (let batch = 0; figures.ms.length < timed; batch += 1) {
    while (w.queued.length < size) {
      const agent = `batch-${size}-${(made += 1)}`;
      waiting.push({ ...w.standin.createLiveCall({ agent, recording: 'both', conferenceDelayMs: 1 }), agent });
      const ending = live.length > size / 3 ? live.shift() : undefined;
      if (ending) {
        for (const trigger of CARD_PAYMENT) await w.signal(ending.agent, trigger);
        w.standin.endCall(ending.callSid);
      }
      await sleep(2); // Flex names the conference
      await w.standin.callbacksDelivered();
    }
    const events = w.queued.splice(0, size);
    const requestsBefore = w.restLimit.admitted();
    const refusedBefore = w.restLimit.refused();
    w.standin.setLatency(LATENCY_MS);
    const ms = await w.deliver(events);
    w.standin.setLatency(0);
    if (batch >= warmUp) {
      figures.ms.push(ms);
      figures.events += events.length;
      figures.requests += w.restLimit.admitted() - requestsBefore;
      figures.refused += w.restLimit.refused() - refusedBefore;
    }
    for (const event of events) delivered.add(`${event.TaskSid} ${event.EventType}`);
    // A call whose acceptance and conference are handled can take its payment.
    for (const call of [...waiting]) {
      if (delivered.has(`${call.taskSid} reservation.accepted`) && delivered.has(`${call.taskSid} task.updated`)) {
        waiting.splice(waiting.indexOf(call), 1);
        live.push(call);
      }
    }
  }
  w.queueEvents(false);
  w.durations.length = 0;
  w.durationKinds.length = 0;
  return figures;
}

/** How many deliveries of each size are timed. */
const TIMED_BATCHES: Record<number, number> = { 10: 5, 50: 3, 100: 2 };

async function batchesBySize(w: World): Promise<Map<number, BatchFigures>> {
  const bySize = new Map<number, BatchFigures>();
  for (const size of BATCH_SIZES) bySize.set(size, await batchFigures(w, size, TIMED_BATCHES[size] ?? 3));
  return bySize;
}

function batchLine(bySize: Map<number, BatchFigures>): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  const parts = [...bySize].map(
    ([size, figures]) =>
      `${size} events ${seconds(mean(figures.ms))} s (slowest ${seconds(Math.max(...figures.ms))} s; ${Math.round(mean(figures.ms) / size)} ms an event, ${(figures.requests / figures.events).toFixed(1)} REST requests an event)`,
  );
  const refused = [...bySize.values()].reduce((sum, figures) => sum + figures.refused, 0);
  const late = [...bySize.values()].flatMap((figures) => figures.ms).filter((ms) => ms > SINK_TIMEOUT_MS).length;
  return `${parts.join('; ')}; 429s from the REST concurrency ${refused}; deliveries past the sink's ${SINK_TIMEOUT_MS / 1000} s ${late}`;
}

interface SweepFigures {
  warmMs: number;
  freshMs: number;
  /** Twilio REST requests a round, and its requests refused past the account's REST concurrency. */
  requests: number;
  refused: number;
}

/**
 * The sweep of a 10,000-agent contact center: every agent on a call (10,000 items in the live
 * index), the calls whose card entry is under way paused (`held`), Twilio at 150 ms with its REST
 * concurrency on; in the container that paused them and in fresh ones. Mean of two rounds each.
 */
async function sweepAtScale(held: number[]): Promise<Map<number, SweepFigures>> {
  const w = await world();
  w.standin.setSyncLimits(false); // setting up 10,000 items at once is no contact center's pace
  const lane = pLimit(50);
  const total = AGENTS;
  const most = Math.max(...held);
  await Promise.all(
    Array.from({ length: total - most }, (_, i) =>
      lane(() => w.index.record({ ...newCallRecord({ callSid: `CA${i.toString(16).padStart(32, 'e')}` }), seq: 1 })),
    ),
  );
  const figures = new Map<number, SweepFigures>();
  let paused = 0;
  for (const count of [...held].sort((a, b) => a - b)) {
    for (; paused < count; paused += 1) {
      const agent = `held-${paused}`;
      w.standin.createLiveCall({ agent, recording: 'both', conferenceDelayMs: 0 });
      await w.standin.callbacksDelivered();
      await w.signal(agent, 'card-number.focus');
    }
    w.standin.setSyncLimits(true);
    w.standin.setLatency(LATENCY_MS);
    const round = async (services: Pick<World, 'index' | 'control'>) => {
      const started = performance.now();
      await sweep(services.index, services.control, () => new Date());
      return performance.now() - started;
    };
    const mark = w.restLimit.admitted();
    const refused = w.restLimit.refused();
    const warm = [await round(w), await round(w)];
    const requests = (w.restLimit.admitted() - mark) / warm.length;
    const fresh = [await round(w.newContainer().services), await round(w.newContainer().services)];
    figures.set(count, { warmMs: mean(warm), freshMs: mean(fresh), requests, refused: (w.restLimit.refused() - refused) / (warm.length + fresh.length) });
    w.standin.setLatency(0);
    w.standin.setSyncLimits(false);
  }
  await w.close();
  return figures;
}

/** A payment's four signals, one after another: the sum of their mean durations, in Twilio round trips. */
function paymentTrips(w: Awaited<ReturnType<typeof world>>): string {
  const ofTrigger = (trigger: string) => mean(w.durations.filter((_, i) => w.durationKinds[i] === trigger));
  return (CARD_PAYMENT.reduce((sum, trigger) => sum + ofTrigger(trigger), 0) / LATENCY_MS).toFixed(1);
}

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
  const quietCounts = tally(w.standin.requests().slice(quietMark));
  lines.push(`call without a card payment, accepted to wrap-up: ${perQuietCall} Function invocations, ${describeCounts(quietCounts)}`);
  invocationsBefore = w.invocations();
  const mark = w.standin.requests().length;
  await oneCall(w, 'payer', CARD_PAYMENT, true);
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
  for (let i = 0; i < TIMED_CALLS; i += 1) await oneCall(w, 'warm-up', CARD_PAYMENT, true); // an agent's next calls: their entry exists
  const paymentCallMs = mean(w.durations);
  const warmTrips = roundTrips(w);
  const warmPaymentTrips = paymentTrips(w);
  const warmCall = callTimes(w);
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
    `agents on calls within ${CONCURRENT_FUNCTIONS} concurrent Functions (Little's law, Twilio answering in ${LATENCY_MS} ms, ${CALLS_PER_HOUR} five-minute calls an agent-hour; task events one a request, as the workspace's Event Callback sends them):`,
  );
  lines.push(`  before: ${agentsFor(BEFORE_STATUS_PER_HOUR, statusMs)} (a status every second, ${statusMs.toFixed(0)} ms each)`);
  lines.push(
    `  after, calls without a card payment: ${agentsFor(CALLS_PER_HOUR * perQuietCall, quietCallMs)} (${perQuietCall} invocations a call, ${quietCallMs.toFixed(0)} ms mean)`,
  );
  lines.push(
    `  after, a card payment on every call: ${agentsFor(CALLS_PER_HOUR * perCall, paymentCallMs)} (${perCall} invocations a call, ${paymentCallMs.toFixed(0)} ms mean)`,
  );
  lines.push(`  one warm container, round trips of ${LATENCY_MS} ms per invocation: ${warmTrips}`);
  lines.push(`  one warm container, a payment's four signals (naming only the agent): ${warmPaymentTrips} round trips one after another`);

  // Twilio gives each concurrent invocation a container of its own: a call's invocations rarely
  // meet the one that remembers it. Here 30 warm containers take them in turn, so none does.
  const cold = await world({ containers: CONCURRENT_FUNCTIONS });
  for (let i = 0; i < 6; i += 1) await oneCall(cold, `cold-warm-up-${i}`); // every container has read the configuration
  const coldBefore = cold.invocations();
  const coldMark = cold.standin.requests().length;
  await oneCall(cold, 'cold-warm-up-1', CARD_PAYMENT, true); // a returning agent, as most are
  const coldPerCall = cold.invocations() - coldBefore;
  const coldCounts = tally(cold.standin.requests().slice(coldMark));
  cold.standin.setLatency(LATENCY_MS);
  cold.durations.length = 0;
  cold.durationKinds.length = 0;
  for (let i = 0; i < TIMED_CALLS; i += 1) await oneCall(cold, `cold-warm-up-${i}`, CARD_PAYMENT, true);
  const coldCallMs = mean(cold.durations);
  const coldTrips = roundTrips(cold);
  const coldPaymentTrips = paymentTrips(cold);
  const coldCall = callTimes(cold);
  // The same calls with a relay that names the call in its signals.
  cold.durations.length = 0;
  cold.durationKinds.length = 0;
  for (let i = 0; i < TIMED_CALLS; i += 1) await oneCall(cold, `cold-warm-up-${i}`, CARD_PAYMENT, true, true);
  const coldNamedTrips = roundTrips(cold);
  const coldNamedPaymentTrips = paymentTrips(cold);
  const coldIdle = cold.standin.createLiveCall({ agent: 'cold-timed-idle', recording: 'both' });
  await cold.standin.callbacksDelivered();
  cold.durations.length = 0;
  for (let i = 0; i < 5; i += 1) await cold.status(coldIdle.callSid);
  const coldStatusMs = mean(cold.durations);
  cold.standin.setLatency(0);
  lines.push(`${CONCURRENT_FUNCTIONS} warm containers taking the invocations in turn (none remembers the call or the agent):`);
  lines.push(`  call with one card payment: ${coldPerCall} Function invocations, ${describeCounts(coldCounts)}`);
  lines.push(
    `  a card payment on every call: ${agentsFor(CALLS_PER_HOUR * coldPerCall, coldCallMs)} agents (${coldCallMs.toFixed(0)} ms mean); round trips per invocation: ${coldTrips}`,
  );
  lines.push(
    `  a payment's four signals one after another: ${coldPaymentTrips} round trips naming only the agent, ${coldNamedPaymentTrips} naming the call (round trips per invocation then: ${coldNamedTrips})`,
  );

  // TaskRouter's events as an Event Streams sink delivers them: a batch per invocation.
  const warmBatches = await batchesBySize(w);
  const coldBatches = await batchesBySize(cold);
  await cold.close();
  lines.push(
    `task events in Event Streams deliveries (one invocation a delivery, its tasks at most ${TASKS_AT_ONCE} at once; Twilio at ${LATENCY_MS} ms, its REST concurrency on), Functions-seconds a delivery:`,
  );
  lines.push(`  one warm container: ${batchLine(warmBatches)}`);
  lines.push(`  ${CONCURRENT_FUNCTIONS} containers in turn: ${batchLine(coldBatches)}`);
  lines.push(
    `  for comparison, one event a request: ${warmCall.eventMs.toFixed(0)} ms an event (one warm container), ${coldCall.eventMs.toFixed(0)} ms (${CONCURRENT_FUNCTIONS} in turn)`,
  );

  // The busy Functions of a 10,000-agent contact center, a payment on every call and on one in three.
  const held = (share: number) => Math.round(CALLS_PER_SECOND * HELD_SECONDS_PER_PAYMENT * share);
  const sweeps = await sweepAtScale([held(1 / 3), held(1)]);
  lines.push(
    `sweep every ${SWEEP_EVERY_SECONDS} s at ${AGENTS.toLocaleString('en-US')} agents (${AGENTS.toLocaleString('en-US')} calls in the live index, those in card entry paused; Twilio at ${LATENCY_MS} ms): ` +
      [...sweeps]
        .map(
          ([count, sweep]) =>
            `${count} paused: ${sweep.warmMs.toFixed(0)} ms a round (${sweep.freshMs.toFixed(0)} ms in a fresh container), ${Math.round(sweep.requests)} REST requests, ${Math.round(sweep.refused)} answered 429 past the REST concurrency`,
        )
        .join('; '),
  );
  lines.push(...busyLines(warmCall, statusMs, warmBatches, coldCall, coldStatusMs, coldBatches, sweeps, held));
  // Every request a call makes is in flight for a round trip: Little's law again, against the account's REST concurrency.
  const inFlight = (requestsPerCall: number, sweepRequests: number) =>
    ((CALLS_PER_SECOND * requestsPerCall + sweepRequests / SWEEP_EVERY_SECONDS) * LATENCY_MS) / 1000;
  const oneInThree = quietCounts.total + (callCounts.total - quietCounts.total) / 3;
  lines.push(
    `Twilio REST requests in flight at ${AGENTS.toLocaleString('en-US')} agents (Little's law: ${CALLS_PER_SECOND.toFixed(1)} calls/s × requests a call, and the sweep's, × ${LATENCY_MS} ms; the account's REST concurrency: ${ACCOUNT_REST_CONCURRENCY}): ` +
      `one warm container, a payment on every call ${inFlight(callCounts.total, sweeps.get(held(1))!.requests).toFixed(0)} (${callCounts.total} requests a call), on one in three ${inFlight(oneInThree, sweeps.get(held(1 / 3))!.requests).toFixed(0)}; ` +
      `${CONCURRENT_FUNCTIONS} containers in turn, a payment on every call ${inFlight(coldCounts.total, sweeps.get(held(1))!.requests).toFixed(0)} (${coldCounts.total} requests a call)`,
  );

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
  // Rounds once no hold has been open for the watch's grace (sweepWatch.ts): the second asks TaskRouter for repair marks no more (at most every 5 s).
  const idleRounds: number[] = [];
  for (let round = 1; round <= 2; round += 1) {
    const mark = past.standin.requests().length;
    await sweep(past.index, past.control, () => new Date(Date.now() + GRACE_MS + round * 1000));
    idleRounds.push(past.standin.requests().length - mark);
  }
  const listMark = past.standin.requests().length;
  await twilioListAllDocuments(past);
  const beforeSweep = past.standin.requests().length - listMark;
  lines.push(
    `sweep with ${PAST_LEDGERS.toLocaleString('en-US')} past ledgers, none open: ${sweepRequests} Twilio REST request(s) in the round that finds nothing (${report.live} live calls read), then ${idleRounds.join(' and ')} a round once no hold was open for ${GRACE_MS / 1000} s; before: ${beforeSweep} (every document listed)`,
  );
  await w.close();
  await past.close();
  return lines;
}

/**
 * Busy Functions at 10,000 agents: the mean by Little's law and the 99th percentile of a Poisson
 * number busy, for each delivery size, a payment on every call and on one in three.
 */
function busyLines(
  warmCall: ReturnType<typeof callTimes>,
  warmStatusMs: number,
  warmBatches: Map<number, BatchFigures>,
  coldCall: ReturnType<typeof callTimes>,
  coldStatusMs: number,
  coldBatches: Map<number, BatchFigures>,
  sweeps: Map<number, { warmMs: number; freshMs: number }>,
  held: (share: number) => number,
): string[] {
  const planned = Math.floor(CONCURRENT_FUNCTIONS * PLANNED_BUSY_SHARE);
  const lines = [
    `busy Functions at ${AGENTS.toLocaleString('en-US')} agents (${CALLS_PER_HOUR} five-minute calls an agent-hour = ${CALLS_PER_SECOND.toFixed(1)} calls/s; ` +
      `mean by Little's law over signals, task-event deliveries, status and the sweep at the durations above; p99 of the number busy taken as Poisson with that mean, from its CDF; ` +
      `plan: p99 within ${CONCURRENT_FUNCTIONS}, mean within ${planned} (${PLANNED_BUSY_SHARE * 100} %)):`,
  ];
  const modes = [
    { name: 'one warm container', call: warmCall, batches: warmBatches, sweepMs: (count: number) => sweeps.get(count)!.warmMs },
    {
      name: `${CONCURRENT_FUNCTIONS} containers in turn`,
      call: coldCall,
      batches: coldBatches,
      sweepMs: (count: number) => sweeps.get(count)!.freshMs,
    },
  ];
  for (const mode of modes) {
    for (const [payments, share] of [
      ['a payment on every call', 1],
      ['on one call in three', 1 / 3],
    ] as const) {
      const call: CallFunctionTime = {
        signalMs: mode.call.signalMs,
        signalsPerCall: CARD_PAYMENT.length * share,
        // The plugin's look at an expiry comes with a payment.
        statusMs: mode.call.statusMs,
        statusPerCall: mode.call.status * share,
        eventsPerCall: mode.call.events,
        batchMs: new Map([...mode.batches].map(([size, figures]) => [size, mean(figures.ms)])),
      };
      const bySize = BATCH_SIZES.map((size) => {
        const { mean: busy, p99 } = busyFunctions(CALLS_PER_SECOND, call, size, mode.sweepMs(held(share)));
        return `${size} a delivery: mean ${busy.toFixed(1)}, p99 ${p99}`;
      });
      lines.push(`  ${mode.name}, ${payments}: ${bySize.join('; ')}`);
    }
  }
  lines.push(
    `  (a call: ${CARD_PAYMENT.length} signals of ${warmCall.signalMs.toFixed(0)} ms (${coldCall.signalMs.toFixed(0)} ms in turn), ${Number(warmCall.events.toFixed(2))} task events, ${Number(warmCall.status.toFixed(2))} status at the payment's expiry of ${warmCall.statusMs.toFixed(0)} ms (${coldCall.statusMs.toFixed(0)} ms); an idle call's first status ${warmStatusMs.toFixed(0)} ms (${coldStatusMs.toFixed(0)} ms))`,
  );
  return lines;
}

/** What the previous sweep did first: list every document in the service, 100 a page. */
async function twilioListAllDocuments(w: Awaited<ReturnType<typeof world>>): Promise<void> {
  const client = twilio(ACCOUNT_SID, env.AUTH_TOKEN, { httpClient: new InProcessRequestClient(w.standin) });
  await client.sync.v1.services('default').documents.list({ pageSize: 100 });
}
