/**
 * The rig (src/rig/harness.ts) with jest's hooks: a test file gets a fresh stand-in behind msw.
 */
import { setupServer } from 'msw/node';
import { standinHandlers } from '../../src/standin/msw';
import type { StandinOptions } from '../../src/standin/standin';
import { testStandin } from '../../src/rig/harness';

export * from '../../src/rig/harness';

/** Starts msw in front of a fresh stand-in for the test file; state is emptied before each test. */
export function useStandin(options: StandinOptions = {}) {
  const standin = testStandin(options);
  const server = setupServer(...standinHandlers(standin));
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  beforeEach(() => standin.reset());
  afterAll(() => server.close());
  return standin;
}
