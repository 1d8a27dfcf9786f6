/**
 * Who may say what keeps a call's card fields from pausing by themselves (`POST /automation-health`,
 * docs/api.md): only the agent holding the call's live task, as the call's ledger and TaskRouter
 * have it. Run as Twilio runs the functions (built, in twilio-run, over HTTP) on the run's shared
 * local stack (test/support/sharedStack.ts); the ledger and the live-calls index are read at the
 * stand-in with the account's credentials, through the real twilio SDK.
 */
import { LedgerStore } from '../../src/serverless/lib/stores/ledgerStore';
import { LiveIndex } from '../../src/serverless/lib/stores/liveIndex';
import { readSettings } from '../../src/serverless/lib/base/settings';
import { twilioClient } from '../../src/serverless/lib/twilio/twilioClient';
import { DEFAULT_RETRIES } from '../../src/serverless/lib/twilio/retry';
import { testEnv } from '../support/harness';
import { sharedStack, uniqueAgent } from '../support/sharedStack';

jest.setTimeout(120_000);
const stack = sharedStack();
const account = twilioClient(readSettings({ ...testEnv, SYNC_SERVICE_SID: stack.syncServiceSid, TWILIO_API_BASE_URL: stack.standinUrl }));
const ledgers = new LedgerStore(account, DEFAULT_RETRIES, stack.syncServiceSid);
const index = new LiveIndex(account, DEFAULT_RETRIES, stack.syncServiceSid);

type Json = Record<string, any>;

/** What the agent's plugin sends: form-encoded, as Flex posts it, problems comma-separated. */
async function report(token: string, call: { callSid?: string; taskSid?: string }, problems: string[]): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${stack.functionsUrl}/automation-health`, {
    method: 'POST',
    body: new URLSearchParams({ Token: token, ...call, problems: problems.join(',') }),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

const ledgerOf = async (callSid: string) => (await ledgers.load(callSid))?.record;
const itemOf = async (callSid: string) => (await index.callItem(callSid))?.data;

test('after a transfer, the previous agent’s reports are refused and the new agent’s alert stays', async () => {
  const ana = uniqueAgent('ana');
  const ben = uniqueAgent('ben');
  const call = await stack.standin.createLiveCall({ agent: ana, recording: 'call', conferenceDelayMs: 0 });
  expect(await report(call.token, { callSid: call.callSid, taskSid: call.taskSid }, ['sync'])).toEqual({ status: 200, body: { problems: ['sync'] } });
  expect(await itemOf(call.callSid)).toMatchObject({ agents: [ana], automationOff: ['sync'] });

  // Answered once TaskRouter's events have reached the functions: the ledger names Ben on his task.
  const transfer = await stack.standin.transferCall(call.callSid, ben);
  expect((await ledgerOf(call.callSid))?.call).toMatchObject({ agent: ben, taskSid: transfer.taskSid });
  expect(await report(transfer.token, { callSid: call.callSid, taskSid: transfer.taskSid }, ['crm-fields'])).toEqual({
    status: 200,
    body: { problems: ['crm-fields'] },
  });
  expect(await itemOf(call.callSid)).toMatchObject({ agents: [ben], automationOff: ['crm-fields'] });
  const bensLedger = await ledgers.load(call.callSid);
  expect(bensLedger?.record.automationOff).toMatchObject({ agent: ben, problems: ['crm-fields'] });

  // Ana's plugin, still on her old task, says Sync is gone and then that all is well: neither is kept.
  for (const problems of [['sync'], []]) {
    expect(await report(call.token, { callSid: call.callSid, taskSid: call.taskSid }, problems)).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden' } },
    });
    expect((await report(call.token, { callSid: call.callSid }, problems)).status).toBe(403);
    expect((await report(call.token, { taskSid: call.taskSid }, problems)).status).toBe(403);
  }
  // Nothing was written: Ben's alert is where he left it, on the ledger and on the supervisors' item.
  expect((await ledgers.load(call.callSid))?.revision).toBe(bensLedger?.revision);
  expect(await itemOf(call.callSid)).toMatchObject({ agents: [ben], automationOff: ['crm-fields'] });

  // Ben, who reports only on change, is the one who clears it.
  expect((await report(transfer.token, { callSid: call.callSid, taskSid: transfer.taskSid }, [])).status).toBe(200);
  expect(await itemOf(call.callSid)).not.toHaveProperty('automationOff');
});

test('a report on an ended call is refused, and the call stays out of the live-calls index', async () => {
  const cleo = uniqueAgent('cleo');
  const call = await stack.standin.createLiveCall({ agent: cleo, recording: 'call', conferenceDelayMs: 0 });
  expect((await report(call.token, { callSid: call.callSid, taskSid: call.taskSid }, ['crm-fields'])).status).toBe(200);
  expect(await itemOf(call.callSid)).toMatchObject({ automationOff: ['crm-fields'] });

  // Answered once the task's end has reached the functions: the call left the index.
  await stack.standin.endCall(call.callSid);
  expect(await itemOf(call.callSid)).toBeUndefined();
  const ended = await ledgers.load(call.callSid);

  for (const problems of [['sync'], ['crm-fields', 'sync'], []]) {
    expect(await report(call.token, { callSid: call.callSid, taskSid: call.taskSid }, problems)).toMatchObject({
      status: 404,
      body: { error: { code: 'call_not_found' } },
    });
    expect((await report(call.token, { callSid: call.callSid }, problems)).status).toBe(404);
  }
  expect(await itemOf(call.callSid)).toBeUndefined();
  expect((await ledgers.load(call.callSid))?.revision).toBe(ended?.revision);
});

test('an agent who never held the call is refused, and a supervisor is no exception', async () => {
  const call = await stack.standin.createLiveCall({ agent: uniqueAgent('dora'), recording: 'call', conferenceDelayMs: 0 });
  const other = await stack.standin.createLiveCall({ agent: uniqueAgent('eli'), recording: 'call', conferenceDelayMs: 0 });
  const supervisor = await stack.standin.createWorker({ agent: uniqueAgent('sue'), role: 'supervisor' });
  const before = await ledgers.load(call.callSid);
  for (const token of [other.token, supervisor.token]) {
    expect(await report(token, { callSid: call.callSid }, ['sync'])).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect((await report(token, { taskSid: call.taskSid }, ['sync'])).status).toBe(403);
  }
  // Eli naming his own task beside Dora's call is not Dora's call either.
  expect((await report(other.token, { callSid: call.callSid, taskSid: other.taskSid }, ['sync'])).status).toBe(403);
  expect((await ledgers.load(call.callSid))?.revision).toBe(before?.revision);
  expect(await itemOf(call.callSid)).not.toHaveProperty('automationOff');
});
