/**
 * Load: a 10,000-agent contact center's card payments through the real local stack (twilio-run
 * serving the built functions, the stand-in over HTTP answering after 150 ms with Twilio's REST
 * concurrency and Sync's limits on, TaskRouter's events delivered to /task-event as an Event
 * Streams sink delivers them, in batches). Calls arrive at the contact center's rate (12 an
 * agent-hour); each is accepted, its document opened as the plugin does when the call comes on
 * screen (its status asked only if the document cannot say the state within the plugin's grace),
 * then, once Flex has named its conference, it takes one card payment (4 signals
 * a few seconds apart, sent when the agent acts, not when the previous answer came) and ends.
 *
 * Here one twilio-run process serves every invocation (Twilio gives each its own container), on
 * a 2-core machine shared with the stand-in and the bench: a short calibration measures the
 * processor time a call costs each process, and the run offers the full rate only if this
 * machine can carry it, else the most it can (each process at 70% of a core), and says so.
 *
 * Figures come from the steady window after the ramp: the rate sustained, answers, time to paused
 * and to answer, Twilio REST requests per signal, Sync's busiest objects (named from the request
 * paths), invocations in flight, and the agents served within 30 concurrent Functions and Sync's
 * per-object limit (each object's load scaled to the 10,000-agent rate). First with signals naming
 * the call (as the plugin's CRM bridge sends them) and deliveries of up to 50 events, then shorter
 * runs with deliveries of up to 10 and 100 (their figures only), then one with the agent only (the
 * function looks the call up).
 *
 * LOAD_SECONDS sets the steady window (default 30); LOAD_SCALE offers that part of the full rate
 * whatever this machine carries (LOAD_SCALE=1: the full rate).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { callDocumentName, LIVE_CALLS_PREFIX, LIVE_SHARDS } from '../../src/core/syncNames';
import { EXPIRY_MARGIN_MS, FIRST_STATE_GRACE_MS } from '../../src/flex/liveState';
import { type Hold, resumesAt } from '../../src/core/holds';
import { signedHeaders } from '../../src/core/signature';
import { random as seededRandom } from '../../src/rig/faultRun';
import type { LiveCallResult } from '../../src/standin/standin';
import { freePort, type LocalStack, startLocalStack } from '../localStack';
import { inFlight, type Interval, retryFlags, type SyncObjectLoad, syncObjectLoads, syncObjectOf } from './loadStats';
import { type AnsweredRequest, RequestLog } from './requestLog';
import { type Kind, kindOf } from './serverCost';
import { env, LATENCY_MS, PAYMENT_AT_AGENT_PACE, PAYMENT_PACE_WORDS, PAYMENT_TRIGGERS, percentile } from './shared';
import { expireSyncLazily } from './standinAtScale';
import { type TaskEventDelivery, TaskEventFanOut } from './taskEventFanOut';
import { ACCOUNT_REST_CONCURRENCY, limitRestConcurrency, type RestConcurrencyLimit } from './restConcurrency';
import { GATHER_MS, poissonQuantile, SINK_TIMEOUT_MS } from './taskEventBatches';
import { machineMs, ownMs, processTreeMs } from './processorTime';

const AGENTS = 10_000;
const CALLS_PER_AGENT_HOUR = 12;
const CALLS_PER_SECOND = (AGENTS * CALLS_PER_AGENT_HOUR) / 3600;
const CONCURRENT_FUNCTIONS = 30;
/** Twilio Sync: at most 200 reads and 200 writes of one object in any 10 s. */
const SYNC_OBJECT_LIMIT = 200;
const SYNC_WINDOW_MS = 10_000;
const PAYMENT = PAYMENT_TRIGGERS;
const PAUSES = new Set(['card-number.focus', 'cvv.focus']);
/** The part of the contact center's rate offered, when told; else what calibration finds this machine carries. */
const FORCED_SCALE = process.env.LOAD_SCALE === undefined ? undefined : numberFromEnv('LOAD_SCALE', 1);
const STEADY_SECONDS = numberFromEnv('LOAD_SECONDS', 30);
/** Calibration: a tenth of the rate, long enough for a few dozen calls. */
const CALIBRATION_SCALE = 0.1;
const CALIBRATION_SECONDS = 8;
/** The busiest process may use this much of a core: past it, queueing in one process would be measured, not the product. */
const CORE_SHARE = 0.7;
const RAMP_SECONDS = 10;
/** After the ramp, until every call in progress arrived at the full rate: a call's setup and payment. */
const SETTLE_SECONDS = 15;
const LOOKUP_RAMP_SECONDS = 5;
/** Events an Event Streams delivery holds at most: the main run's, and the shorter runs' that only say what a delivery costs. */
const MAIN_BATCH = 50;
const OTHER_BATCHES = [10, 100];
const BATCH_RAMP_SECONDS = 5;
const LOOKUP_STEADY_SECONDS = Math.max(5, Math.round(STEADY_SECONDS / 2));
/** Below this share of the target, the rate is reported as not sustained. */
const SUSTAINED_SHARE = 0.95;
/** A wait for a callback or an answer past this is a failure, so the run always ends. */
const GIVE_UP_MS = 20_000;
const SEED = 20_260_101;

function numberFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * Call arrivals (ms from the start), the rate rising evenly to `perSecond` over the ramp, then
 * flat: each call at a random moment of its own slot, so a window holds the calls the rate says.
 */
function arrivalTimes(perSecond: number, rampSeconds: number, totalSeconds: number, random: () => number): number[] {
  const times: number[] = [];
  const rampCalls = (perSecond * rampSeconds) / 2;
  for (let slot = 0; ; slot += 1) {
    const expected = slot + random();
    const seconds = expected <= rampCalls ? Math.sqrt((2 * rampSeconds * expected) / perSecond) : rampSeconds + (expected - rampCalls) / perSecond;
    if (seconds >= totalSeconds) return times;
    times.push(seconds * 1000);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
const within = <T>(promise: Promise<T>, ms: number): Promise<T | undefined> => Promise.race([promise, sleep(ms).then(() => undefined)]);
const mean = (values: number[]) => (values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : 0);
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const rounds = (ms: number) => (ms / LATENCY_MS).toFixed(2);
const count = (value: number) => Math.round(value).toLocaleString('en-US');
const perSecond = (value: number) => value.toFixed(1);

interface Invocation extends Interval {
  kind: string;
  status: number;
}

interface SignalResult extends Invocation {
  trigger: string;
  callSid: string;
  outcome?: string;
  /** The call the answer says it acted on, and its recordings' state after. */
  answeredCallSid?: string;
  recording?: string;
}

interface Load {
  stack: LocalStack;
  log: RequestLog;
  fanOut: TaskEventFanOut;
  restLimit: RestConcurrencyLimit;
  random: () => number;
  freeAgents: string[];
  agentsMade: number;
  /** Signals sent so far: event ids are unique per agent, and agents take call after call. */
  signalsSent: number;
  /** The call each recording, conference and call sid belongs to, to find a signal's recording updates. */
  callOfSid: Map<string, string>;
}

interface Phase {
  title: string;
  namesCall: boolean;
  callsPerSecond: number;
  rampSeconds: number;
  settleSeconds: number;
  steadySeconds: number;
  /** Events a task-event delivery holds at most. */
  batchSize: number;
}

/** Processor time (ms) used by the functions (twilio-run), the bench with the stand-in, and every process on the machine. */
interface ProcessorTime {
  functionsMs: number;
  benchMs: number;
  machineMs: number;
}

interface PhaseRecords {
  phase: Phase;
  window: { from: number; to: number };
  signals: SignalResult[];
  statuses: Invocation[];
  deliveries: TaskEventDelivery[];
  requests: AnsweredRequest[];
  /** Requests refused past the account's REST concurrency, and the most in flight at once. */
  rest: { refused: number; peak: number };
  calls: { offered: number; inWindow: number; lateStarts: number[]; failures: Map<string, number> };
  /** In the steady window, and from the first call until the last one ended. */
  cpu: ProcessorTime;
  cpuOfPhase: ProcessorTime;
  elapsedMs: number;
  eventLoopDelayP99Ms: number;
}

async function timedPost(kind: string, url: string, init: RequestInit): Promise<{ invocation: Invocation; body: unknown }> {
  const start = Date.now();
  try {
    const response = await fetch(url, { ...init, method: 'POST', signal: AbortSignal.timeout(GIVE_UP_MS) });
    const body = await response.json().catch(() => undefined);
    return { invocation: { kind, status: response.status, start, end: Date.now() }, body };
  } catch {
    return { invocation: { kind, status: 0, start, end: Date.now() }, body: undefined };
  }
}

async function runPhase(load: Load, phase: Phase): Promise<PhaseRecords> {
  const { stack, fanOut, random } = load;
  const signals: SignalResult[] = [];
  const statuses: Invocation[] = [];
  const failures = new Map<string, number>();
  const fail = (what: string) => failures.set(what, (failures.get(what) ?? 0) + 1);
  const lateStarts: number[] = [];
  const eventsMark = fanOut.deliveries.length;
  const requestsMark = load.log.count();
  const refusedMark = load.restLimit.refused();
  load.restLimit.resetPeak();
  fanOut.batchSize = phase.batchSize;

  const signal = async (agent: string, callSid: string, trigger: string): Promise<Hold[] | undefined> => {
    load.signalsSent += 1;
    const body = { eventId: `load-${load.signalsSent}`, agent, trigger, ...(phase.namesCall && { callSid }) };
    const { invocation, body: answer } = await timedPost('signal', `${stack.functionsUrl}/desktop-event`, {
      headers: signedHeaders(env.DESKTOP_EVENT_SECRET, body),
      body: JSON.stringify(body),
    });
    const answered = answer as { outcome?: string; callSid?: string; recording?: string; holds?: Hold[] } | undefined;
    signals.push({ ...invocation, trigger, callSid, outcome: answered?.outcome, answeredCallSid: answered?.callSid, recording: answered?.recording });
    return answered?.holds;
  };
  // The plugin's one status when the call comes on screen, with the agent's Flex token.
  const status = async (call: LiveCallResult) => {
    const { invocation } = await timedPost('status', `${stack.functionsUrl}/recording-controls/status`, {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Token: call.token, taskSid: call.taskSid, callSid: call.callSid }).toString(),
    });
    statuses.push(invocation);
  };

  // The plugin opens the call's document (a Sync read, counted with the rest) and asks `status` only
  // if the document cannot say the state by the end of its grace (the conference's naming writes it).
  const documentSaysState = async (call: LiveCallResult): Promise<boolean> => {
    const response = await fetch(`${stack.standinUrl}/v1/Services/${stack.syncServiceSid}/Documents/${callDocumentName(call.callSid)}`, {
      headers: { Authorization: `Basic ${Buffer.from(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`).toString('base64')}` },
    }).catch(() => undefined);
    if (!response?.ok) return false;
    const document = (await response.json()) as { data?: { recording?: string } };
    return document.data?.recording !== undefined && document.data.recording !== 'unknown';
  };
  const plugin = async (call: LiveCallResult) => {
    if (await documentSaysState(call)) return;
    if ((await within(fanOut.delivered(call.taskSid, 'task.updated'), FIRST_STATE_GRACE_MS)) && (await documentSaysState(call))) return;
    await status(call);
  };

  const oneCall = async (scheduledAt: number) => {
    lateStarts.push(Math.max(0, Date.now() - scheduledAt));
    const agent = load.freeAgents.pop() ?? `load-agent-${(load.agentsMade += 1)}`;
    let call: LiveCallResult;
    try {
      call = stack.standin.createLiveCall({ agent, recording: 'conference' });
    } catch {
      fail('the stand-in refused the call');
      return;
    }
    for (const sid of [call.callSid, call.conferenceSid, ...call.recordingSids]) load.callOfSid.set(sid, call.callSid);
    if (!(await within(fanOut.delivered(call.taskSid, 'reservation.accepted'), GIVE_UP_MS))) fail('reservation.accepted not delivered');
    const shown = plugin(call);
    // The payment comes once Flex has named the conference, as it does seconds into a call.
    if (!(await within(fanOut.delivered(call.taskSid, 'task.updated'), GIVE_UP_MS))) fail('task.updated not delivered');
    const sent: Promise<void>[] = [];
    /** The last signal sent: only its answer says when the call resumes by itself now. */
    let latest = 0;
    for (const [index, { trigger, afterMs }] of PAYMENT_AT_AGENT_PACE.entries()) {
      await sleep(afterMs[0] + random() * (afterMs[1] - afterMs[0]));
      latest = index;
      // The plugin asks `status` the moment the call resumes by itself (a stop's wait for the next field, a
      // pause's duration), unless a later signal changed that meanwhile.
      sent.push(
        signal(agent, call.callSid, trigger).then(async (holds) => {
          const at = holds ? resumesAt({ holds, intervals: [] }) : null;
          if (at === null) return;
          await sleep(Math.max(0, Date.parse(at) - Date.now()) + EXPIRY_MARGIN_MS);
          if (latest === index) await status(call);
        }),
      );
    }
    await Promise.all([...sent, shown]);
    stack.standin.endCall(call.callSid);
    if (!(await within(fanOut.delivered(call.taskSid, 'task.wrapup'), GIVE_UP_MS))) fail('task.wrapup not delivered');
    load.freeAgents.push(agent);
  };

  const totalSeconds = phase.rampSeconds + phase.settleSeconds + phase.steadySeconds;
  const arrivals = arrivalTimes(phase.callsPerSecond, phase.rampSeconds, totalSeconds, random);
  const start = Date.now() + 100;
  const window = { from: start + (phase.rampSeconds + phase.settleSeconds) * 1000, to: start + totalSeconds * 1000 };
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const cpuNow = (): ProcessorTime => ({ functionsMs: processTreeMs(stack.functions.pid as number), benchMs: ownMs(), machineMs: machineMs() });
  const cpuSince = (before: ProcessorTime): ProcessorTime => {
    const now = cpuNow();
    return { functionsMs: now.functionsMs - before.functionsMs, benchMs: now.benchMs - before.benchMs, machineMs: now.machineMs - before.machineMs };
  };
  const atStart = cpuNow();
  const startedAt = Date.now();
  const windowWatch = (async () => {
    await sleep(window.from - Date.now());
    const atWindow = cpuNow();
    delay.enable();
    await sleep(window.to - Date.now());
    delay.disable();
    return cpuSince(atWindow);
  })();

  const calls: Promise<void>[] = [];
  for (const at of arrivals) {
    const wait = start + at - Date.now();
    if (wait > 1) await sleep(wait);
    calls.push(oneCall(start + at));
  }
  const cpu = await windowWatch;
  await Promise.all(calls);
  const cpuOfPhase = cpuSince(atStart);
  const elapsedMs = Date.now() - startedAt;
  await fanOut.idle();
  await sleep(LATENCY_MS * 2); // the last answers reach the stand-in's log
  return {
    phase,
    window,
    signals,
    statuses,
    deliveries: fanOut.deliveries.slice(eventsMark),
    requests: load.log.all().slice(requestsMark),
    rest: { refused: load.restLimit.refused() - refusedMark, peak: load.restLimit.peak() },
    calls: {
      offered: arrivals.length,
      inWindow: arrivals.filter((at) => start + at >= window.from && start + at < window.to).length,
      lateStarts,
      failures,
    },
    cpu,
    cpuOfPhase,
    elapsedMs,
    eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
  };
}

/** The call a recording update is about: by the recording's sid, or the call's or conference's it names. */
function callOfUpdate(path: string, callOfSid: Map<string, string>): string | undefined {
  const named = /\/(?:Calls|Conferences)\/((?:CA|CF)[0-9a-fA-F]{32})\/Recordings\//.exec(path)?.[1] ?? /\/Recordings\/(RE[0-9a-fA-F]{32})/.exec(path)?.[1];
  return named && callOfSid.get(named);
}

/**
 * For each pause signal: sent → Twilio answered the last of the first successful updates it led
 * to, one per recording path of its call (the moment every recording is paused).
 */
function timesToPaused(
  records: PhaseRecords,
  callOfSid: Map<string, string>,
  which: (trigger: string) => boolean = () => true,
): { times: number[]; withoutUpdate: number } {
  const updatesOfCall = new Map<string, AnsweredRequest[]>();
  for (const request of records.requests) {
    const callSid = request.operation === 'recording.update' ? callOfUpdate(request.path, callOfSid) : undefined;
    if (!callSid) continue;
    const updates = updatesOfCall.get(callSid) ?? [];
    updates.push(request);
    updatesOfCall.set(callSid, updates);
  }
  const times: number[] = [];
  let withoutUpdate = 0;
  for (const signal of inWindow(records)) {
    if (!PAUSES.has(signal.trigger) || !which(signal.trigger) || signal.status !== 200) continue;
    const firstByPath = new Map<string, AnsweredRequest>();
    for (const update of updatesOfCall.get(signal.callSid) ?? []) {
      const at = Date.parse(update.at);
      if (at >= signal.start && at <= signal.end && !firstByPath.has(update.path)) firstByPath.set(update.path, update);
    }
    const paused = [...firstByPath.values()].filter((update) => update.status >= 200 && update.status < 300 && update.answeredAt);
    if (paused.length === 0) {
      withoutUpdate += 1;
      continue;
    }
    times.push(Math.max(...paused.map((update) => Date.parse(update.answeredAt as string))) - signal.start);
  }
  return { times: sorted(times), withoutUpdate };
}

const inWindow = (records: PhaseRecords) => records.signals.filter((signal) => signal.start >= records.window.from && signal.start < records.window.to);

function byStatus(items: Array<{ status: number }>): string {
  const counts = new Map<number, number>();
  for (const item of items) counts.set(item.status, (counts.get(item.status) ?? 0) + 1);
  return (
    [...counts]
      .sort((a, b) => a[0] - b[0])
      .map(([status, times]) => `${status || 'no answer'} × ${count(times)}`)
      .join(', ') || 'none'
  );
}

function rates(records: PhaseRecords) {
  const seconds = (records.window.to - records.window.from) / 1000;
  const target = CALLS_PER_SECOND * PAYMENT.length;
  const offered = records.phase.callsPerSecond * PAYMENT.length;
  const sent = inWindow(records).length / seconds;
  const answered =
    records.signals.filter((signal) => signal.status === 200 && signal.end >= records.window.from && signal.end < records.window.to).length / seconds;
  const sustained = Math.min(sent, answered);
  return { seconds, target, offered, sent, answered, sustained, held: sustained >= SUSTAINED_SHARE * offered };
}

function restPerSignal(records: PhaseRecords): string[] {
  const requests = records.requests.filter((request) => Date.parse(request.at) >= records.window.from && Date.parse(request.at) < records.window.to);
  const signals = inWindow(records).length;
  const kinds = new Map<Kind, number>();
  for (const request of requests) kinds.set(kindOf(request), (kinds.get(kindOf(request)) ?? 0) + 1);
  const per = (value: number) => (value / Math.max(1, signals)).toFixed(2);
  const split = (['voice', 'taskrouter', 'sync read', 'sync write', 'other'] as Kind[]).map((kind) => `${kind} ${per(kinds.get(kind) ?? 0)}`).join(', ');
  return [
    `Twilio REST requests per signal (all requests in the steady window ÷ its ${count(signals)} signals, the calls' task events and status included): ${per(requests.length)} (${split})`,
    `  per call: ${(requests.length / Math.max(1, records.calls.inWindow)).toFixed(1)} (${count(records.calls.inWindow)} calls arrived in the window)`,
  ];
}

function answersLines(records: PhaseRecords): string[] {
  const tooMany = records.requests.filter((request) => request.status === 429);
  const limited = tooMany.filter((request) => request.code === 54009).length;
  const refused = new Map<string, number>();
  for (const request of records.requests) {
    if (request.status < 400 || request.status === 429) continue;
    const key = `${request.operation ?? request.path} ${request.status}${request.code ? ` (${request.code})` : ''}`;
    refused.set(key, (refused.get(key) ?? 0) + 1);
  }
  const topRefused = [...refused]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([key, times]) => `${key} × ${count(times)}`);
  return [
    `Twilio answers seen by the stand-in: ${byStatus(records.requests)}`,
    `  429s: ${count(tooMany.length)} (${count(limited)} with Sync's 54009); requests that were retries (same request again after a 429, 5xx or dropped answer): ${count(retryFlags(records.requests).filter(Boolean).length)}`,
    ...(topRefused.length ? [`  other refusals, most frequent: ${topRefused.join(', ')}`] : []),
  ];
}

const shortName = (object: string) => (object.length > 70 ? `${object.slice(0, 67)}…` : object);

function syncLines(loads: SyncObjectLoad[], retriesLeftOut: number): string[] {
  const top = (key: 'worstWrites' | 'worstReads') => [...loads].sort((a, b) => b[key] - a[key]).slice(0, 5);
  const describe = (load: SyncObjectLoad) =>
    `${shortName(load.object)}: worst 10 s ${count(load.worstWrites)} writes (${perSecond(load.worstWrites / 10)}/s), ${count(load.worstReads)} reads (${perSecond(load.worstReads / 10)}/s); ${count(load.writes)} writes, ${count(load.reads)} reads in all`;
  return [
    `Sync objects touched: ${count(loads.length)} (named from the request paths; a Map's or List's items count toward it; first attempts only` +
      (retriesLeftOut ? `, ${count(retriesLeftOut)} retries left out)` : ')'),
    'busiest Sync objects by writes:',
    ...top('worstWrites').map((load) => `  ${describe(load)}`),
    'busiest Sync objects by reads:',
    ...top('worstReads').map((load) => `  ${describe(load)}`),
  ];
}

interface Durations {
  signal: number;
  status: number;
  statusPerCall: number;
  /** Task events a call makes, by type. */
  eventsPerCall: Map<string, number>;
  /** Task-event deliveries: mean duration, mean events held, and their Functions-milliseconds an event. */
  delivery: { ms: number; events: number; msPerEvent: number };
}

/** Mean durations of the invocations sent in the steady window; how many of each a call makes, over the whole phase. */
function durations(records: PhaseRecords): Durations {
  const calls = Math.max(1, records.calls.offered);
  const sentInWindow = (start: number) => start >= records.window.from && start < records.window.to;
  const meanMs = (invocations: Interval[]) =>
    mean(invocations.filter((invocation) => sentInWindow(invocation.start)).map((invocation) => invocation.end - invocation.start));
  const eventsPerCall = new Map<string, number>();
  for (const { eventType } of records.deliveries.flatMap((delivery) => delivery.events))
    eventsPerCall.set(eventType, (eventsPerCall.get(eventType) ?? 0) + 1 / calls);
  const sent = records.deliveries.filter((delivery) => sentInWindow(delivery.sentAt));
  const deliveryMs = sent.reduce((sum, delivery) => sum + delivery.answeredAt - delivery.sentAt, 0);
  const deliveryEvents = sent.reduce((sum, delivery) => sum + delivery.events.length, 0);
  return {
    signal: meanMs(records.signals),
    status: meanMs(records.statuses),
    statusPerCall: records.statuses.length / calls,
    eventsPerCall,
    delivery: {
      ms: deliveryMs / Math.max(1, sent.length),
      events: deliveryEvents / Math.max(1, sent.length),
      msPerEvent: deliveryMs / Math.max(1, deliveryEvents),
    },
  };
}

function phaseLines(
  records: PhaseRecords,
  load: Load,
  full: boolean,
): { lines: string[]; rate: ReturnType<typeof rates>; times: Durations; busiest?: SyncObjectLoad; indexWritesPer10s?: number } {
  const rate = rates(records);
  const lines: string[] = [];
  const { phase } = records;
  lines.push(
    `${phase.title}: ${phase.rampSeconds} s ramp, ${phase.settleSeconds} s settling, ${phase.steadySeconds} s steady window; ${count(records.calls.offered)} calls`,
  );
  const late = sorted(records.calls.lateStarts);
  const ofTarget = (value: number) => `${Math.round((100 * value) / rate.target)}% of the 10,000-agent rate`;
  lines.push(
    `offered ${perSecond(rate.offered)} signals/s (${perSecond(phase.callsPerSecond)} calls/s, ${ofTarget(rate.offered)}); in the steady window sent ${perSecond(rate.sent)}/s, answered 200 ${perSecond(rate.answered)}/s → ` +
      (rate.held
        ? `sustained ${perSecond(rate.sustained)} signals/s (${ofTarget(rate.sustained)})`
        : `NOT sustained: held ${perSecond(rate.sustained)} signals/s of the ${perSecond(rate.offered)} offered (${ofTarget(rate.sustained)})`),
  );
  if (late.length)
    lines.push(
      `  calls started late by p50 ${percentile(late, 50).toFixed(0)} ms, p99 ${percentile(late, 99).toFixed(0)} ms (the bench's own scheduling); bench event-loop delay p99 ${records.eventLoopDelayP99Ms.toFixed(0)} ms`,
    );
  if (records.calls.failures.size)
    lines.push(`  calls that went wrong: ${[...records.calls.failures].map(([what, times]) => `${what} × ${times}`).join(', ')}`);
  const outcomes = new Map<string, number>();
  for (const signal of records.signals) if (signal.outcome) outcomes.set(signal.outcome, (outcomes.get(signal.outcome) ?? 0) + 1);
  lines.push(
    `signal answers by status: ${byStatus(records.signals)}; outcomes: ${[...outcomes].map(([outcome, times]) => `${outcome} ${count(times)}`).join(', ')}`,
  );
  // The payment's last signal ends it: the call should be recording again.
  const lastStop = records.signals.filter((signal) => signal.trigger === PAYMENT[PAYMENT.length - 1] && signal.status === 200);
  const leftPaused = lastStop.filter((signal) => signal.recording === 'paused').length;
  lines.push(
    `  answers to the payment's last signal that say "paused": ${count(leftPaused)} of ${count(lastStop.length)}` +
      (leftPaused ? " (a stop waits a second for the next field: the plugin's look at the expiry resumes the call then)" : ''),
  );
  const paused = timesToPaused(records, load.callOfSid);
  if (paused.times.length) {
    lines.push(
      `time to paused / ${LATENCY_MS} ms (signal sent → Twilio answered the recording's update), p50 ${rounds(percentile(paused.times, 50))}, p99 ${rounds(percentile(paused.times, 99))} (${count(paused.times.length)} pauses` +
        (paused.withoutUpdate ? `; ${paused.withoutUpdate} answered without an update of their own` : '') +
        ')',
    );
    // A call's first pause finds no container that acted on it; its later ones are the same container's.
    for (const [what, which] of [
      ['first pause of a call', (trigger: string) => trigger === PAYMENT[0]],
      ['later pauses', (trigger: string) => trigger !== PAYMENT[0]],
    ] as const) {
      const part = timesToPaused(records, load.callOfSid, which).times;
      if (part.length) lines.push(`  ${what}: p50 ${rounds(percentile(part, 50))}, p99 ${rounds(percentile(part, 99))} (${count(part.length)})`);
    }
  } else {
    lines.push(`time to paused: no pause signal with an update of its own in the steady window`);
  }
  const answers = sorted(
    inWindow(records)
      .filter((signal) => signal.status === 200)
      .map((signal) => signal.end - signal.start),
  );
  if (answers.length)
    lines.push(
      `time to answer / ${LATENCY_MS} ms (signal sent → the relay has the answer), p50 ${rounds(percentile(answers, 50))}, p99 ${rounds(percentile(answers, 99))}`,
    );
  lines.push(...restPerSignal(records));
  lines.push(...answersLines(records));
  const times = durations(records);
  lines.push(
    `mean invocation duration: signal ${times.signal.toFixed(0)} ms, status ${times.status.toFixed(0)} ms, task-event delivery ${times.delivery.ms.toFixed(0)} ms (${times.delivery.events.toFixed(1)} events: ${times.delivery.msPerEvent.toFixed(0)} ms an event)`,
  );
  lines.push(deliveriesLine(records));
  lines.push(restConcurrencyLine(records));
  if (!full) return { lines, rate, times };

  // What the product asks of each object: its first attempts (a retry after a 429 asks again for the same).
  const retried = retryFlags(records.requests);
  const loads = syncObjectLoads(
    records.requests.filter((_, index) => !retried[index]),
    SYNC_WINDOW_MS,
  );
  lines.push(...syncLines(loads, retried.filter(Boolean).length));
  const { from, to } = records.window;
  const invocations: Interval[] = [
    ...records.signals,
    ...records.statuses,
    ...records.deliveries.map((delivery) => ({ start: delivery.sentAt, end: delivery.answeredAt })),
  ];
  const all = inFlight(invocations, from, to);
  const ofSignals = inFlight(records.signals, from, to);
  lines.push(
    `invocations in flight at once (the bench's own requests to the functions: signals, status and task-event deliveries), peak ${all.peak}, mean ${all.mean.toFixed(1)}; signals alone peak ${ofSignals.peak}, mean ${ofSignals.mean.toFixed(1)}`,
  );
  const windowMs = to - from;
  const share = (ms: number) => `${Math.round((100 * ms) / windowMs)}%`;
  const others = Math.max(0, records.cpu.machineMs - records.cpu.functionsMs - records.cpu.benchMs);
  lines.push(
    `processor time in the steady window, of one core: functions (twilio-run) ${share(records.cpu.functionsMs)}, bench with the stand-in ${share(records.cpu.benchMs)}, other processes on this 2-core machine ${share(others)}`,
  );
  const busiest = [...loads].sort((a, b) => Math.max(b.worstWrites, b.worstReads) - Math.max(a.worstWrites, a.worstReads))[0];
  // Writes to the live-calls index in the steady window (first attempts), for the shards' model at the full rate.
  const indexWrites = records.requests.filter(
    (request, index) =>
      !retried[index] &&
      kindOf(request) === 'sync write' &&
      syncObjectOf(request.path)?.includes(LIVE_CALLS_PREFIX) === true &&
      Date.parse(request.at) >= from &&
      Date.parse(request.at) < to,
  ).length;
  return { lines, rate, times, busiest, indexWritesPer10s: (indexWrites * SYNC_WINDOW_MS) / windowMs };
}

/** The phase's task-event deliveries: how many, how full, how long, and how answered. */
function deliveriesLine(records: PhaseRecords): string {
  const { deliveries, phase } = records;
  if (!deliveries.length) return 'task-event deliveries: none';
  const ms = sorted(deliveries.map((delivery) => delivery.answeredAt - delivery.sentAt));
  const events = deliveries.reduce((sum, delivery) => sum + delivery.events.length, 0);
  const full = deliveries.filter((delivery) => delivery.events.length === phase.batchSize).length;
  const late = ms.filter((duration) => duration > SINK_TIMEOUT_MS).length;
  return (
    `task-event deliveries of up to ${phase.batchSize} events over the run (a delivery goes when full or its first event has waited ${GATHER_MS / 1000} s): ${count(deliveries.length)}, ` +
    `${(events / deliveries.length).toFixed(1)} events on average (${count(full)} full); Functions-seconds a delivery p50 ${(percentile(ms, 50) / 1000).toFixed(2)}, p99 ${(percentile(ms, 99) / 1000).toFixed(2)}, ` +
    `longest ${(ms[ms.length - 1] / 1000).toFixed(2)}; past the sink's ${SINK_TIMEOUT_MS / 1000} s: ${count(late)}; answers ${byStatus(deliveries)}`
  );
}

/** A run that only says what a delivery of its size costs. */
function batchPhaseLines(records: PhaseRecords): string[] {
  const { phase } = records;
  const rate = rates(records);
  const times = durations(records);
  return [
    `${phase.title}: ${phase.rampSeconds} s ramp, ${phase.settleSeconds} s settling, ${phase.steadySeconds} s steady window; ${count(records.calls.offered)} calls; signals answered 200 ${perSecond(rate.answered)}/s of ${perSecond(rate.offered)} offered`,
    `  ${deliveriesLine(records)}`,
    `  mean invocation duration: signal ${times.signal.toFixed(0)} ms, task-event delivery ${times.delivery.ms.toFixed(0)} ms (${times.delivery.events.toFixed(1)} events: ${times.delivery.msPerEvent.toFixed(0)} ms an event)`,
    `  ${restConcurrencyLine(records)}`,
  ];
}

/** Twilio's account REST concurrency over the phase. */
function restConcurrencyLine(records: PhaseRecords): string {
  return `Twilio REST requests in flight at once (the account's concurrency, ${ACCOUNT_REST_CONCURRENCY}): most ${records.rest.peak}; answered 429 / 20429 past it: ${count(records.rest.refused)}`;
}

/** Agents served: the smaller of what 30 concurrent Functions carry and what Sync's busiest object allows. */
function agentsServedLines(times: Durations, rate: ReturnType<typeof rates>, busiest: SyncObjectLoad | undefined, indexWritesPer10s = 0): string[] {
  const eventsPerCall = [...times.eventsPerCall.values()].reduce((sum, perCall) => sum + perCall, 0);
  const eventsMs = eventsPerCall * times.delivery.msPerEvent;
  // The plugin's look at an expiry comes with a payment, so it is counted as payments are.
  const callMs = (signals: number) => signals * times.signal + eventsMs + (signals / PAYMENT.length) * times.statusPerCall * times.status;
  const perAgent = CALLS_PER_AGENT_HOUR / 3600;
  const littles = (signals: number) => CONCURRENT_FUNCTIONS / (perAgent * (callMs(signals) / 1000));
  const everyCall = littles(PAYMENT.length);
  const oneInThree = littles(PAYMENT.length / 3);
  const eventTypes = [...times.eventsPerCall].map(([type, perCall]) => `${perCall.toFixed(2)} ${type}`).join(' + ');
  const lines = [
    rate.held
      ? 'agents served:'
      : 'agents served (from a run that was NOT sustained: its durations include queueing on this machine, and Sync saw less than was offered):',
    `  (a) ${CONCURRENT_FUNCTIONS} concurrent Functions (Little's law, agents = ${CONCURRENT_FUNCTIONS} / (${CALLS_PER_AGENT_HOUR} calls/h ÷ 3600 × invocation time per call); a call = signals + ${times.statusPerCall.toFixed(2)} status a payment + task events (${eventTypes}) at ${times.delivery.msPerEvent.toFixed(0)} ms an event of their deliveries, at the mean durations above):`,
    `      a payment on every call: ${count(everyCall)} agents (${(callMs(PAYMENT.length) / 1000).toFixed(2)} s of invocations a call); on one call in three: ${count(oneInThree)} (${(callMs(PAYMENT.length / 3) / 1000).toFixed(2)} s)`,
  ];
  if (!busiest)
    return [
      ...lines,
      '  (b) Sync per-object limit: no Sync requests seen',
      `  → agents served: ${count(everyCall)} (every call), ${count(oneInThree)} (one in three)`,
    ];
  // The run's load as the 10,000-agent rate would make it, by the calls offered (each with its
  // payment): exact for an object every call touches; an object of one call does not grow with
  // the rate, so this errs on the safe side.
  const toFullRate = rate.target / rate.offered;
  const worst = Math.max(busiest.worstWrites, busiest.worstReads);
  const what = busiest.worstWrites >= busiest.worstReads ? 'writes' : 'reads';
  const syncAgents = (AGENTS * SYNC_OBJECT_LIMIT) / (worst * toFullRate);
  lines.push(
    `  (b) Sync per-object limit (${SYNC_OBJECT_LIMIT} reads and ${SYNC_OBJECT_LIMIT} writes per object in any 10 s): busiest ${shortName(busiest.object)}, ${count(worst)} ${what} in its worst 10 s` +
      (Math.abs(toFullRate - 1) > 0.01 ? ` × ${toFullRate.toFixed(2)} to the 10,000-agent rate` : '') +
      ` → ${count(AGENTS)} × ${SYNC_OBJECT_LIMIT} / ${count(worst * toFullRate)} = ${count(syncAgents)} agents (measured with a payment on every call)`,
  );
  // A part of the rate's worst window, scaled up, overstates the full rate's (its noise is larger):
  // the live-calls shards at the full rate, as Poisson counts at the mean the run measured.
  const shardMean = (indexWritesPer10s * toFullRate) / LIVE_SHARDS;
  const windowsAnHour = LIVE_SHARDS * 3600; // every shard's 10 s windows, sliding a second at a time
  lines.push(
    `  (c) the live-calls index at the 10,000-agent rate: ${count(indexWritesPer10s * toFullRate)} writes in 10 s over its ${LIVE_SHARDS} Maps, ${shardMean.toFixed(0)} a Map on average; ` +
      `the busiest Map's worst 10 s in an hour (Poisson, 1 in ${count(windowsAnHour)}): ${poissonQuantile(shardMean, 1 - 1 / windowsAnHour)} (Sync allows ${SYNC_OBJECT_LIMIT}; half of it ${SYNC_OBJECT_LIMIT / 2})`,
  );
  lines.push(
    `  → agents served: ${count(Math.min(everyCall, syncAgents))} with a payment on every call (${everyCall <= syncAgents ? 'Functions' : 'Sync'} bound), ${count(Math.min(oneInThree, syncAgents))} with one on one call in three`,
  );
  return lines;
}

/** Turns Sync's limits on at a stand-in that models them (its control surface), and says whether it does. */
async function syncLimitsOn(stack: LocalStack): Promise<string> {
  const response = await fetch(`${stack.standinUrl}/__standin/limits`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ sync: true }),
  });
  await response.arrayBuffer();
  return response.ok ? 'on' : `not modeled by this stand-in (HTTP ${response.status}): no 429s can be seen`;
}

export async function run(): Promise<string[]> {
  const lazyExpiry = expireSyncLazily();
  const functionsPort = await freePort();
  const fanOut = new TaskEventFanOut(`http://127.0.0.1:${functionsPort}/task-event`, env.AUTH_TOKEN, env.TWILIO_WORKSPACE_SID);
  const fanOutPort = await freePort();
  await fanOut.listen(fanOutPort);
  const stack = await startLocalStack({
    env,
    functionsPort,
    standinPort: await freePort(),
    output: 'ignore',
    eventCallbackUrl: `http://127.0.0.1:${fanOutPort}/task-event`,
  });
  const log = new RequestLog(stack.standin);
  // After the log's own wrapper: a request refused here never reaches the stand-in.
  const restLimit = limitRestConcurrency(stack.standin);
  const lines: string[] = [];
  try {
    stack.standin.setLatency(LATENCY_MS);
    const limits = await syncLimitsOn(stack);
    const load: Load = { stack, log, fanOut, restLimit, random: seededRandom(SEED), freeAgents: [], agentsMade: 0, signalsSent: 0, callOfSid: new Map() };
    lines.push(
      `${count(AGENTS)} agents × ${CALLS_PER_AGENT_HOUR} calls an agent-hour = ${perSecond(CALLS_PER_SECOND)} calls/s, a card payment (${PAYMENT.length} signals: ${PAYMENT_PACE_WORDS}) on every call: ${perSecond(CALLS_PER_SECOND * PAYMENT.length)} signals/s`,
    );
    lines.push(
      `Twilio stand-in answering after ${LATENCY_MS} ms; Sync limits: ${limits}; the account's REST concurrency: ${ACCOUNT_REST_CONCURRENCY} requests in flight (429 / 20429 past it); ` +
        `TaskRouter's events (only the EventsFilter's) in Event Streams deliveries, each task's in order, deliveries side by side`,
    );
    if (lazyExpiry.applied)
      lines.push('stand-in: expired Sync objects looked for at most every 250 ms (its scan of every object before each Sync request would bound the run)');

    // Warm containers, and calls recorded twice (the conference and the call) answer like the rest.
    const warm = await within(warmUp(load), 60_000);
    lines.push(`warm-up, 4 calls recorded twice (conference and call): signal answers ${warm ?? 'not all in time'}`);

    const { scale, line } = await chooseScale(load);
    lines.push(line);
    const callsPerSecond = CALLS_PER_SECOND * scale;
    const main = await runPhase(load, {
      title: 'signals naming the call (the CRM bridge knows it)',
      namesCall: true,
      callsPerSecond,
      rampSeconds: RAMP_SECONDS,
      settleSeconds: SETTLE_SECONDS,
      steadySeconds: STEADY_SECONDS,
      batchSize: MAIN_BATCH,
    });
    const figures = phaseLines(main, load, true);
    lines.push(...figures.lines);
    lines.push(...agentsServedLines(figures.times, figures.rate, figures.busiest, figures.indexWritesPer10s));

    // What a delivery of another size costs: its figures only.
    for (const batchSize of OTHER_BATCHES) {
      const other = await runPhase(load, {
        title: `deliveries of up to ${batchSize} task events, signals naming the call`,
        namesCall: true,
        callsPerSecond,
        rampSeconds: BATCH_RAMP_SECONDS,
        settleSeconds: SETTLE_SECONDS,
        steadySeconds: LOOKUP_STEADY_SECONDS,
        batchSize,
      });
      lines.push(...batchPhaseLines(other));
    }

    const lookup = await runPhase(load, {
      title: 'signals naming the agent only (the function looks the call up)',
      namesCall: false,
      callsPerSecond,
      rampSeconds: LOOKUP_RAMP_SECONDS,
      settleSeconds: SETTLE_SECONDS,
      steadySeconds: LOOKUP_STEADY_SECONDS,
      batchSize: MAIN_BATCH,
    });
    lines.push(...phaseLines(lookup, load, false).lines);
    lines.push(`agents used: ${count(load.agentsMade)} (each takes its next call once the last one wrapped up)`);
    const filtered = [...fanOut.filtered].map(([type, times]) => `${type} × ${count(times)}`).join(', ');
    if (filtered) lines.push(`TaskRouter events the EventsFilter leaves out (not sent to /task-event): ${filtered}`);
  } finally {
    lazyExpiry.undo();
    restLimit.undo();
    log.stop();
    await fanOut.close();
    await stack.stop();
  }
  return lines;
}

/**
 * The part of the full rate to offer: LOAD_SCALE when given, else the full rate if this machine
 * carries it, or the most it carries with its busiest process at CORE_SHARE of a core, from the
 * processor time a call cost each process at a tenth of the rate.
 */
async function chooseScale(load: Load): Promise<{ scale: number; line: string }> {
  if (FORCED_SCALE !== undefined) return { scale: FORCED_SCALE, line: `offered at ${FORCED_SCALE} of the full rate (LOAD_SCALE)` };
  const calibration = await runPhase(load, {
    title: 'calibration',
    namesCall: true,
    callsPerSecond: CALLS_PER_SECOND * CALIBRATION_SCALE,
    rampSeconds: 2,
    settleSeconds: 0,
    steadySeconds: CALIBRATION_SECONDS,
    batchSize: MAIN_BATCH,
  });
  const calls = Math.max(1, calibration.calls.offered);
  const functionsMs = calibration.cpuOfPhase.functionsMs / calls;
  const benchMs = calibration.cpuOfPhase.benchMs / calls;
  const fullRateCores = (CALLS_PER_SECOND * Math.max(functionsMs, benchMs)) / 1000;
  const scale = Math.min(1, CORE_SHARE / fullRateCores);
  const busiest = functionsMs >= benchMs ? 'the functions' : 'the bench with the stand-in';
  const othersMs = Math.max(0, calibration.cpuOfPhase.machineMs - calibration.cpuOfPhase.functionsMs - calibration.cpuOfPhase.benchMs);
  return {
    scale,
    line:
      `calibration (${calls} calls at a tenth of the rate): processor time a call, functions ${functionsMs.toFixed(0)} ms, bench with the stand-in ${benchMs.toFixed(0)} ms (other processes meanwhile: ${Math.round((100 * othersMs) / calibration.elapsedMs)}% of a core); ` +
      `the full rate would need ${fullRateCores.toFixed(2)} cores for ${busiest} alone (one process here; Twilio gives each invocation its own container) → ` +
      (scale === 1
        ? 'offered at the full rate'
        : `offered at ${Math.round(scale * 100)}% of it, the most that keeps ${busiest} at ${CORE_SHARE * 100}% of a core`),
  };
}

/** Four calls at once with a payment each, recorded twice (the conference and the call). */
async function warmUp(load: Load): Promise<string> {
  const { stack, fanOut } = load;
  const answers: Array<{ status: number }> = [];
  const oneCall = async (index: number) => {
    const agent = `load-warm-${index}`;
    const call = stack.standin.createLiveCall({ agent, recording: 'both' });
    await fanOut.delivered(call.taskSid, 'task.updated');
    for (const trigger of PAYMENT) {
      const body = { eventId: `load-warm-${index}-${trigger}`, agent, trigger, callSid: call.callSid };
      const { invocation } = await timedPost('signal', `${stack.functionsUrl}/desktop-event`, {
        headers: signedHeaders(env.DESKTOP_EVENT_SECRET, body),
        body: JSON.stringify(body),
      });
      answers.push(invocation);
    }
    stack.standin.endCall(call.callSid);
    await fanOut.delivered(call.taskSid, 'task.wrapup');
  };
  await Promise.all([0, 1, 2, 3].map(oneCall));
  return byStatus(answers);
}
