/**
 * The calls the demo's Supervisor tab shows besides the demo agent's own, made the way they would
 * come about — through the stand-in's control surface and the real functions — so that each row
 * tells what Twilio holds: a call paused by a desktop event (its card number field), a call whose
 * pause failed (Twilio refused every recording update, so it records on), and a call transferred
 * from one agent to another.
 */
import { type RecordingReport, standinControl } from './calls';
import { relaySignal } from './relay';

export const SUPERVISED = { paused: 'bob', failed: 'carol', transferredFrom: 'dave', transferredTo: 'erin' } as const;

export interface SupervisedCall {
  agent: string;
  callSid: string;
  recordingSids: string[];
}

export interface SupervisedCalls {
  paused: SupervisedCall;
  /** `status`: what /desktop-event answered its pause (502 when it failed, as intended). */
  failed: SupervisedCall & { status: number };
  transferred: SupervisedCall & { from: string };
}

/** Enough failed recording updates for one pause of a call recorded twice (the functions retry each). */
const FAILED_UPDATES = 16;

export class SupervisorCalls {
  private made: Promise<SupervisedCalls> | undefined;

  constructor(
    private readonly standinUrl: string,
    private readonly functionsUrl: string,
    private readonly secret: string | undefined,
  ) {}

  /** The calls, made on first asking, and again once one of them has ended. */
  async ensure(): Promise<SupervisedCalls> {
    const made = await this.made?.catch(() => undefined);
    if (made && (await this.allLive(made))) return made;
    this.made = this.make();
    return this.made;
  }

  private async make(): Promise<SupervisedCalls> {
    if (!this.secret) throw new Error('DESKTOP_EVENT_SECRET is not set: the supervised calls cannot be signalled');
    const secret = this.secret;
    const signal = (agent: string, trigger: 'card-number.focus' | 'cvv.focus') => relaySignal({ functionsUrl: this.functionsUrl, secret, agent, trigger });

    // The calls first, each until Flex has named its conference: the outage below must meet carol's pause alone.
    const [paused, failed, before] = await Promise.all([SUPERVISED.paused, SUPERVISED.failed, SUPERVISED.transferredFrom].map((agent) => this.liveCall(agent)));
    await Promise.all([paused, failed, before].map((call) => this.conferenceNamed(call.taskSid)));

    await this.control('POST', '/faults', { operation: 'recording.update', status: 503, code: 20503, times: FAILED_UPDATES });
    let answer;
    try {
      answer = await signal(failed.agent, 'cvv.focus');
    } finally {
      // Nothing is left for the other calls, the demo agent's among them.
      await this.control('POST', '/faults', { operation: 'recording.update', status: 503, code: 20503, times: 0 });
    }
    await signal(paused.agent, 'card-number.focus');
    await this.control('POST', `/live-calls/${before.callSid}/transfer`, { agent: SUPERVISED.transferredTo });
    const plain = ({ agent, callSid, recordingSids }: SupervisedCall) => ({ agent, callSid, recordingSids });
    return {
      paused: plain(paused),
      failed: { ...plain(failed), status: answer.status },
      transferred: { ...plain(before), agent: SUPERVISED.transferredTo, from: before.agent },
    };
  }

  private async liveCall(agent: string): Promise<SupervisedCall & { taskSid: string }> {
    const created = (await this.control('POST', '/live-calls', { agent, recording: 'both' })) as { callSid: string; taskSid: string; recordingSids: string[] };
    return { agent, callSid: created.callSid, taskSid: created.taskSid, recordingSids: created.recordingSids };
  }

  /** Until TaskRouter has told the functions the task's conference (a second or so after acceptance). */
  private async conferenceNamed(taskSid: string): Promise<void> {
    for (let waited = 0; waited < 10_000; waited += 200) {
      const delivered = (await this.control('GET', '/event-callbacks')) as Array<{ eventType: string; taskSid: string; status: number }>;
      if (delivered.some((event) => event.eventType === 'task.updated' && event.taskSid === taskSid && event.status > 0)) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private async allLive(calls: SupervisedCalls): Promise<boolean> {
    const recordings = await Promise.all(
      [calls.paused, calls.failed, calls.transferred].map((call) => this.control('GET', `/recordings/${call.recordingSids[0]}`).catch(() => undefined) as Promise<RecordingReport | undefined>),
    );
    return recordings.every((recording) => recording && recording.status !== 'completed' && recording.status !== 'stopped');
  }

  private control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    return standinControl(this.standinUrl, method, path, body);
  }
}
