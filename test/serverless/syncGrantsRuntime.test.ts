/**
 * The live-calls index's read permissions over HTTP, in the real local runtime: a supervisor's Sync
 * token reads the shards; once the supervisor is made an agent, the next `/sync-token` takes the
 * permissions back, so neither the new token nor the one issued before reads any shard (Twilio's
 * permissions are the identity's, not a token's); made a supervisor again, it reads them again. An
 * ordinary agent's token request costs one Sync read for this, and takes nothing back. On the run's
 * shared local stack, with identities of this file's own (the request log is told apart by them).
 */
import { liveCallsShardNames } from '../../src/core/syncNames';
import { liveCallsShardOf } from '../../src/serverless/lib/stores/liveIndex';
import { sharedStack, uniqueAgent } from '../support/sharedStack';

jest.setTimeout(120_000);
const stack = sharedStack();

async function syncTokenOf(flexToken: string): Promise<string> {
  const response = await fetch(`${stack.functionsUrl}/sync-token`, { method: 'POST', body: new URLSearchParams({ Token: flexToken }) });
  const body = (await response.json()) as { token: string };
  expect(response.status).toBe(200);
  return body.token;
}

/** A shard's items as the plugin's Sync client reads them with its token, at the stand-in. */
async function readShard(syncToken: string, shard: string): Promise<{ status: number; keys: string[] }> {
  const response = await fetch(`${stack.standinUrl}/v1/Services/${stack.syncServiceSid}/Maps/${shard}/Items`, { headers: { 'X-Twilio-Token': syncToken } });
  const body = (await response.json()) as { items?: Array<{ key: string }> };
  return { status: response.status, keys: (body.items ?? []).map(({ key }) => key) };
}

const readsOfEveryShard = async (syncToken: string) => Promise.all(liveCallsShardNames().map(async (shard) => (await readShard(syncToken, shard)).status));

/** The Twilio requests about this identity's permissions, as the stand-in logged them. */
async function permissionRequests(identity: string, since: number): Promise<string[]> {
  return (await stack.standin.requests())
    .slice(since)
    .filter(({ path }) => path.endsWith(`/Permissions/${encodeURIComponent(identity)}`))
    .map(({ method, path }) => `${method} ${path.split('/')[5]}`);
}

test('a supervisor made an agent no longer reads the live-calls shards once it asks for a Sync token, with any token', async () => {
  const call = await stack.standin.createLiveCall({ agent: uniqueAgent('ada'), recording: 'call' });
  const shard = liveCallsShardOf(call.callSid);
  const sam = uniqueAgent('sam');

  const asSupervisor = await syncTokenOf((await stack.standin.createWorker({ agent: sam, role: 'supervisor' })).token);
  expect(await readShard(asSupervisor, shard)).toEqual({ status: 200, keys: expect.arrayContaining([call.callSid]) });

  // Made an agent: the Flex token issued now says so (the earlier one keeps its role until it expires).
  const demoted = await stack.standin.createWorker({ agent: sam, role: 'agent' });
  const before = (await stack.standin.requests()).length;
  const asAgent = await syncTokenOf(demoted.token);
  expect(await readShard(asAgent, shard)).toEqual({ status: 403, keys: [] });
  expect(await readShard(asSupervisor, shard)).toEqual({ status: 403, keys: [] });
  expect(await readsOfEveryShard(asAgent)).toEqual(liveCallsShardNames().map(() => 403));
  // The mark read, every other shard's permission removed, then the mark's.
  const taken = await permissionRequests(sam, before);
  expect(taken[0]).toBe('GET rc-live-calls-00');
  expect(taken.slice(1, -1).sort()).toEqual(
    liveCallsShardNames()
      .slice(1)
      .map((name) => `DELETE ${name}`),
  );
  expect(taken.at(-1)).toBe('DELETE rc-live-calls-00');

  // Made a supervisor again, its next token reads every shard again.
  const promoted = await syncTokenOf((await stack.standin.createWorker({ agent: sam, role: 'supervisor' })).token);
  expect(await readShard(promoted, shard)).toEqual({ status: 200, keys: expect.arrayContaining([call.callSid]) });
  expect(await readsOfEveryShard(promoted)).toEqual(liveCallsShardNames().map(() => 200));
});

test("an agent's Sync token request reads the mark once and takes nothing back, however often it asks", async () => {
  const ada = uniqueAgent('ada');
  const call = await stack.standin.createLiveCall({ agent: ada, recording: 'call' });
  const before = (await stack.standin.requests()).length;
  const token = await syncTokenOf(call.token);
  await syncTokenOf(call.token);
  expect(await permissionRequests(ada, before)).toEqual(['GET rc-live-calls-00', 'GET rc-live-calls-00']);
  expect(await readShard(token, liveCallsShardOf(call.callSid))).toEqual({ status: 403, keys: [] });
  // Its own call's document it still reads.
  const document = await fetch(`${stack.standinUrl}/v1/Services/${stack.syncServiceSid}/Documents/rc-call-${call.callSid}`, {
    headers: { 'X-Twilio-Token': token },
  });
  expect(document.status).toBe(200);
});
