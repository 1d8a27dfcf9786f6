/**
 * Live recording state of the calls on screen, always taken from the server: the browser only
 * caches the last answer. A watched call is polled (`status`), followed through its Sync
 * document when Flex's Sync client can open it, and asked again the moment its earliest hold
 * expires, because the server closes expired holds whenever any verb is called.
 */
import { nextExpiry } from '../core/holds';
import { ApiError, type RecordingControlsApi } from './api';
import type { CallRef, CallStatus, SyncClientLike, SyncDocumentLike, Verb } from './types';

export interface CallEntry {
  /** The last state the server confirmed. */
  status?: CallStatus;
  /** The last `status` request failed (cleared by the next success). */
  error?: ApiError;
  /** A request from an action is in flight. */
  pending?: Verb;
}

export interface WatchOptions {
  /** Tell the user when the recording changes on its own (desktop events, expiry, supervisors). */
  notify?: boolean;
  pollMs?: number;
}

export interface LiveCallsOptions {
  api: RecordingControlsApi;
  pollMs: number;
  sync?: () => SyncClientLike | undefined;
  onTransition?: (ref: CallRef, previous: CallStatus, next: CallStatus) => void;
  now?: () => number;
}

interface Watch {
  ref: CallRef;
  count: number;
  notifyCount: number;
  pollMs: number;
  stopped: boolean;
  pollTimer?: ReturnType<typeof setTimeout>;
  expiryTimer?: ReturnType<typeof setTimeout>;
  doc?: SyncDocumentLike;
  docCallSid?: string;
}

/** Entries are keyed by task when known (the UI is task-centred), else by call. */
export const keyOf = (ref: CallRef): string => ref.taskSid ?? ref.callSid ?? '';

export const syncDocumentName = (callSid: string): string => `rc-call-${callSid}`;

/** Small margin so the server's clock has certainly passed `resumeAt` when we ask. */
const EXPIRY_MARGIN_MS = 100;

export class LiveCalls {
  private readonly entries = new Map<string, CallEntry & { seq: number }>();
  private readonly watches = new Map<string, Watch>();
  private readonly listeners = new Set<() => void>();
  private seq = 0;

  constructor(private readonly options: LiveCallsOptions) {}

  get(ref: CallRef): CallEntry | undefined {
    return this.entries.get(keyOf(ref));
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * A sequence number for a request about to be sent. Answers are applied in the order the
   * requests were issued, so a slow poll cannot overwrite what a later pause confirmed.
   */
  issue(): number {
    this.seq += 1;
    return this.seq;
  }

  /** Keeps the call's state fresh until the returned function is called (reference-counted). */
  watch(ref: CallRef, { notify = false, pollMs = this.options.pollMs }: WatchOptions = {}): () => void {
    const key = keyOf(ref);
    let watch = this.watches.get(key);
    if (watch) {
      watch.pollMs = Math.min(watch.pollMs, pollMs);
    } else {
      // Coming back on screen: what we remembered may be old; show "unknown" until the server answers.
      const remembered = this.entries.get(key);
      if (remembered && !remembered.pending) {
        remembered.status = undefined;
        remembered.error = undefined;
      }
      watch = { ref, count: 0, notifyCount: 0, pollMs, stopped: false };
      this.watches.set(key, watch);
      this.poll(watch);
    }
    watch.count += 1;
    if (notify) watch.notifyCount += 1;

    const current = watch;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      current.count -= 1;
      if (notify) current.notifyCount -= 1;
      if (current.count === 0) this.stop(key, current);
    };
  }

  /** Asks the server now. Failures are recorded on the entry, never thrown. */
  async refresh(ref: CallRef): Promise<CallStatus | undefined> {
    const seq = this.issue();
    try {
      const status = await this.options.api.status(ref);
      this.apply(ref, status, { seq });
      return status;
    } catch (error) {
      const entry = this.entryFor(ref);
      if (seq >= entry.seq) {
        entry.error = error instanceof ApiError ? error : new ApiError(0, 'client_error', String(error));
        this.emit();
      }
      return undefined;
    }
  }

  /** Records a state the server confirmed (a status answer, a pause/resume answer, a Sync update). */
  apply(ref: CallRef, status: CallStatus, { seq = this.issue(), fromAction = false }: { seq?: number; fromAction?: boolean } = {}): void {
    const key = keyOf(ref);
    const entry = this.entryFor(ref);
    if (seq < entry.seq) return;
    const previous = entry.status;
    entry.seq = seq;
    entry.status = status;
    entry.error = undefined;

    const watch = this.watches.get(key);
    if (watch && !watch.stopped) {
      this.scheduleExpiry(watch, status);
      this.follow(watch, status.callSid);
      if (!fromAction && previous && previous.recording !== status.recording && watch.notifyCount > 0) {
        this.options.onTransition?.(ref, previous, status);
      }
    }
    this.emit();
  }

  setPending(ref: CallRef, verb: Verb | undefined): void {
    this.entryFor(ref).pending = verb;
    this.emit();
  }

  private entryFor(ref: CallRef): CallEntry & { seq: number } {
    const key = keyOf(ref);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { seq: 0 };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private emit(): void {
    this.listeners.forEach((listener) => listener());
  }

  private poll(watch: Watch): void {
    const tick = async () => {
      if (watch.stopped) return;
      // While an action waits for its answer, that answer is the next truth: don't race it.
      if (!this.get(watch.ref)?.pending) await this.refresh(watch.ref);
      if (!watch.stopped) watch.pollTimer = setTimeout(tick, watch.pollMs);
    };
    void tick();
  }

  /** Precise auto-resume: ask the server at the earliest `resumeAt`; it closes what expired. */
  private scheduleExpiry(watch: Watch, status: CallStatus): void {
    if (watch.expiryTimer) clearTimeout(watch.expiryTimer);
    watch.expiryTimer = undefined;
    const at = nextExpiry(status);
    if (at === null) return;
    const now = this.options.now?.() ?? Date.now();
    const delay = Math.max(0, Date.parse(at) - now) + EXPIRY_MARGIN_MS;
    watch.expiryTimer = setTimeout(() => {
      watch.expiryTimer = undefined;
      if (!watch.stopped) void this.refresh(watch.ref);
    }, delay);
  }

  /** The faster path: the call's Sync document, when Flex's Sync client may open it. */
  private follow(watch: Watch, callSid: string): void {
    const client = this.syncClient();
    if (!client || !callSid || watch.docCallSid === callSid) return;
    watch.doc?.close();
    watch.doc = undefined;
    watch.docCallSid = callSid;
    client
      .document({ id: syncDocumentName(callSid), mode: 'open_existing' })
      .then((doc) => {
        if (watch.stopped || watch.docCallSid !== callSid) {
          doc.close();
          return;
        }
        watch.doc = doc;
        doc.on('updated', (event) => this.applySync(watch.ref, event.data));
        this.applySync(watch.ref, doc.data);
      })
      .catch(() => {
        // No document yet or no permission: polling still keeps the state right.
        if (watch.docCallSid === callSid) watch.docCallSid = undefined;
      });
  }

  private syncClient(): SyncClientLike | undefined {
    try {
      return this.options.sync?.();
    } catch {
      return undefined;
    }
  }

  /** Sync documents hold `holds` and `intervals` (and maybe `recording`) among other fields. */
  private applySync(ref: CallRef, data: unknown): void {
    const previous = this.get(ref)?.status;
    if (!previous || typeof data !== 'object' || data === null) return;
    const doc = data as { holds?: unknown; intervals?: unknown; recording?: unknown };
    if (!Array.isArray(doc.holds)) return;
    const holds = doc.holds as CallStatus['holds'];
    const recording =
      doc.recording === 'paused' || doc.recording === 'in-progress' || doc.recording === 'absent'
        ? doc.recording
        : previous.recording === 'absent'
          ? 'absent'
          : holds.length > 0
            ? 'paused'
            : 'in-progress';
    this.apply(ref, {
      ...previous,
      recording,
      holds,
      intervals: Array.isArray(doc.intervals) ? (doc.intervals as CallStatus['intervals']) : previous.intervals,
    });
  }

  private stop(key: string, watch: Watch): void {
    watch.stopped = true;
    if (watch.pollTimer) clearTimeout(watch.pollTimer);
    if (watch.expiryTimer) clearTimeout(watch.expiryTimer);
    watch.doc?.close();
    this.watches.delete(key);
  }
}
