import type { Env } from './settings';

/** What the Functions runtime passes as `context`, reduced to what these functions use. */
export type FunctionContext = Env & { getTwilioClient?: unknown };

/** The Twilio Functions handler signature, reduced to what these functions use. */
export type FunctionHandler = (
  context: FunctionContext,
  event: Record<string, unknown>,
  callback: (error: unknown, response?: unknown) => void,
) => Promise<void>;
