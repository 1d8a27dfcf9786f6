/** Sync Maps and Lists through the real twilio SDK (msw), with Twilio's error codes. */
import { restError, withStandinOverMsw } from './harness';

const START = new Date('2025-03-01T12:00:00.000Z');
let clock = START;
beforeEach(() => {
  clock = START;
});
const advance = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000);
};
const { standin, client } = withStandinOverMsw({ now: () => clock });
const sync = () => client.sync.v1.services('default');

describe('Sync Maps', () => {
  it('creates a map, fetches it by sid or unique name, lists and deletes it', async () => {
    const map = await sync().syncMaps.create({ uniqueName: 'rc-live-calls', collectionTtl: 3600 });
    expect(map).toMatchObject({ uniqueName: 'rc-live-calls', revision: '0', createdBy: 'system', dateExpires: new Date('2025-03-01T13:00:00Z') });
    expect(map.sid).toMatch(/^MP[0-9a-f]{32}$/);
    expect(map.links).toEqual({ items: `${map.url}/Items`, permissions: `${map.url}/Permissions` });

    expect((await sync().syncMaps('rc-live-calls').fetch()).sid).toBe(map.sid);
    expect((await sync().syncMaps(map.sid).fetch()).uniqueName).toBe('rc-live-calls');
    expect(await restError(sync().syncMaps.create({ uniqueName: 'rc-live-calls' }))).toEqual({ status: 409, code: 54301 });
    // A document may share the name: unique names are per kind of object.
    await sync().documents.create({ uniqueName: 'rc-live-calls', data: {} });
    expect((await sync().syncMaps.list()).map((listed) => listed.sid)).toEqual([map.sid]);

    expect(await sync().syncMaps('rc-live-calls').remove()).toBe(true);
    expect(await restError(sync().syncMaps('rc-live-calls').fetch())).toEqual({ status: 404, code: 54200 });
  });

  it('is never created implicitly: an item in a missing map is 404 54200', async () => {
    expect(await restError(sync().syncMaps('rc-live-calls').syncMapItems.create({ key: 'CA1', data: {} }))).toEqual({ status: 404, code: 54200 });
    expect(await restError(sync().syncMaps('rc-live-calls').syncMapItems('CA1').fetch())).toEqual({ status: 404, code: 54200 });
    expect(await restError(sync().syncMaps('rc-live-calls').syncMapItems.list())).toEqual({ status: 404, code: 54200 });
  });

  it('creates an item once per key (409 54208 after), fetches it by key and updates it at the expected revision', async () => {
    await sync().syncMaps.create({ uniqueName: 'live' });
    const items = () => sync().syncMaps('live').syncMapItems;

    const created = await items().createWithHttpInfo({ key: 'CA1', data: { agents: ['alice'] }, itemTtl: 600 });
    expect(created.statusCode).toBe(201);
    expect(created.headers.etag).toBe('0');
    expect(created.body).toMatchObject({
      key: 'CA1',
      revision: '0',
      data: { agents: ['alice'] },
      dateExpires: new Date('2025-03-01T12:10:00Z'),
      createdBy: 'system',
    });
    expect(created.body.mapSid).toMatch(/^MP[0-9a-f]{32}$/);
    expect(await restError(items().create({ key: 'CA1', data: {} }))).toEqual({ status: 409, code: 54208 });
    expect(await restError(items().create({ key: '', data: {} }))).toEqual({ status: 400, code: 54209 });

    expect((await sync().syncMaps('live').syncMapItems('CA1').fetch()).data).toEqual({ agents: ['alice'] });
    const updated = await sync()
      .syncMaps('live')
      .syncMapItems('CA1')
      .updateWithHttpInfo({ data: { agents: ['bob'] }, ifMatch: '0' });
    expect(updated.body.revision).toBe('1');
    expect(updated.headers.etag).toBe('1');
    expect(
      await restError(
        sync()
          .syncMaps('live')
          .syncMapItems('CA1')
          .update({ data: { agents: ['carol'] }, ifMatch: '0' }),
      ),
    ).toEqual({ status: 412, code: 54205 });
    expect(await restError(sync().syncMaps('live').syncMapItems('CA1').remove({ ifMatch: '0' }))).toEqual({ status: 412, code: 54205 });
    expect((await sync().syncMaps('live').syncMapItems('CA1').fetch()).data).toEqual({ agents: ['bob'] });

    expect(await sync().syncMaps('live').syncMapItems('CA1').remove({ ifMatch: '1' })).toBe(true);
    expect(await restError(sync().syncMaps('live').syncMapItems('CA1').fetch())).toEqual({ status: 404, code: 54201 });
    expect(await restError(sync().syncMaps('live').syncMapItems('CA1').update({ data: {} }))).toEqual({ status: 404, code: 54201 });
  });

  it('lists items in key order, 100 to a page at most, following next_page_url to the end', async () => {
    await sync().syncMaps.create({ uniqueName: 'many' });
    const keys = Array.from({ length: 130 }, (_, index) => `CA${String(index).padStart(3, '0')}`);
    for (const key of [...keys].reverse()) await sync().syncMaps('many').syncMapItems.create({ key, data: { key } });

    const firstPage = await sync().syncMaps('many').syncMapItems.page({ pageSize: 1000 });
    expect(firstPage.instances).toHaveLength(100); // Sync's cap
    expect(firstPage.instances[0].key).toBe('CA000');
    expect(firstPage.nextPageUrl).toMatch(/^https:\/\/sync\.twilio\.com\/v1\/Services\/IS[0-9a-f]{32}\/Maps\/MP[0-9a-f]{32}\/Items\?/);

    expect((await sync().syncMaps('many').syncMapItems.list({ pageSize: 50 })).map((item) => item.key)).toEqual(keys);
    expect((await sync().syncMaps('many').syncMapItems.list({ order: 'desc', limit: 3 })).map((item) => item.key)).toEqual(['CA129', 'CA128', 'CA127']);
    expect((await sync().syncMaps('many').syncMapItems.list({ from: 'CA127', bounds: 'exclusive' })).map((item) => item.key)).toEqual(['CA128', 'CA129']);
    expect((await sync().syncMaps('many').syncMapItems.list({ from: 'CA002', order: 'desc' })).map((item) => item.key)).toEqual(['CA002', 'CA001', 'CA000']);
    expect(
      await restError(
        sync()
          .syncMaps('many')
          .syncMapItems.list({ order: 'sideways' as 'asc' }),
      ),
    ).toEqual({ status: 400, code: 20001 });
  });

  it('expires items with their TTL and the map with its collection TTL', async () => {
    await sync().syncMaps.create({ uniqueName: 'expiring' });
    await sync().syncMaps('expiring').syncMapItems.create({ key: 'short', data: {}, ttl: 60 });
    await sync().syncMaps('expiring').syncMapItems.create({ key: 'long', data: {}, itemTtl: 600, ttl: 1 }); // ItemTtl wins over its alias
    advance(61);
    expect((await sync().syncMaps('expiring').syncMapItems.list()).map((item) => item.key)).toEqual(['long']);
    await sync()
      .syncMaps('expiring')
      .syncMapItems.create({ key: 'short', data: { again: true } }); // the key is free again

    // CollectionTtl on an item write (re)sets the map's own expiry.
    await sync()
      .syncMaps('expiring')
      .syncMapItems('long')
      .update({ data: { touched: true }, collectionTtl: 30 });
    advance(31);
    expect(await restError(sync().syncMaps('expiring').fetch())).toEqual({ status: 404, code: 54200 });
  });

  it('refuses item data over 16 KiB with 400 54006', async () => {
    await sync().syncMaps.create({ uniqueName: 'big' });
    expect(
      await restError(
        sync()
          .syncMaps('big')
          .syncMapItems.create({ key: 'k', data: { blob: 'x'.repeat(16_400) } }),
      ),
    ).toEqual({ status: 400, code: 54006 });
  });

  it('fails the named operations when faulted, and only those', async () => {
    await sync().syncMaps.create({ uniqueName: 'faulty' });
    standin.injectFault({ operation: 'syncMapItem.create', status: 429, code: 20429, times: 1 });
    standin.injectFault({ operation: 'syncMapItem.update', status: 503, code: 20503, times: 1 });
    expect(await restError(sync().syncMaps('faulty').syncMapItems.create({ key: 'CA1', data: {} }))).toEqual({ status: 429, code: 20429 });
    await sync().syncMaps('faulty').syncMapItems.create({ key: 'CA1', data: {} });
    expect((await sync().syncMaps('faulty').syncMapItems('CA1').fetch()).key).toBe('CA1');
    expect(
      await restError(
        sync()
          .syncMaps('faulty')
          .syncMapItems('CA1')
          .update({ data: { n: 1 } }),
      ),
    ).toEqual({ status: 503, code: 20503 });
    expect(standin.requests().map((request) => request.operation)).toEqual([
      'syncMap.create',
      'syncMapItem.create',
      'syncMapItem.create',
      'syncMapItem.fetch',
      'syncMapItem.update',
    ]);
  });
});

describe('Sync Lists', () => {
  it('appends items at growing indexes that are never reused, and fetches, updates and deletes them by index', async () => {
    const list = await sync().syncLists.create({ uniqueName: 'rc-intervals-CA1', ttl: 86_400 });
    expect(list.sid).toMatch(/^ES[0-9a-f]{32}$/);
    expect(list.dateExpires).toEqual(new Date('2025-03-02T12:00:00Z'));
    const items = () => sync().syncLists('rc-intervals-CA1').syncListItems;

    for (const n of [0, 1, 2]) expect((await items().create({ data: { n } })).index).toBe(n);
    expect((await sync().syncLists('rc-intervals-CA1').syncListItems(1).fetch()).data).toEqual({ n: 1 });

    const updated = await sync()
      .syncLists(list.sid)
      .syncListItems(1)
      .update({ data: { n: 'one' }, ifMatch: '0' });
    expect(updated.revision).toBe('1');
    expect(await restError(sync().syncLists(list.sid).syncListItems(1).update({ data: {}, ifMatch: '0' }))).toEqual({ status: 412, code: 54155 });

    expect(await sync().syncLists(list.sid).syncListItems(2).remove()).toBe(true);
    expect(await restError(sync().syncLists(list.sid).syncListItems(2).fetch())).toEqual({ status: 404, code: 54151 });
    expect((await items().create({ data: { n: 3 } })).index).toBe(3);
    expect((await items().list()).map((item) => item.index)).toEqual([0, 1, 3]);
    expect((await items().list({ order: 'desc', from: '1' })).map((item) => item.index)).toEqual([1, 0]);
    expect((await items().list({ from: '1', bounds: 'exclusive' })).map((item) => item.index)).toEqual([3]);
  });

  it('answers 404 54150 for a missing list, and pages its items 100 at a time at most', async () => {
    expect(await restError(sync().syncLists('nope').syncListItems.create({ data: {} }))).toEqual({ status: 404, code: 54150 });
    expect(await restError(sync().syncLists('nope').fetch())).toEqual({ status: 404, code: 54150 });

    await sync().syncLists.create({ uniqueName: 'long' });
    for (let n = 0; n < 105; n += 1) await sync().syncLists('long').syncListItems.create({ data: { n } });
    expect((await sync().syncLists('long').syncListItems.page({ pageSize: 500 })).instances).toHaveLength(100);
    expect(await sync().syncLists('long').syncListItems.list()).toHaveLength(105);
    expect((await sync().syncLists.list()).map((list) => list.uniqueName)).toEqual(['long']);
    expect(await sync().syncLists('long').remove()).toBe(true);
    expect(await restError(sync().syncLists('long').syncListItems(0).fetch())).toEqual({ status: 404, code: 54150 });
  });

  it('expires list items with their TTL', async () => {
    await sync().syncLists.create({ uniqueName: 'short-lived' });
    await sync()
      .syncLists('short-lived')
      .syncListItems.create({ data: { keep: false }, ttl: 10 });
    await sync()
      .syncLists('short-lived')
      .syncListItems.create({ data: { keep: true } });
    advance(11);
    expect((await sync().syncLists('short-lived').syncListItems.list()).map((item) => item.data)).toEqual([{ keep: true }]);
  });
});
