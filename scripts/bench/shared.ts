/** What the benchmark's sections share: the local stack's environment and how figures are read. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TASK_EVENTS } from '../../src/serverless/lib/control/callbacks';
import type { HttpResult } from '../../src/serverless/lib/base/http';
import { localEnv } from '../localEnv';

// The product's own Sync service (ACLs on): made at each stand-in the benchmark starts.
export const env: Record<string, string> = { ...localEnv(), DESKTOP_EVENT_SECRET: 'bench-secret', SYNC_SERVICE_SID: `IS${'5'.repeat(32)}` };

/** Twilio's answer time the latency figures are taken against, and divided by. */
export const LATENCY_MS = 150;

/**
 * A card payment at an agent's pace: the card number typed for about 6 s, straight on to the CVV
 * (the desktop tool reports leaving the one field, then entering the other some 300 ms later),
 * typed for about 3 s, then out. Each signal with the range of the wait before it (drawn evenly):
 * the first comes a few seconds after Flex named the conference.
 */
export const PAYMENT_AT_AGENT_PACE: ReadonlyArray<{ trigger: string; afterMs: readonly [number, number] }> = [
  { trigger: 'card-number.focus', afterMs: [1000, 3000] },
  { trigger: 'card-number.blur', afterMs: [5000, 7000] },
  { trigger: 'cvv.focus', afterMs: [200, 400] },
  { trigger: 'cvv.blur', afterMs: [2000, 4000] },
];
export const PAYMENT_TRIGGERS = PAYMENT_AT_AGENT_PACE.map((step) => step.trigger);
/** The pace in words, for the figures' headings. */
export const PAYMENT_PACE_WORDS = 'card number typed 5–7 s, CVV entered 0.2–0.4 s after leaving it, typed 2–4 s';

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * The workspace's Event Callback for a stand-in that posts TaskRouter's events: only the events
 * the EventsFilter lets through reach `handle` (the task-event logic, as the deployed function
 * runs it). Resolves to the URL to give the stand-in.
 */
export async function taskEventCallback(handle: (event: Record<string, string>) => Promise<HttpResult>): Promise<{ url: string; close: () => void }> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const event = Object.fromEntries(new URLSearchParams(body));
      const answered = TASK_EVENTS.includes(event.EventType) ? handle(event) : Promise.resolve({ status: 204, body: '' });
      void answered.then((result) => {
        response.statusCode = result.status;
        response.end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/task-event`, close: () => server.close() };
}
