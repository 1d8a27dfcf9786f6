import { errorResult, fromUrl, functionShell } from '../lib/base/http';
import { API_BODY_LIMITS } from '../lib/endpoints/recordingControls';
import { automationHealth } from '../lib/endpoints/automationHealth';
import { servicesFor } from '../lib/wiring/services';

export const handler = functionShell(
  { name: 'automation-health', invalidCode: 'invalid_request', limits: API_BODY_LIMITS, cors: true },
  async (context, request) => {
    // Credentials never come from the URL (it ends up in logs).
    if (fromUrl(request, 'Token')) return errorResult(401, 'unauthenticated', 'send the Flex token in the body or as a Token header, never in the URL');
    return automationHealth({ ...servicesFor(context), now: () => new Date() }, request);
  },
);
