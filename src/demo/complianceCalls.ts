/**
 * The ended calls the demo's Compliance tab reports on, made once the first time it opens, the way
 * they would come about (src/demo/otherCalls.ts): a card number paused and resumed by its field; a
 * CVV pause that failed while Twilio refused updates and paused on the agent's next try; a call
 * paused by hand in Flex; and a call with no card entry. Each call then ends, so its figures are in
 * the day's report.
 */
import { OtherCalls, type OtherCall } from './otherCalls';
import type { DemoTrigger } from './relay';

export const REPORTED = { card: 'frank', recovered: 'grace', manual: 'heidi', plain: 'ivan' } as const;

export interface ReportedCalls {
  agents: string[];
  /** What /desktop-event answered each signal, in order, by agent. */
  signals: Record<string, number[]>;
}

export class ComplianceCalls {
  private made: Promise<ReportedCalls> | undefined;
  private readonly calls: OtherCalls;

  constructor(standinUrl: string, functionsUrl: string, secret: string | undefined) {
    this.calls = new OtherCalls(standinUrl, functionsUrl, secret);
  }

  /** The calls, made and ended on first asking; later askings get the same. */
  ensure(): Promise<ReportedCalls> {
    this.made ??= this.make().catch((error: unknown) => {
      this.made = undefined; // a later asking tries again
      throw error;
    });
    return this.made;
  }

  private async make(): Promise<ReportedCalls> {
    const signals: Record<string, number[]> = {};
    const signal = async (call: OtherCall, trigger: DemoTrigger) => {
      (signals[call.agent] ??= []).push((await this.calls.signal(call.agent, trigger)).status);
    };
    const [card, recovered, manual, plain] = await Promise.all(Object.values(REPORTED).map((agent) => this.calls.start(agent)));

    await signal(card, 'card-number.focus');
    await signal(card, 'card-number.blur');
    await this.calls.duringOutage(recovered, () => signal(recovered, 'cvv.focus'));
    await signal(recovered, 'cvv.focus'); // the agent clicks into the field again: this one pauses
    await signal(recovered, 'cvv.blur');
    await this.calls.pauseByHand(manual);

    await Promise.all([card, recovered, manual, plain].map((call) => this.calls.end(call)));
    return { agents: Object.values(REPORTED), signals };
  }
}
