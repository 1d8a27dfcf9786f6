/**
 * The compliance report's range over HTTP, in the real local runtime: a range of ten thousand
 * years is refused at once as `400 invalid_request`, before the caller's token is checked or
 * anything is asked of Twilio — the stand-in's request log shows nothing it caused — and the
 * function answers a proper report right after.
 *
 * This file starts a stack of its own: what it checks is that a container's very first request
 * (which would read the Sync service's settings) sends nothing, and the shared stack's container
 * has long been warmed by other files, whose requests would also mix into the log.
 */
import { freePort, startLocalStack, type LocalStack } from '../../scripts/localStack';
import { MAX_REPORT_DAYS } from '../../src/core/report';
import { testEnv } from '../support/harness';
import { standinClient } from '../support/standinClient';

jest.setTimeout(120_000);

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ env: testEnv, functionsPort: await freePort(), standinPort: await freePort(), output: 'ignore' });
});
afterAll(() => stack?.stop());

const report = async (body: Record<string, unknown>, headers: Record<string, string> = { Authorization: 'Bearer test-api-key' }) => {
  const response = await fetch(`${stack.functionsUrl}/recording-controls/report`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
};

const WIDEST = { from: '0001-01-01T00:00:00Z', to: '9999-12-31T00:00:00Z' };
const isSync = (path: string) => path.startsWith('/v1/Services');

test('a range of ten thousand years is refused before anything is asked of Twilio, with an API key or a Flex token', async () => {
  const standin = standinClient(stack.standinUrl);
  const supervisor = await standin.createWorker({ agent: 'ria-supervisor', role: 'supervisor' });
  const before = (await standin.requests()).length;

  const withKey = await report(WIDEST);
  expect(withKey).toEqual({
    status: 400,
    body: { error: { code: 'invalid_request', message: `the range touches 3652058 UTC days: ask for ${MAX_REPORT_DAYS} at most` } },
  });
  const withToken = await report({ ...WIDEST, Token: supervisor.token }, {});
  expect(withToken).toEqual(withKey);
  expect(await report({ from: WIDEST.to, to: WIDEST.from })).toEqual({
    status: 400,
    body: { error: { code: 'invalid_request', message: 'to: must be after from' } },
  });

  // Not a Sync request, nor the token's check: nothing at all.
  const caused = (await standin.requests()).slice(before);
  expect(caused.filter(({ path }) => isSync(path))).toEqual([]);
  expect(caused).toEqual([]);

  // The container goes on: a day's report is read from Sync (which the log shows), and answered.
  const day = new Date().toISOString().slice(0, 10);
  expect(await report({ from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z` })).toMatchObject({ status: 200, body: { days: [day] } });
  expect((await standin.requests()).slice(before).some(({ path }) => isSync(path))).toBe(true);
});
