import { taskEvent, type TaskEventDeps } from '../lib/ledger/callbacks';
import { type CallbackParams, eventStreamsEvents } from '../lib/ledger/eventStreams';
import { errorResult, TASK_EVENT_LIMITS, functionShell, type HttpResult } from '../lib/http';
import { servicesFor, taskEventDeps } from '../lib/services';
import { unlessSyncMisconfigured } from '../lib/twilio/syncService';

/**
 * TaskRouter's events, from the workspace's Event Callback URL (one event, form-encoded) or from an
 * Event Streams webhook sink (a batch of CloudEvents): keeps the live index; writes
 * recording_controls when a task ends. Protected: Twilio checks X-Twilio-Signature before it runs
 * (and so does the local runtime).
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
        return streamed ? await inTaskOrder(deps, streamed) : await taskEvent(deps, body);
      } catch {
        return errorResult(502, 'recording_update_failed', 'the task could not be updated; TaskRouter will retry');
      }
    });
  },
);

/**
 * A batch's events, each task's in the order they happened (a transfer's end before the next
 * acceptance), different tasks side by side: a sink waits 5 s for the answer.
 */
async function inTaskOrder(deps: TaskEventDeps, events: CallbackParams[]): Promise<HttpResult> {
  const byTask = new Map<string, CallbackParams[]>();
  for (const event of events) {
    const key = event.TaskSid ?? '';
    const queue = byTask.get(key);
    if (queue) queue.push(event);
    else byTask.set(key, [event]);
  }
  await Promise.all(
    [...byTask.values()].map(async (taskEvents) => {
      for (const event of taskEvents) await taskEvent(deps, event);
    }),
  );
  return { status: 204, body: '' };
}
