/**
 * Sends one signed desktop signal, as a relay would: for admins testing a deployment or the
 * local demo, through the desktop relay's own client (signing, retries with the same event id, the
 * server's clock). It reads the same settings as `npm start` (`.env`), so with no options it reaches
 * the functions `npm start` runs. `npm run relay -- --help` says how.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { givesSecretAsFlag, SECRET_AS_FLAG } from '../src/desktopRelay/cli';
import { RelayClient } from '../src/desktopRelay/client';
import { localEnv, portOf } from './localEnv';

const USAGE = `Sends one signed desktop signal to the functions.

usage: npm run relay -- --agent <identity> --trigger <trigger> [options]

  --agent <identity>    the agent's Flex identity (required)
  --trigger <trigger>   a trigger of the desktop item events, e.g. card-number.focus (required)
  --call <CA…>          the call, when the relay knows it
  --port <port>         the functions' port on 127.0.0.1 (default: FUNCTIONS_PORT from .env, else 3001)
  --url <url>           the whole /desktop-event URL (a deployment: https://<service>.twil.io/desktop-event)
  --secret-file <path>  a file holding the signing secret (default: DESKTOP_EVENT_SECRET from .env)
  --event-id <id>       the event id (default: a new one; the same id again is a repeat, answered as the first)
  --help                this text`;

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

function secretIn(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return fail(`The secret file ${path} cannot be read.`, 2);
  }
}

async function main(): Promise<void> {
  const env = localEnv();
  if (givesSecretAsFlag(process.argv.slice(2))) fail(`${SECRET_AS_FLAG}, or leave it out to use DESKTOP_EVENT_SECRET from .env.`, 2);
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        agent: { type: 'string' },
        trigger: { type: 'string' },
        call: { type: 'string' },
        port: { type: 'string' },
        url: { type: 'string' },
        'secret-file': { type: 'string' },
        'event-id': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`, 2);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (!values.agent || !values.trigger) fail(`--agent and --trigger are required.\n\n${USAGE}`, 2);
  const secret = values['secret-file'] === undefined ? env.DESKTOP_EVENT_SECRET : secretIn(values['secret-file']);
  if (!secret) fail('No signing secret: set DESKTOP_EVENT_SECRET in .env or pass --secret-file.', 2);
  if (values.port !== undefined && !/^\d{1,5}$/.test(values.port)) fail(`--port must be a port number, not "${values.port}".`, 2);
  const port = values.port ?? String(portOf(env, 'FUNCTIONS_PORT', 3001));
  const url = values.url ?? `http://127.0.0.1:${port}/desktop-event`;

  // One signal and the process ends: run again with the same --event-id, it is the same signal.
  const client = new RelayClient({ url, secret, agent: values.agent, oneShot: true });
  const outcome = await client.send({ trigger: values.trigger, callSid: values.call, eventId: values['event-id'] });
  if (outcome.status === 0) {
    const hint = values.url ? '' : ` Is \`npm start\` running, on this port? Pass --port or --url if not.`;
    fail(`Could not reach ${url} (${outcome.unreachable}).${hint}`, 1);
  }
  const retried = outcome.attempts > 1 ? ` after ${outcome.attempts} attempts` : '';
  console.log(`${outcome.status} from ${url}${retried}\n${JSON.stringify(outcome.body, null, 2)}`);
  process.exit(outcome.status >= 200 && outcome.status < 300 ? 0 : 1);
}

main().catch((error) => fail(error instanceof Error ? error.message : String(error), 1));
