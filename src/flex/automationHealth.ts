/**
 * What the plugin knows stops card fields from pausing the recording by themselves (the CRM
 * fields could not be read, say). The agent must then pause by hand: the call canvas says so for
 * as long as it lasts, and supervisors are told.
 */
import { normalProblems, type AutomationProblemCode } from '../core/automation';
import type { StringKey } from './strings';
import { keyOf } from './liveState';
import type { CallRef } from './types';

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

const REPORT_RETRY_MS = 10_000;

const CODES: Record<AutomationProblem, AutomationProblemCode> = { RecordingControlsOffCrmFields: 'crm-fields', RecordingControlsOffSync: 'sync' };

export interface AutomationReportDeps {
  health: AutomationHealth;
  /** The agent's live voice calls now, and a way to hear when they change (Flex's store). */
  calls(): CallRef[];
  subscribeCalls(listener: () => void): () => void;
  post(ref: CallRef, problems: AutomationProblemCode[]): Promise<unknown>;
}

/**
 * Tells the functions, for supervisors, what keeps card fields from pausing by themselves on each
 * of the agent's live calls: when it changes, and for a call that begins while it lasts. Nothing is
 * sent while all is well, and nothing on a timer; a report that fails is sent again 10 s later.
 */
export function reportAutomationForSupervisors({ health, calls, subscribeCalls, post }: AutomationReportDeps): () => void {
  /** What the functions were last told of each call ('' is nothing wrong, which a call starts with). */
  const told = new Map<string, string>();
  const check = () => {
    const problems = normalProblems(health.current().map((problem) => CODES[problem]));
    const said = problems.join(',');
    const now = calls();
    for (const key of [...told.keys()]) if (!now.some((ref) => keyOf(ref) === key)) told.delete(key);
    for (const ref of now) {
      const key = keyOf(ref);
      const before = told.get(key) ?? '';
      if (before === said) continue;
      told.set(key, said);
      post(ref, problems).catch(() => {
        // Once more a little later (not at every change of Flex's store), unless it has changed meanwhile.
        setTimeout(() => {
          if (told.get(key) !== said) return;
          told.set(key, before);
          check();
        }, REPORT_RETRY_MS);
      });
    }
  };
  const stopHealth = health.subscribe(check);
  const stopCalls = subscribeCalls(check);
  check();
  return () => {
    stopHealth();
    stopCalls();
  };
}
