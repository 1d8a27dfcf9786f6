/**
 * Runs the built functions in twilio-run's local runtime — the same server `twilio-run start`
 * makes, with the same options — behind a thin front that does what Twilio's own gateway does
 * when deployed, and keeps one bad request from stopping the process:
 * - protected functions (`*.protected`) run only for requests signed by Twilio (X-Twilio-Signature,
 *   made with AUTH_TOKEN over the full URL and the form fields), as deployed;
 * - a body that is not valid JSON, too large or in an unsupported encoding gets a JSON contract
 *   error instead of an HTML page;
 * - credentials are never taken from the query string (a `Token` there is dropped), and a field
 *   named `request` — the runtime's name for the headers — is refused;
 * - anything a function throws or rejects is answered as a JSON error and logged by name; the
 *   process keeps serving.
 * The functions check all of this themselves as well (Twilio's runtime is not ours); this makes
 * the local runtime as strict as the deployed one, and stricter where the function cannot tell.
 * Usage: tsx scripts/functionsRuntime.ts <port> <env file> [host]
 */
import bodyParser from 'body-parser';
import express, { NextFunction, Request, Response } from 'express';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import twilio from 'twilio';
import { root } from './localEnv';

// twilio-run 5.0.1 (pinned) exposes these only under dist/.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getConfigFromCli } = require('twilio-run/dist/config/start');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createLocalDevelopmentServer } = require('twilio-run/dist/runtime/server');

const FUNCTIONS_FOLDER = 'build/serverless/functions';
/** What Twilio's runtime parses (and twilio-run mirrors): JSON and form bodies up to 6 MB. */
const BODY_LIMIT = '6mb';
const MAX_DRAINED_BYTES = 64 * 1024 * 1024;

type Handler = (context: unknown, event: unknown, callback: (error: unknown, response?: unknown) => void) => unknown;
interface TwilioResponse {
  setStatusCode(code: number): void;
  appendHeader(name: string, value: string): void;
  setBody(body: unknown): void;
}

/** `invalid_config` always lists its problems (docs/api.md, *Desktop item events — the configuration*), even when the body could not be read. */
const jsonError = (response: Response, status: number, code: string, message: string) =>
  response
    .status(status)
    .set('Cache-Control', 'no-store')
    .json({ error: { code, message, ...(code === 'invalid_config' && { problems: [message] }) } });

/** The contract's code for a body that cannot be read, by endpoint. */
const invalidCode = (path: string) => (path === '/desktop-event' ? 'invalid_event' : path === '/desktop-events/config' ? 'invalid_config' : 'invalid_request');

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });

/** The URL path the runtime serves a function file at (`task-event.protected.js` → `/task-event`). */
const routeOf = (file: string, folder: string) =>
  `/${relative(folder, file)
    .replace(/(\.protected)?\.js$/, '')
    .split('\\')
    .join('/')}`;

/**
 * Second line of defence: each function's handler is wrapped (through the require cache the runtime
 * loads it from) so that a throw or a rejection answers 500 in JSON instead of leaving the request
 * hanging or the process exiting on an unhandled rejection.
 */
function guardHandlers(files: string[]): void {
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built function, loaded where twilio-run loads it from
    const exported = require(file) as { handler?: Handler };
    const cached = require.cache[require.resolve(file)];
    if (typeof exported.handler !== 'function' || !cached) continue;
    const handler = exported.handler;
    const route = routeOf(file, join(root, FUNCTIONS_FOLDER));
    const guarded: Handler = (context, event, callback) => {
      let answered = false;
      const answer = (error: unknown, response?: unknown) => {
        if (answered) return;
        answered = true;
        callback(error, response);
      };
      const fail = (error: unknown) => {
        console.error(`functions runtime: ${route} failed unexpectedly: ${error instanceof Error ? error.name : typeof error}`);
        const TwilioGlobal = (globalThis as unknown as { Twilio: { Response: new () => TwilioResponse } }).Twilio;
        const response = new TwilioGlobal.Response();
        response.setStatusCode(500);
        response.appendHeader('Content-Type', 'application/json');
        response.setBody({ error: { code: 'internal_error', message: 'the function failed unexpectedly' } });
        answer(null, response);
      };
      try {
        Promise.resolve(handler(context, event, answer)).catch(fail);
      } catch (error) {
        fail(error);
      }
    };
    cached.exports = { ...exported, handler: guarded };
  }
}

/** What Twilio's gateway checks before a protected function runs. */
function requireTwilioSignature(protectedRoutes: Set<string>, authToken: string | undefined) {
  return (request: Request, response: Response, next: NextFunction) => {
    if (!protectedRoutes.has(request.path)) return next();
    const signature = request.headers['x-twilio-signature'];
    const url = `${request.protocol}://${request.get('host')}${request.originalUrl}`;
    // Form fields are signed with the URL; a JSON body (Event Streams) through the URL's bodySHA256 parameter.
    const rawJson = (request as Request & { rawJson?: string }).rawJson;
    const valid =
      typeof signature === 'string' &&
      !!authToken &&
      (request.is('application/json')
        ? rawJson !== undefined && twilio.validateRequestWithBody(authToken, signature, url, rawJson)
        : twilio.validateRequest(authToken, signature, url, request.is('application/x-www-form-urlencoded') ? (request.body as Record<string, unknown>) : {}));
    if (!valid) return jsonError(response, 401, 'invalid_signature', 'X-Twilio-Signature is missing or not valid (Twilio error 80625)');
    next();
  };
}

/**
 * Reads and drops what is left of a request's body, then goes on. A body nobody reads (a type the
 * runtime does not parse, or one refused half-way as too large) would otherwise still be arriving
 * when the answer closes the connection, and the client would see a reset instead of the answer.
 */
function drain(request: Request, then: () => void): void {
  if (request.complete) return then();
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    then();
  };
  let drained = 0;
  request.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    // Past this, the sender is not waiting for an answer: the connection is closed instead.
    if (drained > MAX_DRAINED_BYTES) request.destroy();
  });
  request.once('end', once);
  request.once('close', once);
  request.resume();
}

/** `request` is the runtime's name for the headers; credentials never come from the URL. */
function guardRuntimeNames(request: Request, response: Response, next: NextFunction) {
  const own = (value: unknown, key: string) => value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, key);
  if (own(request.query, 'request') || (!Array.isArray(request.body) && own(request.body, 'request'))) {
    return jsonError(response, 400, invalidCode(request.path), "a field named request is not allowed: it is the runtime's name for the headers");
  }
  if (own(request.query, 'Token')) delete (request.query as Record<string, unknown>).Token;
  next();
}

/** Body parser errors (bad JSON, too large, unsupported encoding, …) and anything else thrown. */
function answerErrors(error: { type?: string; status?: number; statusCode?: number }, request: Request, response: Response, next: NextFunction) {
  if (response.headersSent) return next(error);
  drain(request, () => answerError(error, request, response));
}

function answerError(error: { type?: string; status?: number; statusCode?: number }, request: Request, response: Response) {
  const status = error.status ?? error.statusCode ?? 500;
  if (error.type === 'request.aborted') return response.end();
  if (status >= 400 && status < 500) {
    const message =
      error.type === 'entity.parse.failed'
        ? 'the body is not valid JSON'
        : error.type === 'entity.too.large'
          ? 'the body is too large'
          : error.type === 'encoding.unsupported' || error.type === 'charset.unsupported'
            ? 'the body is in an unsupported encoding'
            : 'the body could not be read';
    return jsonError(response, 400, invalidCode(request.path), message);
  }
  console.error(`functions runtime: ${request.path} failed unexpectedly: ${error instanceof Error ? error.name : 'error'}`);
  return jsonError(response, 500, 'internal_error', 'the request failed unexpectedly');
}

async function main(): Promise<void> {
  const [port, envFile, host = '127.0.0.1'] = process.argv.slice(2);
  const config = await getConfigFromCli({
    cwd: root,
    env: envFile,
    port,
    functionsFolder: FUNCTIONS_FOLDER,
    assetsFolder: 'build/serverless/assets',
    // One warm process, as a deployed Function container is: forking per request costs 0.5–0.9 s.
    forkProcess: false,
    live: false,
    logs: false,
    loadLocalEnv: false,
  });
  process.env = config.env;
  // Nothing a request does may stop the process: log by name (never a message, which may quote a body) and go on.
  process.on('unhandledRejection', (reason) => console.error(`functions runtime: unhandled ${reason instanceof Error ? reason.name : typeof reason}`));
  process.on('uncaughtException', (error) => console.error(`functions runtime: uncaught ${error.name}`));

  const runtime = await createLocalDevelopmentServer(config.port, config);
  const files = filesUnder(join(root, FUNCTIONS_FOLDER)).filter((file) => file.endsWith('.js'));
  guardHandlers(files);
  const protectedRoutes = new Set(files.filter((file) => file.endsWith('.protected.js')).map((file) => routeOf(file, join(root, FUNCTIONS_FOLDER))));

  const app = express();
  app.disable('x-powered-by');
  // Parsed here with the runtime's own settings (its parsers then skip the parsed body), so the
  // checks below see what the function will.
  app.use(
    bodyParser.urlencoded({ extended: false, limit: BODY_LIMIT }),
    // The bytes are kept for the signature check of a protected function's JSON body.
    bodyParser.json({
      limit: BODY_LIMIT,
      verify: (request, _response, bytes) => ((request as Request & { rawJson?: string }).rawJson = bytes.toString('utf8')),
    }),
  );
  // Any other body is not part of the event (as deployed); it is read to the end and dropped.
  app.use((request: Request, _response: Response, next: NextFunction) =>
    (request as Request & { _body?: boolean })._body ? next() : drain(request, () => next()),
  );
  app.use(guardRuntimeNames);
  app.use(requireTwilioSignature(protectedRoutes, config.env.AUTH_TOKEN));
  app.use(runtime);
  app.use(answerErrors);
  app.listen(Number(port), host, () => console.log(`functions listening on http://${host}:${port}`));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
