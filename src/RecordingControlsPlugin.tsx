import { FlexPlugin } from '@twilio/flex-plugin';
import type * as Flex from '@twilio/flex-ui';
import { setupRecordingControls } from './flex/setup';
import type { ManagerLike } from './flex/types';

const PLUGIN_NAME = 'RecordingControlsPlugin';

export default class RecordingControlsPlugin extends FlexPlugin {
  constructor() {
    super(PLUGIN_NAME);
  }

  /** Called by Flex once the UI and its Manager are ready. */
  init(flex: typeof Flex, manager: Flex.Manager): void {
    setupRecordingControls(flex, manager as unknown as ManagerLike);
  }
}
