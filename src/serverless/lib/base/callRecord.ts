/**
 * A call's ledger as the functions keep it (stores/ledgerStore.ts writes it to Sync): its shape and
 * the few facts every layer reads from it. No Twilio here.
 */
import type { Ledger } from '../../../core/holds';
import type { AutomationProblemCode } from '../../../core/automation';
import type { TaskEvidence } from '../../../core/evidence';
import type { RecordingSummary } from '../../../core/wire';
import type { LiveCall, PlatformRecording, RecordingKind } from './recordingBackend';
import type { SeenSignal } from './replays';

export interface KnownRecording {
  sid: string;
  kind: RecordingKind;
  /** As Twilio last confirmed it. */
  status?: string;
  startedAt?: string;
}

/**
 * One call's ledger, as kept in its Sync document. It holds everything the plugin's indicator,
 * timeline and supervisor row show, so a browser can render from the document alone.
 */
export interface CallRecord extends Ledger {
  v: 2;
  /** Counts writes: orders copies of this record kept elsewhere (the live index). */
  seq: number;
  call: LiveCall;
  /** The call's recordings as Twilio last confirmed them; 'unknown' before the first answer. */
  recording: RecordingSummary | 'unknown';
  recordings: KnownRecording[];
  /** Closed intervals moved to the call's Sync List (`rc-intervals-<CallSid>`): only the newest stay here. */
  archivedIntervals: number;
  /** When the last resume was decided: a pause sent close to it must re-check the outcome. */
  lastResumeAt: string | null;
  /** Twilio did not confirm the last change: the sweep tries again. */
  outOfSync: boolean;
  /** Desktop signals applied to the call, for telling a repeat from a new signal (replays.ts). */
  signals: SeenSignal[];
  /** What happened to the holds of the call's newest tasks, for the compliance report (core/evidence.ts). */
  evidence?: TaskEvidence[];
  /**
   * What an agent's plugin last said keeps card fields from pausing by themselves, and since when
   * (for supervisors); it speaks for the call only while that agent holds it.
   */
  automationOff?: { agent: string; problems: AutomationProblemCode[]; since: string };
  /**
   * The tasks that held the call, oldest first (the newest few): each one's call was checked against
   * TaskRouter's record of the task's creation, so an event about one of them needs no such check again.
   */
  tasks?: string[];
  /** The agent's other calls, live when this one's agent took them: a signal applied here reaches them too. */
  agentsOtherCalls?: LiveCall[];
  /** The tasks whose end was handled: a late or repeated event of an ended task changes nothing. */
  endedTasks?: string[];
  /**
   * A start signal's pause Twilio has not confirmed yet (an outage's retries), since when: the
   * agent's plugin says "Pausing…" instead of a calm "Recording". Any later write takes it away.
   */
  pausing?: string;
  updatedAt: string;
}

/** How many of a call's tasks its ledger names (a call transferred more often keeps its newest). */
const KEPT_TASKS = 8;

/** The task joins (or stays in) the list of the call's tasks, newest last. */
export const withTask = (tasks: string[] | undefined, taskSid: string): string[] =>
  tasks?.includes(taskSid) ? tasks : [...(tasks ?? []), taskSid].slice(-KEPT_TASKS);

/** The ledger names the task as one of the call's (checked when it was written down). */
export const namesTask = (record: CallRecord, taskSid: string): boolean => record.call.taskSid === taskSid || record.tasks?.includes(taskSid) === true;

/** What the ledger knows of the call's conference: its sid once found, and the name to find it by (the call's first task). */
export const conferenceOf = (record: CallRecord): Pick<LiveCall, 'conferenceSid' | 'conferenceName'> => ({
  ...(record.call.conferenceSid && { conferenceSid: record.call.conferenceSid }),
  ...(record.call.conferenceName && { conferenceName: record.call.conferenceName }),
});

/**
 * A call's first ledger. Flex names the conference after the call's first task, and a transfer does
 * not rename it: the ledger keeps that name for finding the conference later.
 */
export const newCallRecord = (call: LiveCall): CallRecord => ({
  v: 2,
  seq: 0,
  call: call.taskSid && !call.conferenceName ? { ...call, conferenceName: call.taskSid } : call,
  ...(call.taskSid && { tasks: [call.taskSid] }),
  holds: [],
  intervals: [],
  recording: 'unknown',
  recordings: [],
  archivedIntervals: 0,
  lastResumeAt: null,
  outOfSync: false,
  signals: [],
  updatedAt: new Date(0).toISOString(),
});

/**
 * What one change did to a call's ledger: `before` → `after` is this change alone; `latest` is the
 * ledger after it settled, `recordings` what the platform confirmed of them.
 */
export interface AppliedChange {
  before: CallRecord;
  after: CallRecord;
  latest: CallRecord;
  recordings: PlatformRecording[];
}
