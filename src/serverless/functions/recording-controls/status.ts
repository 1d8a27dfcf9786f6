import { recordingControlsFunction } from '../../lib/recordingControlsFunction';

export const handler = recordingControlsFunction('status');
