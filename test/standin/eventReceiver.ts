/**
 * A local receiver for TaskRouter's event callback, and a stand-in over HTTP pointed at it (as
 * `npm start` points it at the task-event function). Registers the jest hooks; received events are
 * forgotten after each test. `answerWith` sets the HTTP status the receiver answers (204 by default);
 * `dropConnections` makes it hang up without answering.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { AUTH_TOKEN, type HttpHarness, withStandinOverHttp } from './harness';

export interface ReceivedEvent {
  /** Where it was posted: `/task-event` (the workspace's Event Callback URL), or an Event Streams sink's path. */
  path: string;
  /** Form parameters (the Event Callback URL); empty for a JSON body. */
  params: Record<string, string>;
  /** The JSON body (an Event Streams sink). */
  json: unknown;
  signatureValid: boolean;
  /** Date.now() when it arrived. */
  at: number;
}

export interface EventReceiver {
  harness: HttpHarness;
  received: ReceivedEvent[];
  callbackUrl(): string;
  /** Where the receiver listens (`http://127.0.0.1:<port>`): a sink's destination may be any path under it. */
  base(): string;
  answerWith(status: number): void;
  dropConnections(drop: boolean): void;
  /** A control-surface request over HTTP: `path` after `/__standin`. */
  control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Resolves once `predicate` holds (checked every 10 ms), or fails after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
}

export function withEventReceiver(): EventReceiver {
  const received: ReceivedEvent[] = [];
  let status = 204;
  let drop = false;
  let base = '';
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const url = `${base}${request.url ?? ''}`;
      const signature = String(request.headers['x-twilio-signature'] ?? '');
      const isJson = String(request.headers['content-type']).startsWith('application/json');
      const params = isJson ? {} : Object.fromEntries(new URLSearchParams(body));
      received.push({
        path: new URL(url).pathname,
        params,
        json: isJson ? JSON.parse(body) : undefined,
        signatureValid: isJson ? twilio.validateRequestWithBody(AUTH_TOKEN, signature, url, body) : twilio.validateRequest(AUTH_TOKEN, signature, url, params),
        at: Date.now(),
      });
      if (drop) request.socket.destroy();
      else response.writeHead(status).end();
    });
  });
  const harness = withStandinOverHttp(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { eventCallbackUrl: `${base}/task-event`, authToken: AUTH_TOKEN };
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  afterEach(() => {
    received.length = 0;
    status = 204;
    drop = false;
  });

  return {
    harness,
    received,
    callbackUrl: () => `${base}/task-event`,
    base: () => base,
    answerWith: (next) => {
      status = next;
    },
    dropConnections: (next) => {
      drop = next;
    },
    async control(method, path, body) {
      const response = await fetch(`${harness.base}/__standin${path}`, {
        method,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        headers: { 'Content-Type': 'application/json' },
      });
      return { status: response.status, body: await response.json() };
    },
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
