/**
 * Callbacks Twilio makes to us (deployed as protected functions, so Twilio's signature is
 * checked before they run): a recording we started reports in, and a task ends.
 */
import { evidenceFor, quantileMs, taskFigures } from '../../../core/evidence';
import { closeHolds, Hold, isPaused, PauseInterval } from '../../../core/holds';
import { dayOf } from '../../../core/report';
import { RecordingTimeline, redactionTimeline } from '../../../core/timeline';
import type { CallControl } from './callControl';
import type { HttpResult } from '../base/http';
import { withFirstRecordings } from '../base/ledgerTransforms';
import { type Committed, type Decided, INTERVALS_PREFIX, type StoredRecord } from '../stores/ledgerStore';
import { CallRecord, conferenceOf, KnownRecording, namesTask, newCallRecord, withTask } from '../base/callRecord';
import { callInProgress, parseAttributes, taskNow } from '../twilio/taskCalls';
import type { LiveIndex } from '../stores/liveIndex';
import { CallEndedError, type LiveCall, type PlatformRecording, type RecordingBackend } from '../base/recordingBackend';
import { httpStatus, type Retries } from '../twilio/retry';
import type { TaskOrigins } from '../twilio/taskOrigins';
import type { AgentCalls } from './agentCalls';
import { mergeTaskAttributes, readTask } from '../twilio/taskAttributes';
import type { TwilioClient } from '../twilio/twilioClient';
import type { SyncReadGrants } from '../twilio/syncPermissions';
import type { ReportStore } from '../stores/reportStore';
import type { DesktopEventsConfigStore } from '../stores/desktopEventsConfig';
import { pausePolicyOf } from '../../../core/pausePolicy';
import { CALL_SID, CONFERENCE_SID } from '../../../core/wire';

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
  const result = await control.change(stored.record.call, {
    // Started during a hold: it ran until this pause (someone else's recording reports to nobody else).
    tally: { repaired: isPaused(stored.record) ? 1 : 0 },
    change: (record) =>
      record.recordings.some((known) => known.sid === recording.sid) ? record : { ...record, recordings: [...record.recordings, recording] },
  });
  // Twilio says the call is over: the change was not made, so the callback fails as any unmade change does.
  if (result.kind === 'ended') throw new CallEndedError();
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
  /** How the container retries Twilio's requests (twilio/retry.ts). */
  retries: Retries;
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
  /** Which call each task was created for, as TaskRouter recorded it. */
  origins: TaskOrigins;
  /** What this container remembers of each agent's calls: an acceptance or an end here keeps it true. */
  calls?: AgentCalls;
}

/** The agent a TaskRouter event names: the worker's contact_uri without `client:`, else its name. */
function agentOf(event: Record<string, string | undefined>): string | undefined {
  const contactUri = parseAttributes(event.WorkerAttributes).contact_uri;
  if (typeof contactUri === 'string' && contactUri.startsWith('client:')) return contactUri.slice('client:'.length);
  return event.WorkerName || undefined;
}

const NO_CONTENT: HttpResult = { status: 204, body: '' };

/**
 * The call and conference the event's task names now — only hints, checked before they count: an
 * agent may rewrite its own task's attributes. It may also grow them to any size; a huge one is not even read.
 */
function claimsOf(event: Record<string, string | undefined>): { callSid?: string; conferenceSid?: string } {
  if (!event.TaskAttributes || event.TaskAttributes.length > 64 * 1024) return {};
  const attributes = parseAttributes(event.TaskAttributes);
  const callSid = attributes.call_sid;
  const conferenceSid = (attributes.conference as { sid?: unknown } | undefined)?.sid;
  return {
    ...(typeof callSid === 'string' && CALL_SID.test(callSid) && { callSid }),
    ...(typeof conferenceSid === 'string' && CONFERENCE_SID.test(conferenceSid) && { conferenceSid }),
  };
}

/**
 * The event's task's call and its ledger. A ledger names only tasks whose call was checked against
 * TaskRouter's record of the task's creation (taskOrigins.ts): when the ledger of the call the task
 * claims names the task, that is the call; otherwise TaskRouter's record says which (read alongside,
 * so an honest task costs no round trip more).
 */
async function ledgerOfTask(
  deps: TaskEventDeps,
  taskSid: string,
  claimed: string | undefined,
  /** Read now, not as this container last had it (what a task's end decides from). */
  fresh = false,
): Promise<{ callSid: string; stored: StoredRecord | null } | undefined> {
  const recalled = claimed ? deps.control.recalled(claimed) : undefined;
  if (claimed && recalled && namesTask(recalled.record, taskSid)) return { callSid: claimed, stored: fresh ? await deps.control.load(claimed) : recalled };
  const origin = deps.origins.of(taskSid);
  origin.catch(() => undefined); // awaited below
  const read = claimed ? await deps.control.load(claimed) : null;
  if (claimed && read && namesTask(read.record, taskSid)) return { callSid: claimed, stored: read };
  const created = await origin;
  if (!created) return undefined;
  return { callSid: created.callSid, stored: created.callSid === claimed ? read : await deps.control.load(created.callSid) };
}

/**
 * The workspace's Event Callback: keeps the live index from what TaskRouter reports, and when a
 * task ends writes its call's pause record into the task. What it decides comes from TaskRouter's
 * own records and the product's ledger, never from the task's attributes (docs/architecture.md,
 * "Who can reach what").
 */
export async function taskEvent(deps: TaskEventDeps, input: Record<string, unknown>): Promise<HttpResult> {
  const event = input as Record<string, string | undefined>;
  const { EventType: type, TaskSid: taskSid } = event;
  if (!type || !taskSid) return NO_CONTENT;
  const agent = agentOf(event);
  const claimed = claimsOf(event);
  const context = { taskSid, ...(event.WorkerSid && { workerSid: event.WorkerSid }), ...(event.TaskQueueName && { queue: event.TaskQueueName }) };
  if (type === 'reservation.accepted') return agent ? reservationAccepted(deps, { ...context, agent }) : NO_CONTENT;
  // Only an assigned task's conference matters; later updates (our own record at the end among them) cost nothing.
  if (type === 'task.updated')
    return event.TaskAssignmentStatus && event.TaskAssignmentStatus !== 'assigned'
      ? NO_CONTENT
      : taskUpdated(deps, taskSid, claimed.callSid, claimed.conferenceSid);
  if (RESERVATION_ENDS.includes(type) && agent) {
    const found = await ledgerOfTask(deps, taskSid, claimed.callSid);
    if (found) {
      deps.calls?.forgetHere(agent, found.callSid);
      await deps.index.clearAgentCall(agent, found.callSid);
    }
    return NO_CONTENT;
  }
  if (ENDING_EVENTS.includes(type)) return taskEnded(deps, taskSid, claimed.callSid, event.TaskQueueName || UNKNOWN_QUEUE);
  return NO_CONTENT;
}

/**
 * Only a newer task may take a call over. TaskRouter redelivers an event it got no 2xx for in time,
 * and may deliver late: an old acceptance (the agent before a transfer) must not hand the call back.
 * Asked of TaskRouter only when the call's ledger names another task (a transfer, or a stale event).
 */
async function takesOver(deps: TaskEventDeps, incoming: { createdAt: number }, ledgerTaskSid: string): Promise<boolean> {
  const holding = await taskNow(deps.client, deps.retries, deps.workspaceSid, ledgerTaskSid);
  return !holding?.assigned || incoming.createdAt > holding.createdAt;
}

/**
 * An agent accepted a voice task: the call is live and theirs. The call is the one TaskRouter
 * recorded the task was created for, and the acceptance counts only while TaskRouter has the task
 * assigned (a late or repeated acceptance of an ended task changes nothing). When the call was
 * another task's (a transfer), the previous agent's holds close: they are no longer typing on this
 * call. A new call's ledger is made without a read first; the agent's entry, the index copy and the
 * plugin's read permission go out together once it is written.
 */
async function reservationAccepted(deps: TaskEventDeps, accepted: { taskSid: string; agent: string; workerSid?: string; queue?: string }): Promise<HttpResult> {
  const [origin, task] = await Promise.all([deps.origins.of(accepted.taskSid), taskNow(deps.client, deps.retries, deps.workspaceSid, accepted.taskSid)]);
  if (!origin || !task?.assigned) return NO_CONTENT;
  const call: LiveCall & { taskSid: string; agent: string } = { callSid: origin.callSid, ...accepted };
  // Read alongside the ledger's write: the agent's other live calls stay in the entry.
  const agentRead = deps.index.agentDocument(call.agent);
  agentRead.catch(() => undefined); // awaited by the announcement, or not needed
  // The previous agent's next signal must not reach this call any more.
  const announce = (committed: Committed | null, { otherTask, leaving }: Acceptance) =>
    otherTask || !committed || committed.record.call.taskSid !== call.taskSid
      ? Promise.resolve()
      : Promise.all([
          remembered(deps, call, committed.record, leaving),
          deps.index.addAgentCall({ ...call, ...conferenceOf(committed.record) }, agentRead),
          tellOtherCalls(deps, call, agentRead),
          leaving ? deps.index.clearAgentCall(leaving, call.callSid) : undefined,
          deps.grants?.callDocument(call.callSid, call.agent).catch(() => false), // else the plugin polls until a status grants it
        ]);
  const first = await deps.control.commitDecided(call.callSid, acceptance(call, deps.now), deps.control.recalled(call.callSid) ?? null, announce);
  const other = first.decision.otherTask;
  if (other && !(await takesOver(deps, task, other))) return NO_CONTENT;
  const landed = other ? await deps.control.commitDecided(call.callSid, acceptance(call, deps.now, other), undefined, announce) : first;
  // Yet another task took the call while TaskRouter was asked: it is the newer one.
  if (landed.decision.otherTask) return NO_CONTENT;
  const { committed, decision } = landed;
  if (committed?.changed && decision.pausedBefore !== isPaused(committed.record)) {
    await deps.control.settle(call, committed).catch(() => undefined); // flagged for the sweep on failure
  }
  return NO_CONTENT;
}

/** What an acceptance found in the call's ledger. */
interface Acceptance {
  /** The task the ledger names, when TaskRouter must say whether ours is the newer. */
  otherTask?: string;
  /** The agent the call leaves (a transfer to another agent). */
  leaving?: string;
  /** A hold was open before the acceptance: if it closed, the recordings follow. */
  pausedBefore: boolean;
}

/**
 * The acceptance written into the call's ledger: the call is the task's, the previous agent's holds
 * closed. Nothing is written while the ledger names another task, unless TaskRouter said ours takes
 * the call over from it (`overtakes`); nor for a task whose end was handled.
 */
const acceptance =
  (call: LiveCall & { taskSid: string; agent: string }, now: () => Date, overtakes?: string) =>
  (current: CallRecord | null): Decided<Acceptance> => {
    const record = current ?? newCallRecord(call);
    if (record.endedTasks?.includes(call.taskSid)) return { next: null, decision: { pausedBefore: false } };
    const holder = record.call.taskSid;
    const otherTask = holder && holder !== call.taskSid && holder !== overtakes ? holder : undefined;
    if (otherTask) return { next: null, decision: { otherTask, pausedBefore: false } };
    const previousAgent = holder && holder !== call.taskSid ? record.call.agent : undefined;
    const decision: Acceptance = { pausedBefore: isPaused(record), leaving: previousAgent !== call.agent ? previousAgent : undefined };
    const moved = previousAgent && previousAgent !== call.agent ? closeHolds(record, (hold) => hold.by === previousAgent, now()) : record;
    if (current && moved === record && holder === call.taskSid && record.call.agent === call.agent) return { next: null, decision };
    // The conference (found late, by its name) stays, and so does its name: a transfer keeps both.
    return {
      next: {
        ...record,
        ...moved,
        call: { ...record.call, ...call },
        tasks: withTask(record.tasks, call.taskSid),
        // The previous agent's other calls are not the new agent's.
        ...(decision.leaving && { agentsOtherCalls: undefined }),
      },
      decision,
    };
  };

/**
 * An agent who takes a second call while another is live may type card details on either: the
 * other call's ledger learns of this one, so a signal that a container applies to the other call
 * (the one it remembers for the agent) reaches this one too.
 */
/** This container remembers the acceptance: the agent's next signal here pauses the call at once (its ledger read alongside confirms it). */
function remembered(deps: TaskEventDeps, call: LiveCall & { agent: string }, record: CallRecord, leaving: string | undefined): void {
  if (leaving) deps.calls?.forgetHere(leaving, call.callSid);
  const { agent: _agent, ...known } = { ...call, ...conferenceOf(record) };
  deps.calls?.accepted(call.agent, known);
}

async function tellOtherCalls(
  deps: TaskEventDeps,
  call: LiveCall & { agent: string },
  agentRead: Promise<{ data: { callSid?: string; others?: LiveCall[] } } | null>,
): Promise<void> {
  const entry = (await agentRead.catch(() => null))?.data;
  const previous = [...(entry?.callSid ? [entry.callSid] : []), ...(entry?.others ?? []).map((other) => other.callSid)].filter((sid) => sid !== call.callSid);
  const { agent: _agent, ...sibling } = call;
  await Promise.all(
    previous.map(
      (callSid) =>
        deps.control
          .note(callSid, (current) =>
            current && current.call.agent === call.agent && !current.agentsOtherCalls?.some((other) => other.callSid === call.callSid)
              ? { ...current, agentsOtherCalls: [sibling, ...(current.agentsOtherCalls ?? [])].slice(0, 3) }
              : null,
          )
          .catch(() => undefined), // the agent's entry names both calls all the same
    ),
  );
}

/**
 * Flex names the call's conference in the task once the conference has started, after the
 * acceptance. The attribute itself is the agent's to rewrite, so it is only the cue: the conference
 * is the one Twilio finds by the name Flex gave it (the call's first task). The ledger and the agent's
 * index entry learn it, and if a hold is already open the conference's recording (Flex's own "Call
 * Recording") is paused now. The recordings running then are written down too, so the plugin can
 * show the call from its document without asking `status`.
 */
async function taskUpdated(deps: TaskEventDeps, taskSid: string, claimed: string | undefined, claimedConferenceSid?: string): Promise<HttpResult> {
  const found = await ledgerOfTask(deps, taskSid, claimed);
  const base = found?.stored;
  if (!found || !base || base.record.call.taskSid !== taskSid) return NO_CONTENT;
  const agentEntry = base.record.call.agent ? deps.index.agentCall(base.record.call.agent) : Promise.resolve(null);
  agentEntry.catch(() => undefined); // awaited below
  // The agent's entry is rewritten only if it still names this call: it need not wait for the ledger.
  const tellAgentEntry = async (conferenceSid: string) => {
    const indexed = await agentEntry;
    if (indexed?.callSid === found.callSid && indexed.conferenceSid !== conferenceSid) await deps.index.setAgentCall({ ...indexed, conferenceSid });
  };
  // The ledger may have learnt it from a signal's lookup already; the agent's entry still needs it.
  if (base.record.call.conferenceSid) {
    await tellAgentEntry(base.record.call.conferenceSid);
    return NO_CONTENT;
  }
  const [recordings] = await Promise.all([
    conferenceRecordings(deps, base.record.call, claimedConferenceSid),
    deps.index.prefetch(found.callSid), // so the index copy goes out with the ledger write
  ]);
  const conferenceSid = recordings.find((recording) => recording.conferenceSid)?.conferenceSid;
  if (!conferenceSid) return NO_CONTENT;
  const named = (current: CallRecord | null): CallRecord | null => {
    if (!current || current.call.taskSid !== taskSid) return null;
    const noted = withFirstRecordings(current, recordings, { noneMeansAbsent: false });
    return current.call.conferenceSid !== conferenceSid || noted !== current ? { ...noted, call: { ...noted.call, conferenceSid } } : null;
  };
  const [committed] = await Promise.all([deps.control.commit(found.callSid, named, base), tellAgentEntry(conferenceSid)]);
  if (!committed || committed.record.call.taskSid !== taskSid) return NO_CONTENT;
  if (committed.changed && isPaused(committed.record)) await deps.control.settle(committed.record.call, committed).catch(() => undefined); // flagged for the sweep on failure
  return NO_CONTENT;
}

/**
 * The call's recordings with its conference's. The conference the task names is tried at once, its
 * recordings listed alongside a fetch of the conference itself: it counts only if Twilio says it is
 * in progress under the name Flex gave the call's conference (the first task's sid). Otherwise, or
 * with none named, the conference is found by that name.
 */
async function conferenceRecordings(deps: TaskEventDeps, call: LiveCall, claimedConferenceSid: string | undefined): Promise<PlatformRecording[]> {
  const name = call.conferenceName ?? call.taskSid;
  if (claimedConferenceSid && name) {
    const [conference, recordings] = await Promise.all([
      deps.retries.unlessNotFound(() => deps.client.conferences(claimedConferenceSid).fetch(), null).catch(() => null),
      deps.recordings.list({ ...call, conferenceSid: claimedConferenceSid }).catch(() => null),
    ]);
    if (conference?.friendlyName === name && conference.status === 'in-progress' && recordings) return recordings;
  }
  return deps.recordings.list(call).catch(() => []);
}

/**
 * When the task ends, its call's holds and pause intervals (from, to, hold ids, sources, who) and
 * the redaction timeline go into the task's attributes under `recording_controls`, where WFO and
 * Flex Insights ingestion read them. Holds end with the task: all of them when the call is over,
 * only the leaving agent's when the call goes on with another task (a transfer), whatever order
 * TaskRouter's events arrive in.
 */
async function taskEnded(deps: TaskEventDeps, taskSid: string, claimed: string | undefined, queue: string): Promise<HttpResult> {
  const { control, now } = deps;
  // Everything the end decides from is read at once: the ledger, the call, the agent's entry and the task.
  const recalledAgent = claimed ? control.recalled(claimed)?.record.call.agent : undefined;
  const agentRead = recalledAgent ? deps.index.agentDocument(recalledAgent) : undefined;
  const taskRead = readTask(deps.client, deps.retries, deps.workspaceSid, taskSid);
  taskRead.catch(() => undefined); // awaited by the merge below, or not needed
  agentRead?.catch(() => undefined);
  const claimedInProgress = claimed ? callInProgress(deps.client, deps.retries, claimed) : undefined;
  claimedInProgress?.catch(() => undefined);
  // The queues' pause policies, for the report (never throws).
  const rulesRead = deps.configs?.forSignals();
  const found = await ledgerOfTask(deps, taskSid, claimed, true);
  if (!found?.stored) return NO_CONTENT;
  const { callSid, stored } = found;
  // The ledger says whether this end was handled: the task's own attributes are the agent's to rewrite.
  if (stored.record.endedTasks?.includes(taskSid)) {
    // Counted already; only the record in the task may be missing (its write failed, or the agent erased it).
    if (hasEndRecord((await taskRead).attributes)) return NO_CONTENT;
    const evidence = evidenceFor(stored.record.evidence, taskSid);
    await writeEndRecord(deps, { taskSid, callSid, record: stored.record, evidence, endedAt: now() }, taskRead).catch(unlessTooLarge);
    return NO_CONTENT;
  }
  const goesOn = await (callSid === claimed && claimedInProgress ? claimedInProgress : callInProgress(deps.client, deps.retries, callSid));
  const stillThisTask = stored.record.call.taskSid === undefined || stored.record.call.taskSid === taskSid;
  const { record, leftIndex } = stillThisTask
    ? await agentLeaves(deps, {
        callSid,
        taskSid,
        record: stored.record,
        goesOn,
        agentRead: recalledAgent === stored.record.call.agent ? agentRead : undefined,
      })
    : { record: stored.record, leftIndex: Promise.resolve() };
  // The figures first: a failure here leaves the end unnoted, so TaskRouter's redelivery tries it all
  // again (the report counts a task once).
  const evidence = evidenceFor(record.evidence, taskSid);
  const agent = evidence.agent ?? (record.call.taskSid === taskSid ? record.call.agent : undefined) ?? UNKNOWN_AGENT;
  const endedAt = now();
  const rules = await rulesRead;
  const neverPause = rules?.ok === true && pausePolicyOf(rules.config, queue) === 'never';
  await deps.reports.record({ taskSid, agent, queue, day: dayOf(endedAt) }, taskFigures(evidence, neverPause));
  // The record, the index and the note of the end together: a record that did not land is written
  // again by the next delivery, which finds the end noted and the record missing.
  await Promise.all([
    writeEndRecord(deps, { taskSid, callSid, record, evidence, endedAt }, taskRead).catch(unlessTooLarge),
    leftIndex,
    control.note(callSid, (current) =>
      current && !current.endedTasks?.includes(taskSid) ? { ...current, endedTasks: withTask(current.endedTasks, taskSid) } : null,
    ),
  ]);
  return NO_CONTENT;
}

/**
 * The ended task's agent leaves the call: their holds close (every hold, when the call is over
 * too) and the call leaves their index entry (and the index, when it is over). The ledger after,
 * and the index's writes under way.
 */
async function agentLeaves(
  deps: TaskEventDeps,
  ended: {
    callSid: string;
    taskSid: string;
    record: CallRecord;
    goesOn: boolean;
    /** The agent's entry, read already when the agent was known here. */
    agentRead?: ReturnType<LiveIndex['agentDocument']>;
  },
): Promise<{ record: CallRecord; leftIndex: Promise<void> }> {
  const { callSid, taskSid, record, goesOn } = ended;
  const leaving = record.call.agent;
  const ends = goesOn ? (hold: Hold) => leaving !== undefined && hold.by === leaving : () => true;
  const closed = record.holds.some(ends) ? await closeAndApply(deps.control, { ...record.call, callSid, taskSid }, ends, deps.now) : record;
  if (leaving) deps.calls?.forgetHere(leaving, callSid);
  const forgotten = leaving ? deps.index.clearAgentCall(leaving, callSid, ended.agentRead) : Promise.resolve();
  return { record: closed, leftIndex: goesOn ? forgotten : Promise.all([forgotten, deps.index.removeCall(callSid)]).then(() => undefined) };
}

/** The task carries the record of its end (`recording_controls.ended_at`). */
const hasEndRecord = (attributes: Record<string, unknown>): boolean =>
  typeof (attributes.recording_controls as { ended_at?: unknown } | undefined)?.ended_at === 'string';

/** The call's holds, pause intervals and redaction timeline, with the task's figures, into the task's attributes under `recording_controls`. */
async function writeEndRecord(
  deps: TaskEventDeps,
  end: { taskSid: string; callSid: string; record: CallRecord; evidence: ReturnType<typeof evidenceFor>; endedAt: Date },
  taskRead: ReturnType<typeof readTask>,
): Promise<void> {
  const { taskSid, callSid, record, evidence, endedAt } = end;
  const intervals = await deps.control.allIntervals(record);
  const timeline = redactionTimeline(
    record.recordings.filter((recording): recording is KnownRecording & { startedAt: string } => typeof recording.startedAt === 'string'),
    intervals,
  );
  await mergeTaskAttributes(
    deps.client,
    deps.retries,
    deps.workspaceSid,
    taskSid,
    (attributes) => ({
      ...attributes,
      recording_controls: {
        ...((attributes.recording_controls as Record<string, unknown> | undefined) ?? {}),
        call_sid: callSid,
        ended_at: endedAt.toISOString(),
        holds: record.holds,
        exposure: {
          count: evidence.exposure.count,
          p50_ms: quantileMs(evidence.exposure, 0.5),
          max_ms: evidence.exposure.count ? evidence.exposure.maxMs : null,
        },
        failed_pauses: evidence.failedPauses,
        ...fittedIntervals(callSid, intervals, timeline),
      },
    }),
    taskRead,
  );
}

/**
 * An agent may have grown its task's attributes past what TaskRouter takes: the record then stays in
 * the call's ledger and the report (which counted it already), and the end still counts.
 */
function unlessTooLarge(error: unknown): void {
  const status = httpStatus(error);
  if (status !== 400 && status !== 413) throw error;
}

/** Closes the holds and sets the recordings to match; an ended call only needs its ledger closed. */
async function closeAndApply(control: CallControl, call: LiveCall, pick: (hold: Hold) => boolean, now: () => Date): Promise<CallRecord> {
  const close = (record: CallRecord) => ({ ...record, ...closeHolds(record, pick, now()) });
  const result = await control.change(call, { change: close });
  if (result.kind === 'ended') {
    const committed = await control.commit(call.callSid, (current) => (current ? close(current) : null));
    if (!committed) throw new CallEndedError();
    return committed.record;
  }
  // No signal, no agent to check and a change that always decides: applied (the other kinds do not come).
  return result.kind === 'applied' ? result.latest : close((await control.load(call.callSid))!.record);
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
