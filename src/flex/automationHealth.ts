/**
 * What the plugin knows stops card fields from pausing the recording by themselves (the CRM
 * fields could not be read, say). The agent must then pause by hand: the call canvas says so for
 * as long as it lasts.
 */
import type { StringKey } from './strings';

/** Each problem, as the string that names it. */
export type AutomationProblem = Extract<StringKey, 'RecordingControlsOffCrmFields'>;

export class AutomationHealth {
  private readonly problems = new Set<AutomationProblem>();
  private readonly listeners = new Set<() => void>();

  report(problem: AutomationProblem, present: boolean): void {
    if (this.problems.has(problem) === present) return;
    if (present) this.problems.add(problem);
    else this.problems.delete(problem);
    this.listeners.forEach((listener) => listener());
  }

  current(): AutomationProblem[] {
    return [...this.problems];
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
