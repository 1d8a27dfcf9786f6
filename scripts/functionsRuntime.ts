/**
 * Runs the built functions in twilio-run's local runtime — the same server `twilio-run start`
 * makes, with the same options — and adds one thing Twilio-style callers need: a body that is
 * not valid JSON (or too large) gets a JSON contract error instead of an HTML page.
 * Usage: tsx scripts/functionsRuntime.ts <port> <env file> [host]
 */
import type { NextFunction, Request, Response } from 'express';
import { root } from './localEnv';

// twilio-run 5.0.1 (pinned) exposes these only under dist/.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getConfigFromCli } = require('twilio-run/dist/config/start');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createLocalDevelopmentServer } = require('twilio-run/dist/runtime/server');

async function main(): Promise<void> {
  const [port, envFile, host = '127.0.0.1'] = process.argv.slice(2);
  const config = await getConfigFromCli({
    cwd: root,
    env: envFile,
    port,
    functionsFolder: 'build/serverless/functions',
    assetsFolder: 'build/serverless/assets',
    // One warm process, as a deployed Function container is: forking per request costs 0.5–0.9 s.
    forkProcess: false,
    live: false,
    logs: false,
    loadLocalEnv: false,
  });
  process.env = config.env;
  const app = await createLocalDevelopmentServer(config.port, config);
  app.use((error: { type?: string; status?: number }, request: Request, response: Response, next: NextFunction) => {
    if (error.type !== 'entity.parse.failed' && error.type !== 'entity.too.large') return next(error);
    const code = request.path === '/desktop-event' ? 'invalid_event' : 'invalid_request';
    const message = error.type === 'entity.too.large' ? 'the body is too large' : 'the body is not valid JSON';
    response.status(400).json({ error: { code, message } });
  });
  app.listen(Number(port), host, () => console.log(`functions listening on http://${host}:${port}`));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
