/**
 * Desktop item events (docs/desktop-events.md): which desktop trigger opens or closes which hold.
 * The configuration is validated here, listing every problem, and triggers are applied to a
 * ledger here; the functions only load the file and store the result.
 */
// The namespace import lets bundlers drop what is unused (zod's locales): the admin view carries this.
import * as z from 'zod/v4';
import { closeHolds, expireHolds, Ledger, openHold, RESUME_WARNING_MS } from './holds';
import { PAUSE_POLICIES } from './pausePolicy';
import { isObject } from './isObject';

const TRIGGER_FORMAT = 'must be 1–128 of A-Z a-z 0-9 . _ : -';
const triggerId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, TRIGGER_FORMAT);

/** Loopback hosts may be served over plain http (a CRM on the admin's own machine, the demo). */
const LOOPBACK = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/;

/** `https://host[:port]` exactly — what a browser reports as a page's origin — or http on loopback. */
export function isCrmOrigin(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.origin !== value) return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname));
}

/**
 * A CSS selector the CRM relay script matches focused elements against. Browsers parse selectors,
 * the core cannot: it refuses what can never be one (blank, braces, angle brackets, control
 * characters) and the relay script ignores a selector the browser rejects.
 */
const SELECTOR_FORMAT = 'must be a CSS selector of 1–256 characters, such as input[name=cardNumber]';
// Control characters are exactly what a selector must not hold.
// eslint-disable-next-line no-control-regex
const isSelector = (value: string): boolean => value.trim().length > 0 && !/[{}<>\u0000-\u001f\u007f]/.test(value);

/** A CRM page field whose focus fires the event's start trigger and whose blur fires its stop trigger. */
const crmField = z.strictObject({
  selector: z.string().max(256, SELECTOR_FORMAT).refine(isSelector, SELECTOR_FORMAT),
  origin: z.string().max(256).refine(isCrmOrigin, 'must be an origin such as https://crm.example.com (scheme and host, no path; http only for localhost)'),
});

export const MAX_CRM_FIELDS = 20;

const desktopItemEvent = z.strictObject({
  id: triggerId,
  name: z.string().min(1).max(256).optional(),
  startTrigger: triggerId,
  action: z.literal('pause'),
  durationSeconds: z.number().int().min(1).max(3600).optional(),
  stopTrigger: triggerId.optional(),
  stopAction: z.literal('resume').optional(),
  fields: z.array(crmField).max(MAX_CRM_FIELDS).optional(),
  /** Its CRM fields keep the pause while the agent stays in them, past `durationSeconds` (crm-relay.js renews it). */
  keepPausedWhileFocused: z.boolean().optional(),
});

/** The fields an event and a CRM field may have; nothing else is accepted. */
export const DESKTOP_ITEM_EVENT_FIELDS = Object.keys(desktopItemEvent.shape);
export const CRM_FIELD_FIELDS = Object.keys(crmField.shape);

const queuePolicy = z.strictObject({
  queue: z.string().min(1, 'must be a TaskRouter queue name').max(256, 'must be a TaskRouter queue name of at most 256 characters'),
  policy: z.enum(PAUSE_POLICIES, { message: 'must be allowed, desktop-events-only or never' }),
});

const capSeconds = z.number().int().min(10, 'must be 10–86400 seconds').max(86_400, 'must be 10–86400 seconds');
const pauseCaps = z.strictObject({ manualSeconds: capSeconds.optional(), apiSeconds: capSeconds.optional() });

export const MAX_QUEUE_POLICIES = 200;

export type DesktopItemEvent = z.infer<typeof desktopItemEvent>;
export type CrmField = z.infer<typeof crmField>;
export type QueuePolicy = z.infer<typeof queuePolicy>;
export type PauseCaps = z.infer<typeof pauseCaps>;
export interface DesktopEventsConfig {
  events: DesktopItemEvent[];
  /** Pause policy per TaskRouter queue (by its name); a queue not listed is `allowed`. */
  queuePolicies?: QueuePolicy[];
  /** How long a manual or an API hold may stay open. */
  pauseCaps?: PauseCaps;
}

/** The configuration's sections beside `events`. */
export const CONFIG_SECTIONS = ['queuePolicies', 'pauseCaps'] as const;

export type ConfigCheck = { ok: true; config: DesktopEventsConfig } | { ok: false; problems: string[] };

/**
 * What is wrong, where, as a stable code a user interface can translate; `message` is the
 * English text the functions and the build print.
 */
export type ConfigIssueCode =
  | 'not_object'
  | 'no_events'
  | 'unknown_field'
  | 'required'
  | 'trigger_format'
  | 'name_length'
  | 'action'
  | 'duration_range'
  | 'stop_action'
  | 'selector'
  | 'origin'
  | 'too_many_fields'
  | 'duplicate_id'
  | 'needs_end'
  | 'same_triggers'
  | 'queue_policy'
  | 'duplicate_queue'
  | 'pause_cap'
  | 'invalid';

export interface ConfigIssue {
  path: Array<string | number>;
  code: ConfigIssueCode;
  message: string;
}

const where = (path: PropertyKey[]): string =>
  path.length === 0
    ? 'configuration'
    : path
        .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
        .join('')
        .replace(/^\./, '');

export const describeIssue = (issue: ConfigIssue): string => `${where(issue.path)}: ${issue.message}`;

const CODE_BY_FIELD: Record<string, ConfigIssueCode> = {
  id: 'trigger_format',
  startTrigger: 'trigger_format',
  stopTrigger: 'trigger_format',
  name: 'name_length',
  action: 'action',
  durationSeconds: 'duration_range',
  stopAction: 'stop_action',
  selector: 'selector',
  origin: 'origin',
  fields: 'too_many_fields',
  queue: 'queue_policy',
  policy: 'queue_policy',
  queuePolicies: 'queue_policy',
  manualSeconds: 'pause_cap',
  apiSeconds: 'pause_cap',
  pauseCaps: 'pause_cap',
};

function codeOf(issue: z.core.$ZodIssue): ConfigIssueCode {
  if (issue.code === 'unrecognized_keys') return 'unknown_field';
  const field = [...issue.path].reverse().find((part) => typeof part === 'string');
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'required';
  if (field === 'events' && issue.path.length === 1) return issue.code === 'too_small' ? 'no_events' : 'invalid';
  if (issue.path.length === 0) return 'not_object';
  return CODE_BY_FIELD[String(field)] ?? 'invalid';
}

const fromZod = (issues: z.core.$ZodIssue[], prefix: Array<string | number> = []): ConfigIssue[] =>
  issues.map((issue) => ({ path: [...prefix, ...(issue.path as Array<string | number>)], code: codeOf(issue), message: issue.message }));

/**
 * Every problem of a configuration, each event on its own so one malformed event hides nothing
 * about the others, then the rules across fields and events. Empty when it is valid.
 */
export function desktopEventsConfigIssues(input: unknown): ConfigIssue[] {
  if (!isObject(input)) return [{ path: [], code: 'not_object', message: 'must be an object with "events"' }];
  const issues: ConfigIssue[] = [];
  const extra = Object.keys(input).filter((key) => key !== 'events' && !(CONFIG_SECTIONS as readonly string[]).includes(key));
  if (extra.length > 0)
    issues.push({ path: [], code: 'unknown_field', message: `Unrecognized key${extra.length > 1 ? 's' : ''}: ${extra.map((key) => `"${key}"`).join(', ')}` });
  const { events } = input;
  if (!Array.isArray(events)) {
    issues.push({ path: ['events'], code: events === undefined ? 'required' : 'invalid', message: 'must be a list of events' });
    return issues;
  }
  if (events.length === 0) issues.push({ path: ['events'], code: 'no_events', message: 'must hold at least one event' });

  const seen = new Set<string>();
  events.forEach((candidate, index) => {
    const at: Array<string | number> = ['events', index];
    // With the input reported, a value of the wrong type is told apart from a missing one.
    const parsed = desktopItemEvent.safeParse(candidate, { reportInput: true });
    if (!parsed.success) issues.push(...fromZod(parsed.error.issues, at));
    // The cross-field rules read whatever is well-formed, so they show up alongside the rest.
    const event = (isObject(candidate) ? candidate : {}) as Partial<Record<keyof DesktopItemEvent, unknown>>;
    if (typeof event.id === 'string') {
      if (seen.has(event.id)) issues.push({ path: [...at, 'id'], code: 'duplicate_id', message: `"${event.id}" is used by an earlier event` });
      seen.add(event.id);
    }
    if (isObject(candidate) && event.durationSeconds === undefined && event.stopTrigger === undefined) {
      issues.push({ path: at, code: 'needs_end', message: 'needs durationSeconds, stopTrigger or both, or the pause would never end' });
    }
    if (typeof event.stopTrigger === 'string' && event.stopTrigger === event.startTrigger) {
      issues.push({ path: [...at, 'stopTrigger'], code: 'same_triggers', message: 'must differ from startTrigger' });
    }
  });
  issues.push(...sectionIssues(input));
  return issues;
}

const sectionSchemas = {
  queuePolicies: z.array(queuePolicy).max(MAX_QUEUE_POLICIES, `at most ${MAX_QUEUE_POLICIES} queues`),
  pauseCaps,
};

/** The problems of the sections beside `events`: queue policies (each queue once) and pause caps. */
function sectionIssues(input: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const section of CONFIG_SECTIONS) {
    if (input[section] === undefined) continue;
    const parsed = sectionSchemas[section].safeParse(input[section], { reportInput: true });
    if (!parsed.success) issues.push(...fromZod(parsed.error.issues, [section]));
  }
  if (Array.isArray(input.queuePolicies)) {
    const seen = new Set<string>();
    input.queuePolicies.forEach((entry, index) => {
      const queue = isObject(entry) ? entry.queue : undefined;
      if (typeof queue !== 'string') return;
      if (seen.has(queue))
        issues.push({ path: ['queuePolicies', index, 'queue'], code: 'duplicate_queue', message: `"${queue}" has a policy earlier in the list` });
      seen.add(queue);
    });
  }
  return issues;
}

/** Validates a parsed desktop-events.json; every problem is listed, not just the first. */
export function checkDesktopEventsConfig(input: unknown): ConfigCheck {
  const issues = desktopEventsConfigIssues(input);
  if (issues.length > 0) return { ok: false, problems: issues.map(describeIssue) };
  const valid = input as DesktopEventsConfig;
  return {
    ok: true,
    config: {
      events: valid.events.map((event) => desktopItemEvent.parse(event)),
      ...(valid.queuePolicies !== undefined && { queuePolicies: sectionSchemas.queuePolicies.parse(valid.queuePolicies) }),
      ...(valid.pauseCaps !== undefined && { pauseCaps: pauseCaps.parse(valid.pauseCaps) }),
    },
  };
}

/** Parses and validates the file's text; a JSON syntax error is one more listed problem. */
export function parseDesktopEventsConfig(text: string): ConfigCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`not JSON: ${(error as Error).message}`] };
  }
  return checkDesktopEventsConfig(value);
}

export const isKnownTrigger = (config: DesktopEventsConfig, trigger: string): boolean =>
  config.events.some((event) => event.startTrigger === trigger || event.stopTrigger === trigger);

/**
 * How long a stop that would resume the recordings waits for the agent's next card field. A desktop
 * tool reports leaving one field before entering the next (card number, then CVV a few hundred ms
 * later): resuming at once would record the moment in between. The hold stays open until then (its
 * `resumeAt`), so "paused ⇔ an open hold" holds throughout, and it closes by itself as any hold
 * whose time ran out — unless the next field's start came first, whose hold keeps the pause unbroken.
 */
export const NEXT_FIELD_WINDOW_MS = 1_000;

/**
 * Applies one desktop trigger: every event it starts opens (or renews) its hold, every event it
 * stops closes its hold — at once when another hold stays open, else after `nextFieldWindowMs`.
 * Holds whose time ran out close first, so a late stop is harmless.
 */
export function applyDesktopTrigger(
  ledger: Ledger,
  config: DesktopEventsConfig,
  trigger: string,
  agent: string,
  now: Date,
  via: SignalVia = 'relay',
  nextFieldWindowMs = NEXT_FIELD_WINDOW_MS,
): Ledger {
  let next = expireHolds(ledger, now);
  let tokenHolds = new Set(next.tokenHolds ?? []);
  const stopping = new Set<string>();
  for (const event of config.events) {
    if (event.startTrigger === trigger) {
      const opened = !next.holds.some((hold) => hold.id === event.id);
      next = openHold(next, { id: event.id, source: 'desktop', trigger, by: agent, durationSeconds: event.durationSeconds }, now);
      // The signed relay vouches for a hold from then on; a token's own hold is the token's to close.
      if (via === 'relay') tokenHolds.delete(event.id);
      else if (opened) tokenHolds.add(event.id);
    }
    // The agent's token may not undo what the desktop relay paused, as the API's resume may not.
    if (event.stopTrigger === trigger && (via === 'relay' || tokenHolds.has(event.id))) stopping.add(event.id);
  }
  const staysPaused = next.holds.some((hold) => !stopping.has(hold.id));
  next = staysPaused ? closeHolds(next, (hold) => stopping.has(hold.id), now) : closeWithin(next, stopping, now, nextFieldWindowMs);
  tokenHolds = new Set([...tokenHolds].filter((id) => next.holds.some((hold) => hold.id === id)));
  const { tokenHolds: _before, ...rest } = next;
  return tokenHolds.size > 0 ? { ...rest, tokenHolds: [...tokenHolds] } : rest;
}

/** The holds picked close by themselves within `ms` (sooner if they were due sooner). */
function closeWithin(ledger: Ledger, ids: Set<string>, now: Date, ms: number): Ledger {
  if (ms <= 0) return closeHolds(ledger, (hold) => ids.has(hold.id), now);
  const by = now.getTime() + ms;
  const holds = ledger.holds.map((hold) =>
    ids.has(hold.id) && (hold.resumeAt === null || Date.parse(hold.resumeAt) > by) ? { ...hold, resumeAt: new Date(by).toISOString() } : hold,
  );
  return holds.some((hold, index) => hold !== ledger.holds[index]) ? { ...ledger, holds } : ledger;
}

/** How a desktop signal was authenticated: the relay's signature, or the agent's Flex token (a CRM page inside Flex). */
export type SignalVia = 'relay' | 'token';

/**
 * How often crm-relay.js sends an event's start again while the agent stays in one of its fields
 * (keepPausedWhileFocused): early enough that the hold never reaches its last seconds (when the
 * agent would be warned) and a slow answer still lands in time. Undefined when nothing needs renewing.
 */
export function renewEveryMs(event: Pick<DesktopItemEvent, 'durationSeconds' | 'keepPausedWhileFocused'>): number | undefined {
  if (!event.keepPausedWhileFocused || event.durationSeconds === undefined) return undefined;
  const durationMs = event.durationSeconds * 1000;
  return durationMs > RENEW_MARGIN_MS * 2 ? durationMs - RENEW_MARGIN_MS : Math.max(500, durationMs / 2);
}
/** Before the warning's last seconds, with time for the renewal to land. */
const RENEW_MARGIN_MS = RESUME_WARNING_MS + 5_000;

/** The holds a trigger opens (events it starts) and closes (events it stops). */
export const holdsOfTrigger = (config: DesktopEventsConfig, trigger: string): { opens: string[]; stops: string[] } => ({
  opens: config.events.filter((event) => event.startTrigger === trigger).map((event) => event.id),
  stops: config.events.filter((event) => event.stopTrigger === trigger).map((event) => event.id),
});

/** True when the trigger only opens holds: the pause can be sent before any state is read. */
export const onlyStarts = (config: DesktopEventsConfig, trigger: string): boolean =>
  config.events.some((event) => event.startTrigger === trigger) && !config.events.some((event) => event.stopTrigger === trigger);
