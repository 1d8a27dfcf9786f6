/**
 * The randomized fault run, shared by its test and `npm run bench`: thousands of steps of
 * signals from several containers (some concurrent, some replays of earlier ones), API pauses and
 * resumes, Twilio faults (429, 500, 503, 16114, dropped connections) on recordings and on Sync,
 * clock jumps and sweeps. After every step, at Twilio (the stand-in), "paused ⇔ at least one open
 * hold" holds, or the call is flagged for the sweep and the next sweeps restore it; anything else
 * throws, naming the seed and the last steps so the run can be replayed.
 *
 * Everything that could make two runs of a seed differ is drawn from it or from its simulated
 * clock: the steps, the stand-in's sids, the signals' event ids, when Flex names a conference, how
 * much time passes between steps and while a container waits for a resume to land. Retries go at
 * once (no jitter to draw), so a failing seed replays step for step.
 */
import { createHash } from 'node:crypto';
import { setupServer } from 'msw/node';
import { handleDesktopEvent } from '../serverless/lib/endpoints/desktopEvent';
import { handleRecordingControl } from '../serverless/lib/endpoints/recordingControls';
import { Retries } from '../serverless/lib/twilio/retry';
import { sweep } from '../serverless/lib/control/sweep';
import type { FaultInput } from '../standin/standin';
import { SimulatedClock } from './simulatedClock';
import { apiDeps, desktopDeps, ledgerAtStandin, liveIndex, signed } from './harness';
import { standinWithTaskEvents } from './taskEvents';
import { NEXT_FIELD_WINDOW_MS } from '../core/desktopEvents';

/** mulberry32: small, seedable, good enough to pick steps (and the bench's calls). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FAULTS: Array<Pick<FaultInput, 'status' | 'code'>> = [
  { status: 429, code: 20429 },
  { status: 500, code: 20500 },
  { status: 503, code: 20503 },
  { status: 400, code: 16114 },
  { status: 0, code: 0 },
];
const FAULTED = [
  'recording.update',
  'recording.update',
  'recording.list',
  'sync.document.fetch',
  'sync.document.update',
  'sync.document.create',
  'syncMapItem.create',
  'syncMapItem.update',
  'syncMapItem.fetch',
  'taskrouter.event.list',
] as const;
const TRIGGERS = ['card-number.focus', 'card-number.blur', 'cvv.focus', 'cvv.blur'];

export interface FaultRunOptions {
  steps: number;
  seed: number;
  trace?: boolean;
  /**
   * Flex's order too: conferences named late (task.updated after the acceptance), TaskRouter's
   * events delivered again at random (late, so out of order), and recordings started by someone else
   * during a hold. Off, a seed replays the run it gave before these existed.
   */
  flexOrder?: boolean;
}

export interface FaultRunReport {
  steps: number;
  /**
   * A digest of every step's outcome and of every request Twilio received (what, when, answered how):
   * two runs of a seed give the same one.
   */
  digest: string;
  faultsInjected: number;
  /** Calls found out of rule after a step (always flagged), then put right by the sweep. */
  violationsRepaired: number;
  /** The most sweeps a repair took: at one sweep a second, the longest a recording was paused without a hold. */
  maxSweepsToRepair: number;
  /** Signals sent again byte for byte, answered as repeats and changing nothing. */
  replaysRefused: number;
  /** Signals answered 502 after Twilio had paused some recording for them: undone within the request. */
  partialPausesUndone: number;
  answers: Record<string, number>;
  /** TaskRouter events delivered again (flexOrder). */
  redeliveries: number;
  /** Recordings started by someone else (flexOrder), and the most sweeps it took to pause one started during a hold. */
  outsideRecordings: number;
  maxSweepsToPauseOutside: number;
}

/** Where every run starts on its simulated clock. */
const START = Date.parse('2030-01-07T09:00:00Z');

/**
 * A run on a stand-in of its own behind msw, its clock simulated: the report, or an error naming
 * the seed, the step and the last steps.
 */
export async function runFaultRun({ steps, seed, trace = false, flexOrder = false }: FaultRunOptions): Promise<FaultRunReport> {
  const SEED = seed;
  const STEPS = steps;
  const pick = random(SEED);
  const clock = new SimulatedClock(START);
  const now = clock.date;
  // Thousands of faults in seconds: the same eight attempts, at once.
  const retry = { budgetMs: 10_000, startingDelayMs: 0, maxDelayMs: 0 };
  const timing = { sleep: clock.sleep, retry };
  /** A sweep's retries, as a container of the run would have them. */
  const sweepRetries = new Retries(retry, now);
  // The stand-in's sids from a generator of their own, so that steps draw the same numbers whatever sids were made.
  const { standin, handlers } = standinWithTaskEvents({ now, timers: clock.timers, random: random(SEED ^ 0x5eed) }, timing);
  const server = setupServer(...handlers);
  server.listen({ onUnhandledRequest: 'error' });
  // Off here, and only here: a run plays thousands of signals on two calls within seconds — far
  // past the per-object rate any real call reaches — while injecting 429s of its own.
  standin.setSyncLimits(false);
  try {
    return await run();
  } finally {
    server.close();
  }

  async function run(): Promise<FaultRunReport> {
    const choose = <T>(list: readonly T[]): T => list[Math.floor(pick() * list.length)];
    let events = 0;
    const eventId = () => `evt-${SEED}-${(events += 1)}`;
    const agents = ['ana', 'ben'];
    const calls = agents.map((agent) => ({
      agent,
      outside: 0,
      tokenAt: clock.ms(),
      ...standin.createLiveCall({ agent, recording: 'both', conferenceDelayMs: flexOrder ? Math.floor(pick() * 1500) : 0 }),
    }));
    /** The agent's Flex token, renewed before its hour is up, as Flex renews it: a long run's clock passes many hours. */
    const tokenOf = (call: (typeof calls)[number]) => {
      if (clock.ms() - call.tokenAt > 45 * 60_000)
        Object.assign(call, { token: standin.createWorker({ agent: call.agent, role: 'agent' }).token, tokenAt: clock.ms() });
      return call.token;
    };
    await standin.callbacksDelivered();
    // The production default: a stop that would resume waits for the next card field.
    const containers = [0, 1, 2].map(() =>
      desktopDeps({ now, log: trace ? (line) => console.log(line) : undefined }, { NEXT_FIELD_WINDOW_MS: String(NEXT_FIELD_WINDOW_MS) }, timing),
    );
    const api = apiDeps({}, now, timing);
    const report: FaultRunReport = {
      steps: STEPS,
      digest: '',
      faultsInjected: 0,
      violationsRepaired: 0,
      maxSweepsToRepair: 0,
      replaysRefused: 0,
      partialPausesUndone: 0,
      answers: {},
      redeliveries: 0,
      outsideRecordings: 0,
      maxSweepsToPauseOutside: 0,
    };
    const sent: Array<ReturnType<typeof signed>> = [];
    const count = (status: number) => {
      report.answers[status] = (report.answers[status] ?? 0) + 1;
    };
    const recent: string[] = [];
    const digest = createHash('sha256');
    const did = (what: string) => {
      digest.update(`${what}\n`);
      recent.push(what);
      if (recent.length > 12) recent.shift();
    };
    const signal = async () => {
      const call = choose(calls);
      const container = Math.floor(pick() * containers.length);
      const trigger = choose(TRIGGERS);
      // In Flex's order, half the signals name the call, as the plugin's CRM bridge sends them.
      const namesCall = flexOrder && pick() < 0.5;
      const request = signed({ eventId: eventId(), agent: call.agent, trigger, ...(namesCall && { callSid: call.callSid }) }, { timestamp: clock.ms() / 1000 });
      sent.push(request);
      if (sent.length > 50) sent.shift();
      const pausesBefore = pausesOf(call.recordingSids);
      const result = await handleDesktopEvent(containers[container], request);
      if (result.status === 502 && pausesOf(call.recordingSids) > pausesBefore) report.partialPausesUndone += 1;
      did(`signal ${call.agent} ${trigger} @${container} → ${result.status} ${JSON.stringify(result.body).slice(0, 160)}`);
      count(result.status);
      if (result.status !== 200 && result.status !== 502) throw new Error(`seed ${SEED}: a signal answered ${result.status}`);
    };
    const pausesOf = (sids: string[]) =>
      sids.reduce((sum, sid) => sum + (standin.recording(sid)?.history.filter((entry) => entry.status === 'paused').length ?? 0), 0);
    /** A captured signal sent again, to any container, within its signature window. */
    const replay = async () => {
      const request = choose(sent);
      if (!request || clock.ms() / 1000 - Number(request.headers['x-desktop-timestamp']) > 290) return;
      const first = await handleDesktopEvent(containers[0], request);
      const again = await handleDesktopEvent(choose(containers), request);
      did(`replay → ${again.status} ${JSON.stringify(again.body).slice(0, 80)}`);
      if (first.status === 200 && again.status === 200) {
        if ((again.body as { duplicate?: boolean }).duplicate !== true) throw new Error(`seed ${SEED}: a replay was taken as new`);
        report.replaysRefused += 1;
      }
    };

    const violated = async () => {
      const broken = [];
      for (const call of calls) {
        const stored = await ledgerAtStandin(standin, call.callSid);
        const held = (stored?.record.holds.length ?? 0) > 0;
        const statuses = await Promise.all(call.recordingSids.map((sid) => Promise.resolve(standin.recording(sid)?.status)));
        // Flagged in the ledger, or (when Sync could not take the flag) marked on the task in TaskRouter.
        const mark = (standin.task(call.taskSid)?.attributes as { recording_controls?: unknown } | undefined)?.recording_controls as
          { repair_needed?: boolean; repair_call_sid?: string } | undefined;
        const marked = mark?.repair_needed === true && mark.repair_call_sid === call.callSid;
        if (statuses.some((status) => status !== (held ? 'paused' : 'in-progress')))
          broken.push({ call, flagged: stored?.record.outOfSync === true || marked });
      }
      return broken;
    };

    /** TaskRouter sends an event again, late: whatever it carried then. */
    const redeliver = async () => {
      const delivered = standin.eventCallbacks();
      if (delivered.length === 0) return;
      const event = choose(delivered);
      const { status } = await standin.redeliverEventCallback(event.sid);
      report.redeliveries += 1;
      did(`redeliver ${event.eventType} ${event.taskSid} → ${status}`);
    };
    /**
     * An agent's browser rewrites its own task's attributes, as Flex lets it: the call and conference
     * it names pointed at the colleague's, a record of its end, tags. The repair mark (a trace the
     * functions left there) is kept: erasing it is the known limit that leaves a call paused, and
     * the check below must not be fooled by it.
     */
    const agentWrites = async () => {
      const call = choose(calls);
      const other = calls.find((candidate) => candidate !== call)!;
      const current = (standin.task(call.taskSid)?.attributes ?? {}) as Record<string, unknown>;
      const controls = (current.recording_controls ?? {}) as Record<string, unknown>;
      const kept = { ...(controls.repair_needed !== undefined && { repair_needed: controls.repair_needed, repair_call_sid: controls.repair_call_sid }) };
      const forgeries: Array<Record<string, unknown>> = [
        { call_sid: other.callSid },
        { conference: { sid: other.conferenceSid, participants: { customer: other.callSid } } },
        { recording_controls: { ...kept, call_sid: other.callSid, ended_at: now().toISOString() } },
        { recording_controls: { ...kept, tags: ['forged'], metadata: { by: call.agent } } },
      ];
      const forgery = choose(forgeries);
      standin.setTaskAttributes(call.taskSid, tokenOf(call), {
        ...current,
        ...forgery,
        ...(!('recording_controls' in forgery) && { recording_controls: controls }),
      });
      await standin.callbacksDelivered();
      did(`attributes ${call.agent} ${Object.keys(forgery).join(',')}`);
    };
    /** TaskRouter's (or Event Streams') deliveries again, late and out of order: a few old events at once, newest first. */
    const lateAndReordered = async () => {
      const delivered = standin.eventCallbacks();
      const picked = Array.from({ length: Math.min(delivered.length, 1 + Math.floor(pick() * 4)) }, () => choose(delivered));
      const statuses = await Promise.all(picked.reverse().map((event) => standin.redeliverEventCallback(event.sid).then(({ status }) => status)));
      report.redeliveries += picked.length;
      did(`late ${picked.map((event) => event.eventType).join(',')} → ${statuses.join(',')}`);
    };
    /** Someone else starts a recording; the sweep (a second apart) must pause it while a hold is open. */
    const outsideRecording = async (step: number) => {
      const call = choose(calls);
      const kind = pick() < 0.5 ? 'call' : 'conference';
      if (call.outside >= 3) return;
      const { sid } = standin.startOutsideRecording(call.callSid, kind);
      call.outside += 1;
      call.recordingSids.push(sid);
      report.outsideRecordings += 1;
      did(`outside ${kind} recording on ${call.agent}'s call`);
      let sweeps = 0;
      while ((await violated()).some((broken) => broken.call === call)) {
        sweeps += 1;
        if (sweeps > 10) throw new Error(`seed ${SEED}, step ${step}: a recording started during a hold still runs after 10 sweeps\n${recent.join('\n')}`);
        await clock.advance(1000);
        await sweep(liveIndex(sweepRetries), containers[0].control, now).catch(() => undefined);
      }
      report.maxSweepsToPauseOutside = Math.max(report.maxSweepsToPauseOutside, sweeps);
    };

    for (let step = 0; step < STEPS; step += 1) {
      // Between steps, a little time passes (Flex may name a conference meanwhile).
      await clock.advance(Math.floor(pick() * 100));
      await standin.callbacksDelivered();
      const roll = pick();
      if (flexOrder && roll >= 0.87 && roll < 0.93) {
        if (pick() < 0.8) await redeliver();
        else await outsideRecording(step);
      } else if (roll >= 0.93 && roll < 0.96) {
        if (pick() < 0.5) await agentWrites();
        else await lateAndReordered();
      } else if (roll < 0.4) {
        await signal();
      } else if (roll < 0.5) {
        await Promise.all(Array.from({ length: 2 + Math.floor(pick() * 3) }, signal));
      } else if (roll < 0.65) {
        const fault = { operation: choose(FAULTED), ...choose(FAULTS), times: 1 + Math.floor(pick() * 12) };
        standin.injectFault(fault);
        did(`fault ${JSON.stringify(fault)}`);
        report.faultsInjected += 1;
      } else if (roll < 0.75) {
        const call = choose(calls);
        const verb = pick() < 0.5 ? 'pause' : 'resume';
        const result = await handleRecordingControl(verb, api, { headers: {}, body: { callSid: call.callSid, Token: tokenOf(call) } });
        did(`api ${verb} ${call.agent} → ${result.status}`);
        count(result.status);
        if (result.status !== 200 && result.status !== 502) throw new Error(`seed ${SEED}: an API ${verb} answered ${result.status}`);
      } else if (roll < 0.8) {
        await replay();
      } else if (roll < 0.87) {
        await clock.advance(Math.floor(pick() * 70_000));
        did('clock');
      } else {
        did(`sweep ${JSON.stringify(await sweep(liveIndex(sweepRetries), containers[0].control, now).catch((error: Error) => error.message))}`);
      }

      const broken = await violated();
      if (broken.length === 0) continue;
      // Never silent: a call out of rule is flagged, and the sweep (every second) puts it right.
      for (const { call, flagged } of broken) {
        if (!flagged)
          throw new Error(
            `seed ${SEED}, step ${step}: ${call.callSid} is out of rule and not flagged for the sweep\n${recent.join('\n')}\n${JSON.stringify(await ledgerAtStandin(standin, call.callSid))}\n${JSON.stringify(call.recordingSids.map((sid) => standin.recording(sid)))}`,
          );
      }
      let sweeps = 0;
      while ((await violated()).length > 0) {
        sweeps += 1;
        if (sweeps > 10) throw new Error(`seed ${SEED}, step ${step}: still out of rule after 10 sweeps\n${recent.join('\n')}`);
        await clock.advance(1000); // a sweep a second, as npm start runs it
        await sweep(liveIndex(sweepRetries), containers[0].control, now).catch(() => undefined);
      }
      report.violationsRepaired += 1;
      report.maxSweepsToRepair = Math.max(report.maxSweepsToRepair, sweeps);
    }
    for (const request of standin.requests()) digest.update(`${JSON.stringify(request)}\n`);
    report.digest = digest.digest('hex').slice(0, 16);
    return report;
  }
}

/** One run for the soak and the bench: the report, or the first line of what broke the rule — the finding, to replay with its seed. */
export async function faultRunOnce(options: FaultRunOptions): Promise<{ report: FaultRunReport } | { broken: string }> {
  const quiet = console.error;
  console.error = () => undefined; // the functions log each refused change by name; the report says it all
  try {
    return { report: await runFaultRun(options) };
  } catch (error) {
    return { broken: (error instanceof Error ? error.message : String(error)).split('\n')[0] };
  } finally {
    console.error = quiet;
  }
}
