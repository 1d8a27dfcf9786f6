/**
 * The body of a desktop event (docs/api.md, desktop events). Strict: an unknown field is refused, so a relay can
 * never push anything (card data included) into our logs or state. Problems name the field,
 * never its value.
 */
import { z } from 'zod';
import type { JsonLimits } from './jsonLimits';
import { safeProblems } from './safeProblems';

export const MAX_BODY_BYTES = 4096;
/** A signal is a flat object; nothing deeper is ever valid, so nothing deeper is walked. */
export const DESKTOP_EVENT_LIMITS: JsonLimits = { maxDepth: 2, maxBytes: MAX_BODY_BYTES };

const token = /^[A-Za-z0-9._:-]{1,128}$/;
/** Hold ids of people (`manual:<who>`, `supervisor:…`, `api:<n>`): a signal's id never looks like one. */
const PERSON_HOLD_PREFIX = /^(manual|supervisor|api):/i;
const PERSON_HOLD_MESSAGE = 'must not start with manual:, supervisor: or api: (those name a person’s hold)';

const desktopEventBody = z.strictObject({
  // Identifiers the relay's software makes, never text anyone types: not screened for card numbers,
  // since a refused signal is a recording left running (an event id like `evt-1715000000123` can
  // look like one).
  eventId: z
    .string()
    .regex(token, 'must be 1–128 of A-Z a-z 0-9 . _ : -')
    .refine((id) => !PERSON_HOLD_PREFIX.test(id), PERSON_HOLD_MESSAGE),
  agent: z.string().min(1).max(256),
  trigger: z.string().regex(token, 'must be 1–128 of A-Z a-z 0-9 . _ : -'),
  occurredAt: z.iso.datetime({ offset: true, message: 'must be an RFC 3339 time, such as 2026-12-01T10:00:00Z' }).optional(),
  callSid: z
    .string()
    .regex(/^CA[0-9a-fA-F]{32}$/, 'must be CA followed by 32 hex digits')
    .optional(),
});

/** The fields a relay may send; nothing else is accepted. */
export const DESKTOP_EVENT_FIELDS = Object.keys(desktopEventBody.shape);

export type DesktopEventBody = z.infer<typeof desktopEventBody>;

export type BodyCheck = { ok: true; body: DesktopEventBody } | { ok: false; problems: string[] };

/**
 * The fields, each checked; problems name the field, never its value. Safe on any object: the
 * schema is flat, so a deep value is one wrong type and is never walked.
 */
export function parseDesktopEventBody(input: Record<string, unknown>): BodyCheck {
  const parsed = desktopEventBody.safeParse(input);
  return parsed.success ? { ok: true, body: parsed.data } : { ok: false, problems: safeProblems(parsed.error.issues) };
}
