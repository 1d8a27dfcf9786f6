import { browserResponse, isPreflight, preflightResponse } from './browserAccess';
import { ConfigApiDeps, ConfigApiRequest } from './desktopEventsConfigApi';
import type { FunctionHandler } from './functionTypes';
import { HttpResult, splitEvent } from './http';
import { servicesFor } from './runtime';

/** The shell of each /desktop-events/* function: the preflight, then the endpoint, answered to any origin. */
export const desktopEventsConfigFunction =
  (endpoint: (deps: ConfigApiDeps, request: ConfigApiRequest) => Promise<HttpResult>, methods: string): FunctionHandler =>
  async (context, event, callback) => {
    const { headers, body } = splitEvent(event);
    if (isPreflight(headers, body)) return callback(null, preflightResponse(methods));
    const { auth, configs } = servicesFor(context);
    callback(null, browserResponse(await endpoint({ auth, configs }, { headers, body }), methods));
  };
