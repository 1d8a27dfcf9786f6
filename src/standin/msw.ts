/**
 * msw 2 handlers that send every request to any *.twilio.com host (the `twilio` SDK's API,
 * TaskRouter and Sync hosts, and iam.twilio.com used by twilio-flex-token-validator) to the
 * stand-in. Use in jest: `setupServer(...standinHandlers(standin))`.
 */
import { HttpResponse, http } from 'msw';
import type { Standin } from './standin';

const TWILIO_URL = /^https:\/\/([a-z0-9-]+\.)*twilio\.com(:\d+)?\//i;

export function standinHandlers(standin: Standin) {
  return [
    http.all(TWILIO_URL, async ({ request }) => {
      const response = await standin.handle(request);
      // A status-0 fault is a dropped connection, not an HTTP answer.
      if (response.type === 'error') return HttpResponse.error();
      // Answer with a Content-Length: without one, msw's node interceptor leaves axios (inside the
      // twilio SDK) waiting for the end of a chunked body forever.
      const body = Buffer.from(await response.arrayBuffer());
      const headers = new Headers(response.headers);
      headers.set('Content-Length', String(body.length));
      return new HttpResponse(response.status === 204 ? null : body, { status: response.status, headers });
    }),
  ];
}
