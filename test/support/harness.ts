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
import type { DesktopEventDeps } from '../../src/serverless/lib/signals/desktopEvent';
import { buildServices } from '../../src/serverless/lib/runtime';
import { LedgerStore } from '../../src/serverless/lib/ledger/ledgerStore';
import { LiveIndex } from '../../src/serverless/lib/ledger/liveIndex';
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
  RECORDING_CONTROLS_ADMIN_KEYS: 'test-admin-key',
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
  const now = overrides.now ?? (() => new Date());
  const { settings, calls, control, answers, seen } = buildServices(readSettings({ ...testEnv, ...env }), { now, asset: () => shippedConfig });
  return { settings, config: shippedConfig, calls, control, answers, seen, now, ...overrides };
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
  const { settings, client, control, tasks, auth } = buildServices(readSettings({ ...testEnv, ...env }), { now });
  return { settings, client, control, tasks, auth, now };
}

/** Twilio Functions hand headers over with lower-case names. */
export const lowerCaseKeys = (headers: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
