/**
 * Everything the plugin's pieces share, built once in `init`: configuration, API client, live
 * state and the user. Components find it here because Flex renders them, not us, so we cannot
 * wrap them in a React provider.
 */
import { createApi, type RecordingControlsApi } from './api';
import { AutomationHealth, reportSyncReach } from './automationHealth';
import type { RecordingControlsConfig } from './config';
import { LiveIndexFollower } from './liveIndex';
import { WatchedCalls } from './liveState';
import { translate, userLocaleTag, type StringKey } from './strings';
import { ProductSyncClient, sameClassAs, type SyncTokenAnswer } from './productSync';
import type { CallRef, CallStatus, ManagerLike, SyncClientLike } from './types';

export interface Runtime {
  manager: ManagerLike;
  config: RecordingControlsConfig;
  /** False when the configuration is invalid: controls then show "unavailable". */
  configured: boolean;
  api: RecordingControlsApi;
  live: WatchedCalls;
  /** Every live call (the Sync map), for supervisors; opened only while a view uses it. */
  index: LiveIndexFollower;
  /** What keeps card fields from pausing the recording by themselves, now. */
  health: AutomationHealth;
  t(key: StringKey, vars?: Record<string, string | number>): string;
  /** The user's Flex token (Flex refreshes it while it runs). */
  token(): string | undefined;
  /** The worker identity the server writes in `hold.by`. */
  identity(): string | undefined;
  isSupervisor(): boolean;
}

export interface RuntimeOptions {
  onTransition?: (ref: CallRef, previous: CallStatus, next: CallStatus) => void;
}

const flexState = (manager: ManagerLike) => manager.store.getState()?.flex;

export function createRuntime(manager: ManagerLike, config: RecordingControlsConfig, configured: boolean, { onTransition }: RuntimeOptions = {}): Runtime {
  const token = () => flexState(manager)?.session?.ssoTokenPayload?.token ?? manager.user?.token;
  const api = createApi({ baseUrl: config.serverlessBaseUrl, token });
  // The plugin's own Sync client on the product's service, made when first needed; never Flex's own
  // (`insightsClient`), whose service any Flex user can write. Without one the calls are polled.
  let own: SyncClientLike | undefined | null = null;
  const sync = () => {
    if (own === null) {
      const make = sameClassAs(manager.insightsClient);
      own = make && api.syncToken ? new ProductSyncClient(make, () => (api.syncToken as () => Promise<SyncTokenAnswer>)()) : undefined;
    }
    return own;
  };
  const live = new WatchedCalls({ api, fallbackPollMs: config.pollSeconds * 1000, sync, onTransition });
  const index = new LiveIndexFollower(sync);
  const health = new AutomationHealth();
  reportSyncReach(live, health);

  return {
    manager,
    config,
    configured,
    api,
    live,
    index,
    health,
    t: (key, vars) => translate(manager.strings, key, vars, userLocaleTag(manager)),
    token,
    identity() {
      // The worker's contact_uri without "client:" is the identity the server records.
      const contactUri = flexState(manager)?.worker?.attributes?.contact_uri;
      return typeof contactUri === 'string' ? contactUri.replace(/^client:/, '') : manager.user?.identity;
    },
    isSupervisor() {
      return rolesOf(manager).some((role) => role === 'supervisor' || role === 'admin');
    },
  };
}

/** The user's Flex roles (`agent`, `supervisor`, `admin`…). */
export function rolesOf(manager: ManagerLike): string[] {
  const roles: unknown = manager.user?.roles ?? flexState(manager)?.worker?.attributes?.roles;
  return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [];
}

let current: Runtime | undefined;

export const setRuntime = (runtime: Runtime): void => {
  current = runtime;
};

export function getRuntime(): Runtime {
  if (!current) throw new Error('Recording controls are not initialised: call RecordingControlsPlugin.setup first');
  return current;
}
