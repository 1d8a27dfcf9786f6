import { taskEvent } from '../lib/control/callbacks';
import { eventStreamsEvents } from '../lib/control/eventStreams';
import { handleDelivery } from '../lib/control/taskEventBatch';
import { errorResult, TASK_EVENT_LIMITS, functionShell } from '../lib/base/http';
import { servicesFor, taskEventDeps } from '../lib/wiring/services';
import { unlessSyncMisconfigured } from '../lib/twilio/syncService';

/**
 * TaskRouter's events, from the workspace's Event Callback URL (one event, form-encoded) or from an
 * Event Streams webhook sink (a batch of CloudEvents, taskEventBatch.ts): keeps the live index;
 * writes recording_controls when a task ends. Protected: Twilio checks X-Twilio-Signature before it
 * runs (and so does the local runtime).
 */
export const handler = functionShell(
  { name: 'task-event', invalidCode: 'invalid_request', limits: TASK_EVENT_LIMITS, arrays: true },
  async (context, { body }) => {
    const services = servicesFor(context);
    const deps = taskEventDeps(services);
    if (!deps) return errorResult(500, 'not_configured', 'TWILIO_WORKSPACE_SID is not set');
    const { syncService } = services;
    return unlessSyncMisconfigured(syncService, async () => {
      try {
        const streamed = eventStreamsEvents(body);
        return streamed ? await handleDelivery(streamed, (event) => taskEvent(deps, event)) : await taskEvent(deps, body);
      } catch {
        return errorResult(502, 'recording_update_failed', 'the task could not be updated; TaskRouter will retry');
      }
    });
  },
);
