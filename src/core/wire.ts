/**
 * The words the plugin and the functions both use on the wire (docs/api.md): the verbs of the
 * Recording Controls API, what a call's recordings are doing as a whole, and the live-calls
 * index's item supervisors follow.
 */
import type { AutomationProblemCode } from './automation';
import type { Hold } from './holds';

/** The verbs that act on a call (`POST /recording-controls/<verb>` with its callSid or taskSid). */
/** A Twilio call sid. */
export const CALL_SID = /^CA[0-9a-fA-F]{32}$/;
/** A Twilio conference sid. */
export const CONFERENCE_SID = /^CF[0-9a-fA-F]{32}$/;

export const CALL_VERBS = ['pause', 'resume', 'status', 'start', 'stop', 'tags', 'timeline'] as const;
export type CallVerb = (typeof CALL_VERBS)[number];
/** Every verb: those on a call, and the compliance report. */
export const VERBS = [...CALL_VERBS, 'report'] as const;
export type Verb = (typeof VERBS)[number];

/** A call's recordings together: all paused, recording, or none at all. */
export type RecordingSummary = 'paused' | 'in-progress' | 'absent';

/** One live call's item in the live-calls index (`rc-live-calls-<shard>` maps), as the functions write it. */
export interface LiveCallItem {
  callSid: string;
  taskSid?: string;
  conferenceSid?: string;
  agents: string[];
  /** `'unknown'` until Twilio first answered for the call. */
  recording: RecordingSummary | 'unknown';
  holds: Hold[];
  /** The earliest moment an open hold closes by itself. */
  resumeAt: string | null;
  outOfSync: boolean;
  /** The current task's pauses Twilio did not confirm, when there were any (supervisors are alerted). */
  failedPauses?: number;
  /** Of those, the ones no later try has paused: the call may be recording card data. */
  failedPausesNotRecovered?: number;
  /** What the agent's plugin says keeps card fields from pausing by themselves, when anything does. */
  automationOff?: AutomationProblemCode[];
  updatedAt: string;
  /** The ledger write this item copies: an older copy never overwrites a newer one. */
  seq: number;
}
