/**
 * The words the plugin and the functions both use on the wire (docs/api.md): the verbs of the
 * Recording Controls API, and what a call's recordings are doing as a whole.
 */

/** The verbs that act on a call (`POST /recording-controls/<verb>` with its callSid or taskSid). */
export const CALL_VERBS = ['pause', 'resume', 'status', 'start', 'stop', 'tags', 'timeline'] as const;
export type CallVerb = (typeof CALL_VERBS)[number];
/** Every verb: those on a call, and the compliance report. */
export const VERBS = [...CALL_VERBS, 'report'] as const;
export type Verb = (typeof VERBS)[number];

/** A call's recordings together: all paused, recording, or none at all. */
export type RecordingSummary = 'paused' | 'in-progress' | 'absent';
