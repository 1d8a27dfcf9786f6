/**
 * A function called as Twilio's runtime calls it: the event built from the request by
 * @twilio/runtime-handler's own `constructEvent`, a context carrying the test settings, and
 * `Twilio.Response` (a global inside Functions) taken from the runtime too.
 */
import { dirname, join } from 'node:path';
import type { FunctionHandler } from '../../src/serverless/lib/base/functionTypes';
import { testEnv } from './harness';

// The runtime's own pieces (not in its package exports).
const devRuntime = dirname(require.resolve('@twilio/runtime-handler/dev'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { constructEvent } = require(join(devRuntime, 'route'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Response } = require(join(devRuntime, 'internal/response'));

(globalThis as unknown as { Twilio: unknown }).Twilio = { Response };

/** What a deployed function's context holds: its environment, and the names the runtime adds. */
export const functionContext = {
  ...testEnv,
  DESKTOP_EVENTS_FILE: join(__dirname, '../../src/serverless/assets/desktop-events.private.json'),
  DOMAIN_NAME: 'localhost:3001',
};

export interface Sent {
  /** Raw header lines, as received: a name may repeat. */
  headers?: Array<[string, string]>;
  query?: Record<string, unknown>;
  /** What the body parser produced (JSON or form), or nothing. */
  body?: unknown;
}

/** The event Twilio's runtime builds from a request, handed to a function; its answer. */
export async function invoke(handler: FunctionHandler, sent: Sent, context: typeof functionContext = functionContext): Promise<{ status: number; body: any }> {
  const event = constructEvent({ rawHeaders: (sent.headers ?? []).flat(), query: sent.query ?? {}, body: sent.body ?? {}, cookies: {} });
  return new Promise((resolve, reject) => {
    handler(context, event, (error, response) => {
      if (error) reject(error);
      const answer = response as { statusCode: number; body: unknown };
      resolve({ status: answer.statusCode, body: answer.body });
    }).catch(reject);
  });
}
