/**
 * POST /task-event: TaskRouter's events, from the workspace's Event Callback URL (one event,
 * form-encoded) or from an Event Streams webhook sink (a batch of CloudEvents, taskEventBatch.ts).
 * Keeps the live index; writes recording_controls when a task ends.
 */
import { errorResult, type FunctionRequest, type HttpResult } from '../base/http';
import type { Settings } from '../base/settings';
import { taskEvent, type TaskEventDeps } from '../control/callbacks';
import { eventStreamsEvents } from '../control/eventStreams';
import { handleDelivery } from '../control/taskEventBatch';
import { type SyncServiceCheck, unlessSyncMisconfigured } from '../twilio/syncService';
import type { TaskOrigins } from '../twilio/taskOrigins';

/** What a container's services give the task events (the workspace and the origins only when one is configured). */
export type TaskEventServices = Omit<TaskEventDeps, 'workspaceSid' | 'origins'> & { settings: Settings; origins: TaskOrigins | undefined };

/** What TaskRouter's events are handled with; undefined without a workspace. */
export function taskEventDeps(services: TaskEventServices): TaskEventDeps | undefined {
  const { client, retries, recordings, control, index, grants, reports, configs, settings, origins, calls, now } = services;
  return settings.workspaceSid && origins
    ? { client, retries, recordings, control, index, grants, reports, configs, origins, calls, workspaceSid: settings.workspaceSid, now }
    : undefined;
}

export async function handleTaskEvent(services: TaskEventServices & { syncService: SyncServiceCheck }, { body }: FunctionRequest): Promise<HttpResult> {
  const deps = taskEventDeps(services);
  if (!deps) return errorResult(500, 'not_configured', 'TWILIO_WORKSPACE_SID is not set');
  return unlessSyncMisconfigured(services.syncService, async () => {
    try {
      const streamed = eventStreamsEvents(body);
      return streamed ? await handleDelivery(streamed, (event) => taskEvent(deps, event)) : await taskEvent(deps, body);
    } catch {
      return errorResult(502, 'recording_update_failed', 'the task could not be updated; TaskRouter will retry');
    }
  });
}
