/**
 * Read permissions on the product's Sync service: the plugin's Sync client (a token for the
 * user's identity, `/sync-token`) sees only what the functions granted it — the call documents of
 * the calls the user may see, and the live-calls index (every shard) for supervisors and admins. Never Write:
 * every change goes through the functions.
 *
 * Each grant is made once per object and identity per container.
 */
import { callDocumentName } from '../../../core/syncNames';
import { liveCallsShardNames } from '../ledger/liveIndex';
import { httpStatus, withRetries } from './retry';
import type { TwilioClient } from './twilioClient';

const READ_ONLY = { read: true, write: false, manage: false };
const REMEMBERED = 5000;

export class SyncReadGrants {
  private readonly granted = new Set<string>();

  constructor(
    private readonly client: TwilioClient,
    private readonly serviceSid: string,
  ) {}

  private get service() {
    return this.client.sync.v1.services(this.serviceSid);
  }

  /**
   * The identity may read the call's document. False when the document does not exist yet (the
   * next grant tries again); other failures throw.
   */
  async callDocument(callSid: string, identity: string): Promise<boolean> {
    const name = callDocumentName(callSid);
    return this.once(`d:${name}:${identity}`, () => this.service.documents(name).documentPermissions(identity).update(READ_ONLY));
  }

  /** The identity may read every shard of the live-calls index (each made empty if no ledger write made it yet). */
  async liveCalls(identity: string): Promise<void> {
    await Promise.all(liveCallsShardNames().map((name) => this.liveCallsShard(name, identity)));
  }

  private async liveCallsShard(name: string, identity: string): Promise<void> {
    const grant = () => this.service.syncMaps(name).syncMapPermissions(identity).update(READ_ONLY);
    if (await this.once(`m:${name}:${identity}`, grant)) return;
    await withRetries(() => this.service.syncMaps.create({ uniqueName: name })).catch((error: unknown) => {
      if (httpStatus(error) !== 409) throw error; // made meanwhile by a ledger write
    });
    await this.once(`m:${name}:${identity}`, grant);
  }

  private async once(key: string, grant: () => Promise<unknown>): Promise<boolean> {
    if (this.granted.has(key)) return true;
    try {
      await withRetries(grant);
    } catch (error) {
      if (httpStatus(error) === 404) return false;
      throw error;
    }
    this.granted.add(key);
    if (this.granted.size > REMEMBERED) this.granted.delete(this.granted.values().next().value as string);
    return true;
  }
}
