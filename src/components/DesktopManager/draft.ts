/**
 * The Desktop Manager's editing model: an event as its form holds it (text fields), back to an
 * event; the whole draft (events, queue policies, pause caps) and the configuration it describes;
 * and the core validator's issues placed on the rows and fields that have them. Nothing here
 * decides what is valid: `desktopEventsConfigIssues` does, the same rules the functions apply.
 */
import { ConfigIssue, desktopEventsConfigIssues, DesktopEventsConfig, DesktopItemEvent, PauseCaps } from '../../core/desktopEvents';
import type { PausePolicy } from '../../core/pausePolicy';
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

export const emptyForm = (): EventForm => ({
  id: '',
  name: '',
  startTrigger: '',
  durationSeconds: '',
  stopTrigger: '',
  fields: [],
  keepPausedWhileFocused: false,
});

export const formOf = (event: DesktopItemEvent): EventForm => ({
  id: event.id,
  name: event.name ?? '',
  startTrigger: event.startTrigger,
  durationSeconds: event.durationSeconds === undefined ? '' : String(event.durationSeconds),
  stopTrigger: event.stopTrigger ?? '',
  fields: (event.fields ?? []).map(({ selector, origin }) => ({ selector, origin })),
  keepPausedWhileFocused: event.keepPausedWhileFocused === true,
});

/** A number field as typed: a whole number, or the text itself so the validator names the problem. */
const secondsAsTyped = (text: string): number => (/^\d+$/.test(text) ? Number(text) : text) as number;

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
    ...(duration && { durationSeconds: secondsAsTyped(duration) }),
    ...(stop && { stopTrigger: stop, stopAction: original?.stopAction ?? 'resume' }),
    ...(form.fields.length > 0 && { fields: form.fields.map(({ selector, origin }) => ({ selector: selector.trim(), origin: origin.trim() })) }),
    ...(form.keepPausedWhileFocused && { keepPausedWhileFocused: true }),
  };
}

export interface QueuePolicyForm {
  queue: string;
  policy: PausePolicy;
}

export const CAP_FIELDS = ['manualSeconds', 'apiSeconds'] as const satisfies ReadonlyArray<keyof PauseCaps>;
export type CapField = (typeof CAP_FIELDS)[number];

/** What the Desktop Manager edits: the events, and the queue policies and pause caps as their inputs hold them. */
export interface DraftConfig {
  events: DesktopItemEvent[];
  queuePolicies: QueuePolicyForm[];
  pauseCaps: Record<CapField, string>;
}

/** A saved configuration as a draft; a section it does not have is empty (no policy, the default caps). */
export const draftOf = (config: DesktopEventsConfig): DraftConfig => ({
  events: config.events,
  queuePolicies: (config.queuePolicies ?? []).map(({ queue, policy }) => ({ queue, policy })),
  pauseCaps: { manualSeconds: String(config.pauseCaps?.manualSeconds ?? ''), apiSeconds: String(config.pauseCaps?.apiSeconds ?? '') },
});

/**
 * The configuration a draft describes, every section present so a save replaces what is in force
 * (an empty list removes every policy): queue names trimmed, an empty queue or cap left out so the
 * validator says it is required or the default applies, a cap that is not a whole number kept as text.
 */
export function configOfDraft(draft: DraftConfig): Required<DesktopEventsConfig> {
  const queuePolicies = draft.queuePolicies.map(({ queue, policy }) => ({ ...((queue.trim() && { queue: queue.trim() }) as { queue: string }), policy }));
  const pauseCaps: PauseCaps = {};
  for (const field of CAP_FIELDS) {
    const text = draft.pauseCaps[field].trim();
    if (text) pauseCaps[field] = secondsAsTyped(text);
  }
  return { events: draft.events, queuePolicies, pauseCaps };
}

/** How many leading parts of an issue's path name its row: a list's item (`events.1`, `queuePolicies.0`), else its section. */
const rowLength = (issue: ConfigIssue): number => (typeof issue.path[1] === 'number' ? 2 : Math.min(issue.path.length, 1));

/** The row an issue is shown on: `events.1`, `queuePolicies.0`, a section (`events`, `queuePolicies`, `pauseCaps`), or '' (the configuration). */
export const rowOf = (issue: ConfigIssue): string => issue.path.slice(0, rowLength(issue)).join('.');

export const rowKey = (section: 'events' | 'queuePolicies', index: number): string => `${section}.${index}`;

/** Every issue of a configuration, by the row it is shown on (`rowOf`). */
export function issuesByRow(config: Partial<DesktopEventsConfig>): Map<string, ConfigIssue[]> {
  const byRow = new Map<string, ConfigIssue[]>();
  for (const issue of desktopEventsConfigIssues(config)) {
    const row = rowOf(issue);
    byRow.set(row, [...(byRow.get(row) ?? []), issue]);
  }
  return byRow;
}

/** Where on its row an issue belongs: `durationSeconds`, `fields.0.origin`, `queue`, `manualSeconds`, or '' (the row). */
export const placeOf = (issue: ConfigIssue): string => issue.path.slice(rowLength(issue)).join('.');

/** The issue in the admin's language; rare codes keep the validator's own English words. */
export function describeProblem(issue: ConfigIssue, t: Translate): string {
  if (issue.code === 'invalid' || issue.code === 'unknown_field' || issue.code === 'not_object') return issue.message;
  return t(`DesktopManagerProblem_${issue.code}`);
}

/** A row's problems in the admin's language, by where they belong on it (`placeOf`), joined. */
export function problemsByPlace(issues: ConfigIssue[], t: Translate): Map<string, string> {
  const byPlace = new Map<string, string[]>();
  for (const issue of issues) byPlace.set(placeOf(issue), [...(byPlace.get(placeOf(issue)) ?? []), describeProblem(issue, t)]);
  return new Map([...byPlace].map(([place, problems]) => [place, problems.join(' · ')]));
}
