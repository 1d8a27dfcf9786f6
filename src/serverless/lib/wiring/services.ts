/**
 * What each function container keeps between invocations: settings, the Twilio client, the
 * live-call cache and the desktop events configuration. Built lazily from the context.
 */
import { readFileSync, statSync } from 'node:fs';
import { ConfigCheck, parseDesktopEventsConfig } from '../../../core/desktopEvents';
import { CallControl, ResumeLanding } from '../control/callControl';
import { Authenticator } from '../endpoints/auth';
import { RecentAnswers } from '../base/replays';
import { DesktopEventsConfigStore } from '../stores/desktopEventsConfig';
import { LedgerStore } from '../stores/ledgerStore';
import { ReportStore } from '../stores/reportStore';
import { LiveIndex } from '../stores/liveIndex';
import { RepairMarks } from '../stores/repairMarks';
import { AgentCalls } from '../control/agentCalls';
import { TaskCalls, taskCallOfLedger } from '../twilio/taskCalls';
import { TaskOrigins } from '../twilio/taskOrigins';
import { SyncServiceCheck } from '../twilio/syncService';
import { SyncReadGrants } from '../twilio/syncPermissions';
import { Env, readSettings, Settings } from '../base/settings';
import { twilioClient, TwilioClient } from '../twilio/twilioClient';
import type { RecordingBackend } from '../base/recordingBackend';
import { twilioRecordings } from '../twilio/recordings';
import { Retries, RETRY_POLICY, type RetryPolicy } from '../twilio/retry';

export interface Services {
  settings: Settings;
  /** The container's one clock, and waiting on it: everything here and every endpoint takes these. */
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  client: TwilioClient;
  /** How every Twilio request here is retried (the container's policy, its budget on the container's clock). */
  retries: Retries;
  /** The calls' recordings (Twilio's), the one way the product lists, pauses, resumes, starts or stops them. */
  recordings: RecordingBackend;
  store: LedgerStore;
  control: CallControl;
  calls: AgentCalls | undefined;
  index: LiveIndex;
  answers: RecentAnswers;
  tasks: TaskCalls | undefined;
  /** Which call each task was created for, as TaskRouter recorded it (never the task's attributes, which an agent may rewrite). */
  origins: TaskOrigins | undefined;
  auth: Authenticator;
  /** The desktop item events: saved in Sync (for signals ≤ 5 s old, `forSignals`), else the asset. */
  configs: DesktopEventsConfigStore;
  /** Whether SYNC_SERVICE_SID is a service of the product's own with ACLs on (read once). */
  syncService: SyncServiceCheck;
  /** Read permissions for the plugin's Sync client. */
  grants: SyncReadGrants;
  /** The compliance report's figures: each agent's ended tasks of a day. */
  reports: ReportStore;
}

let cached: { key: string; services: Services } | undefined;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The private asset's path; Runtime is a global of the Functions runtime. */
function assetPath(name: string): string | undefined {
  const runtime = (globalThis as unknown as { Runtime?: { getAssets(): Record<string, { path: string }> } }).Runtime;
  return runtime?.getAssets()[name]?.path;
}

let configCache: { path: string; mtimeMs: number; check: ConfigCheck } | undefined;

export function loadDesktopEventsConfig(path: string | undefined): ConfigCheck {
  if (!path) return { ok: false, problems: ['desktop-events.json is not deployed (private asset /desktop-events.json)'] };
  try {
    const { mtimeMs } = statSync(path);
    if (configCache?.path !== path || configCache.mtimeMs !== mtimeMs) {
      configCache = { path, mtimeMs, check: parseDesktopEventsConfig(readFileSync(path, 'utf8')) };
    }
    return configCache.check;
  } catch {
    return { ok: false, problems: [`desktop-events.json cannot be read`] };
  }
}

export interface ServiceOptions {
  /** A client of the caller's (the benchmark's in-process one); otherwise one from the settings. */
  client?: TwilioClient;
  /** The container's one clock (real time unless a test or the bench simulates it), and waiting on it. */
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** How soon a resume surely landed (callControl.ts); the production window unless a test narrows it. */
  landing?: ResumeLanding;
  /** How Twilio requests are retried (twilio/retry.ts); Twilio's policy unless a test or a fault run shortens the waits. */
  retry?: RetryPolicy;
  /** The desktop item events asset; otherwise the deployed private asset. */
  asset?: () => ConfigCheck;
}

/** The one place the services are wired: the functions, the tests and the benchmark all build them here. */
export function buildServices(settings: Settings, options: ServiceOptions = {}): Services {
  const client = options.client ?? twilioClient(settings);
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? realSleep;
  /** The same clock in milliseconds, for the caches that keep time that way. */
  const clockMs = () => now().getTime();
  const retries = new Retries(options.retry ?? RETRY_POLICY, now);
  const store = new LedgerStore(client, retries, settings.syncServiceSid, now);
  const index = new LiveIndex(client, retries, settings.syncServiceSid, now);
  const syncService = new SyncServiceCheck(client, retries, settings.syncServiceSid);
  const configs = new DesktopEventsConfigStore(client, retries, settings.syncServiceSid, {
    asset: options.asset ?? (() => loadDesktopEventsConfig(settings.desktopEventsFile ?? assetPath('/desktop-events.json'))),
    serviceCheck: () => syncService.check(),
    now: () => now().getTime(),
  });
  const origins = settings.workspaceSid ? new TaskOrigins(client, retries, settings.workspaceSid) : undefined;
  const repairs = origins && new RepairMarks(client, retries, settings.workspaceSid as string, origins);
  const recordings = twilioRecordings(client, retries, settings.pauseBehavior);
  return {
    settings,
    now,
    sleep,
    client,
    retries,
    recordings,
    store,
    control: new CallControl({ recordings, store, now, sleep, landing: options.landing, index, repairs }),
    calls: origins && new AgentCalls(client, retries, settings.workspaceSid as string, origins, index, clockMs),
    index,
    answers: new RecentAnswers(),
    tasks:
      origins &&
      new TaskCalls(
        client,
        retries,
        settings.workspaceSid as string,
        origins,
        // The call's ledger, read as a change would (the change then starts from it): its task now, live until its end was handled.
        async (callSid) => taskCallOfLedger(callSid, (await store.load(callSid))?.record),
        clockMs,
      ),
    origins,
    auth: new Authenticator(settings, clockMs),
    configs,
    syncService,
    grants: new SyncReadGrants(client, retries, settings.syncServiceSid),
    reports: new ReportStore(client, retries, settings.syncServiceSid),
  };
}

/** What a desktop signal is handled with: the container's services, and the configuration as signals take it (≤ 5 s old, or the copy on hand). */
export const desktopEventDeps = (services: Services) => ({ ...services, ...services.configs.forSignal(), log: console.log });

export function servicesFor(env: Env): Services {
  const settings = readSettings(env);
  const key = JSON.stringify(settings);
  if (cached?.key === key) return cached.services;
  const services = buildServices(settings);
  cached = { key, services };
  return services;
}
