/**
 * Other agents' calls for the demo's Supervisor and Compliance tabs, made the way they would come
 * about: through the stand-in's control surface (the call, TaskRouter's events, an outage) and the
 * real functions (signals, the Recording Controls API).
 */
import { standinControl } from './calls';
import { relaySignal, type DemoTrigger, type RelayAnswer } from './relay';

export interface OtherCall {
  agent: string;
  callSid: string;
  taskSid: string;
  recordingSids: string[];
  /** The agent's Flex token, for the Recording Controls API. */
  token: string;
}

interface DeliveredEvent {
  eventType: string;
  taskSid: string;
  status: number;
}

/**
 * Recording updates that fail in an outage of one call: more than one pause's tries (the functions
 * retry each of a call's two recordings), so the pause fails whatever else touches the call
 * meanwhile (the sweep); the outage is cleared once the pause has answered.
 */
export const OUTAGE_UPDATES = 1000;

export class OtherCalls {
  constructor(
    private readonly standinUrl: string,
    private readonly functionsUrl: string,
    private readonly secret: string | undefined,
  ) {}

  /** A signal from the agent's desktop relay, signed as Smart Desktop's would be: what /desktop-event answered. */
  signal(agent: string, trigger: DemoTrigger): Promise<RelayAnswer> {
    if (!this.secret) throw new Error("DESKTOP_EVENT_SECRET is not set: other agents' calls cannot be signalled");
    return relaySignal({ functionsUrl: this.functionsUrl, secret: this.secret, agent, trigger });
  }

  /** A recorded (call and conference) live call of the agent, once Flex has named its conference. */
  async start(agent: string): Promise<OtherCall> {
    const created = (await this.control('POST', '/live-calls', { agent, recording: 'both' })) as Omit<OtherCall, 'agent'>;
    const call = { agent, callSid: created.callSid, taskSid: created.taskSid, recordingSids: created.recordingSids, token: created.token };
    await this.delivered(call.taskSid, ['task.updated']);
    return call;
  }

  /** Ends the call, and waits until the functions have had the task's end (its figures are then in the report). */
  async end(call: OtherCall): Promise<void> {
    await this.control('POST', `/live-calls/${call.callSid}/end`);
    await this.delivered(call.taskSid, ['task.wrapup', 'task.completed']);
  }

  /** The agent's pause button in Flex: the Recording Controls API with the agent's Flex token. */
  async pauseByHand(call: OtherCall): Promise<void> {
    const response = await fetch(`${this.functionsUrl}/recording-controls/pause`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Token: call.token, taskSid: call.taskSid }).toString(),
      signal: AbortSignal.timeout(15_000),
    });
    if (!response.ok) throw new Error(`the manual pause of ${call.agent}'s call answered HTTP ${response.status}`);
  }

  /**
   * Runs `during` while Twilio refuses every recording update of this call, and of this call only:
   * another call's pause, a sweep or another tab's outage neither uses up nor ends this one.
   */
  async duringOutage<T>(call: OtherCall, during: () => Promise<T>): Promise<T> {
    const fault = { operation: 'recording.update', status: 503, code: 20503, callSid: call.callSid };
    await this.control('POST', '/faults', { ...fault, times: OUTAGE_UPDATES });
    try {
      return await during();
    } finally {
      await this.control('POST', '/faults', { ...fault, times: 0 });
    }
  }

  control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    return standinControl(this.standinUrl, method, path, body);
  }

  /** Until TaskRouter has delivered one of these events of the task to the functions, and they answered (10 s at most). */
  private async delivered(taskSid: string, eventTypes: string[]): Promise<void> {
    for (let waited = 0; waited < 10_000; waited += 200) {
      const events = (await this.control('GET', '/event-callbacks')) as DeliveredEvent[];
      if (events.some((event) => eventTypes.includes(event.eventType) && event.taskSid === taskSid && event.status > 0)) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
