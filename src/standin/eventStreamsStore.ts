/**
 * The account's Event Streams records: sinks and subscriptions, made through the Events API
 * (eventStreams.ts answers it and delivers each subscribed event to its sink).
 */
import { cryptoRandomness, newSid, TwilioApiError, type Randomness } from './primitives';

/** What a subscription's types start with for TaskRouter's events. */
export const TASKROUTER_TYPE = 'com.twilio.taskrouter.';

export interface Sink {
  sid: string;
  description: string;
  destination: string;
  batchEvents: boolean;
  dateCreated: Date;
}

export interface Subscription {
  sid: string;
  description: string;
  sinkSid: string;
  types: Array<{ type: string; schema_version: number }>;
  dateCreated: Date;
}

/** The account's sinks and subscriptions. */
export class EventStreamsStore {
  sinks = new Map<string, Sink>();
  subscriptions = new Map<string, Subscription>();

  constructor(
    private readonly now: () => Date,
    private readonly randomness: Randomness = cryptoRandomness,
  ) {}

  reset(): void {
    this.sinks.clear();
    this.subscriptions.clear();
  }

  createSink(description: string | null, configuration: string | null, sinkType: string | null): Sink {
    if (!description) throw new TwilioApiError(400, 20001, 'Missing required parameter Description');
    if (!configuration) throw new TwilioApiError(400, 20001, 'Missing required parameter SinkConfiguration');
    if (sinkType !== 'webhook') throw new TwilioApiError(400, 20001, `Invalid SinkType: ${sinkType} (the stand-in has webhook sinks only)`);
    let config: { destination?: unknown; method?: unknown; batch_events?: unknown };
    try {
      config = JSON.parse(configuration) as typeof config;
    } catch {
      throw new TwilioApiError(400, 20001, 'Invalid SinkConfiguration: not JSON');
    }
    if (typeof config.destination !== 'string' || !/^https?:\/\//.test(config.destination))
      throw new TwilioApiError(400, 20001, 'Invalid SinkConfiguration: destination must be a URL');
    if (config.method !== undefined && String(config.method).toUpperCase() !== 'POST')
      throw new TwilioApiError(400, 20001, 'Invalid SinkConfiguration: the stand-in posts events (method POST)');
    const sink: Sink = {
      sid: newSid('DG', this.randomness),
      description,
      destination: config.destination,
      batchEvents: config.batch_events !== false,
      dateCreated: this.now(),
    };
    this.sinks.set(sink.sid, sink);
    return sink;
  }

  createSubscription(description: string | null, sinkSid: string | null, types: string[]): Subscription {
    if (!description) throw new TwilioApiError(400, 20001, 'Missing required parameter Description');
    if (!sinkSid || !this.sinks.has(sinkSid)) throw new TwilioApiError(400, 20001, `Invalid SinkSid: ${sinkSid}`);
    if (!types.length) throw new TwilioApiError(400, 20001, 'Missing required parameter Types');
    const parsed = types.map((text) => {
      try {
        const type = JSON.parse(text) as { type?: unknown; schema_version?: unknown };
        if (typeof type.type === 'string') return { type: type.type, schema_version: typeof type.schema_version === 'number' ? type.schema_version : 1 };
      } catch {
        // answered below
      }
      throw new TwilioApiError(400, 20001, `Invalid Types: ${text}`);
    });
    const subscription: Subscription = { sid: newSid('DF', this.randomness), description, sinkSid, types: parsed, dateCreated: this.now() };
    this.subscriptions.set(subscription.sid, subscription);
    return subscription;
  }

  /** The sinks subscribed to a TaskRouter event type (`task.updated`). */
  sinksFor(eventType: string): Sink[] {
    const type = TASKROUTER_TYPE + eventType;
    const sinkSids = new Set(
      [...this.subscriptions.values()]
        .filter((subscription) => subscription.types.some((entry) => entry.type === type))
        .map((subscription) => subscription.sinkSid),
    );
    return [...sinkSids].map((sid) => this.sinks.get(sid)).filter((sink): sink is Sink => !!sink);
  }
}
