import { taskEvent } from '../lib/ledger/callbacks';
import { CALLBACK_LIMITS, errorResult, functionShell } from '../lib/http';
import { servicesFor } from '../lib/runtime';

/**
 * The TaskRouter workspace's Event Callback URL: keeps the live index; writes recording_controls when a task ends.
 * Protected: Twilio checks X-Twilio-Signature before it runs (and so does the local runtime).
 */
export const handler = functionShell({ name: 'task-event', invalidCode: 'invalid_request', limits: CALLBACK_LIMITS }, async (context, { body }) => {
  const { client, control, index, settings } = servicesFor(context);
  if (!settings.workspaceSid) return errorResult(500, 'not_configured', 'TWILIO_WORKSPACE_SID is not set');
  try {
    return await taskEvent({ client, control, index, workspaceSid: settings.workspaceSid, now: () => new Date() }, body);
  } catch {
    return errorResult(502, 'recording_update_failed', 'the task could not be updated; TaskRouter will retry');
  }
});
