/**
 * Twilio Sync's per-object rate limits at the stand-in, through the real twilio SDK (msw): at most
 * 200 reads and 200 writes per Document, Map or List in any 10 s of the stand-in's clock; past
 * that 429 54009 and nothing changes. The SDK does not retry a 429 unless asked (autoRetry), so
 * the refusal is seen as it is.
 */
import { SYNC_REQUESTS_PER_WINDOW, SYNC_WINDOW_MS } from '../../src/standin/syncLimits';
import { control, restError, withStandinOverMsw } from './harness';

const START = new Date('2025-03-01T12:00:00.000Z');
let clock = START;
const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};
const { standin, client } = withStandinOverMsw({ now: () => clock });
const sync = () => client.sync.v1.services('default');
const RATE_LIMITED = { status: 429, code: 54009 };

beforeEach(() => {
  clock = START;
});
afterEach(() => standin.setSyncLimits(true));

/** `count` requests one after another (each awaited, so none is refused for arriving together). */
async function repeat(count: number, request: (index: number) => Promise<unknown>): Promise<void> {
  for (let index = 0; index < count; index += 1) await request(index);
}

/** A document made with one write, then written until its window is full. */
async function documentAtWriteLimit(name: string): Promise<void> {
  await sync().documents.create({ uniqueName: name, data: { n: 0 } });
  await repeat(SYNC_REQUESTS_PER_WINDOW - 1, (index) =>
    sync()
      .documents(name)
      .update({ data: { n: index + 1 } }),
  );
}

describe('Sync rate limits per object', () => {
  it('takes 200 writes to a document in 10 s, creation included, and refuses the next with 429 54009 and no change', async () => {
    await documentAtWriteLimit('ledger');
    const before = await sync().documents('ledger').fetch();
    expect(before).toMatchObject({ data: { n: SYNC_REQUESTS_PER_WINDOW - 1 }, revision: String(SYNC_REQUESTS_PER_WINDOW - 1) });

    advance(SYNC_WINDOW_MS - 1);
    expect(
      await restError(
        sync()
          .documents('ledger')
          .update({ data: { n: 'refused' } }),
      ),
    ).toEqual(RATE_LIMITED);
    expect(await restError(sync().documents(before.sid).remove())).toEqual(RATE_LIMITED);
    const after = await sync().documents('ledger').fetch();
    expect(after).toMatchObject({ data: before.data, revision: before.revision });
  });

  it("answers the refusal in Twilio's error body and lists it with its status among the requests", async () => {
    await documentAtWriteLimit('ledger');
    const refused = await sync()
      .documents('ledger')
      .update({ data: {} })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({
      status: 429,
      code: 54009,
      moreInfo: 'https://www.twilio.com/docs/errors/54009',
      message: expect.stringMatching(/^Rate limit exceeded/),
    });

    const { body: requests } = await control(standin, 'GET', '/__standin/requests');
    const statuses = (requests as Array<{ status: number }>).map((request) => request.status);
    expect(statuses.filter((status) => status === 429)).toHaveLength(1);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((status) => status !== 429).every((status) => status === 200 || status === 201)).toBe(true);
  });

  it("counts every write of a map's items toward the map, so one more item or map write is refused", async () => {
    await sync().syncMaps.create({ uniqueName: 'live' });
    await repeat(SYNC_REQUESTS_PER_WINDOW - 2, (index) =>
      sync()
        .syncMaps('live')
        .syncMapItems.create({ key: `CA${index}`, data: { index } }),
    );
    await sync()
      .syncMaps('live')
      .syncMapItems('CA0')
      .update({ data: { index: 'updated' } });

    expect(await restError(sync().syncMaps('live').syncMapItems.create({ key: 'one-more', data: {} }))).toEqual(RATE_LIMITED);
    expect(await restError(sync().syncMaps('live').syncMapItems('CA1').remove())).toEqual(RATE_LIMITED);
    expect(await restError(sync().syncMaps('live').update({ collectionTtl: 60 }))).toEqual(RATE_LIMITED);
    const items = await sync().syncMaps('live').syncMapItems.list({ pageSize: 100 });
    expect(items).toHaveLength(SYNC_REQUESTS_PER_WINDOW - 2);
    expect(items.map((item) => item.key)).not.toContain('one-more');
    expect(items.find((item) => item.key === 'CA1')).toBeDefined();
  });

  it("counts reads of a list's items and pages toward the list; its writes keep their own budget", async () => {
    await sync().syncLists.create({ uniqueName: 'pauses' });
    await sync()
      .syncLists('pauses')
      .syncListItems.create({ data: { from: 0 } });
    await repeat(SYNC_REQUESTS_PER_WINDOW - 1, () => sync().syncLists('pauses').syncListItems(0).fetch());
    await sync().syncLists('pauses').syncListItems.page({ pageSize: 10 });

    expect(await restError(sync().syncLists('pauses').fetch())).toEqual(RATE_LIMITED);
    expect(await restError(sync().syncLists('pauses').syncListItems.page({ pageSize: 10 }))).toEqual(RATE_LIMITED);
    expect(
      (
        await sync()
          .syncLists('pauses')
          .syncListItems.create({ data: { from: 1 } })
      ).index,
    ).toBe(1);
  });

  it('keeps reads and writes of a document apart: a full write window still reads, a full read window still writes', async () => {
    await documentAtWriteLimit('ledger');
    await repeat(SYNC_REQUESTS_PER_WINDOW, () => sync().documents('ledger').fetch());
    expect(await restError(sync().documents('ledger').fetch())).toEqual(RATE_LIMITED);
    expect(await restError(sync().documents('ledger').update({ data: {} }))).toEqual(RATE_LIMITED);

    await sync().documents.create({ uniqueName: 'fresh', data: {} });
    await repeat(SYNC_REQUESTS_PER_WINDOW, () => sync().documents('fresh').fetch());
    expect(
      (
        await sync()
          .documents('fresh')
          .update({ data: { written: true } })
      ).data,
    ).toEqual({ written: true });
  });

  it('gives each object its own window, whether named by unique name or sid', async () => {
    await documentAtWriteLimit('first');
    const first = await sync().documents('first').fetch();
    expect(await restError(sync().documents(first.sid).update({ data: {} }))).toEqual(RATE_LIMITED);

    await documentAtWriteLimit('second');
    await sync().syncMaps.create({ uniqueName: 'first' });
    expect((await sync().syncMaps('first').syncMapItems.create({ key: 'k', data: {} })).key).toBe('k');
  });

  it('slides with the stand-in clock: writes older than 10 s stop counting', async () => {
    const half = SYNC_REQUESTS_PER_WINDOW / 2;
    await sync().documents.create({ uniqueName: 'ledger', data: {} });
    await repeat(half - 1, () =>
      sync()
        .documents('ledger')
        .update({ data: { at: 0 } }),
    );
    advance(SYNC_WINDOW_MS / 2);
    await repeat(half, () =>
      sync()
        .documents('ledger')
        .update({ data: { at: 5 } }),
    );
    expect(await restError(sync().documents('ledger').update({ data: {} }))).toEqual(RATE_LIMITED);

    // 10 s after the first half: room for as many writes as it held, not a whole fresh window.
    advance(SYNC_WINDOW_MS / 2);
    await repeat(half, () =>
      sync()
        .documents('ledger')
        .update({ data: { at: 10 } }),
    );
    expect(await restError(sync().documents('ledger').update({ data: {} }))).toEqual(RATE_LIMITED);
    expect((await sync().documents('ledger').fetch()).data).toEqual({ at: 10 });
  });

  it("limits a Flex user's Sync requests (X-Twilio-Token) on the same window as account credentials'", async () => {
    const { token } = standin.createWorker({ agent: 'alice', role: 'agent' });
    await documentAtWriteLimit('ledger');
    const asAlice = await fetch(`https://sync.twilio.com/v1/Services/default/Documents/ledger`, {
      method: 'POST',
      headers: { 'X-Twilio-Token': token, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Data: JSON.stringify({ by: 'alice' }) }).toString(),
    });
    expect(asAlice.status).toBe(429);
    expect(await asAlice.json()).toMatchObject({ code: 54009, status: 429 });
  });

  it("does not limit the stand-in's own control-surface reads", async () => {
    await sync().documents.create({ uniqueName: 'ledger', data: { n: 1 } });
    await repeat(SYNC_REQUESTS_PER_WINDOW, () => sync().documents('ledger').fetch());
    expect(await restError(sync().documents('ledger').fetch())).toEqual(RATE_LIMITED);
    expect(standin.syncDocument('ledger')?.data).toEqual({ n: 1 });
    expect((await control(standin, 'GET', '/__standin/sync/documents/ledger')).status).toBe(200);
  });
});

describe('turning the Sync limits off and on', () => {
  it('lifts them with POST /__standin/limits {sync: false} and brings them back with {sync: true}', async () => {
    await documentAtWriteLimit('ledger');
    expect(await control(standin, 'POST', '/__standin/limits', { sync: false })).toEqual({ status: 200, body: { ok: true, sync: false } });
    expect(
      (
        await sync()
          .documents('ledger')
          .update({ data: { n: 'unlimited' } })
      ).data,
    ).toEqual({ n: 'unlimited' });

    expect((await control(standin, 'POST', '/__standin/limits', { sync: true })).status).toBe(200);
    expect(await restError(sync().documents('ledger').update({ data: {} }))).toEqual(RATE_LIMITED);
  });

  it('refuses a body without a boolean sync with 400', async () => {
    expect(await control(standin, 'POST', '/__standin/limits', { sync: 'off' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect(await control(standin, 'POST', '/__standin/limits', {})).toMatchObject({ status: 400 });
  });

  it('empties the windows on reset and keeps the setting', async () => {
    await documentAtWriteLimit('ledger');
    expect((await control(standin, 'POST', '/__standin/reset')).status).toBe(200);
    await documentAtWriteLimit('ledger');
    expect(await restError(sync().documents('ledger').update({ data: {} }))).toEqual(RATE_LIMITED);

    standin.setSyncLimits(false);
    standin.reset();
    await documentAtWriteLimit('ledger');
    expect(
      (
        await sync()
          .documents('ledger')
          .update({ data: { n: 'still off' } })
      ).data,
    ).toEqual({ n: 'still off' });
  });
});
