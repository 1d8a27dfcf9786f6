/**
 * The plugin's runtime as `init` builds it: the configuration read from Flex, and the user told
 * when the recording changes without them asking. Apart from the plugin class so tests and the
 * demo page can build a fresh one (a browser refresh) against a small fake manager.
 */
import { loadConfig, type RecordingControlsConfig } from './config';
import { pauseNotConfirmed } from './liveState';
import { notify } from './notifications';
import { createRuntime, type Runtime } from './runtime';
import type { CallStatus, ManagerLike } from './types';

/** What the agent is told when the recording changed on its own (desktop event, expiry, supervisor). */
export function announceTransition(runtime: Runtime, next: CallStatus): void {
  if (pauseNotConfirmed(next)) notify.pauseFailed(runtime.t('RecordingControlsPauseNotConfirmed'));
  else if (next.recording === 'paused') notify.paused();
  else if (next.recording === 'in-progress') notify.resumed();
  else notify.noRecording();
}

/** Reads the configuration and builds the shared runtime (`overrides` are for tests). */
export function createPluginRuntime(manager: ManagerLike, overrides: Partial<RecordingControlsConfig> = {}): Runtime {
  const { config, problems } = loadConfig(manager.serviceConfiguration?.ui_attributes);
  const runtime: Runtime = createRuntime(manager, { ...config, ...overrides }, problems.length === 0, {
    onTransition: (_ref, _previous, next) => announceTransition(runtime, next),
  });
  return runtime;
}
