/**
 * The stand-in's scenarios: the situations the control surface sets up (README.md) out of the
 * model's plain records — an agent on a live, recorded Flex call whose conference Flex names a
 * moment after acceptance, a transfer, a recording someone else starts, a hang-up, a worker with
 * no call. The model (model.ts) keeps the records and Twilio's rules; this file only composes them.
 */
import { StandinInputError, StandinNotFoundError } from './primitives';
import type { TwilioModel } from './model';
import type { Reservation, Role, Task, Worker } from './records';
import { isObject } from '../core/isObject';

export type RecordingMode = 'conference' | 'call' | 'both' | 'none';
export const RECORDING_MODES: readonly RecordingMode[] = ['conference', 'call', 'both', 'none'];
/** What a recording started by someone else (Flex, another plugin, a Studio flow) records. */
export type OutsideRecordingKind = 'call' | 'conference';
export const OUTSIDE_RECORDING_KINDS: readonly OutsideRecordingKind[] = ['call', 'conference'];

export const CUSTOMER_NUMBER = '+15550100';
export const CONTACT_CENTER_NUMBER = '+15550199';

export interface LiveCallInput {
  agent: string;
  recording: RecordingMode;
  role?: Role;
  /**
   * How long after `reservation.accepted` the task's attributes name the conference (Flex writes
   * them when the conference starts). 0 names it at once. Default DEFAULT_CONFERENCE_DELAY_MS.
   */
  conferenceDelayMs?: number;
}

export const DEFAULT_CONFERENCE_DELAY_MS = 1000;
/** The longest delay a timer can hold (2^31 - 1 ms); a longer one would fire at once. */
export const MAX_CONFERENCE_DELAY_MS = 2_147_483_647;

/** What `POST /__standin/live-calls` answers. */
export interface LiveCallResult {
  workerSid: string;
  taskSid: string;
  callSid: string;
  conferenceSid: string;
  recordingSids: string[];
  token: string;
}

interface LiveCall {
  customerCallSid: string;
  agentCallSid: string;
  conferenceSid: string;
  taskSid: string;
  reservationSid: string;
  conferenceDelayMs: number;
  /** Writes the current task's `conference` attribute when it fires; null once written or canceled. */
  conferenceTimer: unknown;
}

/** What `POST /__standin/live-calls/<callSid>/transfer` answers. */
export interface TransferResult {
  workerSid: string;
  taskSid: string;
  token: string;
}

export interface WorkerInput {
  agent: string;
  role: Role;
}

/** What `POST /__standin/workers` answers. */
export interface WorkerResult {
  workerSid: string;
  token: string;
}

/** The timers a clock runs (the real ones, or a test's own). */
export interface StandinTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: StandinTimers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class Scenarios {
  private liveCalls: LiveCall[] = [];

  constructor(
    private readonly model: TwilioModel,
    private readonly now: () => Date,
    private readonly timers: StandinTimers = realTimers,
  ) {
    // A REST hang-up of a scenario's call ends the whole scenario, as Flex's would.
    model.onHangUp = (callSid) => this.endLiveCall(callSid);
  }

  reset(): void {
    for (const live of this.liveCalls) this.cancelConferenceNaming(live);
    this.liveCalls = [];
  }

  /**
   * An agent on an accepted Flex voice task whose call is in progress and recorded as asked. The
   * conference and its recording exist from the start, but, as in Flex, the task's attributes
   * name the conference only `conferenceDelayMs` after `reservation.accepted` (with a
   * `task.updated`); 0 names it in the accepted task's attributes already.
   */
  createLiveCall({ agent, recording, role = 'agent', conferenceDelayMs = DEFAULT_CONFERENCE_DELAY_MS }: LiveCallInput): LiveCallResult {
    const worker = this.workerForAgent(agent, role);
    const customerCall = this.model.addCall({ from: CUSTOMER_NUMBER, to: CONTACT_CENTER_NUMBER, direction: 'inbound' });
    const agentCall = this.model.addCall({ from: CONTACT_CENTER_NUMBER, to: `client:${agent}`, direction: 'outbound-api' });
    const conference = this.model.addConference('');
    const attributes = {
      call_sid: customerCall.sid,
      ...(conferenceDelayMs === 0 && { conference: conferenceAttribute(conference.sid, customerCall.sid, agentCall.sid) }),
      direction: 'inbound',
      from: CUSTOMER_NUMBER,
      to: CONTACT_CENTER_NUMBER,
      caller: CUSTOMER_NUMBER,
      called: CONTACT_CENTER_NUMBER,
      name: CUSTOMER_NUMBER,
      type: 'inbound',
      account_sid: this.model.accountSid,
    };
    const { task, reservation } = this.acceptedVoiceTask(worker, attributes);
    // Flex names the conference after the task.
    conference.friendlyName = task.sid;

    const recordingSids: string[] = [];
    if (recording === 'conference' || recording === 'both') {
      recordingSids.push(
        this.model.addRecording({ callSid: null, conferenceSid: conference.sid, source: 'StartConferenceRecordingAPI', channels: 1, track: 'both' }).sid,
      );
    }
    if (recording === 'call' || recording === 'both') {
      recordingSids.push(
        this.model.addRecording({ callSid: customerCall.sid, conferenceSid: null, source: 'StartCallRecordingAPI', channels: 2, track: 'both' }).sid,
      );
    }

    const live: LiveCall = {
      customerCallSid: customerCall.sid,
      agentCallSid: agentCall.sid,
      conferenceSid: conference.sid,
      taskSid: task.sid,
      reservationSid: reservation.sid,
      conferenceDelayMs,
      conferenceTimer: null,
    };
    this.liveCalls.push(live);
    this.model.tellReservation('reservation.accepted', reservation);
    if (conferenceDelayMs > 0) this.nameConferenceLater(live);
    const token = this.model.issueToken(worker, role);
    return { workerSid: worker.sid, taskSid: task.sid, callSid: customerCall.sid, conferenceSid: conference.sid, recordingSids, token: token.token };
  }

  /**
   * A worker with no call (made if needed, its role set as asked) and a Flex token for it.
   */
  createWorker(agent: string, role: Role): WorkerResult {
    const worker = this.workerForAgent(agent, role);
    return { workerSid: worker.sid, token: this.model.issueToken(worker, role).token };
  }

  /**
   * Transfer the live call that `callSid` (customer or agent leg) belongs to, to `agent`: the call,
   * the conference and their recordings go on; the current agent's leg hangs up, their
   * reservation completes and their task goes to wrap-up; a new accepted voice task on the same
   * call and conference goes to `agent` (a worker made if needed, keeping an existing one's roles).
   * Throws StandinNotFoundError for no such live call, StandinInputError once the call has ended.
   */
  transferLiveCall(callSid: string, agent: string): TransferResult {
    const live = this.liveCallOf(callSid);
    const now = this.now();
    // The previous task is done with: if its conference was not named yet, the new task's will be.
    const conferenceWasPending = this.cancelConferenceNaming(live);

    const previousLeg = this.model.calls.get(live.agentCallSid);
    if (previousLeg && previousLeg.status === 'in-progress') Object.assign(previousLeg, { status: 'completed', endTime: now, dateUpdated: now });
    const previousReservation = this.model.reservations.get(live.reservationSid);
    if (previousReservation && previousReservation.status === 'accepted') {
      Object.assign(previousReservation, { status: 'completed', dateUpdated: now });
      this.model.tellReservation('reservation.completed', previousReservation);
    }
    const previousTask = this.model.tasks.get(live.taskSid) as Task;
    if (previousTask.assignmentStatus === 'assigned') this.model.changeTask(previousTask, { assignmentStatus: 'wrapping' });

    const existing = this.findWorker(agent);
    const role = (existing?.attributes.roles as Role[] | undefined)?.[0] ?? 'agent';
    const worker = existing ?? this.workerForAgent(agent, role);
    const agentCall = this.model.addCall({ from: CONTACT_CENTER_NUMBER, to: `client:${agent}`, direction: 'outbound-api' });
    const previousAttributes = JSON.parse(previousTask.attributes) as Record<string, unknown>;
    const previousConference = isObject(previousAttributes.conference) ? previousAttributes.conference : undefined;
    const attributes = {
      ...previousAttributes,
      ...(previousConference && {
        conference: {
          ...previousConference,
          participants: { ...(isObject(previousConference.participants) ? previousConference.participants : {}), worker: agentCall.sid },
        },
      }),
      transferTargetType: 'worker',
    };
    const { task, reservation } = this.acceptedVoiceTask(worker, attributes);
    Object.assign(live, { agentCallSid: agentCall.sid, taskSid: task.sid, reservationSid: reservation.sid });
    this.model.tellReservation('reservation.accepted', reservation);
    if (conferenceWasPending) this.nameConferenceLater(live);
    return { workerSid: worker.sid, taskSid: task.sid, token: this.model.issueToken(worker, role).token };
  }

  /**
   * A recording someone else starts on the live call that `callSid` (either leg) belongs to: on
   * the customer's call (dual-channel, as the REST API starts one) or on its conference (as Flex
   * records it). Nothing tells the functions. Throws StandinNotFoundError for no such live call,
   * StandinInputError once the call has ended.
   */
  startOutsideRecording(callSid: string, kind: OutsideRecordingKind): { sid: string } {
    const live = this.liveCallOf(callSid);
    const recording =
      kind === 'call'
        ? this.model.addRecording({ callSid: live.customerCallSid, conferenceSid: null, source: 'StartCallRecordingAPI', channels: 2, track: 'both' })
        : this.model.addRecording({ callSid: null, conferenceSid: live.conferenceSid, source: 'StartConferenceRecordingAPI', channels: 1, track: 'both' });
    return { sid: recording.sid };
  }

  /**
   * The live call that `callSid` (customer or agent leg) belongs to, while its call is in progress.
   * Throws StandinNotFoundError for no such live call, StandinInputError once the call has ended.
   */
  private liveCallOf(callSid: string): LiveCall {
    const live = this.liveCallWith(callSid);
    if (!live) throw new StandinNotFoundError(`No live call ${callSid}`);
    if (this.model.calls.get(live.customerCallSid)?.status !== 'in-progress') throw new StandinInputError(`The call ${callSid} has ended`);
    return live;
  }

  /**
   * Whether a Twilio request, by its path's parameters, is about the call `callSid`: it names the
   * call, its other leg, its conference or a recording of one of them. What a fault of that call
   * alone hits (faults.ts), so that one scenario's outage is not met by another's call.
   */
  concernsCall(callSid: string, params: Record<string, string>): boolean {
    const live = this.liveCallWith(callSid);
    const calls = live ? [live.customerCallSid, live.agentCallSid] : [callSid];
    const ofCall = (sids: { call?: string | null; conference?: string | null }) =>
      (!!sids.call && calls.includes(sids.call)) || (!!live && sids.conference === live.conferenceSid);
    const recording = params.recording === undefined ? undefined : this.model.recordings.get(params.recording);
    return ofCall(params) || (!!recording && ofCall({ call: recording.callSid, conference: recording.conferenceSid }));
  }

  /** The live call whose customer or agent leg `callSid` is, ended or not. */
  private liveCallWith(callSid: string): LiveCall | undefined {
    return this.liveCalls.find((call) => call.customerCallSid === callSid || call.agentCallSid === callSid);
  }

  /** In `conferenceDelayMs`, Flex writes the current task's `conference` attribute and TaskRouter tells `task.updated`. */
  private nameConferenceLater(live: LiveCall): void {
    const taskSid = live.taskSid;
    live.conferenceTimer = this.timers.setTimeout(() => {
      live.conferenceTimer = null;
      this.nameConference(live, taskSid);
    }, live.conferenceDelayMs);
    // A pending naming must not keep a test run or `npm start` from exiting.
    (live.conferenceTimer as { unref?: () => void }).unref?.();
  }

  private nameConference(live: LiveCall, taskSid: string): void {
    const task = this.model.tasks.get(taskSid);
    if (!task || live.taskSid !== taskSid || task.assignmentStatus !== 'assigned') return;
    if (this.model.calls.get(live.customerCallSid)?.status !== 'in-progress') return;
    // Merged into the attributes as they are now: the functions may have written some meanwhile.
    const attributes = {
      ...(JSON.parse(task.attributes) as Record<string, unknown>),
      conference: conferenceAttribute(live.conferenceSid, live.customerCallSid, live.agentCallSid),
    };
    this.model.changeTask(task, { attributes: JSON.stringify(attributes) });
    this.model.emit({ eventType: 'task.updated', task });
  }

  /** Stops a pending naming of the conference; true if one was pending. */
  private cancelConferenceNaming(live: LiveCall): boolean {
    if (live.conferenceTimer === null) return false;
    this.timers.clearTimeout(live.conferenceTimer);
    live.conferenceTimer = null;
    return true;
  }

  /**
   * A voice task assigned to the worker through an accepted reservation. TaskRouter logs (and sends
   * to whoever subscribed) `task.created` with the attributes it was made with, while still
   * `pending`; the acceptance (told by the caller) makes it `assigned`.
   */
  private acceptedVoiceTask(worker: Worker, attributes: Record<string, unknown>): { task: Task; reservation: Reservation } {
    const now = this.now();
    const task: Task = {
      sid: this.model.newSid('WT'),
      attributes: JSON.stringify(attributes),
      assignmentStatus: 'pending',
      taskChannelUniqueName: 'voice',
      priority: 0,
      reason: null,
      revision: 0,
      dateCreated: now,
      dateUpdated: now,
    };
    this.model.tasks.set(task.sid, task);
    this.model.emit({ eventType: 'task.created', task });
    // Reserved and accepted at once (the reservation's steps are not modelled): its revision stays 0.
    task.assignmentStatus = 'assigned';
    const reservation: Reservation = {
      sid: this.model.newSid('WR'),
      taskSid: task.sid,
      workerSid: worker.sid,
      status: 'accepted',
      dateCreated: now,
      dateUpdated: now,
    };
    this.model.reservations.set(reservation.sid, reservation);
    return { task, reservation };
  }

  /**
   * Hang up the live call that `callSid` (customer or agent leg) belongs to: both legs and the
   * conference complete, every unfinished recording completes, the task goes to wrap-up.
   * Returns false when no live call has that call.
   */
  endLiveCall(callSid: string): boolean {
    const live = this.liveCallWith(callSid);
    if (!live) return false;
    const now = this.now();
    // A call that ends before its conference is named leaves the task without it.
    this.cancelConferenceNaming(live);
    for (const sid of [live.customerCallSid, live.agentCallSid]) {
      const call = this.model.calls.get(sid);
      if (call && call.status === 'in-progress') Object.assign(call, { status: 'completed', endTime: now, dateUpdated: now });
    }
    const conference = this.model.conferences.get(live.conferenceSid);
    if (conference && conference.status !== 'completed') Object.assign(conference, { status: 'completed', dateUpdated: now });

    for (const recording of this.model.recordings.values()) {
      const belongs = recording.callSid === live.customerCallSid || recording.callSid === live.agentCallSid || recording.conferenceSid === live.conferenceSid;
      if (belongs && recording.status !== 'completed') this.model.setRecordingStatus(recording, 'completed');
    }

    const task = this.model.tasks.get(live.taskSid);
    if (task && task.assignmentStatus === 'assigned') this.model.changeTask(task, { assignmentStatus: 'wrapping' });
    return true;
  }

  private findWorker(agent: string): Worker | undefined {
    return [...this.model.workers.values()].find((worker) => worker.friendlyName === agent);
  }

  private workerForAgent(agent: string, role: Role): Worker {
    const now = this.now();
    const existing = this.findWorker(agent);
    if (existing) {
      existing.attributes = { ...existing.attributes, roles: [role] };
      existing.dateUpdated = now;
      return existing;
    }
    const worker: Worker = {
      sid: this.model.newSid('WK'),
      friendlyName: agent,
      attributes: { contact_uri: `client:${agent}`, full_name: agent, roles: [role] },
      realmUserSid: this.model.newSid('US'),
      dateCreated: now,
      dateUpdated: now,
    };
    this.model.workers.set(worker.sid, worker);
    return worker;
  }
}

/** The task attribute Flex writes once the conference has started. */
function conferenceAttribute(conferenceSid: string, customerCallSid: string, workerCallSid: string) {
  return { sid: conferenceSid, participants: { customer: customerCallSid, worker: workerCallSid } };
}
