import { recordingControlsFunction } from '../../lib/wiring/recordingControlsFunction';

export const handler = recordingControlsFunction('tags');
