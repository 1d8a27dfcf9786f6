/**
 * The Desktop Manager's editing model: an event as its form holds it (text fields), back to an
 * event, and the core validator's issues placed on the form's fields. Nothing here decides what
 * is valid: `desktopEventsConfigIssues` does, the same rules the functions apply.
 */
import { ConfigIssue, desktopEventsConfigIssues, DesktopItemEvent } from '../../core/desktopEvents';
import type { Translate } from './strings';

export interface FieldForm {
  selector: string;
  origin: string;
}

export interface EventForm {
  id: string;
  name: string;
  startTrigger: string;
  durationSeconds: string;
  stopTrigger: string;
  fields: FieldForm[];
  keepPausedWhileFocused: boolean;
}

export const emptyForm = (): EventForm => ({ id: '', name: '', startTrigger: '', durationSeconds: '', stopTrigger: '', fields: [], keepPausedWhileFocused: false });

export const formOf = (event: DesktopItemEvent): EventForm => ({
  id: event.id,
  name: event.name ?? '',
  startTrigger: event.startTrigger,
  durationSeconds: event.durationSeconds === undefined ? '' : String(event.durationSeconds),
  stopTrigger: event.stopTrigger ?? '',
  fields: (event.fields ?? []).map(({ selector, origin }) => ({ selector, origin })),
  keepPausedWhileFocused: event.keepPausedWhileFocused === true,
});

/**
 * The event a form describes, as typed: an empty field is left out, a duration that is not a
 * whole number stays text so the validator names the problem.
 */
export function eventOf(form: EventForm, original?: DesktopItemEvent): DesktopItemEvent {
  const duration = form.durationSeconds.trim();
  const stop = form.stopTrigger.trim();
  // An empty required field is left out too, so the validator says it is required.
  return {
    ...((form.id.trim() && { id: form.id.trim() }) as { id: string }),
    ...(form.name.trim() && { name: form.name.trim() }),
    ...((form.startTrigger.trim() && { startTrigger: form.startTrigger.trim() }) as { startTrigger: string }),
    action: 'pause',
    ...(duration && { durationSeconds: (/^\d+$/.test(duration) ? Number(duration) : duration) as number }),
    ...(stop && { stopTrigger: stop, stopAction: original?.stopAction ?? 'resume' }),
    ...(form.fields.length > 0 && { fields: form.fields.map(({ selector, origin }) => ({ selector: selector.trim(), origin: origin.trim() })) }),
    ...(form.keepPausedWhileFocused && { keepPausedWhileFocused: true }),
  };
}

/** Every issue of a list of events, by event index ('' for the list itself). */
export function issuesByEvent(events: unknown[]): Map<number | '', ConfigIssue[]> {
  const byEvent = new Map<number | '', ConfigIssue[]>();
  for (const issue of desktopEventsConfigIssues({ events })) {
    const index = issue.path[0] === 'events' && typeof issue.path[1] === 'number' ? issue.path[1] : '';
    byEvent.set(index, [...(byEvent.get(index) ?? []), issue]);
  }
  return byEvent;
}

/** Where on the event's form an issue belongs: `durationSeconds`, `fields.0.origin`, or '' (the event). */
export const placeOf = (issue: ConfigIssue): string => issue.path.slice(2).join('.');

/** The issue in the admin's language; rare codes keep the validator's own English words. */
export function describeProblem(issue: ConfigIssue, t: Translate): string {
  if (issue.code === 'invalid' || issue.code === 'unknown_field' || issue.code === 'not_object') return issue.message;
  return t(`DesktopManagerProblem_${issue.code}`);
}
