/**
 * The CRM relay script (served as `crm-relay.js`): a CRM page shown inside Flex (or opened from it)
 * includes it, and the agent entering or leaving a configured field pauses or resumes the call
 * recording without any desktop agent.
 *
 * It asks the Flex window which of its fields to watch (a `hello`, repeated until answered), then
 * watches focus and blur on them and posts each trigger id to the Flex window — to the configured
 * Flex origin only. It never reads what is typed, holds no credential and sends nothing else; the
 * plugin in Flex accepts it only from origins the configuration lists and signs it with the
 * agent's Flex token.
 */
import { minutesSeconds, RESUME_WARNING_MS } from '../core/holds';
import { FROM_CRM, readFieldsMessage, readStateMessage, type HelloMessage, type StateMessage, type TriggerMessage, type WatchedField } from './protocol';

export const DEFAULT_FLEX_ORIGIN = 'https://flex.twilio.com';
/** Dispatched on the CRM page's document when Flex says which fields to watch: `detail.selectors`. */
export const FIELDS_EVENT = 'recording-controls-crm:fields';
/** Asks again after 0.5, 1, 2, 4, 8, 15 s, then every 30 s, until Flex answers. */
const HELLO_AFTER_MS = [500, 1000, 2000, 4000, 8000, 15000, 30000];

export interface CrmRelayOptions {
  /** The Flex window: the parent of the CRM's frame, or the window that opened it. */
  flex: Window;
  /** Where Flex runs, e.g. `https://flex.twilio.com`; messages go to these origins only. */
  flexOrigins: string[];
  /** The CRM page's window. */
  page: Window;
}

/** The chip beside the field: `data-recording-controls-chip` carries the state, for the CRM's own styles and tests. */
export const CHIP_ATTRIBUTE = 'data-recording-controls-chip';
/** Flex has not answered this long: the page says its card fields pause nothing. */
const UNREACHABLE_AFTER_MS = 10_000;
export const UNREACHABLE_ATTRIBUTE = 'data-recording-controls-unreachable';
const UNREACHABLE_TEXT =
  'Card fields on this page cannot pause the call recording: Flex does not answer. Pause the recording in Flex by hand before taking card details.';
/** "Recording" again stays this long beside the field, then the chip goes. */
const RECORDING_SHOWN_MS = 4000;

const CHIP_COLORS: Record<StateMessage['state'], [string, string]> = {
  pausing: ['#fff4d6', '#6b4e00'],
  resuming: ['#fff4d6', '#6b4e00'],
  paused: ['#fff4d6', '#6b4e00'],
  failed: ['#d61f1f', '#ffffff'],
  recording: ['#d6f5e3', '#0b4d25'],
};

export interface CrmRelay {
  /** The fields watched now (empty until Flex answers). */
  fields(): WatchedField[];
  stop(): void;
}

export function startCrmRelay({ flex, flexOrigins, page }: CrmRelayOptions): CrmRelay {
  let fields: WatchedField[] = [];
  // Once Flex answers, its exact origin is known and the only one posted to.
  let origins = flexOrigins;
  let answered = false;
  let helloTimer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  // A field entered straight from another watched field whose focus was already sent (see leave).
  let focusAlreadySent: Element | null = null;

  const post = (message: HelloMessage | TriggerMessage) => {
    for (const origin of origins) flex.postMessage(message, origin);
  };

  const hello = () => {
    if (answered) return;
    post({ source: FROM_CRM, type: 'hello' });
    helloTimer = setTimeout(hello, HELLO_AFTER_MS[Math.min(attempt, HELLO_AFTER_MS.length - 1)]);
    attempt += 1;
  };

  /** The fields an element is, by the configured selectors; a selector the browser rejects matches nothing. */
  const matching = (target: EventTarget | null): WatchedField[] => {
    if (!target || typeof (target as Element).matches !== 'function') return [];
    return fields.filter((field) => {
      try {
        return (target as Element).matches(field.selector);
      } catch {
        return false;
      }
    });
  };

  const send = (triggers: Array<string | undefined>) => {
    const occurredAt = new Date().toISOString();
    for (const trigger of new Set(triggers)) if (trigger) post({ source: FROM_CRM, type: 'trigger', trigger, occurredAt });
  };

  /** While the agent stays in a field whose event keeps its pause while focused, its start goes again in time. */
  let renewal: { field: Element; timer: ReturnType<typeof setInterval> } | undefined;
  const stopRenewing = () => {
    if (renewal) clearInterval(renewal.timer);
    renewal = undefined;
  };
  const renewWhileIn = (target: EventTarget | null) => {
    const kept = matching(target).filter((field) => field.renewEveryMs);
    if (kept.length === 0 || renewal?.field === target) return;
    stopRenewing();
    const every = Math.min(...kept.map((field) => field.renewEveryMs as number));
    const field = target as Element;
    renewal = {
      field,
      timer: setInterval(() => {
        if (page.document.activeElement === field) send(kept.map((each) => each.focus));
        else stopRenewing();
      }, every),
    };
  };

  const enter = (event: FocusEvent) => {
    renewWhileIn(event.target);
    if (event.target === focusAlreadySent) {
      focusAlreadySent = null;
      return;
    }
    send(matching(event.target).map((field) => field.focus));
  };

  /** The stop triggers of the fields an element is: a field of the same event shares its event's. */
  const stopsOf = (target: EventTarget | null) => new Set(matching(target).map((field) => field.blur));

  /**
   * Leaving a field sends its event's stop trigger only once focus has left every field of that
   * event: a card number split over four boxes, or an event listing several fields, stays paused
   * while the agent moves from box to box.
   */
  const leave = (event: FocusEvent) => {
    const left = matching(event.target);
    if (left.length === 0) return;
    if (renewal?.field === event.target) stopRenewing();
    // Moving straight to another watched field: its pause starts before this one ends, so the
    // recording does not resume for the instant in between (a repeated start only moves the hold's end).
    const next = matching(event.relatedTarget);
    if (next.length > 0) {
      focusAlreadySent = event.relatedTarget as Element;
      send(next.map((field) => field.focus));
    }
    const staying = stopsOf(event.relatedTarget);
    const stops = left.filter((field) => !staying.has(field.blur)).map((field) => field.blur);
    if (event.relatedTarget) {
      send(stops);
      return;
    }
    // Where focus went is not told (a script moving it, a frame): look once the move is over.
    setTimeout(() => {
      const still = stopsOf(page.document.activeElement);
      send(stops.filter((stop) => !still.has(stop)));
    }, 0);
  };

  let chip: HTMLElement | undefined;
  /** The watched field the chip stands beside: the one the agent is in, else the last one entered. */
  let chipField: Element | null = null;
  let chipTimer: ReturnType<typeof setTimeout> | undefined;

  /** Keeps the chip just below its field, where the agent is looking. */
  const place = () => {
    if (!chip || !chipField) return;
    const box = chipField.getBoundingClientRect();
    chip.style.top = `${Math.round(box.bottom + 2)}px`;
    chip.style.left = `${Math.round(box.left)}px`;
  };

  let countdownTimer: ReturnType<typeof setInterval> | undefined;
  /** "Recording" again is said for a few seconds, then the chip goes. */
  const hideSoon = () => {
    chipTimer = setTimeout(() => chip && (chip.style.display = 'none'), RECORDING_SHOWN_MS);
  };

  /**
   * The chip's words: `shown`, and for a screen reader `spoken` (the same unless a countdown ticks:
   * then what is spoken stays as it was when the warning began, so it is said once).
   */
  const paint = (state: StateMessage['state'] | 'soon' | 'over', shown: string, spoken = shown) => {
    if (!chip) return;
    const [background, color] = CHIP_COLORS[state === 'soon' || state === 'over' ? 'failed' : state];
    chip.setAttribute(CHIP_ATTRIBUTE, state);
    // An alert is spoken at once: a failure, and the last seconds before the recording resumes by itself.
    chip.setAttribute('role', state === 'failed' || state === 'soon' || state === 'over' ? 'alert' : 'status');
    chip.style.background = background;
    chip.style.color = color;
    chip.style.display = '';
    const [said, seen] = [chip.children[0] as HTMLElement, chip.children[1] as HTMLElement];
    if (said.textContent !== spoken) said.textContent = spoken;
    seen.textContent = shown;
  };

  /** A pause that ends by itself: its last seconds counted down beside the field, and its end said plainly. */
  const countDown = ({ resumeAt, soonText, overText }: Required<Pick<StateMessage, 'resumeAt' | 'soonText' | 'overText'>>) => {
    const tick = () => {
      const left = Date.parse(resumeAt) - Date.now();
      if (left <= 0) {
        if (countdownTimer) clearInterval(countdownTimer);
        countdownTimer = undefined;
        paint('over', overText);
        hideSoon();
      } else if (left <= RESUME_WARNING_MS) {
        const shown = soonText.replace('{{time}}', minutesSeconds(Math.ceil(left / 1000)));
        warned ??= shown;
        paint('soon', shown, warned);
      }
    };
    let warned: string | undefined;
    countdownTimer = setInterval(tick, 1000);
    tick();
  };

  /** What the recording does now, beside the field: a failure as an alert, the rest as a status. */
  const showState = (message: StateMessage) => {
    const { state, text } = message;
    const doc = page.document;
    if (!chip) {
      chip = doc.createElement('div');
      chip.style.cssText = 'position:fixed;z-index:2147483647;padding:2px 8px;border-radius:10px;font:600 12px/18px system-ui,sans-serif;pointer-events:none;';
      // What a screen reader is told (unseen), and what is drawn (unspoken): a ticking countdown is not read out each second.
      const said = doc.createElement('span');
      said.style.cssText = 'position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;';
      const seen = doc.createElement('span');
      seen.setAttribute('aria-hidden', 'true');
      chip.append(said, seen);
      doc.body.appendChild(chip);
    }
    const focused = matching(doc.activeElement).length > 0 ? doc.activeElement : null;
    chipField = focused ?? chipField;
    if (chipTimer) clearTimeout(chipTimer);
    if (countdownTimer) clearInterval(countdownTimer);
    countdownTimer = undefined;
    paint(state, text);
    place();
    if (state === 'recording') hideSoon();
    const { resumeAt, soonText, overText } = message;
    if (state === 'paused' && resumeAt && soonText && overText) countDown({ resumeAt, soonText, overText });
  };

  // Flex has not answered for a while: a wrong or missing data-flex-origin, or a page outside Flex.
  // The agent must know the card fields here pause nothing (Flex's strings are not known yet: English).
  let unreachable: HTMLElement | undefined;
  const unreachableTimer = setTimeout(() => {
    if (answered) return;
    unreachable = page.document.createElement('div');
    unreachable.setAttribute(UNREACHABLE_ATTRIBUTE, '');
    unreachable.setAttribute('role', 'alert');
    unreachable.style.cssText =
      'position:fixed;z-index:2147483647;top:8px;right:8px;max-width:320px;padding:6px 10px;border-radius:6px;background:#d61f1f;color:#fff;font:600 12px/16px system-ui,sans-serif;';
    unreachable.textContent = UNREACHABLE_TEXT;
    page.document.body.appendChild(unreachable);
    console.warn(
      `[recording-controls] crm-relay.js: no answer from Flex at ${flexOrigins.join(' ')} (data-flex-origin); card fields on this page do not pause the recording`,
    );
  }, UNREACHABLE_AFTER_MS);

  const receive = (event: MessageEvent) => {
    if (event.source !== flex || !flexOrigins.includes(event.origin)) return;
    const state = readStateMessage(event.data);
    if (state) {
      showState(state);
      return;
    }
    const message = readFieldsMessage(event.data);
    if (!message) return;
    fields = message.fields;
    origins = [event.origin];
    answered = true;
    if (helloTimer) clearTimeout(helloTimer);
    unreachable?.remove();
    unreachable = undefined;
    // For the CRM's own developers (and the demo): which fields are watched now.
    page.document.dispatchEvent(new CustomEvent(FIELDS_EVENT, { detail: { selectors: fields.map((field) => field.selector) } }));
  };

  page.addEventListener('message', receive);
  page.document.addEventListener('focusin', enter, true);
  page.document.addEventListener('focusout', leave, true);
  page.addEventListener('scroll', place, true);
  page.addEventListener('resize', place);
  hello();

  return {
    fields: () => fields,
    stop() {
      answered = true;
      if (helloTimer) clearTimeout(helloTimer);
      page.removeEventListener('message', receive);
      page.document.removeEventListener('focusin', enter, true);
      page.document.removeEventListener('focusout', leave, true);
      page.removeEventListener('scroll', place, true);
      page.removeEventListener('resize', place);
      if (chipTimer) clearTimeout(chipTimer);
      if (countdownTimer) clearInterval(countdownTimer);
      stopRenewing();
      clearTimeout(unreachableTimer);
      unreachable?.remove();
      chip?.remove();
    },
  };
}

/** `data-flex-origin="https://flex.twilio.com https://flex.example.com"` on the script tag. */
export const flexOriginsOf = (attribute: string | null | undefined): string[] => {
  const listed = (attribute ?? '').split(/[\s,]+/).filter((origin) => /^https?:\/\/[^/]+$/.test(origin));
  return listed.length > 0 ? listed : [DEFAULT_FLEX_ORIGIN];
};
