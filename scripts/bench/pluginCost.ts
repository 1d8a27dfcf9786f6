/**
 * What the Flex plugin costs the backend, per hour, measured by driving the plugin's own live
 * state (`WatchedCalls`, `LiveIndexFollower`) on a simulated clock against a Sync client that behaves
 * like twilio-sync (src/rig/fakeSync.ts) and an API that counts what it is asked.
 *
 * - an idle agent on a call: Function invocations (requests to the functions) per agent-hour,
 *   followed through Sync, and as a fallback when Sync is unavailable;
 * - a call with one card payment (card number and CVV, focus and blur), mount to end;
 * - the supervisor view watching 200 live calls, with a change a minute on each: its rows come
 *   from one subscription to the live-calls map, which has no way to the functions at all.
 *
 * "Before" is the plugin of the previous release, by its rules: `status` every second (its
 * default `pollSeconds: 1`), every 3 s per call in the supervisor view. Twilio REST requests are
 * the invocations times the 3 a `status` costs (the ledger document and the call's and the
 * conference's recordings), the functions' side of `status`.
 */
import { LiveIndexFollower } from '../../src/flex/liveIndex';
import { WatchedCalls } from '../../src/flex/liveState';
import { callDocumentName, liveCallsShardNames } from '../../src/flex/syncData';
import { liveCallsShardOf } from '../../src/serverless/lib/stores/liveIndex';
import type { RecordingControlsApi } from '../../src/flex/api';
import type { CallStatus, Hold } from '../../src/flex/types';
import { FakeSync } from '../../src/rig/fakeSync';
import { ProductSyncClient, sameClassAs, type SyncClientFactory } from '../../src/flex/productSync';
import { SimulatedClock } from '../../src/rig/simulatedClock';

/** The plugin's own client on the product's service, made as the plugin makes it: its token asked of the (counting) API. */
const clients = new WeakMap<FakeSync, ProductSyncClient>();
function productClient(sync: FakeSync, api: RecordingControlsApi) {
  if (!clients.has(sync))
    clients.set(
      sync,
      new ProductSyncClient(sameClassAs(sync.client) as SyncClientFactory, () => (api.syncToken as NonNullable<RecordingControlsApi['syncToken']>)()),
    );
  return clients.get(sync);
}

const HOUR = 3600_000;
const REST_PER_STATUS = 3;
const BEFORE_POLL_MS = 1000;
const BEFORE_SUPERVISOR_POLL_MS = 3000;
const SUPERVISED_CALLS = 200;

const callSidOf = (index: number) => `CA${index.toString(16).padStart(32, '0')}`;
const taskSidOf = (index: number) => `WT${index.toString(16).padStart(32, '0')}`;

/** The functions as the plugin sees them: each request counted, `status` closing due holds. */
function countingApi(state: () => CallStatus, onStatus: () => void = () => undefined) {
  const counts = { requests: 0 };
  const api: RecordingControlsApi = {
    async call() {
      counts.requests += 1;
      return state();
    },
    async status() {
      counts.requests += 1;
      onStatus();
      return state();
    },
    async syncToken() {
      counts.requests += 1;
      return { token: `bench-sync-token-${counts.requests}`, identity: 'agent', serviceSid: `IS${'5'.repeat(32)}`, ttl: 3600 };
    },
  };
  return { api, counts };
}

function documentOf(status: CallStatus) {
  return {
    call: { callSid: status.callSid },
    recording: status.recording,
    recordings: status.recordings,
    holds: status.holds,
    intervals: status.intervals,
    outOfSync: false,
    updatedAt: new Date(Date.now()).toISOString(),
  };
}

const idleStatus = (callSid: string): CallStatus => ({
  callSid,
  recording: 'in-progress',
  holds: [],
  intervals: [],
  recordings: [{ sid: `RE${'1'.repeat(32)}`, kind: 'conference', status: 'in-progress' }],
});

const MINUTE = 60_000;

async function withClock<T>(run: (clock: SimulatedClock) => Promise<T>): Promise<T> {
  const clock = new SimulatedClock(Date.parse('2030-01-01T10:00:00Z'));
  clock.install();
  try {
    return await run(clock);
  } finally {
    clock.uninstall();
  }
}

/** One agent on a call for an hour, doing nothing; the document exists (or Sync is unavailable). */
async function idleAgentHour(withSync: boolean): Promise<{ requests: number; syncReads: number; laterPerMinute: number }> {
  return withClock(async (clock) => {
    const callSid = callSidOf(1);
    const sync = new FakeSync();
    sync.setDocument(callDocumentName(callSid), documentOf(idleStatus(callSid)));
    const { api, counts } = countingApi(() => idleStatus(callSid));
    const live = new WatchedCalls({ api, fallbackPollMs: 15_000, sync: () => (withSync ? productClient(sync, api) : undefined), random: Math.random });
    const release = live.watch({ taskSid: taskSidOf(1), callSid }, { notify: true });
    // The first minute holds what coming on screen costs (a Sync token, a status if the document cannot say).
    await clock.advance(MINUTE);
    const inFirstMinute = counts.requests;
    await clock.advance(HOUR - MINUTE);
    release();
    return { requests: counts.requests, syncReads: sync.reads, laterPerMinute: (counts.requests - inFirstMinute) / (HOUR / MINUTE - 1) };
  });
}

/**
 * A five-minute call with one card payment: card number (focus, 20 s, blur), then CVV (focus,
 * 8 s, blur), each a change the functions write into the document; then a second CVV entry left
 * open until its 60 s run out (the server closes it when the plugin asks at resumeAt).
 */
async function cardPaymentCall(): Promise<{ requests: number; syncReads: number }> {
  return withClock(async (clock) => {
    const callSid = callSidOf(2);
    const name = callDocumentName(callSid);
    const sync = new FakeSync();
    let state = idleStatus(callSid);
    const write = (holds: Hold[]) => {
      state = { ...state, holds, recording: holds.length > 0 ? 'paused' : 'in-progress' };
      sync.setDocument(name, documentOf(state));
    };
    sync.setDocument(name, documentOf(state));
    const closeDue = () => {
      const due = state.holds.filter((hold) => hold.resumeAt !== null && Date.parse(hold.resumeAt) <= Date.now());
      if (due.length > 0) write(state.holds.filter((hold) => !due.includes(hold)));
    };
    const { api, counts } = countingApi(() => state, closeDue);
    const live = new WatchedCalls({ api, fallbackPollMs: 15_000, sync: () => productClient(sync, api) });
    const release = live.watch({ taskSid: taskSidOf(2), callSid }, { notify: true });
    const hold = (id: string, seconds: number): Hold => ({
      id,
      source: 'desktop',
      openedAt: new Date(Date.now()).toISOString(),
      resumeAt: new Date(Date.now() + seconds * 1000).toISOString(),
    });

    await clock.advance(60_000);
    write([hold('card-number', 60)]);
    await clock.advance(20_000);
    write([]);
    await clock.advance(5_000);
    write([hold('cvv', 60)]);
    await clock.advance(8_000);
    write([]);
    await clock.advance(30_000);
    write([hold('cvv', 60)]);
    await clock.advance(5 * 60_000 - 123_000);
    release();
    return { requests: counts.requests, syncReads: sync.reads };
  });
}

/** The supervisor view's index over 200 live calls for an hour, each call changing once a minute. */
async function supervisorHour(): Promise<{ syncReads: number; updates: number; calls: number; tokens: number }> {
  return withClock(async (clock) => {
    const sync = new FakeSync();
    const item = (index: number, paused: boolean) => ({
      callSid: callSidOf(index),
      taskSid: taskSidOf(index),
      agents: [`agent-${index}`],
      recording: paused ? 'paused' : 'in-progress',
      holds: paused ? [{ id: 'card-number', source: 'desktop', openedAt: new Date(Date.now()).toISOString(), resumeAt: null }] : [],
      resumeAt: null,
      outOfSync: false,
      updatedAt: new Date(Date.now()).toISOString(),
    });
    for (const name of liveCallsShardNames()) sync.maps.set(name, new Map()); // the functions make every shard before granting access
    for (let index = 0; index < SUPERVISED_CALLS; index += 1) sync.setItem(liveCallsShardOf(callSidOf(index)), callSidOf(index), item(index, false));
    const { api, counts } = countingApi(() => idleStatus(callSidOf(0)));
    const index = new LiveIndexFollower(() => productClient(sync, api));
    let calls = 0;
    let updates = 0;
    const unsubscribe = index.subscribe(() => {
      updates += 1;
      calls = index.snapshot().calls.length;
    });
    for (let minute = 0; minute < 60; minute += 1) {
      for (let call = 0; call < SUPERVISED_CALLS; call += 1) sync.setItem(liveCallsShardOf(callSidOf(call)), callSidOf(call), item(call, minute % 2 === 0));
      await clock.advance(60_000);
    }
    unsubscribe();
    return { syncReads: sync.reads, updates, calls, tokens: counts.requests };
  });
}

const n = (value: number) => Math.round(value).toLocaleString('en-US');

export async function run(): Promise<string[]> {
  const followed = await idleAgentHour(true);
  const fallback = await idleAgentHour(false);
  const payment = await cardPaymentCall();
  const supervisor = await supervisorHour();
  const beforeIdle = HOUR / BEFORE_POLL_MS;
  const beforeSupervisor = (SUPERVISED_CALLS * HOUR) / BEFORE_SUPERVISOR_POLL_MS;
  return [
    `plugin, idle agent on a call, Function invocations per agent-hour: before ${n(beforeIdle)} (status every 1 s), after ${n(followed.requests)} (the plugin's Sync token, one an hour, and a status only when the call's document cannot say the state; then followed through Sync, ${followed.syncReads} Sync read)`,
    `plugin, idle agent on a call, invocations per idle agent-minute after its first minute: before ${n(beforeIdle / 60)}, after ${n(followed.laterPerMinute)}`,
    `plugin, idle agent on a call, Twilio REST requests per agent-hour caused by the plugin: before ${n(beforeIdle * REST_PER_STATUS)}, after those of its 1 status and 1 Sync token (the functions' figures above)`,
    `plugin, idle agent on a call with Sync unavailable (fallback polling, 15 s+ jittered, backing off): ${n(fallback.requests)} invocations per agent-hour`,
    `plugin, 5-minute call with one card payment (card number and CVV, focus and blur; one CVV left to expire), mount to end: before ${n((5 * 60_000) / BEFORE_POLL_MS)} invocations, after ${n(payment.requests)} (the first status, the Sync token and one status at the expiry), plus the desktop relay's own signals`,
    // The index has no way to the functions: its rows are the map's items (test/components/supervisor.test.tsx checks the view sends nothing).
    `plugin, supervisor view watching ${supervisor.calls} live calls, periodic invocations: before ${n(beforeSupervisor / 3600)}/s (${n(beforeSupervisor)} per hour, every call every 3 s), after 0 (one subscription per shard of the live-calls index, ${liveCallsShardNames().length} Sync maps: ${supervisor.syncReads} Sync reads to open them, then ${n(supervisor.updates)} changes pushed in the hour; ${supervisor.tokens} Sync token an hour)`,
  ];
}

if (require.main === module) {
  run().then(
    (lines) => {
      console.log(lines.join('\n'));
      process.exit(0);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
