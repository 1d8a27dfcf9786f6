/**
 * Test harness: a fresh stand-in reached by the real `twilio` SDK through msw.
 * Call `withStandinOverMsw()` at the top of a test file (it registers the jest hooks).
 */
import { setupServer } from 'msw/node';
import twilio from 'twilio';
import { standinHandlers } from '../../src/standin/msw';
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
