import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type { Settings } from '../base/settings';

export type TwilioClient = ReturnType<typeof twilio>;

/** Sends every Twilio REST request to one origin: the local stand-in of `npm start`. */
class RedirectingRequestClient extends twilio.RequestClient {
  constructor(private readonly origin: string) {
    super({ keepAlive: true });
  }

  request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request<TData>({ ...opts, uri: opts.uri.replace(/^https:\/\/[^/]+/, this.origin) });
  }
}

const clients = new Map<string, TwilioClient>();

/**
 * One client per credentials and origin, kept for the life of the container so connections are
 * reused (a warm pause then costs one round trip, not a TLS handshake too).
 * `context.getTwilioClient()` cannot be pointed at the stand-in, hence our own.
 */
export function twilioClient(settings: Settings): TwilioClient {
  const key = `${settings.accountSid}|${settings.apiBaseUrl ?? ''}`;
  let client = clients.get(key);
  if (!client) {
    client = settings.apiBaseUrl
      ? twilio(settings.accountSid, settings.authToken, { httpClient: new RedirectingRequestClient(settings.apiBaseUrl) })
      : twilio(settings.accountSid, settings.authToken);
    clients.set(key, client);
  }
  return client;
}
