/**
 * Desktop item events (CONTRACT §2): which desktop trigger opens or closes which hold.
 * The configuration is validated here, listing every problem, and triggers are applied to a
 * ledger here; the functions only load the file and store the result.
 */
import { z } from 'zod';
import { closeHold, expireHolds, Ledger, openHold } from './holds';

const triggerId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1–128 of A-Z a-z 0-9 . _ : -');

const desktopItemEvent = z.strictObject({
  id: triggerId,
  name: z.string().min(1).max(256).optional(),
  startTrigger: triggerId,
  action: z.literal('pause'),
  durationSeconds: z.number().int().min(1).max(3600).optional(),
  stopTrigger: triggerId.optional(),
  stopAction: z.literal('resume').optional(),
});

const desktopEventsFile = z.strictObject({ events: z.array(desktopItemEvent).min(1) });

export type DesktopItemEvent = z.infer<typeof desktopItemEvent>;
export interface DesktopEventsConfig {
  events: DesktopItemEvent[];
}

export type ConfigCheck = { ok: true; config: DesktopEventsConfig } | { ok: false; problems: string[] };

const where = (path: PropertyKey[]): string =>
  path.length === 0 ? 'configuration' : path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');

/** Validates a parsed desktop-events.json; every problem is listed, not just the first. */
export function checkDesktopEventsConfig(input: unknown): ConfigCheck {
  const parsed = desktopEventsFile.safeParse(input);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((issue) => `${where(issue.path)}: ${issue.message}`) };
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  parsed.data.events.forEach((event, index) => {
    const at = `events[${index}]`;
    if (seen.has(event.id)) problems.push(`${at}.id: "${event.id}" is used by an earlier event`);
    seen.add(event.id);
    if (event.durationSeconds === undefined && event.stopTrigger === undefined) {
      problems.push(`${at}: needs durationSeconds, stopTrigger or both, or the pause would never end`);
    }
    if (event.stopTrigger !== undefined && event.stopTrigger === event.startTrigger) {
      problems.push(`${at}.stopTrigger: must differ from startTrigger`);
    }
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: parsed.data };
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
 * Applies one desktop trigger: every event it starts opens (or renews) its hold, every event it
 * stops closes its hold. Holds whose time ran out close first, so a late stop is harmless.
 */
export function applyDesktopTrigger(
  ledger: Ledger,
  config: DesktopEventsConfig,
  trigger: string,
  agent: string,
  now: Date,
): Ledger {
  let next = expireHolds(ledger, now);
  for (const event of config.events) {
    if (event.startTrigger === trigger) {
      next = openHold(
        next,
        { id: event.id, source: 'desktop', trigger, by: agent, durationSeconds: event.durationSeconds },
        now,
      );
    }
    if (event.stopTrigger === trigger) next = closeHold(next, event.id, now);
  }
  return next;
}

/** True when the trigger only opens holds: the pause can be sent before any state is read. */
export const onlyStarts = (config: DesktopEventsConfig, trigger: string): boolean =>
  config.events.some((event) => event.startTrigger === trigger) &&
  !config.events.some((event) => event.stopTrigger === trigger);
