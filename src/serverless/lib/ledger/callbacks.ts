/**
 * Callbacks Twilio makes to us (deployed as protected functions, so Twilio's signature is
 * checked before they run): a recording we started reports in, and a task ends.
 */
import { evidenceFor, quantileMs, taskFigures } from '../../../core/evidence';
import { closeHolds, Hold, isPaused, PauseInterval } from '../../../core/holds';
import { dayOf } from '../../../core/report';
import { RecordingTimeline, redactionTimeline } from '../../../core/timeline';
import { type CallControl, withFirstRecordings } from './callControl';
import type { HttpResult } from '../http';
import { CallRecord, Committed, INTERVALS_PREFIX, KnownRecording, newCallRecord } from './ledgerStore';
import { parseAttributes } from '../twilio/taskCalls';
import type { LiveIndex } from './liveIndex';
import { CallEndedError, TwilioCall } from '../twilio/recordings';
import type { RecordingBackend } from '../recordingBackend';
import { unlessNotFound } from '../twilio/retry';
import { mergeTaskAttributes, readTask } from '../twilio/taskAttributes';
import type { TwilioClient } from '../twilio/twilioClient';
import type { SyncReadGrants } from '../twilio/syncPermissions';
import type { ReportStore } from '../evidence/reportStore';
import type { DesktopEventsConfigStore } from '../signals/desktopEventsConfig';
import { pausePolicyOf } from '../../../core/pausePolicy';

const CALL_SID = /^CA[0-9a-fA-F]{32}$/;

/** A new recording joins the call's ledger and, if a hold is open, is paused at once. */
export async function recordingStarted(control: CallControl, event: Record<string, unknown>): Promise<HttpResult> {
  const { CallSid, RecordingSid, RecordingStatus, ConferenceSid, RecordingStartTime } = event as Record<string, string | undefined>;
  if (RecordingStatus !== 'in-progress' || !CallSid || !CALL_SID.test(CallSid) || !RecordingSid) return { status: 204, body: '' };
  const stored = await control.load(CallSid);
  if (!stored) return { status: 204, body: '' };
  const recording: KnownRecording = {
    sid: RecordingSid,
    kind: ConferenceSid ? 'conference' : 'call',
    ...(RecordingStartTime && !Number.isNaN(Date.parse(RecordingStartTime)) && { startedAt: new Date(RecordingStartTime).toISOString() }),
  };
  await control.change(stored.record.call, {
    // Started during a hold: it ran until this pause (someone else's recording reports to nobody else).
    tally: { repaired: isPaused(stored.record) ? 1 : 0 },
    change: (record) =>
      record.recordings.some((known) => known.sid === recording.sid) ? record : { ...record, recordings: [...record.recordings, recording] },
  });
  return { status: 204, body: '' };
}

const ENDING_EVENTS = ['task.wrapup', 'task.completed', 'task.canceled'];
/** The report's agent for a task whose ledger never named one. */
const UNKNOWN_AGENT = '(unknown agent)';
/** The report's queue for a task whose event names none. */
const UNKNOWN_QUEUE = '(no queue)';
/**
 * The events the workspace's Event Callback needs (its EventsFilter): every other one would be a
 * Function invocation for nothing. Reservation ends are handled too, if a workspace sends them.
 */
export const TASK_EVENTS = ['reservation.accepted', 'task.updated', ...ENDING_EVENTS];
const RESERVATION_ENDS = [
  'reservation.wrapup',
  'reservation.completed',
  'reservation.canceled',
  'reservation.rescinded',
  'reservation.timeout',
  'reservation.rejected',
];

export interface TaskEventDeps {
  client: TwilioClient;
  recordings: RecordingBackend;
  control: CallControl;
  index: LiveIndex;
  workspaceSid: string;
  now: () => Date;
  /** Lets the agent's plugin read the call's document (syncPermissions.ts). */
  grants?: SyncReadGrants;
  /** Where an ended task's figures go, for the compliance report. */
  reports: ReportStore;
  /** The desktop item events configuration: which queues are under the `never` policy. */
  configs?: DesktopEventsConfigStore;
}

/** The agent a TaskRouter event names: the worker's contact_uri without `client:`, else its name. */
function agentOf(event: Record<string, string | undefined>): string | undefined {
  const contactUri = parseAttributes(event.WorkerAttributes).contact_uri;
  if (typeof contactUri === 'string' && contactUri.startsWith('client:')) return contactUri.slice('client:'.length);
  return event.WorkerName || undefined;
}

/** The task already carries the record of its end (written by an earlier end event). */
const endedRecordOf = (event: Record<string, string | undefined>): boolean =>
  typeof (parseAttributes(event.TaskAttributes).recording_controls as { ended_at?: unknown } | undefined)?.ended_at === 'string';

/** The voice call a TaskRouter event's task is about, if any. */
function callOfEvent(event: Record<string, string | undefined>): (TwilioCall & { taskSid: string }) | undefined {
  const attributes = parseAttributes(event.TaskAttributes);
  const callSid = attributes.call_sid;
  if (!event.TaskSid || typeof callSid !== 'string' || !CALL_SID.test(callSid)) return undefined;
  const conferenceSid = (attributes.conference as { sid?: unknown } | undefined)?.sid;
  return {
    callSid,
    taskSid: event.TaskSid,
    ...(typeof conferenceSid === 'string' && { conferenceSid }),
    ...(event.WorkerSid && { workerSid: event.WorkerSid }),
    ...(event.TaskQueueName && { queue: event.TaskQueueName }),
  };
}

/**
 * The workspace's Event Callback: keeps the live index from what TaskRouter reports, and when a
 * task ends writes its call's pause record into the task.
 */
export async function taskEvent(deps: TaskEventDeps, input: Record<string, unknown>): Promise<HttpResult> {
  const event = input as Record<string, string | undefined>;
  const call = callOfEvent(event);
  if (!call || !event.EventType) return { status: 204, body: '' };
  const agent = agentOf(event);
  if (event.EventType === 'reservation.accepted' && agent) return reservationAccepted(deps, { ...call, agent });
  // Only an assigned task's conference matters; later updates (our own record at the end among them) cost nothing.
  if (event.EventType === 'task.updated')
    return event.TaskAssignmentStatus && event.TaskAssignmentStatus !== 'assigned' ? { status: 204, body: '' } : taskUpdated(deps, call);
  if (RESERVATION_ENDS.includes(event.EventType) && agent) {
    await deps.index.clearAgentCall(agent, call.callSid);
    return { status: 204, body: '' };
  }
  if (ENDING_EVENTS.includes(event.EventType)) {
    // Wrap-up, then completion: the first end already wrote the record, so the second costs nothing.
    if (endedRecordOf(event)) return { status: 204, body: '' };
    return taskEnded(deps, call, event.TaskQueueName || UNKNOWN_QUEUE);
  }
  return { status: 204, body: '' };
}

/** A task as TaskRouter has it now: whether it is still assigned, and when it was made. */
async function taskNow(deps: TaskEventDeps, taskSid: string): Promise<{ assigned: boolean; createdAt: number } | null> {
  const task = await unlessNotFound(() => deps.client.taskrouter.v1.workspaces(deps.workspaceSid).tasks(taskSid).fetch(), null);
  return task && { assigned: task.assignmentStatus === 'assigned', createdAt: task.dateCreated.getTime() };
}

/**
 * Only a newer task may take a call over. TaskRouter redelivers an event it got no 2xx for in time,
 * and may deliver late: an old acceptance (the agent before a transfer) must not hand the call back.
 * Asked of TaskRouter only when the call's ledger names another task (a transfer, or a stale event).
 */
async function takesOver(deps: TaskEventDeps, taskSid: string, ledgerTaskSid: string): Promise<boolean> {
  const [incoming, holding] = await Promise.all([taskNow(deps, taskSid), taskNow(deps, ledgerTaskSid)]);
  if (!incoming?.assigned) return false;
  return !holding?.assigned || incoming.createdAt > holding.createdAt;
}

/**
 * An agent accepted a voice task: the call is live and theirs. When the call was another task's
 * (a transfer), the previous agent's holds close: they are no longer typing on this call. A new
 * call's ledger is made without a read first; the agent's entry, the index copy and the plugin's
 * read permission go out together once it is written.
 */
async function reservationAccepted(deps: TaskEventDeps, call: TwilioCall & { taskSid: string; agent: string }): Promise<HttpResult> {
  let pausedBefore = false;
  let leaving: string | undefined;
  /** The task the ledger names, when TaskRouter must say whether ours is the newer. */
  let otherTask: string | undefined;
  /** A task TaskRouter said ours takes the call over from. */
  let overtakes: string | undefined;
  const accept = (current: CallRecord | null): CallRecord | null => {
    const record = current ?? newCallRecord(call);
    const holder = record.call.taskSid;
    otherTask = holder && holder !== call.taskSid && holder !== overtakes ? holder : undefined;
    if (otherTask) return null;
    pausedBefore = isPaused(record);
    const previousAgent = holder && holder !== call.taskSid ? record.call.agent : undefined;
    leaving = previousAgent !== call.agent ? previousAgent : undefined;
    const moved = previousAgent && previousAgent !== call.agent ? closeHolds(record, (hold) => hold.by === previousAgent, deps.now()) : record;
    if (current && moved === record && holder === call.taskSid && record.call.agent === call.agent) return null;
    // A conference already found (late, by task.updated or a lookup) stays: a transfer keeps it too.
    return { ...record, ...moved, call: { ...record.call, ...call } };
  };
  // The previous agent's next signal must not reach this call any more.
  const announce = (committed: Committed | null) =>
    otherTask
      ? Promise.resolve()
      : Promise.all([
          deps.index.setAgentCall({ ...call, conferenceSid: committed?.record.call.conferenceSid ?? call.conferenceSid }),
          leaving ? deps.index.clearAgentCall(leaving, call.callSid) : undefined,
          deps.grants?.callDocument(call.callSid, call.agent).catch(() => false), // else the plugin polls until a status grants it
        ]);
  let committed = await deps.control.commit(call.callSid, accept, deps.control.recalled(call.callSid) ?? null, announce);
  if (otherTask) {
    if (!(await takesOver(deps, call.taskSid, otherTask))) return { status: 204, body: '' };
    overtakes = otherTask;
    committed = await deps.control.commit(call.callSid, accept, undefined, announce);
    // Yet another task took the call while TaskRouter was asked: it is the newer one.
    if (otherTask) return { status: 204, body: '' };
  }
  if (committed?.changed && pausedBefore !== isPaused(committed.record)) {
    await deps.control.settle(call, committed).catch(() => undefined); // flagged for the sweep on failure
  }
  return { status: 204, body: '' };
}

/**
 * Flex names the call's conference in the task once the conference has started, after the
 * acceptance: the ledger and the agent's index entry learn it, and if a hold is already open the
 * conference's recording (Flex's own "Call Recording") is paused now. The recordings running then
 * are written down too, so the plugin can show the call from its document without asking `status`.
 */
async function taskUpdated(deps: TaskEventDeps, call: TwilioCall & { taskSid: string }): Promise<HttpResult> {
  const { conferenceSid } = call;
  if (!conferenceSid) return { status: 204, body: '' };
  const recalled = deps.control.recalled(call.callSid);
  const agentEntryOf = (agent: string | undefined) => (agent ? deps.index.agentCall(agent) : Promise.resolve(null));
  let agentEntry = recalled && agentEntryOf(recalled.record.call.agent);
  agentEntry?.catch(() => undefined); // awaited below
  const [base, recordings] = await Promise.all([
    recalled ?? deps.control.load(call.callSid),
    deps.recordings.list({ callSid: call.callSid, conferenceSid }).catch(() => []),
    deps.index.prefetch(call.callSid), // so the index copy goes out with the ledger write
  ]);
  agentEntry ??= agentEntryOf(base?.record.call.agent);
  const named = (current: CallRecord | null): CallRecord | null => {
    if (!current || current.call.taskSid !== call.taskSid) return null;
    const noted = withFirstRecordings(current, recordings, { noneMeansAbsent: false });
    return current.call.conferenceSid !== conferenceSid || noted !== current ? { ...noted, call: { ...noted.call, conferenceSid } } : null;
  };
  // The ledger may have learnt it from a signal's lookup already; the agent's entry still needs it.
  const tellAgentEntry = async () => {
    const indexed = await agentEntry;
    if (indexed?.callSid === call.callSid && indexed.conferenceSid !== conferenceSid) await deps.index.setAgentCall({ ...indexed, conferenceSid });
  };
  // The agent's entry is rewritten only if it still names this call: it need not wait for the ledger.
  const [committed] = await Promise.all([deps.control.commit(call.callSid, named, base), tellAgentEntry()]);
  if (!committed || committed.record.call.taskSid !== call.taskSid) return { status: 204, body: '' };
  if (committed.changed && isPaused(committed.record)) await deps.control.settle(committed.record.call, committed).catch(() => undefined); // flagged for the sweep on failure
  return { status: 204, body: '' };
}

/**
 * When the task ends, its call's holds and pause intervals (from, to, hold ids, sources, who) and
 * the redaction timeline go into the task's attributes under `recording_controls`, where WFO and
 * Flex Insights ingestion read them. Holds end with the task: all of them when the call is over,
 * only the leaving agent's when the call goes on with another task (a transfer), whatever order
 * TaskRouter's events arrive in.
 */
async function taskEnded(deps: TaskEventDeps, call: TwilioCall & { taskSid: string }, queue: string): Promise<HttpResult> {
  const { control, now } = deps;
  // Everything the end decides from is read at once: the ledger, the call, the agent's entry and the task.
  const recalledAgent = control.recalled(call.callSid)?.record.call.agent;
  const agentRead = recalledAgent ? deps.index.agentDocument(recalledAgent) : undefined;
  const taskRead = readTask(deps.client, deps.workspaceSid, call.taskSid);
  taskRead.catch(() => undefined); // awaited by the merge below, or not needed
  agentRead?.catch(() => undefined);
  const [stored, goesOn] = await Promise.all([control.load(call.callSid), callInProgress(deps.client, call.callSid)]);
  if (!stored) return { status: 204, body: '' };
  let record: CallRecord = stored.record;
  const stillThisTask = record.call.taskSid === undefined || record.call.taskSid === call.taskSid;
  let leftIndex: Promise<void> = Promise.resolve();
  if (stillThisTask) {
    const leaving = record.call.agent;
    const ends = goesOn ? (hold: Hold) => leaving !== undefined && hold.by === leaving : () => true;
    if (record.holds.some(ends)) record = await closeAndApply(control, { ...record.call, ...call }, ends, now);
    const forgotten = leaving ? deps.index.clearAgentCall(leaving, call.callSid, leaving === recalledAgent ? agentRead : undefined) : Promise.resolve();
    leftIndex = goesOn ? forgotten : Promise.all([forgotten, deps.index.removeCall(call.callSid)]).then(() => undefined);
  }
  // The figures first: a failure here leaves the task without its end record, so TaskRouter's
  // redelivery tries both again (the report counts a task once).
  const evidence = evidenceFor(record.evidence, call.taskSid);
  const agent = evidence.agent ?? (record.call.taskSid === call.taskSid ? record.call.agent : undefined) ?? UNKNOWN_AGENT;
  const endedAt = now();
  const rules = await deps.configs?.forSignals();
  const neverPause = rules?.ok === true && pausePolicyOf(rules.config, queue) === 'never';
  await deps.reports.record({ taskSid: call.taskSid, agent, queue, day: dayOf(endedAt) }, taskFigures(evidence, neverPause));
  const intervals = await control.allIntervals(record);
  const timeline = redactionTimeline(
    record.recordings.filter((recording): recording is KnownRecording & { startedAt: string } => typeof recording.startedAt === 'string'),
    intervals,
  );
  const recorded = mergeTaskAttributes(
    deps.client,
    deps.workspaceSid,
    call.taskSid,
    (attributes) => ({
      ...attributes,
      recording_controls: {
        ...((attributes.recording_controls as Record<string, unknown> | undefined) ?? {}),
        call_sid: call.callSid,
        ended_at: endedAt.toISOString(),
        holds: record.holds,
        exposure: {
          count: evidence.exposure.count,
          p50_ms: quantileMs(evidence.exposure, 0.5),
          max_ms: evidence.exposure.count ? evidence.exposure.maxMs : null,
        },
        failed_pauses: evidence.failedPauses,
        ...fittedIntervals(call.callSid, intervals, timeline),
      },
    }),
    taskRead,
  );
  await Promise.all([recorded, leftIndex]);
  return { status: 204, body: '' };
}

async function callInProgress(client: TwilioClient, callSid: string): Promise<boolean> {
  const fetched = await unlessNotFound(() => client.calls(callSid).fetch(), null);
  return fetched?.status === 'in-progress';
}

/** Closes the holds and sets the recordings to match; an ended call only needs its ledger closed. */
async function closeAndApply(control: CallControl, call: TwilioCall, pick: (hold: Hold) => boolean, now: () => Date): Promise<CallRecord> {
  const close = (record: CallRecord) => ({ ...record, ...closeHolds(record, pick, now()) });
  try {
    const result = await control.change(call, { change: close });
    return result.latest ?? close((await control.load(call.callSid))!.record);
  } catch (error) {
    if (!(error instanceof CallEndedError)) throw error;
    const committed = await control.commit(call.callSid, (current) => (current ? close(current) : null));
    if (!committed) throw error;
    return committed.record;
  }
}

/** Task attributes are limited in size: a very long record keeps its newest part and says where the rest is. */
const ATTRIBUTES_BUDGET_BYTES = 10 * 1024;
function fittedIntervals(callSid: string, intervals: PauseInterval[], timeline: RecordingTimeline[]): Record<string, unknown> {
  const full = { intervals, timeline };
  if (Buffer.byteLength(JSON.stringify(full)) <= ATTRIBUTES_BUDGET_BYTES) return full;
  let kept = intervals.length;
  const cut = (list: unknown[]) => list.slice(-kept);
  const part = () => ({ intervals: cut(intervals), timeline: timeline.map((recording) => ({ ...recording, pauses: cut(recording.pauses) })) });
  while (kept > 1 && Buffer.byteLength(JSON.stringify(part())) > ATTRIBUTES_BUDGET_BYTES) kept = Math.floor(kept / 2);
  return { ...part(), interval_count: intervals.length, intervals_in: `${INTERVALS_PREFIX}${callSid}` };
}
