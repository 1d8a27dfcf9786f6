/**
 * Wires the plugin into Flex: strings, configuration, live state, notifications, actions,
 * the keyboard shortcut and the components. Kept apart from the FlexPlugin class so tests can
 * run it against the real @twilio/flex-ui with a small fake manager.
 */
import { registerRecordingActions } from '../actions/recordingActions';
import { addRecordingControlButton } from '../components/RecordingControlButton';
import { addRecordingIndicator } from '../components/RecordingIndicator';
import { addSupervisorView } from '../components/SupervisorView';
import { setupDesktopManager } from '../components/DesktopManager';
import { loadConfig, type RecordingControlsConfig } from './config';
import { registerToggleShortcut } from './keyboard';
import { notify, registerNotifications } from './notifications';
import { createRuntime, setRuntime, type Runtime } from './runtime';
import { registerStrings } from './strings';
import type { ManagerLike } from './types';

/** Reads the configuration and builds the shared runtime (`overrides` are for tests). */
export function createPluginRuntime(manager: ManagerLike, overrides: Partial<RecordingControlsConfig> = {}): Runtime {
  const { config, problems } = loadConfig(manager.serviceConfiguration?.ui_attributes);
  return createRuntime(manager, { ...config, ...overrides }, problems.length === 0, {
    // The recording changed without this browser asking (desktop event, expiry, supervisor).
    onTransition: (_ref, _previous, next) => {
      if (next.recording === 'paused') notify.paused();
      else if (next.recording === 'in-progress') notify.resumed();
      else notify.noRecording();
    },
  });
}

export function setupRecordingControls(flex: typeof import('@twilio/flex-ui'), manager: ManagerLike): Runtime {
  registerStrings(manager);
  const runtime = createPluginRuntime(manager);
  setRuntime(runtime);

  registerNotifications();
  registerRecordingActions();
  registerToggleShortcut(flex.KeyboardShortcutManager, runtime.config.shortcutKey, runtime.t('RecordingControlsShortcut'));

  addRecordingIndicator(flex);
  addRecordingControlButton(flex);
  addSupervisorView(flex);
  setupDesktopManager(flex);
  return runtime;
}
