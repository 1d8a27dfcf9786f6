/**
 * What a deployment configures, read once from the Functions context (environment variables).
 * Nothing here is logged: it holds secrets.
 */
import { NEXT_FIELD_WINDOW_MS } from '../../../core/desktopEvents';

export interface Settings {
  accountSid: string;
  authToken: string;
  /** Only for the local stand-in: Twilio REST requests go to this origin instead of *.twilio.com. */
  apiBaseUrl?: string;
  workspaceSid?: string;
  /** The product's own Sync service, with ACLs on ("default" when unset, which is refused). */
  syncServiceSid: string;
  /** The API key (`SK…`) and secret that sign the plugin's Sync access tokens (`/sync-token`). */
  apiKeySid?: string;
  apiKeySecret?: string;
  pauseBehavior: 'skip' | 'silence';
  desktopSecrets: string[];
  desktopEventsFile?: string;
  apiKeys: string[];
  /** Keys that may also save the desktop item events configuration (others may only read it). */
  adminKeys: string[];
  allowStop: boolean;
  /**
   * How long a desktop stop that would resume waits for the agent's next card field
   * (`NEXT_FIELD_WINDOW_MS`, 0–5000, default 1000; 0 resumes on the stop itself): core/desktopEvents.ts.
   */
  nextFieldWindowMs: number;
}

export type Env = Record<string, string | undefined>;

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

/**
 * The stand-in redirect is honoured only for this machine, so a local setting deployed by
 * mistake cannot send credentials anywhere.
 */
const loopbackOnly = (url: string | undefined): string | undefined =>
  url && /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(url) ? url : undefined;

export function readSettings(env: Env): Settings {
  return {
    accountSid: env.ACCOUNT_SID ?? env.TWILIO_ACCOUNT_SID ?? '',
    authToken: env.AUTH_TOKEN ?? env.TWILIO_AUTH_TOKEN ?? '',
    apiBaseUrl: loopbackOnly(env.TWILIO_API_BASE_URL),
    workspaceSid: env.TWILIO_WORKSPACE_SID || undefined,
    syncServiceSid: env.SYNC_SERVICE_SID || 'default',
    apiKeySid: env.TWILIO_API_KEY || undefined,
    apiKeySecret: env.TWILIO_API_SECRET || undefined,
    pauseBehavior: env.PAUSE_BEHAVIOR === 'silence' ? 'silence' : 'skip',
    desktopSecrets: [env.DESKTOP_EVENT_SECRET, env.DESKTOP_EVENT_SECRET_PREVIOUS].filter(
      (secret): secret is string => typeof secret === 'string' && secret.length > 0,
    ),
    desktopEventsFile: env.DESKTOP_EVENTS_FILE || undefined,
    apiKeys: list(env.RECORDING_CONTROLS_API_KEYS),
    adminKeys: list(env.RECORDING_CONTROLS_ADMIN_KEYS),
    allowStop: env.ALLOW_STOP_RECORDING === 'true',
    nextFieldWindowMs: windowMs(env.NEXT_FIELD_WINDOW_MS),
  };
}

/** A whole number of milliseconds up to 5 s; anything else is the default. */
function windowMs(value: string | undefined): number {
  const ms = value !== undefined && /^\d{1,4}$/.test(value.trim()) ? Number(value) : NaN;
  return ms >= 0 && ms <= 5_000 ? ms : NEXT_FIELD_WINDOW_MS;
}
