/**
 * The plugin's half of CRM triggers: a CRM page inside Flex (or opened from it) runs crm-relay.js,
 * which posts the trigger ids of the fields the agent enters and leaves. This accepts them only
 * from origins the configuration lists, and only the triggers of that origin's fields, and sends
 * each as a desktop event authenticated with the agent's Flex token (docs/api.md): the server then
 * acts for this agent only. The answer reaches the agent like any other pause: the indicator, and
 * the blocking notification when a pause failed.
 */
import { resumesAt, type Hold } from '../core/holds';
import { isLiveVoiceTask, refOf, selectedTask } from '../flex/calls';
import { notify } from '../flex/notifications';
import { getRuntime, type Runtime } from '../flex/runtime';
import type { CallRef } from '../flex/types';
import type { StringKey } from '../flex/strings';
import {
  fieldsFor,
  FROM_FLEX,
  readCrmMessage,
  type ChipState,
  type CrmFieldTrigger,
  type FieldsMessage,
  type StateMessage,
  type WatchedField,
} from './protocol';

const CHIP_TEXT: Record<ChipState, StringKey> = {
  pausing: 'RecordingControlsPausing',
  paused: 'RecordingControlsChipPaused',
  failed: 'RecordingControlsChipNotPaused',
  resuming: 'RecordingControlsResuming',
  recording: 'RecordingControlsRecording',
};

/** The field list is read again when a page says hello after this long, and while pages are connected. */
const FIELDS_FRESH_MS = 30_000;
const REQUEST_TIMEOUT_MS = 10_000;

export interface CrmBridge {
  stop(): void;
}

interface SignalAnswer {
  status: number;
  body: { recording?: string; holds?: Hold[]; error?: { code?: string; message?: string } };
}

const eventId = (): string =>
  `crm-${typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`}`;

async function request(url: string, init: RequestInit): Promise<SignalAnswer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    return { status: response.status, body: await response.json().catch(() => ({})) };
  } catch {
    return { status: 0, body: { error: { code: 'network_error', message: controller.signal.aborted ? 'no answer from the server' : 'server unreachable' } } };
  } finally {
    clearTimeout(timer);
  }
}

/** `runtimeOf` is read at each use: the plugin's runtime (its live state, the current token). */
export function startCrmBridge(runtimeOf: () => Runtime = getRuntime, flexWindow: Window = window): CrmBridge {
  const base = () => runtimeOf().config.serverlessBaseUrl;
  let fields: CrmFieldTrigger[] = [];
  let fetchedAt = 0;
  let loading: Promise<void> | undefined;
  /** The CRM pages that said hello, and what each was told to watch. */
  const pages = new Map<MessageEventSource, { origin: string; told: string }>();
  let queue: Promise<void> = Promise.resolve();

  const load = (): Promise<void> => {
    // The token in a form body, as Flex's own requests carry it: a browser may not send a Token header.
    loading ??= request(`${base()}/desktop-events/crm-fields`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Token: runtimeOf().token() ?? '' }).toString(),
    })
      .then(({ status, body }) => {
        const listed = (body as { fields?: unknown }).fields;
        const read = status === 200 && Array.isArray(listed);
        // Until they are read, no CRM page's field pauses anything: the agent is told.
        runtimeOf().health.report('RecordingControlsOffCrmFields', !read);
        if (read) {
          fields = listed as CrmFieldTrigger[];
          fetchedAt = Date.now();
        } else {
          console.warn(`[recording-controls] the CRM fields could not be read (${status} ${body.error?.code ?? ''}); CRM pages are not relayed`);
        }
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };
  const fresh = () => (Date.now() - fetchedAt < FIELDS_FRESH_MS ? Promise.resolve() : load());

  const tell = (page: MessageEventSource, origin: string, watched: WatchedField[]) => {
    const message: FieldsMessage = { source: FROM_FLEX, type: 'fields', fields: watched };
    (page as Window).postMessage(message, origin);
    pages.set(page, { origin, told: JSON.stringify(watched) });
  };

  /**
   * Connected pages learn of a changed configuration without reloading. No timer: the fields are
   * read again when a CRM page speaks and the copy is over 30 s old, so cost follows the agent.
   */
  const refreshPages = async () => {
    await fresh();
    pages.forEach(({ origin, told }, page) => {
      const watched = fieldsFor(fields, origin);
      if (JSON.stringify(watched) !== told) tell(page, origin, watched);
    });
  };

  /** The page the trigger came from learns what the recording does, for the chip beside its field. */
  const tellState = (page: MessageEventSource, origin: string, state: ChipState, holds?: Hold[]) => {
    const t = runtimeOf().t;
    // A pause that ends by itself: the chip counts its last seconds down and says when it is over.
    const resumeAt = state === 'paused' && holds ? resumesAt({ holds, intervals: [] }) : null;
    const message: StateMessage = {
      source: FROM_FLEX,
      type: 'state',
      state,
      text: t(CHIP_TEXT[state]),
      ...(resumeAt && { resumeAt, soonText: t('RecordingControlsChipResumesIn', { time: '{{time}}' }), overText: t('RecordingControlsChipRecordingAgain') }),
    };
    (page as Window).postMessage(message, origin);
  };

  /** A trigger as the agent made it: what it will send, and whether it is the newest one yet. */
  interface Move {
    trigger: string;
    occurredAt?: string;
    starts: boolean;
    page: MessageEventSource;
    origin: string;
    /** The call on screen when the agent moved: its pending change is set and cleared on it. */
    ref: CallRef | undefined;
    /** The call was paused already when the agent moved (a start renewed, or card number → CVV). */
    wasPaused: boolean;
    newest(): boolean;
  }
  let moves = 0;

  /**
   * "Pausing…" the moment the agent moves, in Flex and beside the field — even while the move
   * before is still on its way — until Twilio's answer says what happened.
   */
  function announce(move: Omit<Move, 'ref' | 'wasPaused' | 'newest'>): Move {
    const runtime = runtimeOf();
    const task = selectedTask(runtime.manager);
    const ref: CallRef | undefined = isLiveVoiceTask(task) ? refOf(task) : undefined;
    const wasPaused = ref !== undefined && runtime.live.get(ref)?.status?.recording === 'paused';
    if (ref) runtime.live.setPending(ref, move.starts ? 'pause' : 'resume');
    if (!(move.starts && wasPaused)) tellState(move.page, move.origin, move.starts ? 'pausing' : 'resuming');
    const number = ++moves;
    return { ...move, ref, wasPaused, newest: () => number === moves };
  }

  async function signal({ trigger, occurredAt, starts, page, origin, ref, wasPaused, newest }: Move): Promise<void> {
    const runtime = runtimeOf();
    try {
      const body = {
        eventId: eventId(),
        trigger,
        ...(occurredAt && { occurredAt }),
        ...(ref?.callSid && { callSid: ref.callSid }),
        Token: runtime.token() ?? '',
      };
      const answer = await request(`${base()}/desktop-event`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      // Followed through Sync, the change arrives by itself; otherwise ask once, as an action would.
      if (ref && !runtime.live.isFollowing(ref)) void runtime.live.refresh(ref);
      const recording = answer.status === 200 ? answer.body.recording : undefined;
      // A card field entered and the recording not confirmed paused: the agent must not go on, even
      // if a newer move is on its way. With no live call in Flex there is nothing being recorded, so
      // no_active_call is not a failure.
      const noCall = answer.status === 404 && !ref;
      if (starts && !noCall && recording !== 'paused' && recording !== 'absent') {
        notify.pauseFailed(
          answer.body.error?.message ??
            (answer.status === 200 ? 'the server did not confirm the pause' : answer.status ? `HTTP ${answer.status}` : 'server unreachable'),
        );
        tellState(page, origin, 'failed');
        return;
      }
      // A newer move's "Pausing…" stays until its own answer.
      if (!newest()) return;
      // The pending change silenced the live state's own notice: this answer gives it.
      if (recording === 'absent') notify.noRecording();
      else if (recording === 'paused' && starts && !wasPaused) notify.paused(answer.body.holds ?? []);
      else if (recording === 'in-progress') notify.resumed();
      tellState(page, origin, recording === 'paused' ? 'paused' : 'recording', answer.body.holds);
    } finally {
      if (ref && newest()) runtime.live.setPending(ref, undefined);
    }
  }

  const receive = (event: MessageEvent) => {
    const message = readCrmMessage(event.data);
    if (!message || !event.source) return;
    const { origin, source } = event;
    void (async () => {
      await refreshPages();
      const watched = fieldsFor(fields, origin);
      // Not a CRM origin of the configuration: ignored, whatever it says.
      if (watched.length === 0) return;
      if (message.type === 'hello') {
        tell(source, origin, watched);
        return;
      }
      const starts = watched.some((field) => field.focus === message.trigger);
      if (!starts && !watched.some((field) => field.blur === message.trigger)) return;
      const move = announce({ trigger: message.trigger, occurredAt: message.occurredAt, starts, page: source, origin });
      // Signals go out one after another, in the order the agent moved.
      queue = queue.then(() => signal(move)).catch(() => undefined);
    })();
  };

  flexWindow.addEventListener('message', receive);
  return {
    stop() {
      flexWindow.removeEventListener('message', receive);
      pages.clear();
    },
  };
}
