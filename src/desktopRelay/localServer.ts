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
/** A body not complete within this is answered 408: a tool sends a few hundred bytes at once. */
export const BODY_TIMEOUT_MS = 5000;
const RECENT_KEPT = 20;
const FIELD = /^[A-Za-z0-9._:-]{1,128}$/;

export interface LocalServerOptions {
  client: RelayClient;
  port: number;
  /** Required in `X-Relay-Token` when set. */
  localToken?: string;
  /** Each signal's outcome is appended here as a JSON line. */
  logFile?: string;
  /** How long a request body may take to arrive (default BODY_TIMEOUT_MS). */
  bodyTimeoutMs?: number;
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
  // A request may fail after its answer began, or the tool may have hung up: nothing more to say then.
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}

const refuse = (response: ServerResponse, status: number, code: string, message: string) => answer(response, status, { error: { code, message } });

type Body = { ok: true; text: string } | { ok: false; status: 400 | 408 | 413; code: string; message: string };

/**
 * The request's body, read up to MAX_BODY_BYTES and for at most `timeoutMs`: past either, reading
 * stops at once (nothing more is kept) and the refusal is returned. A `Content-Length` over the
 * limit is refused before a byte is read.
 */
function readBody(request: IncomingMessage, timeoutMs: number): Promise<Body> {
  const tooLarge: Body = { ok: false, status: 413, code: 'too_large', message: `the body is over ${MAX_BODY_BYTES} bytes` };
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return Promise.resolve(tooLarge);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (body: Body) => {
      clearTimeout(timer);
      request.off('data', onData).off('end', onEnd).off('error', onError);
      // Whatever else comes is not read (refuseBody drops the connection).
      if (!body.ok) request.pause();
      resolve(body);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return finish(tooLarge);
      chunks.push(chunk);
    };
    const onEnd = () => finish({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
    const onError = () => finish({ ok: false, status: 400, code: 'invalid_body', message: 'the body could not be read' });
    const timer = setTimeout(
      () => finish({ ok: false, status: 408, code: 'body_timeout', message: `the body did not arrive within ${timeoutMs} ms` }),
      timeoutMs,
    );
    timer.unref();
    request.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/** How long a connection whose body was refused stays open, unread, so the tool can read the answer. */
const LINGER_MS = 1000;

/**
 * Answers a body that was not read to its end, then drops the connection. Nothing more is read
 * meanwhile: a tool still sending is held back by TCP itself (the system's buffers fill, its writes
 * wait), so the relay's memory does not grow. Closing at once could reset the connection before
 * the tool read the answer; a moment later it has.
 */
function refuseBody(request: IncomingMessage, response: ServerResponse, body: Exclude<Body, { ok: true }>): void {
  const { socket } = request;
  request.pause();
  response.once('finish', () => {
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  });
  refuse(response, body.status, body.code, body.message);
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
        const body = await readBody(request, options.bodyTimeoutMs ?? BODY_TIMEOUT_MS);
        if (!body.ok) return refuseBody(request, response, body);
        const { text } = body;
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
