/**
 * Read permissions on the product's Sync service: the plugin's Sync client (a token for the
 * user's identity, `/sync-token`) sees only what the functions granted it — the call documents of
 * the calls the user may see, and the live-calls index (every shard) for supervisors and admins. Never Write:
 * every change goes through the functions.
 *
 * A call document's grant is made once per document and identity per container. The live-calls
 * shards' grants are taken back when the identity is no longer a supervisor or an admin (a
 * supervisor made an agent): the first shard's permission is the mark that an identity may hold
 * any — granted before the others and removed after them — so one read of it tells an agent's
 * token request that there is nothing to take back.
 */
import { callDocumentName, liveCallsShardNames } from '../../../core/syncNames';
import { httpStatus, type Retries } from './retry';
import type { TwilioClient } from './twilioClient';

const READ_ONLY = { read: true, write: false, manage: false };
const REMEMBERED = 5000;

export class SyncReadGrants {
  private readonly granted = new Set<string>();

  constructor(
    private readonly client: TwilioClient,
    private readonly retries: Retries,
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

  /**
   * The identity may read every shard of the live-calls index (each made empty if no ledger write
   * made it yet). One read when it already may and this container granted every shard; the mark
   * first, then the others, when it may not.
   */
  async liveCalls(identity: string): Promise<void> {
    const [mark, ...others] = liveCallsShardNames();
    if (await this.marked(identity)) {
      if (others.every((name) => this.granted.has(shardKey(name, identity)))) return;
      this.remember(shardKey(mark, identity));
    } else {
      // Taken back elsewhere since this container granted them: what it remembers is stale.
      this.forgetShards(identity);
      await this.liveCallsShard(mark, identity);
    }
    await Promise.all(others.map((name) => this.liveCallsShard(name, identity)));
  }

  /**
   * Takes back the identity's read permission on every shard of the live-calls index, if it has
   * any: one read (of the mark) when it has none, which is every agent's case. Returns whether any
   * was taken back.
   */
  async revokeLiveCalls(identity: string): Promise<boolean> {
    if (!(await this.marked(identity))) {
      this.forgetShards(identity);
      return false;
    }
    const [mark, ...others] = liveCallsShardNames();
    const remove = (name: string) => this.retries.unlessNotFound(() => this.service.syncMaps(name).syncMapPermissions(identity).remove(), false);
    this.forgetShards(identity);
    await Promise.all(others.map(remove));
    await remove(mark);
    return true;
  }

  /** Whether the identity holds the mark: the first shard's read permission. */
  private async marked(identity: string): Promise<boolean> {
    const [mark] = liveCallsShardNames();
    const permission = await this.retries.unlessNotFound(() => this.service.syncMaps(mark).syncMapPermissions(identity).fetch(), undefined);
    return permission?.read === true;
  }

  private forgetShards(identity: string): void {
    for (const name of liveCallsShardNames()) this.granted.delete(shardKey(name, identity));
  }

  private async liveCallsShard(name: string, identity: string): Promise<void> {
    const grant = () => this.service.syncMaps(name).syncMapPermissions(identity).update(READ_ONLY);
    if (await this.once(shardKey(name, identity), grant)) return;
    await this.retries
      .run(() => this.service.syncMaps.create({ uniqueName: name }))
      .catch((error: unknown) => {
        if (httpStatus(error) !== 409) throw error; // made meanwhile by a ledger write
      });
    await this.once(shardKey(name, identity), grant);
  }

  private async once(key: string, grant: () => Promise<unknown>): Promise<boolean> {
    if (this.granted.has(key)) return true;
    try {
      await this.retries.run(grant);
    } catch (error) {
      if (httpStatus(error) === 404) return false;
      throw error;
    }
    this.remember(key);
    return true;
  }

  private remember(key: string): void {
    this.granted.add(key);
    if (this.granted.size > REMEMBERED) this.granted.delete(this.granted.values().next().value as string);
  }
}

const shardKey = (name: string, identity: string) => `m:${name}:${identity}`;
