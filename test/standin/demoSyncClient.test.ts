/**
 * The demo page's Sync client (src/demo/app/standinSync.ts) against the stand-in over real HTTP:
 * made without a token it is Flex's own client on the `default` service; made, as the plugin makes
 * it, with a Sync access token, it reads the product's service as that identity may — pushed
 * changes of what it may read, 403 for what it may not — and tells when the token runs out.
 * Node has no EventSource: a small one over fetch stands in for the browser's.
 */
import twilio from 'twilio';
import { standinSyncClientFor } from '../../src/demo/app/standinSync';
import type { SyncDocumentLike } from '../../src/flex/types';
import { withStandinOverHttp } from './harness';

/** The browser's EventSource, as far as the client uses it. */
class FetchEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readyState = FetchEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private readonly listeners = new Map<string, Array<(event: { data: string }) => void>>();
  private readonly aborter = new AbortController();

  constructor(url: string) {
    open.add(this);
    void this.run(url);
  }

  addEventListener(type: string, listener: (event: { data: string }) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.readyState = FetchEventSource.CLOSED;
    this.aborter.abort();
    open.delete(this);
  }

  private async run(url: string): Promise<void> {
    try {
      const response = await fetch(url, { signal: this.aborter.signal });
      if (response.status !== 200 || !response.body) throw new Error(`HTTP ${response.status}`);
      this.readyState = FetchEventSource.OPEN;
      this.onopen?.();
      let buffer = '';
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const fields = Object.fromEntries(
            buffer
              .slice(0, end)
              .split('\n')
              .filter((line) => !line.startsWith(':') && line.includes(':'))
              .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart()]),
          );
          buffer = buffer.slice(end + 2);
          if (fields.data !== undefined) (this.listeners.get(fields.event ?? 'message') ?? []).forEach((listener) => listener({ data: fields.data }));
        }
      }
    } catch {
      // refused, ended or closed
    }
    if (this.readyState === FetchEventSource.CLOSED) return;
    this.readyState = FetchEventSource.CLOSED;
    open.delete(this);
    this.onerror?.();
  }
}
const open = new Set<FetchEventSource>();
(globalThis as unknown as { EventSource: unknown }).EventSource = FetchEventSource;

const API_KEY = { sid: `SK${'3'.repeat(32)}`, secret: 'demo-sync-client-secret' };
const harness = withStandinOverHttp({ apiKeys: [API_KEY] });
let productSid: string;
beforeAll(async () => {
  productSid = (await harness.client.sync.v1.services.create({ friendlyName: 'recording-controls', aclEnabled: true })).sid;
});
const clients: Array<{ shutdown(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.shutdown()));
  [...open].forEach((source) => source.close());
});

function syncToken(identity: string, ttl = 3600): string {
  const token = new twilio.jwt.AccessToken(harness.standin.accountSid, API_KEY.sid, API_KEY.secret, { identity, ttl });
  token.addGrant(new twilio.jwt.AccessToken.SyncGrant({ serviceSid: productSid }));
  return token.toJwt();
}

const updates = (document: SyncDocumentLike) => {
  const seen: unknown[] = [];
  document.on('updated', ({ data }) => seen.push(data));
  return seen;
};
const eventually = async (check: () => boolean, ms = 2000) => {
  for (const deadline = Date.now() + ms; !check();) {
    if (Date.now() > deadline) throw new Error('not within time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

test("made with the plugin's token, it follows what the identity may read on the product's service, and nothing else", async () => {
  const service = harness.client.sync.v1.services(productSid);
  await service.documents.create({ uniqueName: 'rc-call-CA1', data: { recording: 'in-progress' } });
  await service.documents.create({ uniqueName: 'rc-call-CA2', data: { recording: 'in-progress' } });
  await service.documents('rc-call-CA1').documentPermissions('alice').update({ read: true, write: false, manage: false });
  const Client = standinSyncClientFor(harness.base);

  const own = new Client(syncToken('alice'));
  const flexOwn = new Client();
  clients.push(own, flexOwn);
  const document = await own.document({ id: 'rc-call-CA1', mode: 'open_existing' });
  expect(document.data).toEqual({ recording: 'in-progress' });
  const seen = updates(document);
  await service.documents('rc-call-CA1').update({ data: { recording: 'paused' } });
  await eventually(() => seen.length === 1);
  expect(seen).toEqual([{ recording: 'paused' }]);
  await expect(own.document({ id: 'rc-call-CA2', mode: 'open_existing' })).rejects.toMatchObject({ status: 403 });

  // Flex's own client (no token) reads Flex's service: the product's documents are not there.
  await expect(flexOwn.document({ id: 'rc-call-CA1', mode: 'open_existing' })).rejects.toMatchObject({ status: 404 });
});

test('tells when its token is about to run out, and goes on with the one it is given', async () => {
  const Client = standinSyncClientFor(harness.base);
  const own = new Client(syncToken('alice', 61)); // "about to expire" a minute before: in a second
  clients.push(own);
  const told: string[] = [];
  own.on('tokenAboutToExpire', () => told.push('tokenAboutToExpire'));
  await eventually(() => told.length === 1, 3000);
  await own.updateToken(syncToken('alice'));

  const service = harness.client.sync.v1.services(productSid);
  await service.documents.create({ uniqueName: 'rc-call-CA3', data: { n: 1 } });
  await service.documents('rc-call-CA3').documentPermissions('alice').update({ read: true, write: false, manage: false });
  expect((await own.document({ id: 'rc-call-CA3', mode: 'open_existing' })).data).toEqual({ n: 1 });
});
