/**
 * The calls the demo's Supervisor tab shows besides the demo agent's own, made the way they would
 * come about — through the stand-in's control surface and the real functions — so that each row
 * tells what Twilio holds: a call paused by a desktop event (its card number field), a call whose
 * pause failed (Twilio refused every recording update, so it records on), and a call transferred
 * from one agent to another.
 */
import type { RecordingReport } from './calls';
import { OtherCalls } from './otherCalls';

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

export class SupervisorCalls {
  private made: Promise<SupervisedCalls> | undefined;
  private readonly calls: OtherCalls;

  constructor(standinUrl: string, functionsUrl: string, secret: string | undefined) {
    this.calls = new OtherCalls(standinUrl, functionsUrl, secret);
  }

  /** The calls, made on first asking, and again once one of them has ended. */
  async ensure(): Promise<SupervisedCalls> {
    const made = await this.made?.catch(() => undefined);
    if (made && (await this.allLive(made))) return made;
    this.made = this.make();
    return this.made;
  }

  private async make(): Promise<SupervisedCalls> {
    const signal = (agent: string, trigger: 'card-number.focus' | 'cvv.focus') => this.calls.signal(agent, trigger);

    // The calls first, each until Flex has named its conference: the outage below must meet carol's pause alone.
    const [paused, failed, before] = await Promise.all(
      [SUPERVISED.paused, SUPERVISED.failed, SUPERVISED.transferredFrom].map((agent) => this.calls.start(agent)),
    );
    const answer = await this.calls.duringOutage(failed, () => signal(failed.agent, 'cvv.focus'));
    await signal(paused.agent, 'card-number.focus');
    await this.calls.control('POST', `/live-calls/${before.callSid}/transfer`, { agent: SUPERVISED.transferredTo });
    const plain = ({ agent, callSid, recordingSids }: SupervisedCall) => ({ agent, callSid, recordingSids });
    return {
      paused: plain(paused),
      failed: { ...plain(failed), status: answer.status },
      transferred: { ...plain(before), agent: SUPERVISED.transferredTo, from: before.agent },
    };
  }

  private async allLive(calls: SupervisedCalls): Promise<boolean> {
    const recordings = await Promise.all(
      [calls.paused, calls.failed, calls.transferred].map(
        (call) => this.calls.control('GET', `/recordings/${call.recordingSids[0]}`).catch(() => undefined) as Promise<RecordingReport | undefined>,
      ),
    );
    return recordings.every((recording) => recording && recording.status !== 'completed' && recording.status !== 'stopped');
  }
}
