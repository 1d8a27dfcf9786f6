import { recordingStarted } from '../lib/callbacks';
import type { FunctionHandler } from '../lib/functionTypes';
import { splitEvent, toTwilioResponse } from '../lib/http';
import { servicesFor } from '../lib/runtime';

/** Twilio's RecordingStatusCallback for recordings started through the API. */
export const handler: FunctionHandler = async (context, event, callback) => {
  const { control } = servicesFor(context);
  try {
    callback(null, toTwilioResponse(await recordingStarted(control, splitEvent(event).body)));
  } catch {
    // A non-2xx makes Twilio retry the callback.
    callback(null, toTwilioResponse({ status: 502, body: { error: { code: 'recording_update_failed', message: 'try again' } } }));
  }
};
