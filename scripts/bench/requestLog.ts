/**
 * Every Twilio REST request a stand-in received during a run, with the status it answered.
 *
 * The stand-in keeps only its newest 20,000 requests, fewer than a load run makes, so its log is
 * read every second and the copies are kept by position: the stand-in's `handle` is wrapped to
 * count the requests it logs (every one outside its control surface, logged as it arrives) and to
 * note the status it answered, for a stand-in whose records do not carry one.
 */
import type { RequestRecord, Standin } from '../../src/standin/standin';

const CONTROL_PREFIX = '/__standin';
const READ_EVERY_MS = 1000;

export interface AnsweredRequest extends RequestRecord {
  /** The HTTP status answered; 0 for a dropped connection. */
  status: number;
  /** Twilio's error code, for an error answer. */
  code?: number;
}

export class RequestLog {
  private readonly records: RequestRecord[] = [];
  private readonly answers: Array<{ status: number; code?: number }> = [];
  private received = 0;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly original: Standin['handle'];

  constructor(private readonly standin: Standin) {
    this.original = standin.handle;
    const handle = standin.handle.bind(standin);
    standin.handle = async (request) => {
      // Numbered in the order the stand-in logs them: both happen before its first await.
      const index = new URL(request.url).pathname.startsWith(CONTROL_PREFIX) ? -1 : this.received++;
      const response = await handle(request);
      if (index >= 0) {
        const answer: { status: number; code?: number } = { status: response.type === 'error' ? 0 : response.status };
        this.answers[index] = answer;
        if (response.status >= 400) {
          const body = (await response
            .clone()
            .json()
            .catch(() => undefined)) as { code?: unknown } | undefined;
          if (typeof body?.code === 'number') answer.code = body.code;
        }
      }
      return response;
    };
    this.timer = setInterval(() => this.read(), READ_EVERY_MS);
  }

  /** How many requests have arrived so far: a mark to slice `all()` at. */
  count(): number {
    return this.received;
  }

  /** Every request so far, in arrival order, with what it was answered (status 0 while unanswered). */
  all(): AnsweredRequest[] {
    this.read();
    return this.records.map((record, index) => {
      const answer = this.answers[index];
      // A stand-in that records the status itself is believed first.
      const status = (record as { status?: number | null }).status ?? answer?.status ?? 0;
      return { ...record, status, ...(answer?.code !== undefined && { code: answer.code }) };
    });
  }

  stop(): void {
    clearInterval(this.timer);
    this.standin.handle = this.original;
  }

  private read(): void {
    const newest = this.standin.requests();
    const first = this.received - newest.length;
    newest.forEach((record, offset) => {
      this.records[first + offset] = record;
    });
  }
}
