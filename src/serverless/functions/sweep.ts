import { toTwilioResponse } from '../lib/http';
import type { FunctionHandler } from '../lib/functionTypes';
import { servicesFor } from '../lib/runtime';
import { sweep } from '../lib/sweep';

/** Takes no input and only does what expiry would do anyway, so it needs no credentials. */
export const handler: FunctionHandler = async (context, _event, callback) => {
  const { index, control } = servicesFor(context);
  try {
    callback(null, toTwilioResponse({ status: 200, body: await sweep(index, control, () => new Date()) }));
  } catch {
    callback(null, toTwilioResponse({ status: 502, body: { error: { code: 'recording_update_failed', message: 'the sweep could not read the live index' } } }));
  }
};
