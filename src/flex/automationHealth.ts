/**
 * What the plugin knows stops card fields from pausing the recording by themselves (the CRM
 * fields could not be read, say). The agent must then pause by hand: the call canvas says so for
 * as long as it lasts.
 */
import type { StringKey } from './strings';

/** Each problem, as the string that names it. */
export type AutomationProblem = Extract<StringKey, 'RecordingControlsOffCrmFields' | 'RecordingControlsOffSync'>;

/** A call's document opens within moments; polled longer than this, Sync is taken to be unreachable. */
export const SYNC_UNREACHABLE_AFTER_MS = 10_000;

/**
 * Sync out of reach, said once it has lasted: the functions keep every pause in Sync, so a pause
 * may then fail, and what the indicator shows may be late.
 */
export function reportSyncReach(live: { syncUnreachable(): boolean; subscribe(listener: () => void): () => void }, health: AutomationHealth): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    if (!live.syncUnreachable()) {
      if (timer) clearTimeout(timer);
      timer = undefined;
      health.report('RecordingControlsOffSync', false);
    } else if (!timer) {
      timer = setTimeout(() => health.report('RecordingControlsOffSync', live.syncUnreachable()), SYNC_UNREACHABLE_AFTER_MS);
    }
  };
  return live.subscribe(check);
}

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
