/**
 * The plugin's runtime as `init` builds it: the configuration read from Flex, and the user told
 * when the recording changes without them asking. Apart from the plugin class so tests and the
 * demo page can build a fresh one (a browser refresh) against a small fake manager.
 */
import { loadConfig, type RecordingControlsConfig } from './config';
import { holdNames } from './describe';
import { pauseNotConfirmed } from './liveState';
import { notify } from './notifications';
import { createRuntime, type Runtime } from './runtime';
import type { CallStatus, ManagerLike } from './types';

/** What the agent is told when the recording changed on its own (desktop event, expiry, supervisor). */
export function announceTransition(runtime: Runtime, next: CallStatus, previous?: CallStatus): void {
  if (pauseNotConfirmed(next)) notify.pauseFailed(runtime.t('RecordingControlsPauseNotConfirmed'));
  else if (next.recording === 'paused') notify.paused(next.holds);
  else if (next.recording === 'in-progress' && previous && ranOut(previous)) {
    // Said plainly: the agent may still be in the card field.
    notify.resumedByTime(holdNames(previous.holds, { t: runtime.t, identity: runtime.identity(), labels: runtime.config.indicator.labels }));
  } else if (next.recording === 'in-progress') notify.resumed();
  else notify.noRecording();
}

/** Every hold of the pause had its time, and the time has come: the resume was automatic. */
const ranOut = (previous: CallStatus): boolean =>
  previous.recording === 'paused' &&
  previous.holds.length > 0 &&
  previous.holds.every((hold) => hold.resumeAt !== null && Date.parse(hold.resumeAt) <= Date.now() + EXPIRY_SLACK_MS);
/** A browser clock a little behind the server's still counts a resume at the hold's time as automatic. */
const EXPIRY_SLACK_MS = 2000;

/** Reads the configuration and builds the shared runtime (`overrides` are for tests). */
export function createPluginRuntime(manager: ManagerLike, overrides: Partial<RecordingControlsConfig> = {}): Runtime {
  const { config, problems } = loadConfig(manager.serviceConfiguration?.ui_attributes);
  const runtime: Runtime = createRuntime(manager, { ...config, ...overrides }, problems.length === 0, {
    onTransition: (_ref, previous, next) => announceTransition(runtime, next, previous),
  });
  return runtime;
}
