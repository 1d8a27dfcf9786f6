/**
 * The demo agent's simulated live call, made and ended through the stand-in's control surface
 * (docs/api.md, *Running it locally*) like any outside client would. One call at a time: a new call ends the last one,
 * so the agent never has two live calls for the functions to choose between.
 */

export const DEMO_AGENT = 'demo-agent';

/** What the page needs to show the call as Flex would: the task, its call, the agent's Flex token. */
export interface DemoCall {
  agent: string;
  taskSid: string;
  callSid: string;
  conferenceSid: string;
  recordingSids: string[];
  /** A Flex token the stand-in issued for the demo agent: the plugin sends it as `Token`. */
  token: string;
  /** The task's attributes as TaskRouter holds them (call_sid, from, conference…). */
  attributes: Record<string, unknown>;
  startedAt: string;
  endedAt: string | null;
}

export interface RecordingReport {
  sid: string;
  status: string;
  history: Array<{ status: string; at: string }>;
}

export class StandinError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'StandinError';
  }
}

export class DemoCalls {
  private current: DemoCall | null = null;
  /** Starting and ending run one at a time (two tabs may click at once). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly standinUrl: string,
    readonly agent = DEMO_AGENT,
  ) {}

  get call(): DemoCall | null {
    return this.current;
  }

  start(): Promise<DemoCall> {
    return this.serially(() => this.startNow());
  }

  /** Hangs up the current call (its recordings complete); nothing to do when there is none. */
  end(): Promise<DemoCall | null> {
    return this.serially(() => this.endNow());
  }

  private serially<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.queue.then(operation);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async startNow(): Promise<DemoCall> {
    await this.endNow();
    const created = (await this.control('POST', '/live-calls', { agent: this.agent, recording: 'both' })) as Omit<
      DemoCall,
      'agent' | 'attributes' | 'startedAt' | 'endedAt'
    >;
    const task = (await this.control('GET', `/tasks/${created.taskSid}`)) as { attributes?: Record<string, unknown> };
    this.current = {
      agent: this.agent,
      taskSid: created.taskSid,
      callSid: created.callSid,
      conferenceSid: created.conferenceSid,
      recordingSids: created.recordingSids,
      token: created.token,
      attributes: task.attributes ?? {},
      startedAt: new Date().toISOString(),
      endedAt: null,
    };
    return this.current;
  }

  private async endNow(): Promise<DemoCall | null> {
    const call = this.current;
    if (call && !call.endedAt) {
      // When the caller hung up, not when Twilio's callbacks about it were all delivered.
      const endedAt = new Date().toISOString();
      await this.control('POST', `/live-calls/${call.callSid}/end`);
      call.endedAt = endedAt;
    }
    return call;
  }

  /** Each recording of the current call as the stand-in (Twilio) has it, with its history. */
  async recordings(): Promise<RecordingReport[]> {
    const call = this.current;
    if (!call) return [];
    return Promise.all(call.recordingSids.map((sid) => this.control('GET', `/recordings/${sid}`) as Promise<RecordingReport>));
  }

  /** Makes the stand-in fail the next recording updates, as a Twilio outage would. */
  async outage(times: number): Promise<void> {
    await this.control('POST', '/faults', { operation: 'recording.update', status: 503, code: 20503, times });
  }

  private control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    return standinControl(this.standinUrl, method, path, body);
  }
}

/** A request to the stand-in's control surface; its JSON answer, or a StandinError saying what went wrong. */
export async function standinControl(standinUrl: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${standinUrl}/__standin${path}`, {
      method,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    throw new StandinError(502, `the Twilio stand-in at ${standinUrl} does not answer`);
  }
  const answer = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!response.ok) throw new StandinError(502, `the stand-in refused ${method} ${path}: ${answer.error?.message ?? `HTTP ${response.status}`}`);
  return answer;
}
