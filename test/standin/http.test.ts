/**
 * The stand-in over real HTTP, as `npm start` serves it: the real twilio SDK with an http client
 * that rewrites https://<host>.twilio.com/<path> to the local server.
 */
import { withStandinOverHttp } from './harness';

const harness = withStandinOverHttp();

async function controlCall(method: string, path: string, body?: unknown) {
  const response = await fetch(`${harness.base}${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
  });
  return { status: response.status, body: await response.json() };
}

describe('stand-in over HTTP', () => {
  let client: typeof harness.client;
  let standin: typeof harness.standin;
  beforeAll(() => {
    ({ client, standin } = harness);
  });

  it('serves the control surface and the Twilio REST shapes to the real SDK', async () => {
    expect(await controlCall('GET', '/__standin/health')).toEqual({ status: 200, body: { ok: true } });
    const { body: live } = await controlCall('POST', '/__standin/live-calls', { agent: 'alice', recording: 'conference' });

    const [worker] = await client.taskrouter.v1.workspaces(standin.workspaceSid).workers.list({ targetWorkersExpression: `contact_uri == "client:alice"` });
    expect(worker.sid).toBe(live.workerSid);
    const paused = await client.conferences(live.conferenceSid).recordings('Twilio.CURRENT').update({ status: 'paused', pauseBehavior: 'skip' });
    expect(paused).toMatchObject({ sid: live.recordingSids[0], status: 'paused' });

    expect((await controlCall('POST', `/__standin/live-calls/${live.callSid}/end`)).status).toBe(200);
    const { body: recording } = await controlCall('GET', `/__standin/recordings/${live.recordingSids[0]}`);
    expect(recording.history.map((entry: { status: string }) => entry.status)).toEqual(['in-progress', 'paused', 'completed']);
    const { body: requests } = await controlCall('GET', '/__standin/requests');
    expect(requests.map((request: { method: string; path: string }) => `${request.method} ${request.path}`)).toEqual([
      `GET /v1/Workspaces/${standin.workspaceSid}/Workers`,
      `POST /2010-04-01/Accounts/${standin.accountSid}/Conferences/${live.conferenceSid}/Recordings/Twilio.CURRENT.json`,
    ]);
  });

  it('follows v1 next_page_url through the rewriting client', async () => {
    const documents = client.sync.v1.services('default').documents;
    for (let index = 0; index < 7; index += 1) await documents.create({ uniqueName: `doc-${index}`, data: { index } });
    expect(await documents.list({ pageSize: 3 })).toHaveLength(7);
  });

  it('serves Sync Maps and Lists to the real SDK, with paging and Twilio error bodies', async () => {
    const map = await client.sync.v1.services('default').syncMaps.create({ uniqueName: 'rc-live-calls' });
    const items = client.sync.v1.services('default').syncMaps('rc-live-calls').syncMapItems;
    for (let index = 0; index < 7; index += 1) await items.create({ key: `CA${index}`, data: { index }, ttl: 600 });
    expect((await items.list({ pageSize: 3 })).map((item) => item.key)).toEqual(['CA0', 'CA1', 'CA2', 'CA3', 'CA4', 'CA5', 'CA6']);
    await expect(items.create({ key: 'CA0', data: {} })).rejects.toMatchObject({
      status: 409,
      code: 54208,
      moreInfo: 'https://www.twilio.com/docs/errors/54208',
    });
    const updated = await client.sync.v1
      .services(map.serviceSid)
      .syncMaps(map.sid)
      .syncMapItems('CA0')
      .update({ data: { index: 'zero' }, ifMatch: '0' });
    expect(updated).toMatchObject({ key: 'CA0', revision: '1', data: { index: 'zero' } });

    const list = client.sync.v1.services('default').syncLists;
    await list.create({ uniqueName: 'archive' });
    expect(
      (
        await client.sync.v1
          .services('default')
          .syncLists('archive')
          .syncListItems.create({ data: { closed: 1 } })
      ).index,
    ).toBe(0);
    await expect(client.sync.v1.services('default').syncLists('missing').syncListItems.list()).rejects.toMatchObject({ status: 404, code: 54150 });
  });

  it('answers a fault with the Twilio error body, and a status-0 fault by resetting the connection', async () => {
    const { body: live } = await controlCall('POST', '/__standin/live-calls', { agent: 'alice', recording: 'call' });
    await controlCall('POST', '/__standin/faults', { operation: 'recording.update', status: 429, code: 20429, times: 1 });
    await controlCall('POST', '/__standin/faults', { operation: 'recording.update', status: 0, code: 0, times: 1 });
    const pause = () => client.calls(live.callSid).recordings('Twilio.CURRENT').update({ status: 'paused' });

    await expect(pause()).rejects.toMatchObject({ status: 429, code: 20429, moreInfo: 'https://www.twilio.com/docs/errors/20429' });
    await expect(pause()).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|socket hang up/i) });
    expect((await pause()).status).toBe('paused');
  });
});
