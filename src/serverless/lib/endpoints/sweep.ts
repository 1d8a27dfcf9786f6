/**
 * POST /sweep, for a scheduler: closes expired holds and repairs what Twilio did not confirm. It
 * takes an API key (docs/api.md) and nothing else — what it answers tells how many calls are
 * tracked, which is nobody else's business.
 */
import { errorResult, type FunctionRequest, type HttpResult, singleHeader } from '../base/http';
import type { CallControl } from '../control/callControl';
import { sweep } from '../control/sweep';
import type { LiveIndex } from '../stores/liveIndex';
import { type SyncServiceCheck, unlessSyncMisconfigured } from '../twilio/syncService';
import type { Authenticator } from './auth';

export interface SweepDeps {
  auth: Authenticator;
  index: LiveIndex;
  control: CallControl;
  syncService: SyncServiceCheck;
  now: () => Date;
}

export async function handleSweep(deps: SweepDeps, { headers }: FunctionRequest): Promise<HttpResult> {
  const authorization = singleHeader(headers, 'authorization');
  if (authorization.repeated) return errorResult(401, 'unauthenticated', 'send one Authorization header');
  const caller = deps.auth.apiKey(authorization.value);
  if (!caller.ok) return errorResult(401, 'unauthenticated', caller.message);
  return unlessSyncMisconfigured(deps.syncService, async () => {
    try {
      return { status: 200, body: await sweep(deps.index, deps.control, deps.now) };
    } catch {
      return errorResult(502, 'recording_update_failed', 'the sweep could not read the live index');
    }
  });
}
