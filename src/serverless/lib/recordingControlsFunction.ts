import type { FunctionHandler } from './functionTypes';
import { ownUrl, splitEvent, toTwilioResponse, withCors } from './http';
import { handleRecordingControl, Verb } from './recordingControls';
import { servicesFor } from './runtime';

/** The shell every /recording-controls/<verb> function is: read the event, answer the result. */
export const recordingControlsFunction =
  (verb: Verb): FunctionHandler =>
  async (context, event, callback) => {
    const services = servicesFor(context);
    const { headers, body } = splitEvent(event);
    const result = await handleRecordingControl(
      verb,
      { ...services, recordingStatusCallback: ownUrl(context.DOMAIN_NAME, '/recording-status'), now: () => new Date() },
      { headers, body },
    );
    callback(null, withCors(toTwilioResponse(result)));
  };
