/**
 * TaskRouter's events as an Event Streams webhook sink delivers them: in batches (a JSON array of
 * CloudEvents, one invocation of /task-event each), and what a contact center's invocations add up
 * to in busy Functions.
 */
import { cloudEvent } from '../../src/standin/eventStreams';

/** Events a delivery holds: Twilio does not say how many, so the bench prints each. */
export const BATCH_SIZES = [10, 50, 100];
/** How long the bench's sink gathers events for a delivery that is not full (Twilio: most events arrive within 2 s). */
export const GATHER_MS = 2000;
/** A sink's delivery answered later than this is sent again, whole. */
export const SINK_TIMEOUT_MS = 5000;
/** Twilio Functions an account runs at once, and the share to plan with (arrivals are random). */
export const CONCURRENT_FUNCTIONS = 30;
export const PLANNED_BUSY_SHARE = 0.8;
/** How often a scheduler sweeps (docs/deploy.md). */
export const SWEEP_EVERY_SECONDS = 2;

let eventNumber = 0;

/** TaskRouter's callback parameters as the CloudEvents Event Streams posts (the stand-in's own rendering). */
export function cloudEventsOf(events: Array<Record<string, string>>, workspaceSid: string): Array<Record<string, unknown>> {
  return events.map((params) => {
    eventNumber += 1;
    const report = {
      sid: `EV${eventNumber.toString(16).padStart(32, '0')}`,
      eventType: params.EventType,
      taskSid: params.TaskSid,
      at: new Date().toISOString(),
      status: 0,
    };
    return cloudEvent({ report, params, delivered: false }, workspaceSid);
  });
}

/** The smallest k with P(X ≤ k) ≥ p for X Poisson with mean `mean`, summed term by term from P(X = 0). */
export function poissonQuantile(mean: number, p: number): number {
  // e^-mean underflows past about 745; the means here are tens.
  if (!(mean >= 0 && mean < 700)) throw new Error(`Poisson mean ${mean} is out of range`);
  let k = 0;
  let term = Math.exp(-mean);
  let cdf = term;
  while (cdf < p) {
    k += 1;
    term *= mean / k;
    cdf += term;
  }
  return k;
}

/** Functions-milliseconds a call takes, by what invokes them. */
export interface CallFunctionTime {
  signalMs: number;
  signalsPerCall: number;
  statusMs: number;
  statusPerCall: number;
  /** Task events a call makes, and one batch's duration by its size. */
  eventsPerCall: number;
  batchMs: Map<number, number>;
}

/**
 * Busy Functions by Little's law (arrival rate × mean duration, summed over signals, batched task
 * events, status and the sweep), and the 99th percentile of the number busy with busy Functions
 * taken as Poisson with that mean.
 */
export function busyFunctions(callsPerSecond: number, call: CallFunctionTime, batchSize: number, sweepMs: number): { mean: number; p99: number } {
  const eventsMs = (call.eventsPerCall * (call.batchMs.get(batchSize) as number)) / batchSize;
  const callMs = call.signalsPerCall * call.signalMs + call.statusPerCall * call.statusMs + eventsMs;
  const mean = (callsPerSecond * callMs) / 1000 + sweepMs / 1000 / SWEEP_EVERY_SECONDS;
  return { mean, p99: poissonQuantile(mean, 0.99) };
}
