/** Turns a call's server state into the words the indicator and the supervisor page show. */
import { minutesSeconds, RESUME_WARNING_MS, resumesAt, type Hold, type PauseInterval } from '../core/holds';
import type { CallEntry } from './liveState';
import type { StringKey } from './strings';

export type Translate = (key: StringKey, vars?: Record<string, string | number>) => string;

export type Tone = 'recording' | 'paused' | 'absent' | 'unknown' | 'error';

export interface Description {
  tone: Tone;
  text: string;
  /** The same without the countdown: what a screen reader is told when it changes (not every second). */
  announcement: string;
  /** When the recording resumes by itself, if every open hold has an expiry. */
  resumesAt: string | null;
}

export interface DescribeContext {
  t: Translate;
  identity?: string;
  labels: Record<string, string>;
  now: number;
}

/** The automatic resume is this close: the agent must stop taking card details. */
export const resumesSoon = (description: Description, now: number): boolean =>
  description.resumesAt !== null && Date.parse(description.resumesAt) - now <= RESUME_WARNING_MS;

/** "card-number" → "Card number", for desktop holds without a configured label. */
export const humanize = (id: string): string => {
  const words = id.replace(/[._:-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

export const holdName = (id: string, labels: Record<string, string>): string => labels[id] ?? humanize(id);

/**
 * "0:42", "12:05": what is left until `at`, rounded up to the second, and never more than
 * `atMostMs` (the hold's own length: a browser clock a little behind the server's must not make a
 * 60 s event count down from 1:01).
 */
export function countdown(at: string, now: number, atMostMs = Infinity): string {
  return minutesSeconds(Math.max(0, Math.ceil(Math.min(Date.parse(at) - now, atMostMs) / 1000)));
}

/**
 * "by whom" for a hold that no desktop event opened. The server names a supervisor's or admin's
 * hold `supervisor:<identity>`; any other person's hold is shown with their identity.
 */
export function who(hold: Hold, { t, identity }: Pick<DescribeContext, 't' | 'identity'>): string {
  if (hold.source === 'api') return t('RecordingControlsByApi');
  if (hold.by !== undefined && hold.by === identity) return t('RecordingControlsByYou');
  if (hold.id.startsWith('supervisor:') || hold.by === undefined) return t('RecordingControlsBySupervisor');
  return hold.by;
}

export function describePause(holds: Hold[], context: DescribeContext): string {
  const reasons = pauseReasons(holds, context);
  const at = resumesAt({ holds, intervals: [] });
  if (at === null) return reasons;
  const ending = holds.find((hold) => hold.resumeAt === at);
  const longest = ending ? Date.parse(at) - Date.parse(ending.openedAt) : Infinity;
  return context.t('RecordingControlsResumesIn', { text: reasons, time: countdown(at, context.now, longest) });
}

/** What keeps the call paused: the desktop events by name, and the people (or API) by who they are. */
function holdParts(holds: Hold[], context: Pick<DescribeContext, 't' | 'identity' | 'labels'>): { desktop: string[]; people: string[] } {
  const desktop = holds.filter((hold) => hold.source === 'desktop').map((hold) => holdName(hold.id, context.labels));
  const people = Array.from(new Set(holds.filter((hold) => hold.source !== 'desktop').map((hold) => who(hold, context))));
  return { desktop, people };
}

/** The same as a plain list ("Card number, CVV"), for a sentence of its own. */
export function holdNames(holds: Hold[], context: Pick<DescribeContext, 't' | 'identity' | 'labels'>): string {
  const { desktop, people } = holdParts(holds, context);
  return [...desktop, ...people].join(', ');
}

/** Why the call is paused ("Paused — Card number, by you"), without when it resumes. */
function pauseReasons(holds: Hold[], context: DescribeContext): string {
  if (holds.length === 0) return context.t('RecordingControlsPaused');
  const { desktop, people } = holdParts(holds, context);
  return desktop.length === 0 && people.length > 0
    ? context.t('RecordingControlsPausedBy', { who: people.join(', ') })
    : context.t('RecordingControlsPausedFor', {
        reasons: [...desktop, ...people.map((person) => context.t('RecordingControlsReasonBy', { who: person }))].join(', '),
      });
}

/** No function waits on Twilio longer than its 10 s limit: a `pausing` older than that was left by one that stopped. */
const PAUSING_SHOWN_MS = 10_000;

/** A state with nothing counting down: said the same on screen and to a screen reader. */
export const plain = (tone: Tone, text: string): Description => ({ tone, text, announcement: text, resumesAt: null });

/** The truth as the server last confirmed it; "unknown" rather than a stale guess. */
export function describe(entry: CallEntry | undefined, context: DescribeContext): Description {
  const { t } = context;
  if (entry?.error) {
    const ended = entry.error.code === 'call_not_found';
    return plain(ended ? 'absent' : 'unknown', t(ended ? 'RecordingControlsCallEnded' : 'RecordingControlsUnknown'));
  }
  const status = entry?.status;
  // Said at once while a pause or resume is on its way, not the calm state before it.
  if (entry?.pending === 'pause' && status?.recording !== 'paused') return plain('unknown', t('RecordingControlsPausing'));
  if (entry?.pending === 'resume' && status?.recording === 'paused') return plain('unknown', t('RecordingControlsResuming'));
  // The functions received a signal whose pause Twilio has not confirmed yet (the desktop relay's, which the plugin did not send).
  if (status?.pausing && status.recording !== 'paused' && context.now - Date.parse(status.pausing) < PAUSING_SHOWN_MS)
    return plain('unknown', t('RecordingControlsPausing'));
  if (!status) return plain('unknown', t('RecordingControlsUnknown'));
  if (status.recording === 'absent') return plain('absent', t('RecordingControlsNotRecording'));
  if (status.recording === 'in-progress') return plain('recording', t('RecordingControlsRecording'));
  return { tone: 'paused', text: describePause(status.holds, context), announcement: pauseReasons(status.holds, context), resumesAt: resumesAt(status) };
}

/** Does the user hold the call paused (so their toggle means "resume")? */
export const hasOwnHold = (holds: Hold[] | undefined, identity: string | undefined): boolean =>
  !!identity && !!holds?.some((hold) => hold.source === 'manual' && hold.by === identity);

/** Names for an interval of the timeline: its holds, and who opened the manual ones. */
export function intervalLabel(interval: PauseInterval, labels: Record<string, string>): string {
  const names = interval.holdIds.map((id) => holdName(id, labels));
  return interval.by.length > 0 ? `${names.join(', ')} (${interval.by.join(', ')})` : names.join(', ');
}
