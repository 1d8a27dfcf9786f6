/**
 * `npm run bench`: prints the figures the product is held to, one a line.
 *  1. handler signals/s and p50/p99 of our own time per signal, Twilio answering instantly
 *     in-process (the stand-in's own time is subtracted);
 *  2. sequential Twilio round trips on the pause critical path (parallel requests count once);
 *  3. pause latency through the real local runtime with the stand-in answering after 150 ms,
 *     as a ratio to 150 ms;
 *  4. gzip sizes, when built (`npm run build`): the plugin every agent loads, the Desktop Manager
 *     view admins load on opening it, the CRM relay script (bench/bundle.ts);
 *  5. cost: Function invocations and Twilio REST requests per call and per agent-hour, the sweep,
 *     agents within 30 concurrent Functions, Event Streams deliveries of 10, 50 and 100 task
 *     events, and a 10,000-agent contact center's busy Functions (mean and p99) and REST requests
 *     in flight (bench/serverCost.ts, bench/pluginCost.ts);
 *  6. load: a 10,000-agent contact center's calls and card payments through the real local
 *     runtime, Twilio at 150 ms, task events in Event Streams deliveries (bench/load.ts);
 *  7. robustness: the randomized fault run's figures (bench/robustness.ts).
 * A whole run also writes what it printed to docs/bench.md, which the README's headline figures
 * come from.
 */
import { buildServices } from '../src/serverless/lib/wiring/services';
import { taskEventDeps } from '../src/serverless/lib/endpoints/taskEvent';
import { reportCost } from './bench/reportCost';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import twilio from 'twilio';
import { parseDesktopEventsConfig } from '../src/core/desktopEvents';
import { signedHeaders } from '../src/core/signature';
import { handleDesktopEvent, DesktopEventDeps } from '../src/serverless/lib/endpoints/desktopEvent';
import { taskEvent, TASK_EVENTS } from '../src/serverless/lib/control/callbacks';
import { readSettings } from '../src/serverless/lib/base/settings';
import type { RequestRecord } from '../src/standin/standin';
import { InProcessRequestClient } from './bench/inProcess';
import { sharedClock, StandinThread } from './bench/standinThread';
import { run as bundles } from './bench/bundle';
import { run as pluginCost } from './bench/pluginCost';
import { run as robustness } from './bench/robustness';
import { run as serverCost } from './bench/serverCost';
import { run as load } from './bench/load';
import { env, LATENCY_MS, percentile, taskEventCallback } from './bench/shared';
import { root } from './localEnv';
import { freePort, startLocalStack } from './localStack';

const config = parseDesktopEventsConfig(readFileSync(join(root, 'src/serverless/assets/desktop-events.private.json'), 'utf8'));

/** A relay's request as the handler receives it: header names in lower case, as Functions give them. */
function signedSignal(body: Record<string, unknown>, now = Date.now()) {
  const headers = Object.fromEntries(Object.entries(signedHeaders(env.DESKTOP_EVENT_SECRET, body, now)).map(([name, value]) => [name.toLowerCase(), value]));
  return { headers, body };
}

async function handlerFigures(): Promise<void> {
  // People pace the signals: each agent spends about 12 s in a card field. The clock is
  // simulated so the benchmark need not wait, and every party reads the same clock (Sync's
  // per-object limits at the stand-in too: they apply at people's pace, not at this loop's).
  const agents = Array.from({ length: 20 }, (_, index) => `bench-agent-${index}`);
  const clock = sharedClock(Date.now());
  const now = () => new Date(clock[0]);
  // TaskRouter's events reach the task-event logic, as on a real account: each call's ledger is made on acceptance.
  const callback = await taskEventCallback((event) => taskEvent(taskEventDeps(services)!, event));
  // In a thread of its own: its garbage collections are not ours.
  const standin = new StandinThread(
    // The events filter docs/deploy.md sets.
    {
      accountSid: env.ACCOUNT_SID,
      workspaceSid: env.TWILIO_WORKSPACE_SID,
      eventCallbackUrl: callback.url,
      authToken: env.AUTH_TOKEN,
      eventsFilter: TASK_EVENTS,
    },
    clock,
  );
  await standin.createSyncService({ sid: env.SYNC_SERVICE_SID, friendlyName: 'recording-controls', aclEnabled: true });
  const transport = new InProcessRequestClient(standin);
  const settings = readSettings(env);
  const client = twilio(settings.accountSid, settings.authToken, { httpClient: transport });
  const services = buildServices(settings, { client, now, asset: () => config });
  const deps: DesktopEventDeps = { ...services, config, now };
  const callOf = new Map<string, string>();
  const newCall = async (agent: string) => {
    callOf.set(agent, (await standin.createLiveCall({ agent, recording: 'both', conferenceDelayMs: 0 })).callSid);
    await standin.callbacksDelivered();
  };
  for (const agent of agents) {
    await newCall(agent);
    await handleDesktopEvent(deps, signedSignal({ eventId: `warm-${agent}`, agent, trigger: 'cvv.focus' }, clock[0])); // warms the call cache
  }
  let sequence = 0;
  const signalsOf = new Map<string, number>();
  /** A call sees a few dozen card entries at most: the agent's call ends and the next one comes, set up before the signal is timed. */
  const nextCallIfDue = async (agent: string) => {
    if (((signalsOf.get(agent) ?? 0) + 1) % 60 !== 0) return;
    await standin.endCall(callOf.get(agent)!);
    await newCall(agent);
  };
  const oneSignal = async (agent: string) => {
    sequence += 1;
    const count = (signalsOf.get(agent) ?? 0) + 1;
    signalsOf.set(agent, count);
    clock[0] += 12_000 / agents.length;
    const trigger = count % 2 === 0 ? 'card-number.focus' : 'card-number.blur';
    const result = await handleDesktopEvent(deps, signedSignal({ eventId: `bench-${sequence}`, agent, trigger }, clock[0]));
    if (result.status !== 200) throw new Error(`signal answered ${result.status}: ${JSON.stringify(result.body)}`);
  };

  // Our own time per signal, one at a time, after a warm-up so the JIT has settled.
  for (let index = 0; index < 1000; index += 1) {
    await nextCallIfDue(agents[index % agents.length]);
    await oneSignal(agents[index % agents.length]);
  }
  const ownMs: number[] = [];
  for (let index = 0; index < 4000; index += 1) {
    await nextCallIfDue(agents[index % agents.length]);
    const before = transport.standinMs;
    const started = performance.now();
    await oneSignal(agents[index % agents.length]);
    ownMs.push(performance.now() - started - (transport.standinMs - before));
  }
  const totalOwnMs = ownMs.reduce((sum, ms) => sum + ms, 0);
  ownMs.sort((a, b) => a - b);
  console.log(`handler throughput on one core (our own time only, stand-in excluded): ${Math.round(ownMs.length / (totalOwnMs / 1000))} signals/s`);
  console.log(`our own time per signal p50: ${percentile(ownMs, 50).toFixed(3)} ms`);
  console.log(`our own time per signal p99: ${percentile(ownMs, 99).toFixed(3)} ms`);
  callback.close();
  await standin.close();
}

/** The first update of each recording: the moment it was paused (later ones only re-check). */
function firstUpdates(requests: RequestRecord[]): RequestRecord[] {
  const first = new Map<string, RequestRecord>();
  for (const request of requests) if (request.operation === 'recording.update' && !first.has(request.path)) first.set(request.path, request);
  return [...first.values()];
}

/**
 * The longest chain of requests, each sent after the previous one was answered, that ends in a
 * recording's first update: the sequential round trips before the recordings are paused.
 */
function pauseCriticalPath(requests: RequestRecord[]): number {
  const depth = new Map<RequestRecord, number>();
  for (const request of requests) {
    const before = requests.filter((other) => other.answeredAt && other.answeredAt <= request.at && depth.has(other));
    depth.set(request, 1 + Math.max(0, ...before.map((other) => depth.get(other) as number)));
  }
  return Math.max(...firstUpdates(requests).map((request) => depth.get(request) as number));
}

async function runtimeFigures(): Promise<void> {
  // Each round's stop resumes at once, so the next round's start pauses anew (with a stop's wait for
  // the next field, a start within it finds the recordings paused and sends Twilio nothing).
  const stack = await startLocalStack({
    env: { ...env, NEXT_FIELD_WINDOW_MS: '0' },
    functionsPort: await freePort(),
    standinPort: await freePort(),
    output: 'ignore',
  });
  try {
    const send = async (body: Record<string, unknown>) => {
      const signal = signedSignal(body);
      const sentAt = new Date();
      const response = await fetch(`${stack.functionsUrl}/desktop-event`, {
        method: 'POST',
        headers: signal.headers,
        body: JSON.stringify(body),
      });
      const answer = await response.json();
      if (response.status !== 200) throw new Error(`signal answered ${response.status}: ${JSON.stringify(answer)}`);
      return { sentAt, answeredAt: new Date() };
    };
    stack.standin.setLatency(LATENCY_MS);
    stack.standin.createLiveCall({ agent: 'latency-agent', recording: 'both' });
    await stack.standin.callbacksDelivered(); // TaskRouter's reservation.accepted has reached the live index

    const cold = stack.standin.requests().length;
    await send({ eventId: 'cold-pause', agent: 'latency-agent', trigger: 'cvv.focus' });
    const coldPath = pauseCriticalPath(stack.standin.requests().slice(cold));
    await send({ eventId: 'cold-resume', agent: 'latency-agent', trigger: 'cvv.blur' });

    const pauseRatios: number[] = [];
    const answerRatios: number[] = [];
    let warmPath = 0;
    for (let round = 0; round < 8; round += 1) {
      const mark = stack.standin.requests().length;
      const { sentAt, answeredAt } = await send({ eventId: `warm-pause-${round}`, agent: 'latency-agent', trigger: 'card-number.focus' });
      const requests = stack.standin.requests().slice(mark);
      warmPath = Math.max(warmPath, pauseCriticalPath(requests));
      const pausedAt = Math.max(...firstUpdates(requests).map((request) => Date.parse(request.answeredAt as string)));
      pauseRatios.push((pausedAt - sentAt.getTime()) / LATENCY_MS);
      answerRatios.push((answeredAt.getTime() - sentAt.getTime()) / LATENCY_MS);
      await send({ eventId: `warm-resume-${round}`, agent: 'latency-agent', trigger: 'card-number.blur' });
    }
    pauseRatios.sort((a, b) => a - b);
    answerRatios.sort((a, b) => a - b);
    console.log(`pause critical path, call known: ${warmPath} sequential Twilio round trip(s)`);
    console.log(`pause critical path, call unknown to the container (read from the live index): ${coldPath} sequential Twilio round trip(s)`);
    console.log(`pause latency / ${LATENCY_MS} ms (signal sent → Twilio confirmed paused, via twilio-run), median: ${percentile(pauseRatios, 50).toFixed(2)}`);
    console.log(`pause latency / ${LATENCY_MS} ms, worst of ${pauseRatios.length}: ${pauseRatios[pauseRatios.length - 1].toFixed(2)}`);
    console.log(`relay's answer latency / ${LATENCY_MS} ms (includes writing the ledger), median: ${percentile(answerRatios, 50).toFixed(2)}`);
  } finally {
    await stack.stop();
  }
}

async function section(title: string, lines: Promise<string[]>): Promise<void> {
  console.log(`\n${title}`);
  for (const line of await lines) console.log(line);
}

/** A section run alone (`BENCH_ONLY`): printed, and its part of docs/bench.md rewritten. */
async function sectionAlone(title: string, lines: Promise<string[]>): Promise<void> {
  const printed = await lines;
  await section(title, Promise.resolve(printed));
  rewriteSection(title, printed);
}

/** Replaces what docs/bench.md says under `title` (up to the next section) with `printed`. */
function rewriteSection(title: string, printed: string[]): void {
  const path = join(root, 'docs/bench.md');
  const report = readFileSync(path, 'utf8').split('\n');
  const start = report.indexOf(title);
  if (start < 0) return;
  const end = report.findIndex((line, index) => index > start && (SECTION_TITLES.includes(line) || line === '```'));
  report.splice(start + 1, end - start - 1, ...printed, '');
  writeFileSync(path, report.join('\n'));
}

const LOAD_TITLE = 'Load: signals at the 10,000-agent rate';
const REPORT_TITLE = 'Cost: the compliance report';
const COST_TITLE = 'Cost: the functions (per call, per agent-hour, the sweep, concurrency)';
const SECTION_TITLES = ['Speed', 'Bundles', COST_TITLE, 'Cost: the Flex plugin (per agent-hour, supervisor view)', LOAD_TITLE, 'Robustness', REPORT_TITLE];

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === 'speed') {
    const printed = keepPrinted();
    await handlerFigures();
    await runtimeFigures();
    rewriteSection('Speed', printed);
    process.exit(0);
  }
  if (process.env.BENCH_ONLY === 'report') {
    await sectionAlone(REPORT_TITLE, reportCost());
    process.exit(0);
  }
  if (process.env.BENCH_ONLY === 'cost') {
    await sectionAlone(COST_TITLE, serverCost());
    process.exit(0);
  }
  if (process.env.BENCH_ONLY === 'load') {
    await sectionAlone(LOAD_TITLE, load());
    process.exit(0);
  }
  const printed = keepPrinted();
  console.log('Speed');
  await handlerFigures();
  if (process.env.BENCH_ONLY === 'handler') process.exit(0);
  await runtimeFigures();
  await section('Bundles', bundles());
  await section(COST_TITLE, serverCost());
  await section('Cost: the Flex plugin (per agent-hour, supervisor view)', pluginCost());
  await section(LOAD_TITLE, load());
  await section('Robustness', robustness());
  await section(REPORT_TITLE, reportCost());
  writeBenchReport(printed);
  process.exit(0);
}

/** What console.log prints from now on, kept as well as printed. */
function keepPrinted(): string[] {
  const lines: string[] = [];
  const print = console.log.bind(console);
  console.log = (...values: unknown[]) => {
    lines.push(values.map(String).join(' '));
    print(...values);
  };
  return lines;
}

/** docs/bench.md: the whole run's figures, with when and on what they were taken. */
function writeBenchReport(lines: string[]): void {
  const machine = `${availableParallelism()} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}`;
  const text = [
    '# Benchmark figures',
    '',
    `What \`npm run bench\` printed on ${new Date().toISOString().slice(0, 10)} (${machine}); it rewrites this file each`,
    'time it runs whole, and a section run alone (`BENCH_ONLY=speed`, `cost`, `load` or `report`) rewrites its own part.',
    'The README keeps the headline figures; `docs/architecture.md` says what bounds them.',
    '',
    '```text',
    ...lines.flatMap((line) => line.split('\n')),
    '```',
    '',
  ].join('\n');
  writeFileSync(join(root, 'docs/bench.md'), text);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
