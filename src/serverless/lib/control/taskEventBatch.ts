/**
 * An Event Streams delivery, handled as one invocation: each task's events in the order they
 * happened (a transfer's end before the next acceptance), a bounded number of tasks side by side.
 *
 * The sink gives the whole delivery 5 s and sends it all again after that. A hundred tasks at once
 * would put some 300 Twilio requests in flight, past the account's REST concurrency: the 429s and
 * their retries then take longer than the tasks in a few dozen lanes, and crowd the pauses of live
 * calls, which share that concurrency.
 */
import pLimit from 'p-limit';
import type { HttpResult } from '../base/http';
import type { CallbackParams } from './eventStreams';

/**
 * Tasks of one delivery handled at once. A delivery of 100 events makes about 1,000 Twilio requests,
 * a task's few at a time: with Twilio answering in 150 ms, 30 tasks at once end it in about 3 s
 * (20 took up to 5 s) and reach the account's REST concurrency (100 requests in flight) only at
 * moments; more tasks at once end it no sooner, only with many 429s (`npm run bench` prints it).
 */
export const TASKS_AT_ONCE = 30;

/** A task's event was not handled: the delivery must not be acknowledged, so Twilio sends it again. */
export class TaskEventFailed extends Error {
  constructor(readonly status: number) {
    super(`a task event answered ${status}`);
  }
}

/**
 * Hands each event to `handle`, each task's in order. Every task is tried, even after another
 * failed (a task that keeps failing must not hold back the others in its deliveries); then, if any
 * task failed, this rejects, so the delivery is answered non-2xx and comes again (handled events
 * change nothing the second time).
 */
export async function handleDelivery(
  events: CallbackParams[],
  handle: (event: CallbackParams) => Promise<HttpResult>,
  tasksAtOnce = TASKS_AT_ONCE,
): Promise<HttpResult> {
  const byTask = new Map<string, CallbackParams[]>();
  for (const event of events) {
    const key = event.TaskSid ?? '';
    const queue = byTask.get(key);
    if (queue) queue.push(event);
    else byTask.set(key, [event]);
  }
  const lane = pLimit(tasksAtOnce);
  const outcomes = await Promise.allSettled(
    [...byTask.values()].map((taskEvents) =>
      lane(async () => {
        // A task's later event waits for its earlier one, and is not tried once that failed.
        for (const event of taskEvents) {
          const result = await handle(event);
          if (result.status >= 300) throw new TaskEventFailed(result.status);
        }
      }),
    ),
  );
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return { status: 204, body: '' };
}
