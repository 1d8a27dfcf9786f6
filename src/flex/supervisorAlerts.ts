/**
 * What a supervisor is alerted to on a live call (docs/architecture.md, "Supervisors' alerts"): a call
 * paused longer than `alertPausedSeconds`; a pause Twilio refused that no later try has paused
 * (the call may be recording card data); and a call whose card fields cannot pause the recording by
 * themselves (the agent's plugin said why). All come from the live-calls index, which Sync pushes;
 * the only timer is a local one for the moment a pause crosses the threshold.
 */
import type { LiveIndexSnapshot } from './liveIndex';
import type { LiveCallReading } from './syncData';

export type CallAlert = 'pausedLong' | 'pauseFailed' | 'automationOff';

/** When the call's open holds began: the pause has lasted at least since then. */
export function pausedSinceMs(call: Pick<LiveCallReading, 'holds'>): number | undefined {
  const opened = call.holds.map((hold) => Date.parse(hold.openedAt)).filter((at) => Number.isFinite(at));
  return opened.length > 0 ? Math.min(...opened) : undefined;
}

export function alertsOf(call: Pick<LiveCallReading, 'holds' | 'failedPausesNotRecovered' | 'automationOff'>, nowMs: number, thresholdMs: number): CallAlert[] {
  const since = pausedSinceMs(call);
  const alerts: CallAlert[] = [];
  if (call.failedPausesNotRecovered > 0) alerts.push('pauseFailed');
  if (call.automationOff.length > 0) alerts.push('automationOff');
  if (since !== undefined && nowMs - since >= thresholdMs) alerts.push('pausedLong');
  return alerts;
}

/** The moment the call's pause will have lasted the threshold, if that is still to come. */
export function pausedLongAt(call: Pick<LiveCallReading, 'holds'>, nowMs: number, thresholdMs: number): number | undefined {
  const since = pausedSinceMs(call);
  return since !== undefined && since + thresholdMs > nowMs ? since + thresholdMs : undefined;
}

export interface AlertSource {
  snapshot(): LiveIndexSnapshot;
  subscribe(listener: () => void): () => void;
}

export interface AlertClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

const realClock: AlertClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

/**
 * Calls `notify` once for each alert a call gains (again if it clears and comes back), from the
 * moment it starts until the returned function stops it. It keeps the index open meanwhile.
 */
export function watchSupervisorAlerts(
  index: AlertSource,
  thresholdMs: number,
  notify: (alert: CallAlert, call: LiveCallReading) => void,
  clock: AlertClock = realClock,
): () => void {
  const alerted = new Map<string, CallAlert[]>();
  let timer: unknown;
  const check = () => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    const now = clock.now();
    const calls = index.snapshot().calls;
    const live = new Set(calls.map((call) => call.callSid));
    for (const callSid of [...alerted.keys()]) if (!live.has(callSid)) alerted.delete(callSid);
    let next: number | undefined;
    for (const call of calls) {
      const alerts = alertsOf(call, now, thresholdMs);
      const before = alerted.get(call.callSid) ?? [];
      for (const alert of alerts) if (!before.includes(alert)) notify(alert, call);
      if (alerts.length > 0) alerted.set(call.callSid, alerts);
      else alerted.delete(call.callSid);
      const at = pausedLongAt(call, now, thresholdMs);
      if (at !== undefined && (next === undefined || at < next)) next = at;
    }
    if (next !== undefined) timer = clock.setTimeout(check, next - now);
  };
  const unsubscribe = index.subscribe(check);
  check();
  return () => {
    unsubscribe();
    if (timer !== undefined) clock.clearTimeout(timer);
  };
}
