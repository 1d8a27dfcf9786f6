/** The shape every endpoint answers with, and its conversion to a Twilio Functions response. */
export interface HttpResult {
  status: number;
  body: unknown;
}

export const errorResult = (status: number, code: string, message: string): HttpResult => ({
  status,
  body: { error: { code, message } },
});

/** Functions merge the parsed body and `request` (headers, cookies) into one event object. */
export function splitEvent(event: Record<string, unknown>): { headers: Record<string, string | undefined>; body: Record<string, unknown> } {
  const { request, ...body } = event;
  const headers = ((request as { headers?: Record<string, string> } | undefined)?.headers ?? {}) as Record<string, string | undefined>;
  return { headers, body };
}

interface ResponseLike {
  setStatusCode(code: number): unknown;
  setBody(body: unknown): unknown;
  appendHeader(name: string, value: string): unknown;
}

/** Builds a `Twilio.Response` (a global inside the Functions runtime). */
export function toTwilioResponse(result: HttpResult): ResponseLike {
  const response = new (globalThis as unknown as { Twilio: { Response: new () => ResponseLike } }).Twilio.Response();
  response.setStatusCode(result.status);
  response.appendHeader('Content-Type', 'application/json');
  response.appendHeader('Cache-Control', 'no-store');
  response.setBody(result.body);
  return response;
}

/** The API is called from Flex in the browser (another origin) and from servers. */
export function withCors<T extends ResponseLike>(response: T): T {
  response.appendHeader('Access-Control-Allow-Origin', '*');
  response.appendHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
  response.appendHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization');
  return response;
}

/** The functions' own public address, for callbacks Twilio should make to them. */
export const ownUrl = (domainName: string | undefined, path: string): string | undefined =>
  domainName ? `${/^(localhost|127\.)/.test(domainName) ? 'http' : 'https'}://${domainName}${path}` : undefined;
