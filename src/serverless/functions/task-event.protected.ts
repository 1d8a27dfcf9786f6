import { taskEvent } from '../lib/ledger/callbacks';
import { CALLBACK_LIMITS, errorResult, functionShell } from '../lib/http';
import { servicesFor } from '../lib/runtime';
import { unlessSyncMisconfigured } from '../lib/twilio/syncService';

/**
 * The TaskRouter workspace's Event Callback URL: keeps the live index; writes recording_controls when a task ends.
 * Protected: Twilio checks X-Twilio-Signature before it runs (and so does the local runtime).
 */
export const handler = functionShell({ name: 'task-event', invalidCode: 'invalid_request', limits: CALLBACK_LIMITS }, async (context, { body }) => {
  const { client, control, index, settings, syncService, grants } = servicesFor(context);
  const workspaceSid = settings.workspaceSid;
  if (!workspaceSid) return errorResult(500, 'not_configured', 'TWILIO_WORKSPACE_SID is not set');
  return unlessSyncMisconfigured(syncService, async () => {
    try {
      return await taskEvent({ client, control, index, workspaceSid, now: () => new Date(), grants }, body);
    } catch {
      return errorResult(502, 'recording_update_failed', 'the task could not be updated; TaskRouter will retry');
    }
  });
});
