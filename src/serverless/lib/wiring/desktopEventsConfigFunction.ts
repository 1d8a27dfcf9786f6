import type { JsonLimits } from '../../../core/jsonLimits';
import { functionShell, HttpResult } from '../base/http';
import { servicesFor } from './services';
import { ConfigApiDeps, ConfigApiRequest } from '../endpoints/desktopEventsConfigApi';

/** A configuration (16 KiB at most once stored: a larger one is refused with its size) nests 5 deep. */
export const CONFIG_BODY_LIMITS: JsonLimits = { maxDepth: 6, maxBytes: 64 * 1024 };

/**
 * The shell of each /desktop-events/* function. Answers may be read by Flex in the browser; the
 * CORS preflight itself is answered by Twilio's gateway (and twilio-run), not by the function.
 */
export const desktopEventsConfigFunction = (
  name: string,
  invalidCode: string,
  endpoint: (deps: ConfigApiDeps, request: ConfigApiRequest) => Promise<HttpResult>,
) =>
  functionShell({ name, invalidCode, limits: CONFIG_BODY_LIMITS, cors: true }, async (context, request) => {
    const { auth, configs, syncService } = servicesFor(context);
    return endpoint({ auth, configs, syncService }, request);
  });
