/**
 * `POST /automation-health` on a call whose acceptance never reached the functions (this stand-in
 * sends no TaskRouter events, so no call has a ledger until something makes one): a ledger is made
 * only when TaskRouter has the caller's worker on an accepted reservation of the call's live task.
 */
import { automationHealth } from '../../src/serverless/lib/endpoints/automationHealth';
import { apiDeps, ledgerStore, liveIndex, useStandin } from '../support/harness';

const standin = useStandin();
jest.setTimeout(30_000);

const report = (Token: string, call: { callSid?: string; taskSid?: string }, problems: string) =>
  automationHealth(apiDeps(), { headers: {}, body: { Token, ...call, problems } });
const ledgerOf = async (callSid: string) => (await ledgerStore().load(callSid))?.record;

test('the agent TaskRouter has on the live task makes the ledger; nobody else does', async () => {
  const amy = standin.createLiveCall({ agent: 'amy', recording: 'call', conferenceDelayMs: 0 });
  const bo = standin.createLiveCall({ agent: 'bo', recording: 'call', conferenceDelayMs: 0 });
  expect(await ledgerOf(amy.callSid)).toBeUndefined();

  // Another agent, by call or by task: refused, and still no ledger.
  expect(await report(bo.token, { callSid: amy.callSid }, 'sync')).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
  expect(await report(bo.token, { taskSid: amy.taskSid }, 'sync')).toMatchObject({ status: 403 });
  expect(await ledgerOf(amy.callSid)).toBeUndefined();

  // All well, said before anything was wrong: nothing to keep.
  expect(await report(amy.token, { callSid: amy.callSid, taskSid: amy.taskSid }, '')).toMatchObject({ status: 200, body: { problems: [] } });
  expect(await ledgerOf(amy.callSid)).toBeUndefined();

  expect(await report(amy.token, { callSid: amy.callSid, taskSid: amy.taskSid }, 'sync')).toMatchObject({ status: 200, body: { problems: ['sync'] } });
  expect((await ledgerOf(amy.callSid))?.call).toMatchObject({ agent: 'amy', taskSid: amy.taskSid });
  expect((await liveIndex().callItem(amy.callSid))?.data).toMatchObject({ agents: ['amy'], automationOff: ['sync'] });
});

test('a call that ended before its acceptance reached the functions gets no ledger and no live item', async () => {
  const cy = standin.createLiveCall({ agent: 'cy', recording: 'call', conferenceDelayMs: 0 });
  standin.endCall(cy.callSid);
  expect(await report(cy.token, { callSid: cy.callSid, taskSid: cy.taskSid }, 'crm-fields')).toMatchObject({
    status: 404,
    body: { error: { code: 'call_not_found' } },
  });
  expect(await ledgerOf(cy.callSid)).toBeUndefined();
  expect(await liveIndex().callItem(cy.callSid)).toBeNull();
});
