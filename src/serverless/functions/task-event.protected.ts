import { functionShell, TASK_EVENT_LIMITS } from '../lib/base/http';
import { handleTaskEvent } from '../lib/endpoints/taskEvent';
import { servicesFor } from '../lib/wiring/services';

/**
 * TaskRouter's events, one or an Event Streams batch. Protected: Twilio checks X-Twilio-Signature
 * before it runs (and so does the local runtime).
 */
export const handler = functionShell({ name: 'task-event', invalidCode: 'invalid_request', limits: TASK_EVENT_LIMITS, arrays: true }, (context, request) =>
  handleTaskEvent(servicesFor(context), request),
);
