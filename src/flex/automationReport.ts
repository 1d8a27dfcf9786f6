/** The agent's automation problems, told to the functions for supervisors, for the calls Flex has in the agent's store. */
import { reportAutomationForSupervisors } from './automationHealth';
import { ownLiveVoiceTasks, refOf } from './calls';
import type { Runtime } from './runtime';

export function reportAutomation(runtime: Runtime): () => void {
  const { api, health, manager } = runtime;
  return reportAutomationForSupervisors({
    health,
    calls: () => ownLiveVoiceTasks(manager).map(refOf),
    subscribeCalls: (listener) => manager.store.subscribe(listener),
    post: (ref, problems) => (api.automationOff ? api.automationOff(ref, problems) : Promise.resolve()),
  });
}
