import { recordingStarted } from '../lib/control/callbacks';
import { CALLBACK_LIMITS, errorResult, functionShell } from '../lib/base/http';
import { servicesFor } from '../lib/wiring/services';
import { unlessSyncMisconfigured } from '../lib/twilio/syncService';

/** Twilio's RecordingStatusCallback for recordings started through the API (protected: signed by Twilio). */
export const handler = functionShell({ name: 'recording-status', invalidCode: 'invalid_request', limits: CALLBACK_LIMITS }, async (context, { body }) => {
  const { control, syncService } = servicesFor(context);
  return unlessSyncMisconfigured(syncService, async () => {
    try {
      return await recordingStarted(control, body);
    } catch {
      // A non-2xx makes Twilio retry the callback.
      return errorResult(502, 'recording_update_failed', 'try again');
    }
  });
});
