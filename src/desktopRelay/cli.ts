/**
 * The desktop relay on the agent's PC (docs/desktop-relay.md):
 *   desktop-relay serve            the local endpoint a desktop analytics tool calls
 *   desktop-relay send --trigger   one trigger from a command line; exits non-zero if it failed
 * Settings come from flags, then environment variables, then a settings file (`--config`).
 */
import { readFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { RelayClient, type RelaySettings } from './client';
import { logLine, startLocalServer } from './localServer';

export const DEFAULT_PORT = 17345;

/** Each option: its flag, what it does, and its environment variable and settings-file key. */
const OPTIONS: Array<[flag: string, what: string, variable?: string, key?: string]> = [
  ['--url <url>', "the functions' /desktop-event URL", 'RELAY_URL', 'url'],
  ['--secret-file <path>', 'a file holding DESKTOP_EVENT_SECRET', 'RELAY_SECRET_FILE', 'secretFile'],
  ['', '(or the variable DESKTOP_EVENT_SECRET itself)'],
  ['--agent <identity>', 'the agent on this PC', 'RELAY_AGENT', 'agent'],
  ['--port <port>', `serve: the port on 127.0.0.1 (${DEFAULT_PORT})`, 'RELAY_PORT', 'port'],
  ['--local-token <token>', 'serve: required in X-Relay-Token', 'RELAY_LOCAL_TOKEN', 'localToken'],
  ['--log <path>', "append each signal's outcome (JSON lines)", 'RELAY_LOG', 'logFile'],
  ['--config <path>', 'a JSON settings file'],
  ['--help', 'this text'],
];

const USAGE = `The desktop relay: signs triggers and sends them to the recording controls functions.

usage: desktop-relay serve [options]
       desktop-relay send --trigger <trigger> [--agent <identity>] [--call <CA…>] [--event-id <id>] [options]

options (each also an environment variable, or a key of the --config file):
${OPTIONS.map(([flag, what, variable = '', key = '']) => `  ${flag.padEnd(23)}${what.padEnd(45)}${variable.padEnd(21)}${key}`.trimEnd()).join('\n')}`;

/** The secret is never a flag: a command line shows in the process list (ps, Task Manager) to every user of the PC. */
export const SECRET_AS_FLAG =
  'The secret is not taken on the command line: other users of this PC can read a command line (ps, Task Manager).\n' +
  'Put it in a file only this account can read and pass --secret-file <path>';

/** Whether the command line tries to give the secret itself (`--secret x`, `--secret=x`), before any `--`. */
export const givesSecretAsFlag = (argv: string[]): boolean => {
  const options = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  return options.some((arg) => arg === '--secret' || arg.startsWith('--secret='));
};

interface Settings {
  url?: string;
  secret?: string;
  secretFile?: string;
  agent?: string;
  port?: string | number;
  localToken?: string;
  logFile?: string;
}

class UsageError extends Error {}

function settingsFrom(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): Settings {
  let file: Settings = {};
  if (typeof values.config === 'string') {
    try {
      file = JSON.parse(readFileSync(values.config, 'utf8')) as Settings;
    } catch (error) {
      throw new UsageError(`the settings file ${values.config} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const pick = (flag: string, variable: string, key: keyof Settings) =>
    (values[flag] as string | undefined) ?? env[variable] ?? (file[key] as string | undefined);
  const secretFile = pick('secret-file', 'RELAY_SECRET_FILE', 'secretFile');
  let secret = env.DESKTOP_EVENT_SECRET;
  if (secretFile) {
    try {
      secret = readFileSync(secretFile, 'utf8').trim();
    } catch {
      throw new UsageError(`the secret file ${secretFile} cannot be read`);
    }
  }
  return {
    url: pick('url', 'RELAY_URL', 'url'),
    secret,
    agent: pick('agent', 'RELAY_AGENT', 'agent'),
    port: pick('port', 'RELAY_PORT', 'port'),
    localToken: pick('local-token', 'RELAY_LOCAL_TOKEN', 'localToken'),
    logFile: pick('log', 'RELAY_LOG', 'logFile'),
  };
}

function clientSettings(settings: Settings): RelaySettings {
  if (!settings.url || !/^https?:\/\//.test(settings.url))
    throw new UsageError("--url must be the functions' /desktop-event URL (https://<service>.twil.io/desktop-event)");
  if (!settings.secret) throw new UsageError('no signing secret: --secret-file, RELAY_SECRET_FILE or DESKTOP_EVENT_SECRET');
  return { url: settings.url, secret: settings.secret, agent: settings.agent };
}

/** Runs the command line; resolves with the exit code (serve: once listening, never exits by itself). */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (givesSecretAsFlag(argv)) {
    console.error(`${SECRET_AS_FLAG} (or set RELAY_SECRET_FILE or DESKTOP_EVENT_SECRET).\n\n${USAGE}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        'secret-file': { type: 'string' },
        agent: { type: 'string' },
        port: { type: 'string' },
        'local-token': { type: 'string' },
        log: { type: 'string' },
        config: { type: 'string' },
        trigger: { type: 'string' },
        call: { type: 'string' },
        'event-id': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || !command) {
    (values.help ? console.log : console.error)(USAGE);
    return values.help ? 0 : 2;
  }
  try {
    const settings = settingsFrom(values, env);
    if (command === 'send') {
      if (!values.trigger) throw new UsageError('send needs --trigger');
      // One trigger and the process ends: the same command run again with --event-id is the same signal.
      const client = new RelayClient({ ...clientSettings(settings), oneShot: true });
      const outcome = await client.send({ trigger: values.trigger, callSid: values.call, eventId: values['event-id'] });
      console.log(
        `${outcome.status || 'no answer'} from ${settings.url} after ${outcome.attempts} attempt(s), ${outcome.ms} ms\n${JSON.stringify(outcome.body, null, 2)}`,
      );
      if (settings.logFile) await appendFile(settings.logFile, logLine(outcome, new Date()));
      return outcome.status >= 200 && outcome.status < 300 ? 0 : 1;
    }
    if (command === 'serve') {
      const client = new RelayClient(clientSettings(settings));
      const port = settings.port === undefined ? DEFAULT_PORT : Number(settings.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, not "${settings.port}"`);
      const { url } = await startLocalServer({ client, port, localToken: settings.localToken, logFile: settings.logFile });
      console.log(`desktop relay: ${url}/trigger?name=<trigger> → ${settings.url} (agent ${settings.agent ?? 'given per trigger'})`);
      return -1;
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    if (code >= 0) process.exit(code);
  });
}
