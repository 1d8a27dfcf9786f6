import { FlexPlugin } from '@twilio/flex-plugin';
import type * as Flex from '@twilio/flex-ui';
import { Actions } from '@twilio/flex-ui';
import { RecordingActions, registerRecordingActions } from './actions/recordingActions';
import { addRecordingControlButton } from './components/RecordingControlButton';
import { addRecordingIndicator } from './components/RecordingIndicator';
import { addComplianceView } from './components/Compliance';
import { addSupervisorView } from './components/SupervisorView';
import { addDesktopManager } from './components/DesktopManager';
import { startCrmBridge, type CrmBridge } from './crm/bridge';
import { registerToggleShortcut } from './flex/keyboard';
import { reportAutomation } from './flex/automationReport';
import { registerNotifications, startSupervisorAlerts } from './flex/notifications';
import { createPluginRuntime } from './flex/pluginRuntime';
import { setRuntime, type Runtime } from './flex/runtime';
import { registerStrings } from './flex/strings';
import type { ManagerLike } from './flex/types';

const PLUGIN_NAME = 'RecordingControlsPlugin';

let crmBridge: CrmBridge | undefined;

export default class RecordingControlsPlugin extends FlexPlugin {
  constructor() {
    super(PLUGIN_NAME);
  }

  /** Called by Flex once the UI and its Manager are ready. */
  init(flex: typeof Flex, manager: Flex.Manager): void {
    RecordingControlsPlugin.setup(flex, manager as unknown as ManagerLike);
  }

  /**
   * Wires the plugin into Flex: strings, configuration and live state, notifications, actions,
   * the keyboard shortcut and the components. Static so tests and the demo page run exactly this
   * against a small fake manager (constructing a FlexPlugin needs Flex's build).
   */
  static setup(flex: typeof Flex, manager: ManagerLike): Runtime {
    registerStrings(manager);
    const runtime = createPluginRuntime(manager);
    setRuntime(runtime);

    registerNotifications();
    if (runtime.configured && runtime.isSupervisor()) startSupervisorAlerts(runtime);
    if (runtime.configured) reportAutomation(runtime);
    registerRecordingActions();
    registerToggleShortcut(flex.KeyboardShortcutManager, runtime.config.shortcutKey, runtime.t('RecordingControlsShortcut'), () => {
      // Failures are already shown as notifications by the action.
      Actions.invokeAction(RecordingActions.toggle).catch(() => undefined);
    });

    addRecordingIndicator(flex);
    addRecordingControlButton(flex);
    addSupervisorView(flex);
    addComplianceView(flex);
    addDesktopManager(flex);
    // CRM pages shown in Flex relay their card fields' triggers through the plugin (src/crm), once per page.
    if (runtime.configured) crmBridge ??= startCrmBridge();
    return runtime;
  }
}
