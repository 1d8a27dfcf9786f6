/** POST /recording-status: Twilio's RecordingStatusCallback for recordings started through the API. */
import { errorResult, type FunctionRequest, type HttpResult } from '../base/http';
import { recordingStarted } from '../control/callbacks';
import type { CallControl } from '../control/callControl';
import { type SyncServiceCheck, unlessSyncMisconfigured } from '../twilio/syncService';

export async function handleRecordingStatus(deps: { control: CallControl; syncService: SyncServiceCheck }, { body }: FunctionRequest): Promise<HttpResult> {
  return unlessSyncMisconfigured(deps.syncService, async () => {
    try {
      return await recordingStarted(deps.control, body);
    } catch {
      // A non-2xx makes Twilio retry the callback.
      return errorResult(502, 'recording_update_failed', 'try again');
    }
  });
}
