/**
 * TaskRouter's events as Twilio Event Streams delivers them to a webhook sink: a JSON array of
 * CloudEvents (one object when the sink does not batch), each `type` `com.twilio.taskrouter.<event>`
 * with the event's fields in `data.payload`, snake_case. A Function receives the array as the
 * event's numbered keys ("0", "1", …).
 *
 * They are read here into the parameters the workspace's Event Callback posts (`task_sid` →
 * `TaskSid`, `eventtype` → `EventType`), so one handler serves both ways of subscribing
 * (docs/deploy.md, *TaskRouter's events*).
 */

const TASKROUTER_TYPE = 'com.twilio.taskrouter.';

export type CallbackParams = Record<string, string | undefined>;

type CloudEvent = { type: string; data?: { payload?: unknown } };

const isCloudEvent = (value: unknown): value is CloudEvent =>
  typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string' && 'data' in value;

/** `task_assignment_status` → `TaskAssignmentStatus`; `eventtype` is TaskRouter's `EventType`. */
const callbackName = (field: string): string =>
  field === 'eventtype'
    ? 'EventType'
    : field
        .split('_')
        .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
        .join('');

/** A payload's fields as Event Callback parameters (attributes stay JSON text, as TaskRouter posts them). */
function paramsOf(event: CloudEvent): CallbackParams {
  const payload = event.data?.payload;
  const params: CallbackParams = { EventType: event.type.slice(TASKROUTER_TYPE.length) };
  if (typeof payload !== 'object' || payload === null) return params;
  for (const [field, value] of Object.entries(payload)) {
    if (typeof value === 'string') params[callbackName(field)] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') params[callbackName(field)] = String(value);
    else if (typeof value === 'object' && value !== null) params[callbackName(field)] = JSON.stringify(value);
  }
  // The CloudEvent's type is the event; a payload that names another would be a malformed delivery.
  params.EventType = event.type.slice(TASKROUTER_TYPE.length);
  return params;
}

/**
 * The TaskRouter events an Event Streams delivery carries, in order, as callback parameters; or
 * `undefined` when the body is not an Event Streams delivery (the workspace's Event Callback).
 * Events of other products in the same sink are left out.
 */
export function eventStreamsEvents(body: Record<string, unknown>): CallbackParams[] | undefined {
  const batch = isCloudEvent(body)
    ? [body]
    : Object.keys(body)
        .filter((key) => /^\d+$/.test(key))
        .sort((a, b) => Number(a) - Number(b))
        .map((key) => body[key]);
  if (!batch.length || !batch.every(isCloudEvent)) return undefined;
  return batch.filter((event) => event.type.startsWith(TASKROUTER_TYPE)).map(paramsOf);
}
