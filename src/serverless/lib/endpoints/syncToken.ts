/**
 * POST /sync-token: a Sync access token for the Flex user's own Sync client in the plugin, on the
 * product's Sync service (ACLs on), for the user's identity — the worker's `contact_uri` without
 * `client:`, as the functions write it in `hold.by`. With it the browser reads only what the
 * functions granted that identity (syncPermissions.ts): the documents of the calls it may see and,
 * for supervisors and admins, the live-calls map — taken back when a token's roles no longer say
 * supervisor or admin. It can write nothing.
 *
 * The Flex token comes as for every endpoint: `Token` in the body or a `Token` header, never the
 * URL. An API key has no identity, so it gets no Sync token.
 */
import twilio from 'twilio';
import { errorResult, fromUrl, type FunctionRequest, type HttpResult } from '../base/http';
import type { Settings } from '../base/settings';
import { twilioCode } from '../twilio/retry';
import type { SyncReadGrants } from '../twilio/syncPermissions';
import { notConfiguredSync, type SyncServiceCheck } from '../twilio/syncService';
import { type Authenticator, credentialsOf } from './auth';

/** One hour, as a Flex token; the plugin renews it before it runs out. */
export const SYNC_TOKEN_TTL_SECONDS = 3600;
const API_KEY_SID = /^SK[0-9a-fA-F]{32}$/;
/** What the body may hold. */
export const SYNC_TOKEN_FIELDS = ['Token'];

export interface SyncTokenDeps {
  settings: Settings;
  auth: Authenticator;
  syncService: SyncServiceCheck;
  grants: SyncReadGrants;
  log?: (line: string) => void;
}

export function mintSyncToken(settings: Settings, identity: string): string {
  const token = new twilio.jwt.AccessToken(settings.accountSid, settings.apiKeySid as string, settings.apiKeySecret as string, {
    identity,
    ttl: SYNC_TOKEN_TTL_SECONDS,
  });
  token.addGrant(new twilio.jwt.AccessToken.SyncGrant({ serviceSid: settings.syncServiceSid }));
  return token.toJwt();
}

export async function handleSyncToken(deps: SyncTokenDeps, request: FunctionRequest): Promise<HttpResult> {
  const { settings } = deps;
  if (fromUrl(request, 'Token')) return errorResult(401, 'unauthenticated', 'send the Flex token in the body or a Token header, never in the URL');
  const unknown = Object.keys(request.body).filter((key) => !SYNC_TOKEN_FIELDS.includes(key));
  if (unknown.length > 0)
    return errorResult(
      400,
      'invalid_request',
      `unknown field(s): ${unknown.map((key) => (/^[A-Za-z_]{1,64}$/.test(key) ? key : '(unprintable name)')).join(', ')}`,
    );
  if (!settings.apiKeySid || !API_KEY_SID.test(settings.apiKeySid) || !settings.apiKeySecret) {
    return errorResult(500, 'not_configured', 'TWILIO_API_KEY (SK…) and TWILIO_API_SECRET are not set: they sign the Sync tokens');
  }
  const credentials = credentialsOf(request.headers, request.body.Token);
  if (!credentials.ok) return errorResult(401, 'unauthenticated', credentials.message);
  const [authentication, service] = await Promise.all([deps.auth.authenticate(credentials.authorization, credentials.token), deps.syncService.check()]);
  if (!authentication.ok) return errorResult(401, 'unauthenticated', authentication.message);
  if (service && !service.ok) return notConfiguredSync(service);
  const { caller } = authentication;
  if (caller.kind !== 'flex') return errorResult(403, 'forbidden', 'Sync tokens are for Flex users: an API key has no identity');

  if (caller.privileged) {
    try {
      await deps.grants.liveCalls(caller.identity);
    } catch (error) {
      // The token still follows call documents; the supervisor view lists the calls of the Flex store meanwhile.
      (deps.log ?? console.error)(`sync-token: the live-calls map could not be granted (${twilioCode(error) ?? 'no answer'})`);
    }
  } else {
    // A supervisor or admin made an agent keeps no read of every live call: what was granted is taken
    // back (one read, of the mark, for an identity that never had it).
    try {
      await deps.grants.revokeLiveCalls(caller.identity);
    } catch (error) {
      // Refusing the token would not help: permissions are the identity's, whatever token reads. The next request tries again.
      (deps.log ?? console.error)(`sync-token: the live-calls map's read could not be taken back (${twilioCode(error) ?? 'no answer'})`);
    }
  }
  return {
    status: 200,
    body: { token: mintSyncToken(settings, caller.identity), identity: caller.identity, serviceSid: settings.syncServiceSid, ttl: SYNC_TOKEN_TTL_SECONDS },
  };
}
