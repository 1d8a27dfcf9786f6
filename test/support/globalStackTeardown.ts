/** jest's globalTeardown for the server project: stops the shared local stack, if globalSetup started one. */
import { running } from './globalStack';
import { SHARED_STACK_VARIABLE } from './sharedStack';

export default async function stopSharedStack(): Promise<void> {
  const stack = running.sharedLocalStack;
  running.sharedLocalStack = undefined;
  delete process.env[SHARED_STACK_VARIABLE];
  await stack?.stop();
}
