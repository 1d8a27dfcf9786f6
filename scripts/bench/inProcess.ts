import { performance } from 'node:perf_hooks';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type { Standin } from '../../src/standin/standin';

/** Hands the SDK's requests straight to the stand-in: Twilio with zero network latency. */
export class InProcessRequestClient extends twilio.RequestClient {
  /** Wall time during which at least one request was inside the stand-in (parallel ones once). */
  standinMs = 0;
  private inFlight = 0;
  private since = 0;

  constructor(private readonly standin: Pick<Standin, 'handle'>) {
    super();
  }

  async request<TData>(opts: RequestClient.RequestOptions<TData>) {
    if (this.inFlight++ === 0) this.since = performance.now();
    const url = new URL(opts.uri);
    if (opts.params) for (const [key, value] of Object.entries(opts.params as Record<string, unknown>)) url.searchParams.set(key, String(value));
    const headers = new Headers(opts.headers as Record<string, string>);
    headers.set('Authorization', `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`);
    const body = opts.data ? new URLSearchParams(opts.data as Record<string, string>).toString() : undefined;
    const response = await this.standin.handle(new Request(url, { method: opts.method.toUpperCase(), headers, body }));
    const text = await response.text();
    if (--this.inFlight === 0) this.standinMs += performance.now() - this.since;
    return { statusCode: response.status, body: text as TData, headers: Object.fromEntries(response.headers) };
  }
}
