/**
 * The Desktop Manager's client for the configuration API (docs/desktop-manager.md), authenticated with the
 * admin's Flex token. From a browser, Twilio Functions allow only GET and POST and no `Token`
 * header (their gateway answers the CORS preflight), so the token goes in the body as Flex's own
 * requests carry it: a read posts only `Token` (form-encoded), a save posts `{version, events, queuePolicies?, pauseCaps?, Token}`.
 */
import type { DesktopEventsConfig } from '../../core/desktopEvents';

/** A version of the configuration: its events, and the queue policies and pause caps when it has them. */
export interface ConfigVersion extends DesktopEventsConfig {
  version: number;
  updatedAt?: string;
  updatedBy?: string;
}

export class ConfigApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** 400 invalid_config: every problem the server found. */
    readonly problems: string[] = [],
    /** 409 version_conflict: the version saved meanwhile. */
    readonly current?: ConfigVersion,
  ) {
    super(message);
    this.name = 'ConfigApiError';
  }
}

export interface ConfigApi {
  read(): Promise<ConfigVersion>;
  /** Saves `config` as the version after `version`; a section it leaves out (queue policies, pause caps) stays as it is. */
  save(version: number, config: DesktopEventsConfig): Promise<ConfigVersion>;
  /** One page of saved versions, newest first; `next` (pass it as `before`) while older ones exist. */
  history(before?: number): Promise<{ versions: ConfigVersion[]; next?: number }>;
}

const TIMEOUT_MS = 15_000;

export function createConfigApi(baseUrl: string, token: () => string | undefined): ConfigApi {
  async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, { method: 'POST', ...init, signal: controller.signal });
    } catch {
      throw new ConfigApiError(0, 'network_error', controller.signal.aborted ? 'no answer from the server' : 'the server cannot be reached');
    } finally {
      clearTimeout(timer);
    }
    const body = await response.json().catch(() => undefined);
    if (!response.ok) {
      const error = body?.error ?? {};
      throw new ConfigApiError(
        response.status,
        String(error.code ?? 'http_error'),
        String(error.message ?? `HTTP ${response.status}`),
        Array.isArray(error.problems) ? error.problems : [],
        error.current,
      );
    }
    return body as T;
  }
  const tokenForm = () => ({
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Token: token() ?? '' }).toString(),
  });
  return {
    read: () => call<ConfigVersion>('/desktop-events/config', tokenForm()),
    save: (version, { events, queuePolicies, pauseCaps }) =>
      call<ConfigVersion>('/desktop-events/config', {
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ version, events, queuePolicies, pauseCaps, Token: token() ?? '' }),
      }),
    history: (before) => {
      const form = tokenForm();
      const body = before === undefined ? form.body : `${form.body}&${new URLSearchParams({ before: String(before) }).toString()}`;
      return call<{ versions: ConfigVersion[]; next?: number }>('/desktop-events/config/history', { ...form, body });
    },
  };
}
