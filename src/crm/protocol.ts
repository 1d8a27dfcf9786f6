/**
 * The messages between a CRM page's relay script (crm-relay.js) and the plugin in the Flex window,
 * sent with `postMessage` to one named origin each way. Only field selectors go to the CRM page,
 * and only trigger ids come back: never what was typed, never a credential.
 */
import { isObject } from '../core/isObject';

/** One CRM field that fires desktop triggers (from the configuration, docs/desktop-events.md). */
export interface CrmFieldTrigger {
  origin: string;
  selector: string;
  /** The desktop item event the field belongs to. */
  event: string;
  focusTrigger: string;
  blurTrigger?: string;
  /** While the agent stays in the field, its start is sent again this often (the event keeps its pause while focused). */
  renewEveryMs?: number;
}

/** What the CRM page is told to watch: its own origin's fields, nothing else. */
export interface WatchedField {
  selector: string;
  focus: string;
  blur?: string;
  renewEveryMs?: number;
}

export const FROM_CRM = 'recording-controls-crm';
export const FROM_FLEX = 'recording-controls';

/** CRM → Flex: "which fields do I watch?", sent until answered. */
export interface HelloMessage {
  source: typeof FROM_CRM;
  type: 'hello';
}

/** CRM → Flex: the agent entered or left a watched field. */
export interface TriggerMessage {
  source: typeof FROM_CRM;
  type: 'trigger';
  trigger: string;
  occurredAt?: string;
}

/** Flex → CRM: the fields to watch (sent again when the configuration changes). */
export interface FieldsMessage {
  source: typeof FROM_FLEX;
  type: 'fields';
  fields: WatchedField[];
}

/** What the recording is doing, for the chip crm-relay.js draws beside the field the agent is in. */
export const CHIP_STATES = ['pausing', 'paused', 'failed', 'resuming', 'recording'] as const;
export type ChipState = (typeof CHIP_STATES)[number];

/** Flex → CRM: the recording's state after a trigger of this page, in the agent's language. */
export interface StateMessage {
  source: typeof FROM_FLEX;
  type: 'state';
  state: ChipState;
  text: string;
  /** A pause that ends by itself: when, and what the chip says in its last seconds and once it is over. */
  resumeAt?: string;
  /** "Recording resumes in {{time}}". */
  soonText?: string;
  /** "Recording again". */
  overText?: string;
}

const TRIGGER = /^[A-Za-z0-9._:-]{1,128}$/;

/** A message from a CRM page, or null for anything else posted to the Flex window. */
export function readCrmMessage(data: unknown): HelloMessage | TriggerMessage | null {
  if (!isObject(data) || data.source !== FROM_CRM) return null;
  if (data.type === 'hello') return { source: FROM_CRM, type: 'hello' };
  if (data.type === 'trigger' && typeof data.trigger === 'string' && TRIGGER.test(data.trigger)) {
    const occurredAt = typeof data.occurredAt === 'string' && !Number.isNaN(Date.parse(data.occurredAt)) ? new Date(data.occurredAt).toISOString() : undefined;
    return { source: FROM_CRM, type: 'trigger', trigger: data.trigger, ...(occurredAt && { occurredAt }) };
  }
  return null;
}

/** The fields message from Flex, or null. */
export function readFieldsMessage(data: unknown): FieldsMessage | null {
  if (!isObject(data) || data.source !== FROM_FLEX || data.type !== 'fields' || !Array.isArray(data.fields)) return null;
  const fields = data.fields.filter(
    (field): field is WatchedField =>
      isObject(field) &&
      typeof field.selector === 'string' &&
      typeof field.focus === 'string' &&
      TRIGGER.test(field.focus) &&
      (field.blur === undefined || (typeof field.blur === 'string' && TRIGGER.test(field.blur))),
  );
  const renews = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 500;
  return {
    source: FROM_FLEX,
    type: 'fields',
    fields: fields.map(({ selector, focus, blur, renewEveryMs }) => ({
      selector,
      focus,
      ...(blur && { blur }),
      ...(renews(renewEveryMs) && { renewEveryMs }),
    })),
  };
}

/** The fields of one origin, as its page watches them. */
export const fieldsFor = (all: CrmFieldTrigger[], origin: string): WatchedField[] =>
  all
    .filter((field) => field.origin === origin)
    .map((field) => ({
      selector: field.selector,
      focus: field.focusTrigger,
      ...(field.blurTrigger && { blur: field.blurTrigger }),
      ...(field.renewEveryMs && { renewEveryMs: field.renewEveryMs }),
    }));

/** The state message from Flex, or null. */
export function readStateMessage(data: unknown): StateMessage | null {
  if (!isObject(data) || data.source !== FROM_FLEX || data.type !== 'state') return null;
  const state = CHIP_STATES.find((known) => known === data.state);
  if (!state || typeof data.text !== 'string') return null;
  const words = (value: unknown) => (typeof value === 'string' ? value.slice(0, 200) : undefined);
  const resumeAt = typeof data.resumeAt === 'string' && !Number.isNaN(Date.parse(data.resumeAt)) ? new Date(data.resumeAt).toISOString() : undefined;
  const soonText = words(data.soonText);
  const overText = words(data.overText);
  return { source: FROM_FLEX, type: 'state', state, text: data.text.slice(0, 200), ...(resumeAt && soonText && overText && { resumeAt, soonText, overText }) };
}
