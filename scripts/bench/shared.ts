/** What the benchmark's sections share: the local stack's environment and how figures are read. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TASK_EVENTS } from '../../src/serverless/lib/ledger/callbacks';
import type { HttpResult } from '../../src/serverless/lib/http';
import { localEnv } from '../localEnv';

// The product's own Sync service (ACLs on): made at each stand-in the benchmark starts.
export const env: Record<string, string> = { ...localEnv(), DESKTOP_EVENT_SECRET: 'bench-secret', SYNC_SERVICE_SID: `IS${'5'.repeat(32)}` };

/** Twilio's answer time the latency figures are taken against, and divided by. */
export const LATENCY_MS = 150;

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
