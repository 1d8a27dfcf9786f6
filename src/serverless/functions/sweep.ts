import { functionShell } from '../lib/base/http';
import { handleSweep } from '../lib/endpoints/sweep';
import { servicesFor } from '../lib/wiring/services';

/** For a scheduler: closes expired holds and repairs what Twilio did not confirm (API key only). */
export const handler = functionShell({ name: 'sweep', invalidCode: 'invalid_request', limits: { maxDepth: 4, maxBytes: 4096 } }, (context, request) =>
  handleSweep(servicesFor(context), request),
);
