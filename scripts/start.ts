/**
 * `npm start`: the whole product on this machine with no Twilio account (docs/api.md, running it locally) — the
 * Twilio stand-in, the functions in the real local runtime (twilio-run) pointed at it, the demo
 * page, and a once-a-second sweep standing in for a scheduler.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDesktopEventsConfig } from '../src/core/desktopEvents';
import { startDemoServer } from '../src/demo/server';
import { DEMO_TABS } from '../src/demo/tabs';
import { localEnv, portOf } from './localEnv';
import { startLocalStack, startSweeping } from './localStack';

/** What `npm start` prints once everything answers: where each part is, and what to try. */
export function startBanner(running: { demoUrl: string; functionsUrl: string; standinUrl: string; secret?: string; eventsFile?: string }): string {
  return [
    '',
    'Flex Recording Controls — running locally, no Twilio account needed',
    `  demo page          ${running.demoUrl}`,
    `                     tabs: ${DEMO_TABS.map(([, label]) => label).join(' · ')}`,
    `  functions          ${running.functionsUrl}  (POST /desktop-event, /recording-controls/<verb>, /sweep)`,
    `  Twilio stand-in    ${running.standinUrl}  (control surface under /__standin/)`,
    `  desktop secret     ${running.secret}`,
    `  desktop events     ${running.eventsFile ?? 'src/serverless/assets/desktop-events.private.json'}`,
    '',
    'Send a signed signal:  npm run relay -- --agent <identity> --trigger card-number.focus',
    'Stop with Ctrl+C.',
  ].join('\n');
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

  const stack = await startLocalStack({ env, functionsPort, standinPort, host });
  const { functionsUrl } = stack;
  const stop = () => {
    void stack.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  stack.functions.on('exit', (code) => {
    console.error(`the functions runtime stopped (exit ${code})`);
    process.exit(1);
  });

  await startDemoServer({
    port: demoPort,
    host,
    functionsUrl,
    standinUrl: stack.standinUrl,
    secret: env.DESKTOP_EVENT_SECRET,
    // Adds the demo CRM's fields to the desktop item events (the Desktop Manager shows them).
    adminKey: (env.RECORDING_CONTROLS_ADMIN_KEYS ?? '').split(',')[0]?.trim(),
  });
  startSweeping(functionsUrl, env);

  console.log(
    startBanner({
      demoUrl: `http://${host}:${demoPort}`,
      functionsUrl,
      standinUrl: stack.standinUrl,
      secret: env.DESKTOP_EVENT_SECRET,
      eventsFile: env.DESKTOP_EVENTS_FILE,
    }),
  );
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
