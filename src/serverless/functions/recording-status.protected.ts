import { CALLBACK_LIMITS, functionShell } from '../lib/base/http';
import { handleRecordingStatus } from '../lib/endpoints/recordingStatus';
import { servicesFor } from '../lib/wiring/services';

/** Twilio's RecordingStatusCallback for recordings started through the API (protected: signed by Twilio). */
export const handler = functionShell({ name: 'recording-status', invalidCode: 'invalid_request', limits: CALLBACK_LIMITS }, (context, request) =>
  handleRecordingStatus(servicesFor(context), request),
);
