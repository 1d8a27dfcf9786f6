/**
 * `npm start`: the whole product on this machine with no Twilio account (CONTRACT §4) — the
 * Twilio stand-in, the functions in the real local runtime (twilio-run) pointed at it, the demo
 * page, and a once-a-second sweep standing in for a scheduler.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDesktopEventsConfig } from '../src/core/desktopEvents';
import { startDemoServer } from '../src/demo/server';
import { createStandin } from '../src/standin/standin';
import { startStandinServer } from '../src/standin/server';
import { localEnv, portOf, root } from './localEnv';

const SWEEP_EVERY_MS = 1000;

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url, { method: 'POST' });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

async function main(): Promise<void> {
  const env = localEnv();
  const host = '127.0.0.1';
  const demoPort = portOf(env, 'DEMO_PORT', 3000);
  const functionsPort = portOf(env, 'FUNCTIONS_PORT', 3001);
  const standinPort = portOf(env, 'TWILIO_STANDIN_PORT', 3002);

  if (env.DESKTOP_EVENTS_FILE) {
    env.DESKTOP_EVENTS_FILE = resolve(env.DESKTOP_EVENTS_FILE);
    const check = existsSync(env.DESKTOP_EVENTS_FILE)
      ? parseDesktopEventsConfig(readFileSync(env.DESKTOP_EVENTS_FILE, 'utf8'))
      : { ok: false as const, problems: ['the file does not exist'] };
    if (!check.ok) {
      console.error(`DESKTOP_EVENTS_FILE=${env.DESKTOP_EVENTS_FILE} is refused:\n${check.problems.map((problem) => `  - ${problem}`).join('\n')}`);
      process.exit(1);
    }
  }

  const standin = createStandin({ accountSid: env.ACCOUNT_SID, workspaceSid: env.TWILIO_WORKSPACE_SID });
  await startStandinServer(standin, standinPort, host);

  const runtimeEnv = { ...env, TWILIO_API_BASE_URL: `http://${host}:${standinPort}` };
  mkdirSync(join(root, 'build'), { recursive: true });
  const envFile = join(root, 'build/.env.runtime');
  writeFileSync(envFile, Object.entries(runtimeEnv).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join('\n'), { mode: 0o600 });

  // --no-fork-process and --no-live keep one warm process, as a deployed Function container is:
  // forking per request costs 0.5–0.9 s, far over the one-second pause budget.
  const functions: ChildProcess = spawn(
    join(root, 'node_modules/.bin/twilio-run'),
    ['start', '--port', String(functionsPort), '--env', envFile, '--no-fork-process', '--no-live', '--log-level', 'warn',
      '--functions-folder', 'build/serverless/functions', '--assets-folder', 'build/serverless/assets'],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const stop = () => {
    functions.kill('SIGTERM');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  functions.on('exit', (code) => {
    console.error(`the functions runtime stopped (exit ${code})`);
    process.exit(1);
  });

  const functionsUrl = `http://${host}:${functionsPort}`;
  await waitFor(`${functionsUrl}/sweep`, 60_000);
  await startDemoServer({ port: demoPort, host, functionsUrl, standinUrl: `http://${host}:${standinPort}`, secret: env.DESKTOP_EVENT_SECRET });
  setInterval(() => {
    fetch(`${functionsUrl}/sweep`, { method: 'POST' }).catch(() => undefined);
  }, SWEEP_EVERY_MS).unref();

  console.log(
    [
      '',
      'Flex Recording Controls — running locally, no Twilio account needed',
      `  demo page          http://${host}:${demoPort}`,
      `  functions          ${functionsUrl}  (POST /desktop-event, /recording-controls/<verb>, /sweep)`,
      `  Twilio stand-in    http://${host}:${standinPort}  (control surface under /__standin/)`,
      `  desktop secret     ${env.DESKTOP_EVENT_SECRET}`,
      `  desktop events     ${env.DESKTOP_EVENTS_FILE ?? 'src/serverless/assets/desktop-events.private.json'}`,
      '',
      'Send a signed signal:  npm run relay -- --agent <identity> --trigger card-number.focus',
      'Stop with Ctrl+C.',
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
