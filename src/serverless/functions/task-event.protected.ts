import { taskEvent } from '../lib/callbacks';
import type { FunctionHandler } from '../lib/functionTypes';
import { errorResult, splitEvent, toTwilioResponse } from '../lib/http';
import { servicesFor } from '../lib/runtime';

/** The TaskRouter workspace's Event Callback URL: keeps the live index; writes recording_controls when a task ends. */
export const handler: FunctionHandler = async (context, event, callback) => {
  const { client, control, index, settings } = servicesFor(context);
  if (!settings.workspaceSid) return callback(null, toTwilioResponse(errorResult(500, 'not_configured', 'TWILIO_WORKSPACE_SID is not set')));
  try {
    const deps = { client, control, index, workspaceSid: settings.workspaceSid, now: () => new Date() };
    callback(null, toTwilioResponse(await taskEvent(deps, splitEvent(event).body)));
  } catch {
    callback(null, toTwilioResponse(errorResult(502, 'recording_update_failed', 'the task could not be updated; TaskRouter will retry')));
  }
};
