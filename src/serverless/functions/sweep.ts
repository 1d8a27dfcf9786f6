import { errorResult, functionShell, singleHeader } from '../lib/base/http';
import { servicesFor } from '../lib/wiring/services';
import { sweep } from '../lib/control/sweep';
import { unlessSyncMisconfigured } from '../lib/twilio/syncService';

/**
 * For a scheduler: closes expired holds and repairs what Twilio did not confirm. It takes an API
 * key (docs/api.md) — what it answers tells how many calls are tracked, which is nobody else's business.
 */
export const handler = functionShell(
  { name: 'sweep', invalidCode: 'invalid_request', limits: { maxDepth: 4, maxBytes: 4096 } },
  async (context, { headers }) => {
    const { auth, index, control, syncService } = servicesFor(context);
    const authorization = singleHeader(headers, 'authorization');
    if (authorization.repeated) return errorResult(401, 'unauthenticated', 'send one Authorization header');
    const caller = auth.apiKey(authorization.value);
    if (!caller.ok) return errorResult(401, 'unauthenticated', caller.message);
    return unlessSyncMisconfigured(syncService, async () => {
      try {
        return { status: 200, body: await sweep(index, control, () => new Date()) };
      } catch {
        return errorResult(502, 'recording_update_failed', 'the sweep could not read the live index');
      }
    });
  },
);
