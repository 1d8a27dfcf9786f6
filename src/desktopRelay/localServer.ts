/**
 * The relay's local endpoint, for a desktop analytics tool on the same PC: `GET /trigger?name=…`
 * (a tool that can only open a URL) or `POST /trigger` (JSON or form), answered with what the
 * functions answered — a pause that did not happen is not a 2xx — and `GET /status`.
 *
 * It listens on 127.0.0.1 only, and refuses what a web page in the agent's browser could send: a
 * request naming another host (DNS rebinding) or carrying a browser's cross-site marks (`Origin`,
 * `Sec-Fetch-Site` other than `none`). Optionally a local token is required (`X-Relay-Token`).
 */
import { appendFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Outcome, RelayClient, Trigger } from './client';

const MAX_BODY_BYTES = 4096;
const RECENT_KEPT = 20;
const FIELD = /^[A-Za-z0-9._:-]{1,128}$/;

export interface LocalServerOptions {
  client: RelayClient;
  port: number;
  /** Required in `X-Relay-Token` when set. */
  localToken?: string;
  /** Each signal's outcome is appended here as a JSON line. */
  logFile?: string;
}

/** What `GET /status` tells: counts, the last failure, the clock — never the secret, never a body. */
export interface RelayStatus {
  sent: number;
  failed: number;
  lastSuccessAt: string | null;
  lastFailure: { at: string; trigger: string; status: number; code?: string } | null;
  clockOffsetMs: number;
  recent: Array<{ at: string; eventId: string; trigger: string; status: number; code?: string; attempts: number; ms: number }>;
}

/** One line of the log: the signal's own fields and its fate. */
export const logLine = (outcome: Outcome, at: Date): string =>
  `${JSON.stringify({ at: at.toISOString(), eventId: outcome.eventId, trigger: outcome.trigger, status: outcome.status, ...(outcome.code && { code: outcome.code }), attempts: outcome.attempts, ms: outcome.ms })}\n`;

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}

const refuse = (response: ServerResponse, status: number, code: string, message: string) => answer(response, status, { error: { code, message } });

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    let text = '';
    let over = false;
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_BODY_BYTES) over = true;
    });
    request.on('end', () => resolve(over ? undefined : text));
    request.on('error', () => resolve(undefined));
  });
}

/** The trigger a request names, or the problem with it. */
function triggerOf(fields: Record<string, unknown>): Trigger | string {
  const trigger = fields.trigger ?? fields.name;
  if (typeof trigger !== 'string' || !FIELD.test(trigger)) return 'name the trigger: ?name=<trigger> (or "trigger" in the body), 1–128 of A-Z a-z 0-9 . _ : -';
  const text = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string) : undefined);
  const callSid = text('callSid') ?? text('call');
  return { trigger, agent: text('agent'), callSid, eventId: text('eventId'), occurredAt: text('occurredAt') };
}

export async function startLocalServer(options: LocalServerOptions): Promise<{ server: Server; url: string; status(): RelayStatus }> {
  const status: Omit<RelayStatus, 'clockOffsetMs'> = { sent: 0, failed: 0, lastSuccessAt: null, lastFailure: null, recent: [] };
  // The clock is the client's: read when asked, never copied.
  const current = (): RelayStatus => ({ ...status, clockOffsetMs: options.client.clockOffsetMs });
  const allowedHosts = (port: number) => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  const record = async (outcome: Outcome) => {
    const at = new Date();
    status.sent += 1;
    const { eventId, trigger, status: code, attempts, ms } = outcome;
    status.recent = [
      { at: at.toISOString(), eventId, trigger, status: code, ...(outcome.code && { code: outcome.code }), attempts, ms },
      ...status.recent,
    ].slice(0, RECENT_KEPT);
    if (code >= 200 && code < 300) status.lastSuccessAt = at.toISOString();
    else {
      status.failed += 1;
      status.lastFailure = { at: at.toISOString(), trigger, status: code, ...(outcome.code && { code: outcome.code }) };
    }
    if (options.logFile) await appendFile(options.logFile, logLine(outcome, at)).catch(() => undefined);
  };

  const server = createServer((request, response) => {
    void (async () => {
      const { port } = server.address() as AddressInfo;
      if (!allowedHosts(port).has(request.headers.host ?? '')) return refuse(response, 403, 'forbidden_host', 'only 127.0.0.1 and localhost are answered');
      const site = request.headers['sec-fetch-site'];
      if (request.headers.origin !== undefined || (site !== undefined && site !== 'none')) {
        return refuse(response, 403, 'cross_origin', 'requests from web pages are refused: a page could pause recordings');
      }
      if (options.localToken && request.headers['x-relay-token'] !== options.localToken)
        return refuse(response, 401, 'unauthenticated', 'X-Relay-Token is missing or wrong');
      const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);

      if (url.pathname === '/status' && request.method === 'GET') return answer(response, 200, current());
      if (url.pathname !== '/trigger') return refuse(response, 404, 'not_found', 'GET /trigger?name=<trigger>, POST /trigger, GET /status');
      let fields: Record<string, unknown>;
      if (request.method === 'GET') fields = Object.fromEntries(url.searchParams);
      else if (request.method === 'POST') {
        const text = await readBody(request);
        if (text === undefined) return refuse(response, 413, 'too_large', `the body is over ${MAX_BODY_BYTES} bytes`);
        const type = (request.headers['content-type'] ?? '').split(';')[0].trim();
        try {
          fields =
            type === 'application/x-www-form-urlencoded'
              ? Object.fromEntries(new URLSearchParams(text))
              : (JSON.parse(text || '{}') as Record<string, unknown>);
        } catch {
          return refuse(response, 400, 'invalid_body', 'the body is neither JSON nor form fields');
        }
        if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return refuse(response, 400, 'invalid_body', 'the body must be an object');
      } else {
        return refuse(response, 405, 'method_not_allowed', 'GET or POST');
      }
      const trigger = triggerOf(fields);
      if (typeof trigger === 'string') return refuse(response, 400, 'invalid_trigger', trigger);
      const outcome = await options.client.send(trigger);
      await record(outcome);
      // The functions' own answer; unreachable is the relay's 502, never a 2xx.
      answer(response, outcome.status || 502, outcome.body);
    })().catch(() => refuse(response, 500, 'relay_failed', 'the relay could not handle the request'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, status: current };
}
