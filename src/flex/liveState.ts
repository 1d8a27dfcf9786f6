/**
 * Live recording state of the calls on screen, always the server's: the browser only keeps the
 * last state it was told. A watched call is **followed** through its Sync document
 * `rc-call-<CallSid>`, which the functions rewrite on every change; it is asked for once
 * (`status`) only when the task does not name its call or the document cannot say the state
 * within a few seconds. While the document is followed nothing is sent on a timer; the one
 * exception is the moment an open hold is due (`resumeAt`): then one `status` request closes it,
 * unless the document already shows it closed (the server's sweep got there first).
 *
 * When the document cannot be followed (no Sync client, no permission, not made yet, removed,
 * connection lost), the call is polled instead — every 15 s or more, growing and jittered — and
 * the document is tried again until it opens; then polling stops.
 */
import { ApiError, type RecordingControlsApi } from './api';
import { callDocumentName, statusFromDocument } from './syncData';
import { backoffDelay, SyncFollower } from './syncFollower';
import type { CallRef, CallStatus, SyncClientLike, SyncDocumentLike, CallVerb } from './types';
import { resumesAt } from '../core/holds';

export interface CallEntry {
  /** The last state the server confirmed. */
  status?: CallStatus;
  /** The last `status` request failed (cleared by the next success). */
  error?: ApiError;
  /** A request from an action is in flight. */
  pending?: CallVerb;
}

export interface WatchOptions {
  /** Tell the user when the recording changes on its own (desktop events, expiry, supervisors). */
  notify?: boolean;
}

export interface LiveCallsOptions {
  api: RecordingControlsApi;
  /** Polling interval while a call cannot be followed through Sync; raised to at least 15 s. */
  fallbackPollMs: number;
  sync?: () => SyncClientLike | undefined;
  onTransition?: (ref: CallRef, previous: CallStatus, next: CallStatus) => void;
  now?: () => number;
  random?: () => number;
}

/** Polling is the fallback, never the way: not more often than this. */
export const MIN_FALLBACK_POLL_MS = 15_000;

interface Watch {
  ref: CallRef;
  count: number;
  notifyCount: number;
  stopped: boolean;
  callSid?: string;
  follower?: SyncFollower<SyncDocumentLike>;
  following: boolean;
  pollTimer?: ReturnType<typeof setTimeout>;
  pollAttempt: number;
  expiryTimer?: ReturnType<typeof setTimeout>;
  /** The moments of resuming by itself already asked about: one request each, at most. */
  askedExpiries: Set<string>;
  /** The first `status` went out (or the document made it needless). */
  asked: boolean;
  /** Waiting for a new document to say the state before asking. */
  graceTimer?: ReturnType<typeof setTimeout>;
}

/**
 * A hold is open but Twilio confirmed the recording running: the pause failed (the server flags
 * the call out of sync and retries). Card details must not be taken meanwhile.
 */
export const pauseNotConfirmed = (status: CallStatus): boolean => status.holds.length > 0 && status.recording === 'in-progress';

/** Entries are keyed by task when known (the UI is task-centred), else by call. */
export const keyOf = (ref: CallRef): string => ref.taskSid ?? ref.callSid ?? '';

/** How long a document that cannot say the state yet is given to say it before `status` is asked. */
export const FIRST_STATE_GRACE_MS = 3_000;

/** Small margin so the server's clock has certainly passed `resumeAt` when we ask. */
export const EXPIRY_MARGIN_MS = 100;

export class WatchedCalls {
  private readonly entries = new Map<string, CallEntry & { seq: number }>();
  private readonly watches = new Map<string, Watch>();
  private readonly listeners = new Set<() => void>();
  private seq = 0;
  private readonly fallbackPollMs: number;

  constructor(private readonly options: LiveCallsOptions) {
    this.fallbackPollMs = Math.max(MIN_FALLBACK_POLL_MS, options.fallbackPollMs);
  }

  get(ref: CallRef): CallEntry | undefined {
    return this.entries.get(keyOf(ref));
  }

  /** Whether the call is followed through its Sync document right now (false while polled). */
  isFollowing(ref: CallRef): boolean {
    return this.watches.get(keyOf(ref))?.following === true;
  }

  /** Whether a call on screen is polled although the plugin has a Sync client: Sync cannot be reached. */
  syncUnreachable(): boolean {
    return [...this.watches.values()].some((watch) => !watch.stopped && !watch.following) && !!this.syncClient();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * A sequence number for a request about to be sent. Answers are applied in the order the
   * requests were issued, so a slow answer cannot overwrite what a later one confirmed.
   */
  issue(): number {
    this.seq += 1;
    return this.seq;
  }

  /** Keeps the call's state current until the returned function is called (one watch per call, shared). */
  watch(ref: CallRef, { notify = false }: WatchOptions = {}): () => void {
    const key = keyOf(ref);
    let watch = this.watches.get(key);
    if (!watch) {
      // Coming back on screen: what we remembered may be old; show "unknown" until the server answers.
      const remembered = this.entries.get(key);
      if (remembered && !remembered.pending) {
        remembered.status = undefined;
        remembered.error = undefined;
      }
      watch = { ref, count: 0, notifyCount: 0, stopped: false, following: false, pollAttempt: 0, askedExpiries: new Set(), asked: false };
      this.watches.set(key, watch);
      this.start(watch);
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
      // While the call's document is followed it keeps the state current: one failed request does not make it unknown.
      if (this.isFollowing(ref) && entry.status) return undefined;
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
    // Only `status` answers name the queue's policy; documents and pause answers keep the one known.
    entry.status = status.pausePolicy === undefined && previous?.pausePolicy !== undefined ? { ...status, pausePolicy: previous.pausePolicy } : status;
    entry.error = undefined;

    const watch = this.watches.get(key);
    if (watch && !watch.stopped) {
      this.scheduleExpiry(watch, status);
      if (status.callSid) this.follow(watch, status.callSid);
      // A pause or resume tells the user itself when its answer comes; don't say it twice.
      const actionSays = fromAction || entry.pending === 'pause' || entry.pending === 'resume';
      const changed = previous && (previous.recording !== status.recording || (pauseNotConfirmed(status) && !pauseNotConfirmed(previous)));
      if (!actionSays && changed && watch.notifyCount > 0) this.options.onTransition?.(ref, previous, status);
    }
    this.emit();
  }

  setPending(ref: CallRef, verb: CallVerb | undefined): void {
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

  /**
   * A call coming on screen: its document when the task names the call and it says what Twilio
   * confirmed (the functions write it when the conference starts); else one `status`, then the
   * document, or polling if there is none to follow.
   */
  private start(watch: Watch): void {
    if (watch.ref.callSid && this.syncClient()) {
      this.follow(watch, watch.ref.callSid);
      return;
    }
    this.askFirst(watch);
  }

  /** The `status` a call's state starts from when its document cannot tell it. */
  private askFirst(watch: Watch): void {
    if (watch.asked || watch.stopped) return;
    watch.asked = true;
    void this.refresh(watch.ref).then(() => {
      if (watch.stopped) return;
      const callSid = this.get(watch.ref)?.status?.callSid ?? watch.ref.callSid;
      if (callSid) this.follow(watch, callSid);
      if (!watch.following) this.schedulePoll(watch);
    });
  }

  /** Follows `rc-call-<callSid>`; a different call (the task's call changed) replaces the old subscription. */
  private follow(watch: Watch, callSid: string): void {
    if (watch.callSid === callSid && watch.follower) return;
    const client = this.syncClient();
    if (!client) return;
    watch.follower?.close();
    watch.callSid = callSid;
    watch.following = false;
    watch.follower = new SyncFollower<SyncDocumentLike>(
      client,
      {
        open: (sync) => sync.document({ id: callDocumentName(callSid), mode: 'open_existing' }),
        attach: (document, broke) => {
          document.on('updated', (event) => this.applyDocument(watch, callSid, event.data));
          document.on('removed', broke);
          document.on('failure', broke);
          this.applyDocument(watch, callSid, document.data);
        },
        onFollowing: (following) => {
          watch.following = following;
          if (following) {
            this.stopPolling(watch);
          } else if (!this.get(watch.ref)?.status) {
            this.askFirst(watch); // the document did not open: the state comes from the server
          } else {
            this.schedulePoll(watch);
          }
          this.emit();
        },
      },
      this.options.random,
    );
  }

  private applyDocument(watch: Watch, callSid: string, data: unknown): void {
    if (watch.stopped || watch.callSid !== callSid) return;
    const status = statusFromDocument(data, callSid, this.get(watch.ref)?.status);
    if (status) this.apply(watch.ref, status);
    else if (!this.get(watch.ref)?.status && !watch.graceTimer) {
      // No confirmed state in it yet: the functions write it when the conference starts, moments after acceptance.
      watch.graceTimer = setTimeout(() => {
        if (!this.get(watch.ref)?.status) this.askFirst(watch);
      }, FIRST_STATE_GRACE_MS);
    }
  }

  private syncClient(): SyncClientLike | undefined {
    try {
      return this.options.sync?.();
    } catch {
      return undefined;
    }
  }

  /** The fallback: the next poll in 15 s or more (growing while it lasts), unless one is due already. */
  private schedulePoll(watch: Watch): void {
    if (watch.stopped || watch.following || watch.pollTimer) return;
    const delay = backoffDelay(watch.pollAttempt, { baseMs: this.fallbackPollMs, maxMs: 4 * this.fallbackPollMs }, this.options.random);
    watch.pollAttempt += 1;
    watch.pollTimer = setTimeout(async () => {
      watch.pollTimer = undefined;
      if (watch.stopped || watch.following) return;
      // While an action waits for its answer, that answer is the next truth: don't race it.
      if (!this.get(watch.ref)?.pending) await this.refresh(watch.ref);
      this.schedulePoll(watch);
    }, delay);
  }

  private stopPolling(watch: Watch): void {
    if (watch.pollTimer) clearTimeout(watch.pollTimer);
    watch.pollTimer = undefined;
    watch.pollAttempt = 0;
  }

  /**
   * Precise auto-resume: at the moment the recording resumes by itself (every open hold has an
   * expiry, and the last of them has come), one `status` — the server closes what is due. Skipped
   * when the state on hand already shows it done, never twice for the same moment; a hold that runs
   * out while another stays open changes nothing the agent hears, and waits for the next change.
   */
  private scheduleExpiry(watch: Watch, status: CallStatus): void {
    if (watch.expiryTimer) clearTimeout(watch.expiryTimer);
    watch.expiryTimer = undefined;
    const at = resumesAt(status);
    if (at === null || watch.askedExpiries.has(at)) return;
    const now = this.options.now?.() ?? Date.now();
    watch.expiryTimer = setTimeout(
      () => {
        watch.expiryTimer = undefined;
        if (watch.stopped) return;
        const current = this.get(watch.ref)?.status;
        const due = current ? resumesAt(current) : null;
        if (due === null || Date.parse(due) > (this.options.now?.() ?? Date.now()) || watch.askedExpiries.has(due)) return;
        watch.askedExpiries.add(due);
        void this.refresh(watch.ref);
      },
      Math.max(0, Date.parse(at) - now) + EXPIRY_MARGIN_MS,
    );
  }

  private stop(key: string, watch: Watch): void {
    watch.stopped = true;
    this.stopPolling(watch);
    if (watch.graceTimer) clearTimeout(watch.graceTimer);
    if (watch.expiryTimer) clearTimeout(watch.expiryTimer);
    watch.follower?.close();
    this.watches.delete(key);
  }
}
