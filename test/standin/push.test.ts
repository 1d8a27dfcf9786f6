/**
 * The local Sync push channel over real HTTP: what the demo page and the plugin's local Sync
 * client read (`/__standin/sync/...`), while the functions write through the real twilio SDK.
 */
import { withStandinOverHttp } from './harness';
import { type EventStreamReader, openEventStream } from './sse';

let clock = new Date('2025-03-01T12:00:00.000Z');
const harness = withStandinOverHttp({ now: () => clock, keepAliveMs: 100 });
const sync = () => harness.client.sync.v1.services('default');
const get = async (path: string) => {
  const response = await fetch(`${harness.base}${path}`);
  return { status: response.status, origin: response.headers.get('Access-Control-Allow-Origin'), body: await response.json() };
};

let stream: EventStreamReader | undefined;
afterEach(() => {
  stream?.close();
  stream = undefined;
});

describe('reads of the push channel', () => {
  it('answers a document of the default service by unique name, 404 when absent, to any origin', async () => {
    expect(await get('/__standin/sync/documents/rc-call-CA1')).toMatchObject({ status: 404, origin: '*' });
    await sync().documents.create({ uniqueName: 'rc-call-CA1', data: { recording: 'in-progress' } });
    await sync()
      .documents('rc-call-CA1')
      .update({ data: { recording: 'paused' } });
    expect(await get('/__standin/sync/documents/rc-call-CA1')).toEqual({
      status: 200,
      origin: '*',
      body: { uniqueName: 'rc-call-CA1', revision: '1', data: { recording: 'paused' } },
    });
    // Only the default service is pushed.
    await harness.client.sync.v1.services(`IS${'1'.repeat(32)}`).documents.create({ uniqueName: 'elsewhere', data: {} });
    expect((await get('/__standin/sync/documents/elsewhere')).status).toBe(404);
  });

  it("answers a map's items in key order, 404 for a missing map", async () => {
    expect(await get('/__standin/sync/maps/rc-live-calls/items')).toMatchObject({ status: 404, origin: '*' });
    await sync().syncMaps.create({ uniqueName: 'rc-live-calls' });
    await sync()
      .syncMaps('rc-live-calls')
      .syncMapItems.create({ key: 'CA2', data: { agents: ['bob'] } });
    await sync()
      .syncMaps('rc-live-calls')
      .syncMapItems.create({ key: 'CA1', data: { agents: ['alice'] } });
    expect(await get('/__standin/sync/maps/rc-live-calls/items')).toEqual({
      status: 200,
      origin: '*',
      body: {
        items: [
          { key: 'CA1', revision: '0', data: { agents: ['alice'] } },
          { key: 'CA2', revision: '0', data: { agents: ['bob'] } },
        ],
      },
    });
  });
});

describe('the event stream', () => {
  it('stays open and pushes each document and map item change as it happens', async () => {
    stream = await openEventStream(`${harness.base}/__standin/sync/stream`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('Content-Type')).toMatch(/^text\/event-stream/);
    expect(stream.headers.get('Access-Control-Allow-Origin')).toBe('*');

    await sync().documents.create({ uniqueName: 'rc-call-CA1', data: { holds: [] } });
    expect(await stream.next()).toMatchObject({ event: 'document', data: { uniqueName: 'rc-call-CA1', revision: '0', data: { holds: [] } } });
    await sync()
      .documents('rc-call-CA1')
      .update({ data: { holds: [{ id: 'h1' }] } });
    expect(await stream.next()).toMatchObject({ event: 'document', data: { uniqueName: 'rc-call-CA1', revision: '1', data: { holds: [{ id: 'h1' }] } } });

    await sync().syncMaps.create({ uniqueName: 'rc-live-calls' });
    await sync()
      .syncMaps('rc-live-calls')
      .syncMapItems.create({ key: 'CA1', data: { recording: 'paused' } });
    expect(await stream.next()).toMatchObject({ event: 'map_item', data: { map: 'rc-live-calls', key: 'CA1', revision: '0', data: { recording: 'paused' } } });
    await sync()
      .syncMaps('rc-live-calls')
      .syncMapItems('CA1')
      .update({ data: { recording: 'in-progress' } });
    expect(await stream.next()).toMatchObject({ event: 'map_item', data: { key: 'CA1', revision: '1', data: { recording: 'in-progress' } } });
    await sync().syncMaps('rc-live-calls').syncMapItems('CA1').remove();
    expect(await stream.next()).toEqual({ id: expect.any(String), event: 'map_item_removed', data: { map: 'rc-live-calls', key: 'CA1' } });
    await sync().documents('rc-call-CA1').remove();
    expect(await stream.next()).toEqual({ id: expect.any(String), event: 'document_removed', data: { uniqueName: 'rc-call-CA1' } });

    // Another service's changes are not pushed.
    await harness.client.sync.v1.services(`IS${'1'.repeat(32)}`).documents.create({ uniqueName: 'elsewhere', data: {} });
    await sync().documents.create({ uniqueName: 'after', data: {} });
    expect((await stream.next()).data).toMatchObject({ uniqueName: 'after' });
  });

  it('pushes the removal of documents and map items whose TTL ran out, with no request to notice it', async () => {
    await sync().documents.create({ uniqueName: 'short', data: {}, ttl: 5 });
    await sync().syncMaps.create({ uniqueName: 'rc-live-calls' });
    await sync().syncMaps('rc-live-calls').syncMapItems.create({ key: 'CA1', data: {}, ttl: 5 });
    stream = await openEventStream(`${harness.base}/__standin/sync/stream`);

    clock = new Date(clock.getTime() + 6_000);
    const removed = [await stream.next(undefined, 2500), await stream.next(undefined, 2500)];
    expect(removed.map((event) => event.event).sort()).toEqual(['document_removed', 'map_item_removed']);
    expect((await get('/__standin/sync/documents/short')).status).toBe(404);
  });

  it('sends a keep-alive comment while idle', async () => {
    stream = await openEventStream(`${harness.base}/__standin/sync/stream`);
    await stream.comment('keep-alive', 1000);
  });

  it('catches a reconnecting client up from Last-Event-ID', async () => {
    stream = await openEventStream(`${harness.base}/__standin/sync/stream`);
    await sync().documents.create({ uniqueName: 'one', data: {} });
    const first = await stream.next();
    stream.close();

    await sync().documents.create({ uniqueName: 'two', data: {} });
    await sync()
      .documents('two')
      .update({ data: { n: 1 } });
    stream = await openEventStream(`${harness.base}/__standin/sync/stream`, { 'Last-Event-ID': first.id as string });
    expect((await stream.next()).data).toMatchObject({ uniqueName: 'two', revision: '0' });
    expect((await stream.next()).data).toMatchObject({ uniqueName: 'two', revision: '1' });
  });

  it('tells a reset as removals, so a page following the stream empties too', async () => {
    await sync().documents.create({ uniqueName: 'rc-call-CA9', data: {} });
    stream = await openEventStream(`${harness.base}/__standin/sync/stream`);
    expect((await fetch(`${harness.base}/__standin/reset`, { method: 'POST' })).status).toBe(200);
    expect(await stream.next()).toMatchObject({ event: 'document_removed', data: { uniqueName: 'rc-call-CA9' } });
  });
});
