import type { Hold, PauseInterval } from '../core/holds';

export type { Hold, PauseInterval };

export type RecordingState = 'paused' | 'in-progress' | 'absent';

/** What the server answers to `status` (and to `pause` / `resume`): CONTRACT §3. */
export interface CallStatus {
  callSid: string;
  recording: RecordingState;
  holds: Hold[];
  recordings: Array<{ sid: string; kind: 'conference' | 'call'; status: string }>;
  intervals: PauseInterval[];
}

/** Names a call the way the API accepts it: by task, by call, or both. */
export interface CallRef {
  taskSid?: string;
  callSid?: string;
}

export type Verb = 'pause' | 'resume' | 'status' | 'start' | 'stop' | 'tags' | 'timeline';

/** The slice of a Flex task the plugin reads (a real `ITask` fits it). */
export interface TaskLike {
  taskSid: string;
  sid?: string;
  status?: string;
  taskStatus?: string;
  taskChannelUniqueName?: string;
  channelType?: string;
  attributes?: Record<string, any>;
  dateCreated?: Date;
  defaultFrom?: string;
  workerSid?: string;
}

/** A minimal twilio-sync client: what `manager.insightsClient` offers. */
export interface SyncDocumentLike {
  data: unknown;
  on(event: 'updated', listener: (event: { data: unknown }) => void): unknown;
  close(): void;
}
export interface SyncClientLike {
  document(options: { id: string; mode: 'open_existing' }): Promise<SyncDocumentLike>;
}

/**
 * The slice of the Flex `Manager` the plugin uses. The real Manager fits it; tests pass a
 * small fake (Manager.getInstance() does not exist under jest).
 */
export interface ManagerLike {
  strings: Record<string, any>;
  serviceConfiguration?: { ui_attributes?: Record<string, any> } & Record<string, any>;
  store: { getState(): any; subscribe(listener: () => void): () => void };
  user?: { identity?: string; token?: string; roles?: string[] };
  localization?: { localeTag?: string };
  insightsClient?: SyncClientLike;
}
