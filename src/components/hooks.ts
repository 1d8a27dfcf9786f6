import { useEffect, useState } from 'react';
import type { AutomationProblem } from '../flex/automationHealth';
import type { LiveIndexSnapshot } from '../flex/liveIndex';
import { keyOf, type CallEntry, type WatchOptions } from '../flex/liveState';
import { getRuntime } from '../flex/runtime';
import type { CallRef } from '../flex/types';

/** Re-renders whenever any call's live state changes. */
function useLiveUpdates(): void {
  const [, setVersion] = useState(0);
  useEffect(() => getRuntime().live.subscribe(() => setVersion((version) => version + 1)), []);
}

/** The call's live state; the call is watched (asked once, then followed through Sync) while `ref` is given. */
export function useCall(ref: CallRef | undefined, options: WatchOptions = {}): CallEntry | undefined {
  useLiveUpdates();
  const { live } = getRuntime();
  const key = ref ? keyOf(ref) : '';
  // Re-watch only when the call changes, not for every render's new ref object.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => (ref ? live.watch(ref, options) : undefined), [key, live]);
  return ref ? live.get(ref) : undefined;
}

/** What the plugin knows of the call (an action in flight…), without watching it. */
export function useCallEntry(ref: CallRef): CallEntry | undefined {
  useLiveUpdates();
  return getRuntime().live.get(ref);
}

/** Every live call from the Sync map, followed while the calling component is mounted. */
export function useLiveIndex(): LiveIndexSnapshot {
  const { index } = getRuntime();
  const [snapshot, setSnapshot] = useState(() => index.snapshot());
  useEffect(() => {
    const unsubscribe = index.subscribe(() => setSnapshot(index.snapshot()));
    setSnapshot(index.snapshot());
    return unsubscribe;
  }, [index]);
  return snapshot;
}

/** The current time, refreshed every second while `ticking` (for countdowns). */
export function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return ticking ? now : Date.now();
}

/** What keeps card fields from pausing by themselves, kept current. */
export function useAutomationProblems(): AutomationProblem[] {
  const health = getRuntime().health;
  const [problems, setProblems] = useState(() => health.current());
  useEffect(() => {
    setProblems(health.current());
    return health.subscribe(() => setProblems(health.current()));
  }, [health]);
  return problems;
}
