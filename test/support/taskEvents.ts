/** The rig's stand-in with TaskRouter's events (src/rig/taskEvents.ts), started by jest's hooks for a test file. */
import { setupServer } from 'msw/node';
import { standinWithTaskEvents } from '../../src/rig/taskEvents';
import type { StandinOptions } from '../../src/standin/types';

/** Starts msw for the test file; `events` lists every event type delivered, emptied before each test; `route.container` takes them in a test's own container. */
export function useStandinWithTaskEvents(options: StandinOptions = {}) {
  const { standin, events, handlers, route } = standinWithTaskEvents(options);
  const server = setupServer(...handlers);
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  beforeEach(() => {
    standin.reset();
    events.length = 0;
    route.container = undefined;
  });
  afterAll(() => server.close());
  return { standin, events, route };
}
