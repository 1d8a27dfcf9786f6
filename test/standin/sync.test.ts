import { withStandinOverMsw, restError } from './harness';

const { client } = withStandinOverMsw();
const documents = () => client.sync.v1.services('default').documents;

describe('Sync documents through the twilio SDK', () => {
  it('creates a document, fetches it by unique name or sid, and refuses a taken unique name with 409 54301', async () => {
    const created = await documents().create({ uniqueName: 'holds-CA1', data: { holds: [] } });
    expect(created).toMatchObject({ uniqueName: 'holds-CA1', revision: '0', data: { holds: [] }, createdBy: 'system' });
    expect(created.sid).toMatch(/^ET[0-9a-f]{32}$/);

    expect((await client.sync.v1.services('default').documents('holds-CA1').fetch()).sid).toBe(created.sid);
    expect((await client.sync.v1.services('default').documents(created.sid).fetch()).uniqueName).toBe('holds-CA1');
    expect(await restError(documents().create({ uniqueName: 'holds-CA1', data: {} }))).toEqual({ status: 409, code: 54301 });
  });

  it('updates only at the expected revision (412 54103 otherwise) and answers the revision as ETag', async () => {
    await documents().create({ uniqueName: 'ledger', data: { n: 0 } });
    const document = () => client.sync.v1.services('default').documents('ledger');

    const first = await document().updateWithHttpInfo({ data: { n: 1 }, ifMatch: '0' });
    expect(first.body.revision).toBe('1');
    expect(first.headers.etag).toBe('1');
    expect(await restError(document().update({ data: { n: 2 }, ifMatch: '0' }))).toEqual({ status: 412, code: 54103 });
    expect((await document().update({ data: { n: 2 } })).revision).toBe('2'); // no If-Match: unconditional
    expect((await document().fetch()).data).toEqual({ n: 2 });
  });

  it('answers 404 54100 for a missing document, including after delete', async () => {
    const created = await documents().create({ uniqueName: 'gone', data: {} });
    expect(await client.sync.v1.services('default').documents(created.sid).remove()).toBe(true);
    expect(await restError(client.sync.v1.services('default').documents('gone').fetch())).toEqual({ status: 404, code: 54100 });
    expect(await restError(client.sync.v1.services('default').documents('gone').update({ data: {} }))).toEqual({ status: 404, code: 54100 });
  });

  it('refuses data over 16 KiB with 400 54006', async () => {
    expect(await restError(documents().create({ uniqueName: 'big', data: { blob: 'x'.repeat(16_400) } }))).toEqual({ status: 400, code: 54006 });
  });

  it('pages the document list so every document is reachable', async () => {
    for (let index = 0; index < 45; index += 1) await documents().create({ uniqueName: `doc-${index}`, data: { index } });
    const listed = await documents().list({ pageSize: 20 });
    expect(listed).toHaveLength(45);
    expect(new Set(listed.map((document) => document.uniqueName)).size).toBe(45);

    const firstPage = await documents().page({ pageSize: 20 });
    expect(firstPage.instances).toHaveLength(20);
    expect(firstPage.nextPageUrl).toMatch(/^https:\/\/sync\.twilio\.com\/v1\/Services\/IS[0-9a-f]{32}\/Documents\?/);
    expect(await documents().list({ pageSize: 1000 })).toHaveLength(45);
  });

  it('keeps a service sid and "default" apart, with "default" answering the default service sid', async () => {
    const created = await documents().create({ uniqueName: 'shared', data: {} });
    expect(created.serviceSid).toMatch(/^IS[0-9a-f]{32}$/);
    expect((await client.sync.v1.services(created.serviceSid).documents('shared').fetch()).sid).toBe(created.sid);
    expect(
      await restError(
        client.sync.v1
          .services(`IS${'9'.repeat(32)}`)
          .documents('shared')
          .fetch(),
      ),
    ).toEqual({ status: 404, code: 54100 });
  });
});
