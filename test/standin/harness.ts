/**
 * Test harness: a fresh stand-in reached by the real `twilio` SDK through msw
 * (`withStandinOverMsw()`) or over real HTTP (`withStandinOverHttp()`). Call one at the top of a
 * test file (it registers the jest hooks).
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setupServer } from 'msw/node';
import twilio from 'twilio';
import type { RequestOptions } from 'twilio/lib/base/RequestClient';
import { standinHandlers } from '../../src/standin/msw';
import { startStandinServer } from '../../src/standin/server';
import { type Standin, type StandinOptions, createStandin } from '../../src/standin/standin';

export const AUTH_TOKEN = 'f'.repeat(32);

export interface Harness {
  standin: Standin;
  client: twilio.Twilio;
}

export function withStandinOverMsw(options: StandinOptions = {}): Harness {
  const standin = createStandin(options);
  const server = setupServer(...standinHandlers(standin));
  const harness: Harness = { standin, client: twilio(standin.accountSid, AUTH_TOKEN) };
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    standin.reset();
    standin.setLatency(0);
  });
  afterAll(() => server.close());
  return harness;
}

/** Calls the control surface directly (no network: msw would refuse a non-Twilio host). */
export async function control(standin: Standin, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await standin.handle(
    new Request(`http://127.0.0.1:3002${path}`, {
      method,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
  return { status: response.status, body: await response.json() };
}

/** The RestException a rejected SDK call threw, for asserting status and code together. */
export async function restError(promise: Promise<unknown>): Promise<{ status: number; code: number }> {
  try {
    await promise;
  } catch (error) {
    const { status, code } = error as { status: number; code: number };
    return { status, code };
  }
  throw new Error('expected the Twilio call to fail');
}

export interface HttpHarness {
  standin: Standin;
  /** The real SDK with an http client that sends every Twilio host to the local server, as `npm start` does. */
  client: twilio.Twilio;
  /** `http://127.0.0.1:<port>` once the server listens. */
  base: string;
}

/**
 * A fresh stand-in served over real HTTP (server.ts), as `npm start` runs it. Registers the jest
 * hooks; the returned object is filled in `beforeAll` (options may be computed there too, e.g.
 * a callback URL on a port found at run time).
 */
export function withStandinOverHttp(options: StandinOptions | (() => Promise<StandinOptions>) = {}): HttpHarness {
  const harness = {} as HttpHarness;
  let server: http.Server;
  class LocalRequestClient extends twilio.RequestClient {
    request<TData>(request: RequestOptions<TData>) {
      return super.request<TData>({ ...request, uri: request.uri.replace(/^https:\/\/[^/]+/, harness.base) });
    }
  }
  beforeAll(async () => {
    harness.standin = createStandin(typeof options === 'function' ? await options() : options);
    server = await startStandinServer(harness.standin, 0);
    harness.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    harness.client = twilio(harness.standin.accountSid, AUTH_TOKEN, { httpClient: new LocalRequestClient() });
  });
  afterEach(() => harness.standin.reset());
  afterAll(async () => {
    harness.standin.closeStreams();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return harness;
}
