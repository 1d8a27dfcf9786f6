import type { Env } from './settings';

/** The Twilio Functions handler signature, reduced to what these functions use. */
export type FunctionHandler = (
  context: Env & { getTwilioClient?: unknown },
  event: Record<string, unknown>,
  callback: (error: unknown, response?: unknown) => void,
) => Promise<void>;
