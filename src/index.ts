import * as FlexPlugin from '@twilio/flex-plugin';
import RecordingControlsPlugin from './RecordingControlsPlugin';

FlexPlugin.loadPlugin(RecordingControlsPlugin);
