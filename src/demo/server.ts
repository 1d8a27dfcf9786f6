/**
 * The demo page of `npm start` (docs/api.md, port 3000): a simulated live call for a demo agent,
 * the Flex plugin's real recording components, and a CRM payment form whose card fields pause the
 * recording. This server is also the demo's desktop relay: it signs the page's triggers itself,
 * as the Smart Desktop relay would, so the secret never reaches the browser.
 *
 * The page's API (JSON in, JSON out; errors are `{"error": {"code", "message"}}`):
 *   GET  /api/call            the demo agent's current call (or null)
 *   POST /api/call            a new live call (the previous one ends)
 *   POST /api/call/end        hang up
 *   POST /api/desktop-event   {"trigger": "card-number.focus" | … } → signed → /desktop-event
 *   GET  /api/recordings      each recording of the call as the Twilio stand-in has it
 *   POST /api/outage          the stand-in fails the next recording updates (a Twilio outage)
 *   GET  /api/admin           the demo admin's Flex token, for the Desktop Manager tab
 *   GET  /api/supervisor      the demo supervisor's Flex token, for the Supervisor tab (GET /supervisor)
 *   POST /api/supervisor/calls  other agents' calls for it: one paused, one whose pause failed, one transferred
 *   POST /api/compliance/calls  ended calls for the Compliance tab: paused by a field, a failed pause paused on a retry, a manual pause
 * and the CRM page shown in Flex, wired through crm-relay.js: GET /crm, opened on the other origin
 * (http://localhost:<port> when the page is http://127.0.0.1:<port>).
 *
 * The page needs nothing from elsewhere: its bundle (GET /demo.js, /demo.css, compressed as the
 * browser accepts) asks this server for what the Flex UI would fetch from Twilio's asset hosts
 * (GET /twilio-assets/…), and its pages may reach only this machine (Content-Security-Policy).
 *
 * Every request must name the demo itself in `Host` (127.0.0.1:<port> or localhost:<port>, or the
 * host it listens on): a web page whose name was pointed at 127.0.0.1 (DNS rebinding) is same-origin
 * with itself, not with the demo, and would otherwise read the admin's and supervisor's Flex tokens,
 * the agent's, and make calls and signals. Others get 403 forbidden_host.
 */
import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import { DEMO_SUPERVISOR, DemoUser, seedCrmFields } from './admin';
import { ComplianceCalls } from './complianceCalls';
import { SupervisorCalls } from './supervisorCalls';
import { buildDemoBundle, TWILIO_ASSETS_PATH, type DemoBundle } from './bundle';
import { DemoCalls, StandinError } from './calls';
import { crmPageHtml } from './crmPage';
import { parseRelayRequest, relaySignal } from './relay';

export interface DemoOptions {
  port: number;
  host: string;
  functionsUrl: string;
  standinUrl: string;
  secret: string | undefined;
  /**
   * An admin key of the functions (RECORDING_CONTROLS_ADMIN_KEYS): the demo CRM's fields are added
   * to the desktop item events at start (CRM page at http://localhost:<port>), once, as an admin's
   * script would.
   */
  adminKey?: string;
  /** The page's bundle, made elsewhere (the browser tests make it once for all their servers); else made here. */
  bundle?: () => Promise<DemoBundle>;
}

/**
 * What the page is told at load: where the functions are (the plugin calls them directly), where
 * the stand-in's Sync push channel is (the page's Sync client follows it) and who the agent is.
 */
export interface DemoPageConfig {
  functionsUrl: string;
  syncUrl: string;
  agent: string;
  /** The Supervisor tab's own page (a Flex of its own, signed in as the supervisor). */
  page?: 'supervisor';
}

const MAX_BODY_BYTES = 1024;
/**
 * One failed pause: the functions try each recording update up to 8 times, and the demo call has
 * two recordings. A fault left over is a single transient failure, which the retries absorb.
 */
const OUTAGE_TIMES = 16;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  // Requiring JSON also keeps other web sites out: a cross-origin JSON POST needs a CORS preflight we never grant.
  if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
    throw new HttpError(415, 'unsupported_media_type', 'send Content-Type: application/json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'too_large', `the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new HttpError(400, 'invalid_json', 'the body is not valid JSON');
  }
}

/** Content encodings the bundle is served in, the smallest first. */
const ENCODINGS = ['br', 'gzip'] as const;
type Encoding = (typeof ENCODINGS)[number];

/** Fast enough to make on the first request (well under a second of CPU for the Flex bundle), and about a fifth of its size. */
const compress: Record<Encoding, (text: string) => Promise<Buffer>> = {
  br: (text) => promisify(brotliCompress)(text, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 } }),
  gzip: (text) => promisify(gzip)(text),
};

/** The best encoding the browser accepts (`Accept-Encoding`, a `q=0` refusing one), or none. */
function acceptedEncoding(header: string | string[] | undefined): Encoding | undefined {
  const weights = new Map(
    String(header ?? '')
      .split(',')
      .map((part) => {
        const [name, ...parameters] = part.trim().toLowerCase().split(';');
        const q = parameters.map((parameter) => /^\s*q=([\d.]+)\s*$/.exec(parameter)?.[1]).find(Boolean);
        return [name.trim(), q === undefined ? 1 : Number(q)] as const;
      }),
  );
  return ENCODINGS.find((encoding) => (weights.get(encoding) ?? weights.get('*') ?? 0) > 0);
}

/**
 * What the page's Twilio asset URLs get here (bundle.ts): an empty font stylesheet (the system's fonts
 * then) and an empty country list; anything else — fonts, the ringtone, images — is not served, and
 * the Flex UI carries on without it, as it does offline.
 */
const TWILIO_ASSET_STAND_INS: Array<[RegExp, string, string]> = [
  [/\.css$/, 'text/css; charset=utf-8', '/* Twilio fonts are not loaded by the demo: the system fonts are used. */\n'],
  [/\/countries\.json$/, 'application/json', '[]'],
  [/\/flagPositions\.json$/, 'application/json', '{}'],
];

/**
 * The demo's pages load, connect to and frame only this machine (the demo, the functions, the
 * stand-in and its Sync socket): whatever else the Flex UI or Paste reaches for (a font of Twilio's)
 * the browser does not request at all, as if offline. Scripts and styles are otherwise as Flex needs them.
 */
const THIS_MACHINE_ONLY = [
  "default-src 'self' http://127.0.0.1:* http://localhost:* ws://127.0.0.1:* ws://localhost:* data: blob: 'unsafe-inline' 'unsafe-eval'",
  "base-uri 'self'",
].join('; ');

function sendHtml(response: ServerResponse, html: string): void {
  response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Security-Policy': THIS_MACHINE_ONLY });
  response.end(html);
}

const escapeJsonForHtml = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

function pageHtml(config: DemoPageConfig): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Flex Recording Controls — demo</title>
<link rel="stylesheet" href="/demo.css">
<script id="demo-config" type="application/json">${escapeJsonForHtml(config)}</script>
<script defer src="/demo.js"></script>
</head>
<body>
<div id="root"><p class="loading">Loading the Flex UI… (it is large: a few seconds)</p></div>
</body>
</html>`;
}

/** The other loopback name: the CRM page is served there so that it is another origin than the Flex page. */
export const otherLoopback = (hostname: string): string => (hostname === 'localhost' ? '127.0.0.1' : 'localhost');

export async function startDemoServer(options: DemoOptions): Promise<Server> {
  const calls = new DemoCalls(options.standinUrl);
  const admin = new DemoUser(options.standinUrl);
  const supervisor = new DemoUser(options.standinUrl, DEMO_SUPERVISOR, 'supervisor');
  const supervised = new SupervisorCalls(options.standinUrl, options.functionsUrl, options.secret);
  const reported = new ComplianceCalls(options.standinUrl, options.functionsUrl, options.secret);
  const config: DemoPageConfig = { functionsUrl: options.functionsUrl, syncUrl: options.standinUrl, agent: calls.agent };
  // Built once, in memory, while the server already answers (the page waits for it).
  const bundle: Promise<DemoBundle & { version: string }> = (options.bundle ?? buildDemoBundle)().then((built) => ({
    ...built,
    version: createHash('sha256').update(built.js).update(built.css).digest('hex').slice(0, 12),
  }));
  bundle.catch((error) => console.error(`the demo page could not be bundled: ${error instanceof Error ? error.message : error}`));

  /** Each asset in each encoding, made once when first asked for. */
  const compressed = new Map<string, Promise<Buffer>>();

  async function asset(response: ServerResponse, request: IncomingMessage, kind: 'js' | 'css'): Promise<void> {
    const built = await bundle.catch(() => {
      throw new HttpError(500, 'bundle_failed', 'the demo page could not be bundled (see the npm start output)');
    });
    // The Flex bundle is 18 MB: sent compressed when the browser takes it (about a fifth of that).
    const encoding = acceptedEncoding(request.headers['accept-encoding']);
    // The browser keeps it (and its compiled code) between reloads; each encoding is a representation of its own.
    const etag = `"${built.version}${encoding ? `-${encoding}` : ''}"`;
    const vary = { Vary: 'Accept-Encoding', ETag: etag };
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, vary);
      response.end();
      return;
    }
    let body: string | Buffer = built[kind];
    if (encoding) {
      const key = `${kind}.${encoding}`;
      if (!compressed.has(key)) compressed.set(key, compress[encoding](built[kind]));
      body = await (compressed.get(key) as Promise<Buffer>);
    }
    response.writeHead(200, {
      'Content-Type': kind === 'js' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8',
      'Cache-Control': 'no-cache',
      'Content-Length': Buffer.byteLength(body),
      ...(encoding && { 'Content-Encoding': encoding }),
      ...vary,
    });
    response.end(body);
  }

  /** The page's Twilio asset URLs, answered on this machine (TWILIO_ASSET_STAND_INS). */
  function twilioAsset(response: ServerResponse, path: string): void {
    const standIn = TWILIO_ASSET_STAND_INS.find(([pattern]) => pattern.test(path));
    if (!standIn) throw new HttpError(404, 'not_served', 'the demo does not serve Twilio assets: the page works without them');
    response.writeHead(200, { 'Content-Type': standIn[1], 'Cache-Control': 'max-age=86400' });
    response.end(standIn[2]);
  }

  /** The names the demo answers to, on the port it listens on. */
  const ownHosts = (): Set<string> => {
    const { port } = server.address() as AddressInfo;
    const names = ['127.0.0.1', 'localhost'];
    // Listening on one address of its own (not every address), the demo also answers to it.
    if (!['0.0.0.0', '::', ''].includes(options.host)) names.push(options.host.includes(':') ? `[${options.host}]` : options.host);
    return new Set(names.map((name) => `${name}:${port}`));
  };

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!ownHosts().has((request.headers.host ?? '').toLowerCase())) {
      throw new HttpError(403, 'forbidden_host', 'the demo answers only requests to 127.0.0.1:<port> or localhost:<port>');
    }
    const path = new URL(request.url ?? '/', 'http://demo').pathname;
    if (request.method === 'GET' && path.startsWith(TWILIO_ASSETS_PATH)) return twilioAsset(response, path);
    const route = `${request.method} ${path}`;
    switch (route) {
      case 'GET /':
        return sendHtml(response, pageHtml(config));
      case 'GET /demo.js':
        return asset(response, request, 'js');
      case 'GET /demo.css':
        return asset(response, request, 'css');
      case 'GET /crm': {
        // Requested on one loopback name, the Flex page is on the other.
        const [hostname, port = String(options.port)] = (request.headers.host ?? '').split(':');
        return sendHtml(response, crmPageHtml({ functionsUrl: options.functionsUrl, flexOrigin: `http://${otherLoopback(hostname)}:${port}` }));
      }
      case 'GET /api/admin':
        return sendJson(response, 200, await admin.token());
      case 'GET /supervisor':
        return sendHtml(response, pageHtml({ ...config, page: 'supervisor' }));
      case 'GET /api/supervisor':
        return sendJson(response, 200, await supervisor.token());
      case 'POST /api/supervisor/calls':
        await readJson(request);
        return sendJson(response, 200, await supervised.ensure());
      case 'POST /api/compliance/calls':
        await readJson(request);
        return sendJson(response, 200, await reported.ensure());
      case 'GET /favicon.ico':
        response.writeHead(204);
        response.end();
        return;
      case 'GET /api/call':
        return sendJson(response, 200, { call: calls.call });
      case 'POST /api/call':
        await readJson(request);
        return sendJson(response, 200, { call: await calls.start() });
      case 'POST /api/call/end':
        await readJson(request);
        return sendJson(response, 200, { call: await calls.end() });
      case 'GET /api/recordings':
        return sendJson(response, 200, { recordings: await calls.recordings() });
      case 'POST /api/outage':
        await readJson(request);
        await calls.outage(OUTAGE_TIMES);
        return sendJson(response, 200, { ok: true, operation: 'recording.update', times: OUTAGE_TIMES });
      case 'POST /api/desktop-event': {
        const parsed = parseRelayRequest(await readJson(request));
        if (!parsed.ok) throw new HttpError(400, 'invalid_trigger', parsed.message);
        if (!options.secret) throw new HttpError(500, 'not_configured', 'DESKTOP_EVENT_SECRET is not set');
        const answer = await relaySignal({ functionsUrl: options.functionsUrl, secret: options.secret, agent: calls.agent, trigger: parsed.trigger });
        // The functions' answer goes back as it is (status and body), so the page shows what Smart Desktop would get.
        return sendJson(response, answer.status || 502, answer.body);
      }
      default: {
        const known = [
          '/',
          '/crm',
          '/supervisor',
          '/api/admin',
          '/api/supervisor',
          '/api/supervisor/calls',
          '/api/compliance/calls',
          '/demo.js',
          '/demo.css',
          '/api/call',
          '/api/call/end',
          '/api/recordings',
          '/api/outage',
          '/api/desktop-event',
        ];
        if (known.includes(path)) throw new HttpError(405, 'method_not_allowed', `${request.method} is not allowed on ${path}`);
        throw new HttpError(404, 'not_found', `nothing at ${path}`);
      }
    }
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (response.headersSent) return void response.end();
      if (error instanceof HttpError) return sendJson(response, error.status, { error: { code: error.code, message: error.message } });
      if (error instanceof StandinError) return sendJson(response, error.status, { error: { code: 'standin_error', message: error.message } });
      sendJson(response, 500, { error: { code: 'internal_error', message: error instanceof Error ? error.message : String(error) } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (options.adminKey) {
    const crmOrigin = `http://${otherLoopback(options.host)}:${options.port}`;
    await seedCrmFields({ functionsUrl: options.functionsUrl, adminKey: options.adminKey, crmOrigin }).catch((error: unknown) =>
      console.error(`the demo CRM's fields could not be added to the desktop item events: ${error instanceof Error ? error.message : error}`),
    );
  }
  return server;
}
