/**
 * The in-process rig, for the tests and the bench: the real `twilio` SDK talking over HTTP
 * (intercepted by msw) to the same Twilio stand-in that `npm start` serves, and the real endpoint
 * code on top, wired by `buildServices` as a fresh container would be.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDesktopEventsConfig } from '../core/desktopEvents';
import { signedHeaders } from '../core/signature';
import type { DesktopEventDeps } from '../serverless/lib/endpoints/desktopEvent';
import { buildServices, type ServiceOptions } from '../serverless/lib/wiring/services';
import { taskEventDeps } from '../serverless/lib/endpoints/taskEvent';
import type { TaskEventDeps } from '../serverless/lib/control/callbacks';
import { LedgerStore } from '../serverless/lib/stores/ledgerStore';
import { type CallRecord } from '../serverless/lib/base/callRecord';
import { LiveIndex } from '../serverless/lib/stores/liveIndex';
import type { RecordingControlsDeps } from '../serverless/lib/endpoints/recordingControls';
import { readSettings } from '../serverless/lib/base/settings';
import { twilioClient } from '../serverless/lib/twilio/twilioClient';
import { DEFAULT_RETRIES, type Retries } from '../serverless/lib/twilio/retry';
import { createStandin, type Standin, type StandinOptions } from '../standin/standin';

export const ACCOUNT_SID = `AC${'0'.repeat(32)}`;
export const WORKSPACE_SID = `WS${'0'.repeat(32)}`;
export const SECRET = 'test-secret';

/** The product's own Sync service (ACLs on), as a deployment has it; made at the stand-in by `testStandin`. */
export const PRODUCT_SYNC_SERVICE_SID = `IS${'5'.repeat(32)}`;
/** The API key that signs the plugin's Sync tokens; the stand-in knows it. */
export const API_KEY = { sid: `SK${'7'.repeat(32)}`, secret: 'test-api-key-secret' };

export const testEnv = {
  ACCOUNT_SID,
  AUTH_TOKEN: 'a'.repeat(32),
  TWILIO_WORKSPACE_SID: WORKSPACE_SID,
  SYNC_SERVICE_SID: PRODUCT_SYNC_SERVICE_SID,
  TWILIO_API_KEY: API_KEY.sid,
  TWILIO_API_SECRET: API_KEY.secret,
  DESKTOP_EVENT_SECRET: SECRET,
  RECORDING_CONTROLS_API_KEYS: 'test-api-key',
  RECORDING_CONTROLS_ADMIN_KEYS: 'test-admin-key',
  // Most tests follow one signal's path: a stop resumes on its own answer. The wait for the next
  // card field (the default in production) has tests of its own (nextField*.test.ts) and the fault run.
  NEXT_FIELD_WINDOW_MS: '0',
};

/** A stand-in as the tests' deployment has it: the API key known, the product's Sync service made with ACLs on. */
export function testStandin(options: StandinOptions = {}): Standin {
  const standin = createStandin({ accountSid: ACCOUNT_SID, workspaceSid: WORKSPACE_SID, apiKeys: [API_KEY], ...options });
  standin.createSyncService({ sid: PRODUCT_SYNC_SERVICE_SID, friendlyName: 'recording-controls', aclEnabled: true });
  return standin;
}

export const shippedConfig = parseDesktopEventsConfig(readFileSync(join(__dirname, '../serverless/assets/desktop-events.private.json'), 'utf8'));

/** What a container's clock and timing are, when not Twilio's real ones (see ServiceOptions). */
export type Timing = Pick<ServiceOptions, 'sleep' | 'landing' | 'retry'>;

/** The endpoint's dependencies as a fresh container would build them. */
export function desktopDeps(overrides: Partial<DesktopEventDeps> = {}, env: Record<string, string> = {}, timing: Timing = {}): DesktopEventDeps {
  const now = overrides.now ?? (() => new Date());
  const { settings, calls, control, answers } = buildServices(readSettings({ ...testEnv, ...env }), { now, asset: () => shippedConfig, ...timing });
  return { settings, config: shippedConfig, calls, control, answers, now, ...overrides };
}

export function ledgerStore(): LedgerStore {
  return new LedgerStore(twilioClient(readSettings(testEnv)), DEFAULT_RETRIES, PRODUCT_SYNC_SERVICE_SID);
}

/** The live index as a sweep's container reads it; `retries`, a container's, when not Twilio's policy on real time. */
export function liveIndex(retries: Retries = DEFAULT_RETRIES): LiveIndex {
  return new LiveIndex(twilioClient(readSettings(testEnv)), retries, PRODUCT_SYNC_SERVICE_SID);
}

export interface SignalBody {
  eventId?: string;
  agent: string;
  trigger: string;
  callSid?: string;
  occurredAt?: string;
}

/** A relay's request: signed over the canonical body with the current time. */
export function signed(body: SignalBody, options: { secret?: string; timestamp?: number } = {}) {
  const full = { eventId: `evt-${randomUUID()}`, ...body };
  return {
    headers: lowerCaseKeys(signedHeaders(options.secret ?? SECRET, full, (options.timestamp ?? Date.now() / 1000) * 1000)),
    body: full as Record<string, unknown>,
  };
}

export const statusOf = async (standin: ReturnType<typeof createStandin>, sid: string): Promise<string> => (await standin.recording(sid))?.status as string;

/** TaskRouter's events as a fresh container handles them. */
export function callbackDeps(now: () => Date = () => new Date(), timing: Timing = {}): TaskEventDeps {
  return taskEventDeps(buildServices(readSettings(testEnv), { now, asset: () => shippedConfig, ...timing }))!;
}

/** One warm container that takes both the agent's signals and TaskRouter's events (as the bench's single container does). */
export function warmContainer(now: () => Date = () => new Date()): { signals: DesktopEventDeps; events: TaskEventDeps } {
  const services = buildServices(readSettings(testEnv), { now, asset: () => shippedConfig });
  const { settings, calls, control, answers } = services;
  return { signals: { settings, config: shippedConfig, calls, control, answers, now }, events: taskEventDeps(services)! };
}

/** The Recording Controls API's dependencies as a fresh container would build them. */
export function apiDeps(env: Record<string, string> = {}, now: () => Date = () => new Date(), timing: Timing = {}): RecordingControlsDeps {
  const { settings, client, retries, recordings, control, tasks, auth, syncService, grants, reports, configs } = buildServices(
    readSettings({ ...testEnv, ...env }),
    {
      now,
      asset: () => shippedConfig,
      ...timing,
    },
  );
  return { settings, client, retries, recordings, control, tasks, auth, syncService, grants, reports, configs, now };
}

/** Twilio Functions hand headers over with lower-case names. */
export const lowerCaseKeys = (headers: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

/** A call's ledger as the stand-in holds it, read through its control surface: past injected faults and Sync's rate limits. */
export async function ledgerAtStandin(standin: Standin, callSid: string): Promise<{ record: CallRecord } | null> {
  const response = await standin.handle(
    new Request(`http://standin.local/__standin/sync/documents/rc-call-${callSid}?service=${PRODUCT_SYNC_SERVICE_SID}`, {
      headers: { Authorization: `Basic ${Buffer.from(`${standin.accountSid}:${testEnv.AUTH_TOKEN}`).toString('base64')}` },
    }),
  );
  return response.status === 200 ? { record: ((await response.json()) as { data: CallRecord }).data } : null;
}
