/**
 * A stand-in whose TaskRouter event callback is answered by the real task-event logic, as one
 * Function container would (the live index, transfers, the conference Flex names late).
 */
import { http, HttpResponse } from 'msw';
import { taskEvent, type TaskEventDeps } from '../serverless/lib/control/callbacks';
import { standinHandlers } from '../standin/msw';
import type { StandinOptions } from '../standin/types';
import { callbackDeps, testEnv, testStandin, type Timing } from './harness';

const CALLBACK_URL = 'https://callbacks.example.com/task-event';

export { callbackDeps };

/**
 * A stand-in whose TaskRouter event callback the real task-event logic answers, and msw's handlers
 * for both; a clock given in `options` (`now`) is the containers' clock too.
 */
export function standinWithTaskEvents(options: StandinOptions = {}, timing: Timing = {}) {
  const standin = testStandin({ ...options, eventCallbackUrl: CALLBACK_URL, authToken: testEnv.AUTH_TOKEN });
  const events: string[] = [];
  /** Where the events go: a fresh container each (Twilio's routing), unless a test gives one of its own. */
  const route: { container?: TaskEventDeps } = {};
  const handlers = [
    http.post(CALLBACK_URL, async ({ request }) => {
      const form = Object.fromEntries(new URLSearchParams(await request.text()));
      events.push(form.EventType);
      const result = await taskEvent(route.container ?? callbackDeps(options.now, timing), form);
      return new HttpResponse(null, { status: result.status });
    }),
    ...standinHandlers(standin),
  ];
  return { standin, events, handlers, route };
}
