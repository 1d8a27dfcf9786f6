import { recordingControlsFunction } from '../../lib/api/recordingControlsFunction';

export const handler = recordingControlsFunction('report');
