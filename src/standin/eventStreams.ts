/**
 * Twilio Event Streams, as far as TaskRouter's events to a webhook go: sinks and subscriptions
 * made through the Events API (`/v1/Sinks`, `/v1/Subscriptions`, as the twilio CLI's
 * `api:events:v1:…` commands call them), and each subscribed TaskRouter event delivered to its
 * sink as a CloudEvent — a JSON array of those waiting together unless the sink says
 * `batch_events: false` — signed as Twilio signs a JSON body: the sink's URL with a `bodySHA256`
 * parameter (the body's SHA-256, hex), and X-Twilio-Signature over that URL. A sink gets 5 s to answer.
 */
import { createHash } from 'node:crypto';
import { type EventDestination, postTo, type SentEvent, twilioSignature } from './eventCallback';
import { type Sink, type Subscription, TASKROUTER_TYPE } from './eventStreamsStore';
import { iso8601, TwilioApiError } from './primitives';
import { pageV1, snakeCase } from './representations';
import type { TwilioModel } from './model';
import { type Route, created, ok, path } from './routing';

const SINK_TIMEOUT_MS = 5_000;
const EVENTS_BASE = 'https://events.twilio.com/v1';

/** `TaskAssignmentStatus` → `task_assignment_status`; TaskRouter's `EventType` is `eventtype`. */
const payloadName = (param: string): string => (param === 'EventType' ? 'eventtype' : snakeCase(param));

/** An event's callback parameters as the CloudEvent Event Streams delivers. */
export function cloudEvent(event: SentEvent, workspaceSid: string): Record<string, unknown> {
  const payload = Object.fromEntries(Object.entries(event.params).map(([name, value]) => [payloadName(name), value]));
  return {
    specversion: '1.0',
    type: TASKROUTER_TYPE + event.params.EventType,
    source: `/v1/Workspaces/${workspaceSid}/Tasks/${event.params.TaskSid}`,
    id: event.report.sid,
    dataschema: 'https://events-schemas.twilio.com/TaskRouter.WDSEvent/1',
    datacontenttype: 'application/json',
    time: event.report.at,
    data: { payload },
  };
}

/** Twilio's signature of a JSON body: the URL with `bodySHA256`, signed without parameters. */
export function signedJsonUrl(url: string, body: string): string {
  const signed = new URL(url);
  signed.searchParams.set('bodySHA256', createHash('sha256').update(body).digest('hex'));
  return signed.toString();
}

export function sinkDestination(sink: Sink, workspaceSid: string, authToken: string | undefined): EventDestination {
  return {
    batches: sink.batchEvents,
    async post(events) {
      const cloudEvents = events.map((event) => cloudEvent(event, workspaceSid));
      const body = JSON.stringify(sink.batchEvents ? cloudEvents : cloudEvents[0]);
      const url = signedJsonUrl(sink.destination, body);
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (authToken) headers['X-Twilio-Signature'] = twilioSignature(authToken, url, {});
      return postTo(url, { method: 'POST', headers, body }, SINK_TIMEOUT_MS);
    },
  };
}

const sinkJson = (sink: Sink) => ({
  sid: sink.sid,
  description: sink.description,
  sink_type: 'webhook',
  sink_configuration: { destination: sink.destination, method: 'POST', batch_events: sink.batchEvents },
  status: 'active',
  date_created: iso8601(sink.dateCreated),
  date_updated: iso8601(sink.dateCreated),
  url: `${EVENTS_BASE}/Sinks/${sink.sid}`,
  links: { sink_test: `${EVENTS_BASE}/Sinks/${sink.sid}/Test`, sink_validate: `${EVENTS_BASE}/Sinks/${sink.sid}/Validate` },
});

const subscriptionJson = (accountSid: string, subscription: Subscription) => ({
  sid: subscription.sid,
  account_sid: accountSid,
  description: subscription.description,
  sink_sid: subscription.sinkSid,
  date_created: iso8601(subscription.dateCreated),
  date_updated: iso8601(subscription.dateCreated),
  url: `${EVENTS_BASE}/Subscriptions/${subscription.sid}`,
  links: { subscribed_events: `${EVENTS_BASE}/Subscriptions/${subscription.sid}/SubscribedEvents` },
});

/** `DELETE <collection>/<sid>`: 204, or 404 20404 for a sid the account does not have. */
function removal(collection: string, operation: Route['operation'], items: (model: TwilioModel) => Map<string, unknown>): Route {
  return {
    method: 'DELETE',
    pattern: path(`${collection}/(?<sid>[^/]+)`),
    operation,
    answer: (model, { params }) => {
      if (!items(model).delete(params.sid)) throw new TwilioApiError(404, 20404, `The requested resource ${collection}/${params.sid} was not found`);
      return { status: 204 };
    },
  };
}

export const EVENT_STREAMS_ROUTES: Route[] = [
  {
    method: 'POST',
    pattern: path('/v1/Sinks'),
    operation: 'events.sink.create',
    answer: (model, { form }) => created(sinkJson(model.eventStreams.createSink(form.get('Description'), form.get('SinkConfiguration'), form.get('SinkType')))),
  },
  {
    method: 'GET',
    pattern: path('/v1/Sinks'),
    operation: 'events.sink.list',
    answer: (model, { query }) =>
      ok(
        pageV1(
          [...model.eventStreams.sinks.values()].map((sink) => sinkJson(sink)),
          'sinks',
          `${EVENTS_BASE}/Sinks`,
          query,
        ),
      ),
  },
  removal('/v1/Sinks', 'events.sink.delete', (model) => model.eventStreams.sinks),
  {
    method: 'POST',
    pattern: path('/v1/Subscriptions'),
    operation: 'events.subscription.create',
    answer: (model, { form }) =>
      created(subscriptionJson(model.accountSid, model.eventStreams.createSubscription(form.get('Description'), form.get('SinkSid'), form.getAll('Types')))),
  },
  {
    method: 'GET',
    pattern: path('/v1/Subscriptions'),
    operation: 'events.subscription.list',
    answer: (model, { query }) =>
      ok(
        pageV1(
          [...model.eventStreams.subscriptions.values()].map((subscription) => subscriptionJson(model.accountSid, subscription)),
          'subscriptions',
          `${EVENTS_BASE}/Subscriptions`,
          query,
        ),
      ),
  },
  removal('/v1/Subscriptions', 'events.subscription.delete', (model) => model.eventStreams.subscriptions),
];
