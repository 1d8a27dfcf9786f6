/**
 * Test harness: the real `twilio` SDK talking over HTTP (intercepted by msw) to the same Twilio
 * stand-in that `npm start` serves, and the real endpoint code on top.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import { parseDesktopEventsConfig } from '../../src/core/desktopEvents';
import { signedHeaders } from '../../src/core/signature';
import { CallControl } from '../../src/serverless/lib/ledger/callControl';
import { DesktopEventDeps, RecentAnswers } from '../../src/serverless/lib/signals/desktopEvent';
import { LedgerStore } from '../../src/serverless/lib/ledger/ledgerStore';
import { LiveCallDirectory, TaskCalls } from '../../src/serverless/lib/twilio/liveCalls';
import { LiveIndex } from '../../src/serverless/lib/ledger/liveIndex';
import { SeenSignals } from '../../src/serverless/lib/signals/seenSignals';
import { Authenticator } from '../../src/serverless/lib/api/auth';
import type { RecordingControlsDeps } from '../../src/serverless/lib/api/recordingControls';
import { readSettings } from '../../src/serverless/lib/settings';
import { twilioClient } from '../../src/serverless/lib/twilio/twilioClient';
import { standinHandlers } from '../../src/standin/msw';
import { createStandin } from '../../src/standin/standin';

export const ACCOUNT_SID = `AC${'0'.repeat(32)}`;
export const WORKSPACE_SID = `WS${'0'.repeat(32)}`;
export const SECRET = 'test-secret';

export const testEnv = {
  ACCOUNT_SID,
  AUTH_TOKEN: 'a'.repeat(32),
  TWILIO_WORKSPACE_SID: WORKSPACE_SID,
  DESKTOP_EVENT_SECRET: SECRET,
  RECORDING_CONTROLS_API_KEYS: 'test-api-key',
};

export const shippedConfig = parseDesktopEventsConfig(
  readFileSync(join(__dirname, '../../src/serverless/assets/desktop-events.private.json'), 'utf8'),
);

/** Starts msw in front of a fresh stand-in for the test file; state is emptied before each test. */
export function useStandin() {
  const standin = createStandin({ accountSid: ACCOUNT_SID, workspaceSid: WORKSPACE_SID });
  const server = setupServer(...standinHandlers(standin));
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  beforeEach(() => standin.reset());
  afterAll(() => server.close());
  return standin;
}

/** The endpoint's dependencies as a fresh container would build them. */
export function desktopDeps(overrides: Partial<DesktopEventDeps> = {}, env: Record<string, string> = {}): DesktopEventDeps {
  const settings = readSettings({ ...testEnv, ...env });
  const client = twilioClient(settings);
  const store = new LedgerStore(client, settings.syncServiceSid);
  const index = new LiveIndex(client, settings.syncServiceSid);
  const now = overrides.now ?? (() => new Date());
  return {
    settings,
    config: shippedConfig,
    calls: new LiveCallDirectory(client, WORKSPACE_SID, index),
    control: new CallControl(client, store, settings.pauseBehavior, now, index),
    answers: new RecentAnswers(),
    seen: new SeenSignals(client, settings.syncServiceSid, now),
    now,
    ...overrides,
  };
}

export function ledgerStore(): LedgerStore {
  return new LedgerStore(twilioClient(readSettings(testEnv)), 'default');
}

export function liveIndex(): LiveIndex {
  return new LiveIndex(twilioClient(readSettings(testEnv)), 'default');
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

export const statusOf = async (standin: ReturnType<typeof createStandin>, sid: string): Promise<string> =>
  (await standin.recording(sid))?.status as string;

/** The Recording Controls API's dependencies as a fresh container would build them. */
export function apiDeps(env: Record<string, string> = {}, now: () => Date = () => new Date()): RecordingControlsDeps {
  const settings = readSettings({ ...testEnv, ...env });
  const client = twilioClient(settings);
  return {
    settings,
    client,
    control: new CallControl(client, new LedgerStore(client, settings.syncServiceSid), settings.pauseBehavior, now, new LiveIndex(client, settings.syncServiceSid)),
    tasks: new TaskCalls(client, WORKSPACE_SID),
    auth: new Authenticator(settings),
    now,
  };
}

/** Twilio Functions hand headers over with lower-case names. */
export const lowerCaseKeys = (headers: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
