import { ConfigApiDeps, ConfigApiRequest } from './desktopEventsConfigApi';
import type { FunctionHandler } from './functionTypes';
import { HttpResult, splitEvent, toTwilioResponse, withCors } from './http';
import { servicesFor } from './runtime';

/**
 * The shell of each /desktop-events/* function. Answers may be read by Flex in the browser; the
 * CORS preflight itself is answered by Twilio's gateway (and twilio-run), not by the function.
 */
export const desktopEventsConfigFunction =
  (endpoint: (deps: ConfigApiDeps, request: ConfigApiRequest) => Promise<HttpResult>): FunctionHandler =>
  async (context, event, callback) => {
    const { headers, body } = splitEvent(event);
    const { auth, configs } = servicesFor(context);
    callback(null, withCors(toTwilioResponse(await endpoint({ auth, configs }, { headers, body }))));
  };
