import { handleSyncToken } from '../lib/endpoints/syncToken';
import { functionShell } from '../lib/base/http';
import { servicesFor } from '../lib/wiring/services';

// cors: the plugin asks for its Sync token from the browser, with the user's Flex token.
export const handler = functionShell(
  { name: 'sync-token', invalidCode: 'invalid_request', limits: { maxDepth: 2, maxBytes: 16 * 1024 }, cors: true },
  async (context, request) => handleSyncToken(servicesFor(context), request),
);
