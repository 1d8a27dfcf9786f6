/**
 * The Sync service the functions keep their state in must be the product's own, with ACLs on:
 * on one whose ACLs are off — Flex's own `default` service as Twilio ships it — every Flex user's
 * token can write every object from the browser, and so forge the configuration, the live index
 * or a call's ledger. A deployment pointing `SYNC_SERVICE_SID` at such a service is answered
 * `500 not_configured`, naming the setting.
 *
 * Checked once per container (one read of the service, sent alongside work that happens anyway);
 * a definite answer is kept, a failed read is tried again by the next request, which goes ahead
 * meanwhile (Twilio not answering is not a configuration problem).
 */
import { errorResult, HttpResult } from '../base/http';
import { httpStatus, type Retries } from './retry';
import type { TwilioClient } from './twilioClient';

export type ServiceVerdict = { ok: true } | { ok: false; problem: string };

const SERVICE_SID = /^IS[0-9a-fA-F]{32}$/;
const HOW = 'create one with `twilio api:sync:v1:services:create --friendly-name recording-controls --acl-enabled` and set its sid';

export class SyncServiceCheck {
  private verdict: ServiceVerdict | undefined;
  private reading: Promise<ServiceVerdict> | undefined;

  constructor(
    private readonly client: TwilioClient,
    private readonly retries: Retries,
    private readonly serviceSid: string,
  ) {
    if (!SERVICE_SID.test(serviceSid)) {
      this.verdict = {
        ok: false,
        problem:
          serviceSid === 'default'
            ? `SYNC_SERVICE_SID is not set, or names Flex's default Sync service, whose ACLs are off (every Flex user could write the state): ${HOW}`
            : `SYNC_SERVICE_SID must be a Sync service sid (IS…): ${HOW}`,
      };
    }
  }

  /** The verdict once known (no request). */
  known(): ServiceVerdict | undefined {
    return this.verdict;
  }

  /** The verdict, reading the service once per container; never throws. */
  check(): Promise<ServiceVerdict> {
    if (this.verdict) return Promise.resolve(this.verdict);
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(): Promise<ServiceVerdict> {
    try {
      const service = await this.retries.run(() => this.client.sync.v1.services(this.serviceSid).fetch(), { budgetMs: 1000 });
      this.verdict = service.aclEnabled
        ? { ok: true }
        : {
            ok: false,
            problem: `SYNC_SERVICE_SID names the Sync service ${this.serviceSid}, whose ACLs are off (every Flex user could write the state): turn them on (AclEnabled) or ${HOW}`,
          };
      return this.verdict;
    } catch (error) {
      if (httpStatus(error) === 404) {
        this.verdict = { ok: false, problem: `SYNC_SERVICE_SID names no Sync service of this account: ${HOW}` };
        return this.verdict;
      }
      return { ok: true }; // not known yet: asked again by the next request
    }
  }
}

export const notConfiguredSync = (verdict: { ok: false; problem: string }): HttpResult => errorResult(500, 'not_configured', verdict.problem);

/** Runs `work` unless the service is known to be wrong; the first request of a container reads it alongside. */
export async function unlessSyncMisconfigured(check: SyncServiceCheck, work: () => Promise<HttpResult>): Promise<HttpResult> {
  const verdict = await check.check();
  return verdict.ok ? work() : notConfiguredSync(verdict);
}
