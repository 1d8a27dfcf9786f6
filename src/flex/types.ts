import type { Hold, PauseInterval } from '../core/holds';
import type { PausePolicy } from '../core/pausePolicy';
import type { CallVerb, RecordingSummary } from '../core/wire';

export type { CallVerb, Hold, PausePolicy, PauseInterval, RecordingSummary };

/** What the server answers to `status` (and to `pause` / `resume`): docs/api.md, *The Recording Controls API*. */
export interface CallStatus {
  callSid: string;
  recording: RecordingSummary;
  holds: Hold[];
  recordings: Array<{ sid: string; kind: 'conference' | 'call'; status: string }>;
  intervals: PauseInterval[];
  /** The pause policy of the call's queue, in `status` answers (docs/desktop-events.md); kept by the plugin across updates. */
  pausePolicy?: PausePolicy;
  /** Since when a signal's pause is on its way and Twilio has not confirmed it yet (the call's document says so). */
  pausing?: string;
}

/** Names a call the way the API accepts it: by task, by call, or both. */
export interface CallRef {
  taskSid?: string;
  callSid?: string;
}

/** The slice of a Flex task the plugin reads (a real `ITask` fits it). */
export interface TaskLike {
  taskSid: string;
  sid?: string;
  status?: string;
  taskStatus?: string;
  taskChannelUniqueName?: string;
  channelType?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a task's attributes are whatever TaskRouter was given; readers check each
  attributes?: Record<string, any>;
  dateCreated?: Date;
  defaultFrom?: string;
  workerSid?: string;
}

/*
 * The slice of twilio-sync (`manager.insightsClient`, Flex's Sync client) the plugin uses, with
 * the shapes twilio-sync 2.x/3.x give: documents and maps opened by unique name, their events
 * and the client's connection state. The demo page implements the same over the stand-in's
 * push channel (src/demo/app/standinSync.ts).
 */

/** twilio-sync's ConnectionState (twilsock's). */
export type SyncConnectionState = 'connecting' | 'connected' | 'disconnecting' | 'disconnected' | 'denied' | 'error' | 'unknown';

/** What twilio-sync rejects with: `status` 404 (code 54100/54200) when the object does not exist, 403 when not allowed. */
export interface SyncErrorLike {
  status?: number;
  code?: number;
  message?: string;
}

export interface SyncDocumentLike {
  readonly data: unknown;
  on(event: 'updated', listener: (event: { data: unknown; isLocal: boolean }) => void): unknown;
  on(event: 'removed', listener: (event: { isLocal: boolean }) => void): unknown;
  /** twilio-sync emits it (undocumented) when the subscription to the document's changes broke. */
  on(event: 'failure', listener: (error: SyncErrorLike) => void): unknown;
  close(): void;
}

export interface SyncMapItemLike {
  readonly key: string;
  readonly data: unknown;
}

export interface SyncPaginatorLike<T> {
  readonly items: T[];
  readonly hasNextPage: boolean;
  nextPage(): Promise<SyncPaginatorLike<T>>;
}

export interface SyncMapLike {
  getItems(query?: { pageSize?: number }): Promise<SyncPaginatorLike<SyncMapItemLike>>;
  on(event: 'itemAdded' | 'itemUpdated', listener: (event: { item: SyncMapItemLike; isLocal: boolean }) => void): unknown;
  on(event: 'itemRemoved', listener: (event: { key: string; isLocal: boolean }) => void): unknown;
  on(event: 'removed', listener: (event: { isLocal: boolean }) => void): unknown;
  on(event: 'failure', listener: (error: SyncErrorLike) => void): unknown;
  close(): void;
}

export interface SyncClientLike {
  document(options: { id: string; mode: 'open_existing' }): Promise<SyncDocumentLike>;
  map(options: { id: string; mode: 'open_existing' }): Promise<SyncMapLike>;
  readonly connectionState?: SyncConnectionState;
  on?(event: 'connectionStateChanged', listener: (state: SyncConnectionState) => void): unknown;
  removeListener?(event: 'connectionStateChanged', listener: (state: SyncConnectionState) => void): unknown;
}

/**
 * The slice of the Flex `Manager` the plugin uses. The real Manager fits it; tests pass a
 * small fake (Manager.getInstance() does not exist under jest).
 */
export interface ManagerLike {
  strings: Record<string, unknown>;
  serviceConfiguration?: { ui_attributes?: Record<string, unknown> } & Record<string, unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Flex's Redux state, as untyped as Flex keeps it; readers check what they read
  store: { getState(): any; subscribe(listener: () => void): () => void };
  user?: { identity?: string; token?: string; roles?: string[] };
  localization?: { localeTag?: string };
  insightsClient?: SyncClientLike;
}
