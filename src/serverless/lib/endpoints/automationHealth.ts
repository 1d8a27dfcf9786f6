/**
 * POST /automation-health (docs/api.md): the agent's plugin says what keeps card fields on its call
 * from pausing the recording by themselves (the CRM fields cannot be read, Sync cannot be reached),
 * or that nothing does. It goes on the call's ledger, for that agent, and so into the live-calls
 * index, where supervisors are alerted (docs/architecture.md, "Supervisors' alerts"). Sent by the
 * plugin only when it changes.
 *
 * Only the agent who holds the call's live task speaks for it: the ledger must name that agent on
 * that task, and TaskRouter must still have the task assigned. A task's attributes never decide it
 * (an agent's browser can rewrite them): a task's call is the one TaskRouter recorded at the task's
 * creation (TaskCalls), and the ledger or TaskRouter's reservations say who holds it. Otherwise nothing is written — an old task's plugin after
 * a transfer cannot clear the new agent's alert, and a report on an ended call cannot bring it back
 * into the live index.
 */
import { z } from 'zod';
import { AUTOMATION_PROBLEMS, normalProblems, type AutomationProblemCode } from '../../../core/automation';
import { errorResult, HttpResult } from '../base/http';
import type { LiveIndex } from '../stores/liveIndex';
import type { Decided, StoredRecord } from '../stores/ledgerStore';
import { type CallRecord, newCallRecord } from '../base/callRecord';
import type { LiveCall } from '../base/recordingBackend';
import { twilioCode } from '../twilio/retry';
import { callInProgress, taskNow } from '../twilio/taskCalls';
import { safeProblems } from '../../../core/safeProblems';
import { callerOf, callFields, RecordingControlsDeps, RecordingControlsRequest } from './recordingControls';

const problemList = z
  .union([z.array(z.string()), z.string().transform((value) => (value === '' ? [] : value.split(',')))])
  .pipe(z.array(z.enum(AUTOMATION_PROBLEMS, { message: `each problem: ${AUTOMATION_PROBLEMS.join(' or ')}` })).max(AUTOMATION_PROBLEMS.length));

const body = z.strictObject({ ...callFields, problems: problemList });

export interface AutomationHealthDeps extends RecordingControlsDeps {
  /** The live index (the functions' services have it): an ended call's item a report raced with leaves it again. */
  index?: Pick<LiveIndex, 'removeCall'>;
}

/** The call as its reporting agent holds it, and its ledger as read (null: the functions never saw it). */
interface Holding {
  call: LiveCall & { callSid: string; taskSid: string; agent: string };
  stored: StoredRecord | null;
}

const notTheirs = (): HttpResult => errorResult(403, 'forbidden', 'only the agent who holds the call’s live task may report on it');
const notLive = (): HttpResult => errorResult(404, 'call_not_found', 'the call’s task is no longer live');

export async function automationHealth(deps: AutomationHealthDeps, request: RecordingControlsRequest): Promise<HttpResult> {
  const parsed = body.safeParse(request.body);
  if (!parsed.success) return errorResult(400, 'invalid_request', safeProblems(parsed.error.issues).join('; '));
  const { Token, problems, callSid, taskSid } = parsed.data;
  const authenticated = await callerOf(deps, request, Token);
  if (!authenticated.ok) return authenticated.result;
  const { caller } = authenticated;
  if (caller.kind !== 'flex') return errorResult(403, 'forbidden', 'only the agent’s own Flex says what its desktop can do');
  const workspaceSid = deps.settings.workspaceSid;
  if (!deps.tasks || !workspaceSid) return errorResult(500, 'not_configured', 'TWILIO_WORKSPACE_SID is not set');
  if (!callSid && !taskSid) return errorResult(400, 'invalid_request', 'name the call with callSid or taskSid');
  const taskRouter = new TaskRouterRecords(deps, workspaceSid);
  try {
    const holding = await holdingOf(deps, taskRouter, { identity: caller.identity, workerSid: caller.workerSid }, { callSid, taskSid });
    if ('status' in holding) return holding;
    return await report(deps, taskRouter, holding, normalProblems(problems as AutomationProblemCode[]));
  } catch (error) {
    // Names and codes only: never a body, which could hold what a caller sent.
    console.error(`automation-health failed: ${error instanceof Error ? error.name : 'error'} ${twilioCode(error) ?? ''}`);
    return errorResult(502, 'recording_update_failed', 'Twilio did not answer: the report was not kept, send it again');
  }
}

/** What TaskRouter itself has, read fresh each time: whether a task is assigned, and who accepted it. */
class TaskRouterRecords {
  constructor(
    private readonly deps: AutomationHealthDeps,
    private readonly workspaceSid: string,
  ) {}

  private get workspace() {
    return this.deps.client.taskrouter.v1.workspaces(this.workspaceSid);
  }

  async assigned(taskSid: string): Promise<boolean> {
    return (await taskNow(this.deps.client, this.deps.retries, this.workspaceSid, taskSid))?.assigned === true;
  }

  async acceptedBy(workerSid: string, taskSid: string): Promise<boolean> {
    const accepted = await this.deps.retries.unlessNotFound(
      () => this.workspace.workers(workerSid).reservations.list({ reservationStatus: 'accepted', limit: 50 }),
      [],
    );
    return accepted.some((reservation) => reservation.taskSid === taskSid && reservation.reservationStatus === 'accepted');
  }
}

/**
 * Whether the caller holds the call's live task now, decided from the call's ledger and TaskRouter:
 * the ledger names its current agent and task once the functions saw the task accepted; before
 * that, TaskRouter must have the caller's worker on an accepted reservation of the assigned task.
 */
async function holdingOf(
  deps: AutomationHealthDeps,
  taskRouter: TaskRouterRecords,
  caller: { identity: string; workerSid?: string },
  named: { callSid?: string; taskSid?: string },
): Promise<Holding | HttpResult> {
  const tasks = deps.tasks!;
  // A task named alone: its call as TaskRouter recorded it when the task was created.
  const byTask = named.callSid ? undefined : await tasks.find({ taskSid: named.taskSid });
  const callSid = named.callSid ?? byTask?.call.callSid;
  if (!callSid) return errorResult(404, 'call_not_found', 'no task or call with that sid');
  const stored = await deps.control.load(callSid);
  const known = stored?.record.call;
  if (known?.agent && known.taskSid) {
    if (known.agent !== caller.identity) return notTheirs();
    // The agent's earlier task on this call (before a transfer away and back) no longer speaks for it.
    if (named.taskSid && named.taskSid !== known.taskSid) return notLive();
    if (!(await taskRouter.assigned(known.taskSid))) return notLive();
    return { call: { ...known, callSid, taskSid: known.taskSid, agent: known.agent }, stored };
  }
  if (known?.taskSid && named.taskSid && named.taskSid !== known.taskSid) return notTheirs();
  const found = byTask && !known?.taskSid ? byTask : await tasks.find({ taskSid: known?.taskSid ?? named.taskSid, callSid });
  if (!found) return errorResult(404, 'call_not_found', 'no task or call with that sid');
  // A leg of the task's call was named (the agent's, say): the ledger is the call's own. Asked once: the task names its call.
  if (!stored && found.call.callSid !== callSid) return holdingOf(deps, taskRouter, caller, { callSid: found.call.callSid, taskSid: found.call.taskSid });
  if (found.call.callSid !== callSid) return errorResult(404, 'call_not_found', 'no task or call with that sid');
  if (!caller.workerSid) return notTheirs();
  const [live, accepted] = await Promise.all([taskRouter.assigned(found.call.taskSid), taskRouter.acceptedBy(caller.workerSid, found.call.taskSid)]);
  if (!live) return notLive();
  if (!accepted) return notTheirs();
  return { call: { ...found.call, agent: caller.identity }, stored };
}

/** The ledger names another agent or task on the call than the report's (a transfer landed). */
const movedAway = (current: CallRecord | null, call: Holding['call']): boolean => {
  const holder = current?.call;
  return holder?.agent !== undefined && holder.taskSid !== undefined && (holder.agent !== call.agent || holder.taskSid !== call.taskSid);
};

/** The ledger with what the agent said (null: nothing to write). */
function withReport(current: CallRecord | null, call: Holding['call'], said: AutomationProblemCode[], now: () => Date): CallRecord | null {
  // A call whose acceptance has not reached the functions yet gets its ledger now, naming the agent TaskRouter named.
  const base = current ?? newCallRecord(call);
  const record = base.call.agent && base.call.taskSid ? base : { ...base, call: { ...base.call, agent: call.agent, taskSid: call.taskSid } };
  const before = base.automationOff?.agent === call.agent ? base.automationOff : undefined;
  if (said.length === 0) return before ? { ...record, automationOff: undefined } : null;
  if (before && before.problems.join(',') === said.join(',')) return null;
  return { ...record, automationOff: { agent: call.agent, problems: said, since: before?.since ?? now().toISOString() } };
}

/**
 * Writes what the agent said, only while the ledger still names that agent on that task (a transfer
 * may land meanwhile; the write is revision-checked). The call's task may also end meanwhile, its
 * item leaving the live index before this write copies it back: TaskRouter is asked again after a
 * change, and a task no longer live has the alert taken back (and an ended call's item removed).
 */
async function report(deps: AutomationHealthDeps, taskRouter: TaskRouterRecords, holding: Holding, said: AutomationProblemCode[]): Promise<HttpResult> {
  const { call } = holding;
  const { committed, decision } = await deps.control.commitDecided(
    call.callSid,
    (current): Decided<'moved' | 'noted'> =>
      movedAway(current, call) ? { next: null, decision: 'moved' } : { next: withReport(current, call, said, deps.now), decision: 'noted' },
    holding.stored,
  );
  if (decision === 'moved') return notTheirs();
  if (committed?.changed && !(await taskRouter.assigned(call.taskSid))) {
    await deps.control.commit(call.callSid, (current) =>
      current?.automationOff?.agent === call.agent && current.call.taskSid === call.taskSid ? { ...current, automationOff: undefined } : null,
    );
    if (!(await callInProgress(deps.client, deps.retries, call.callSid))) await deps.index?.removeCall(call.callSid);
    return notLive();
  }
  return { status: 200, body: { problems: said } };
}
