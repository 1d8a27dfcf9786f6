import { automationHealth } from '../lib/endpoints/automationHealth';
import { apiFunction } from '../lib/wiring/recordingControlsFunction';

/** What keeps an agent's card fields from pausing by themselves, from the agent's plugin. */
export const handler = apiFunction('automation-health', automationHealth);
