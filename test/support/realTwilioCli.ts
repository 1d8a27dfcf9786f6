/**
 * The real twilio CLI with its serverless and flex plugins (npm devDependencies), pointed at the
 * local stand-in: a data dir of its own links the two plugins (what `twilio plugins:link` writes,
 * so nothing is installed from a registry at test time), the account's credentials come from
 * `TWILIO_ACCOUNT_SID` / `TWILIO_AUTH_TOKEN` as the CLI reads them, and every Twilio host is
 * reached through twilioProxy.ts. Commands run one after another in one CLI process
 * (twilioCliDriver.ts); `runAlone` starts the CLI's own `bin/run` for a command that ends its process.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { startTwilioProxy, type TwilioProxy } from './twilioProxy';

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RealTwilioCli {
  proxy: TwilioProxy;
  /** What a command's child process needs to reach the stand-in as Twilio: proxy, trust, credentials, CLI dirs. */
  env: NodeJS.ProcessEnv;
  run(argv: string[], cwd: string): Promise<CliResult>;
  runAlone(argv: string[], cwd: string): Promise<CliResult>;
  close(): Promise<void>;
}

const root = join(__dirname, '../..');
const cliRun = join(dirname(require.resolve('twilio-cli/package.json')), 'bin/run');

export async function startRealTwilioCli(standinUrl: string, credentials: { accountSid: string; authToken: string }): Promise<RealTwilioCli> {
  const proxy = await startTwilioProxy(standinUrl);
  const home = mkdtempSync(join(tmpdir(), 'twilio-cli-'));
  for (const dir of ['data', 'config', 'cache']) mkdirSync(join(home, dir));
  const plugin = (name: string) => ({ type: 'link', name, root: dirname(require.resolve(`${name}/package.json`)) });
  writeFileSync(
    join(home, 'data/package.json'),
    JSON.stringify({ private: true, oclif: { schema: 1, plugins: [plugin('@twilio-labs/plugin-serverless'), plugin('@twilio-labs/plugin-flex')] } }),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    TWILIO_DATA_DIR: join(home, 'data'),
    TWILIO_CONFIG_DIR: join(home, 'config'),
    TWILIO_CACHE_DIR: join(home, 'cache'),
    TWILIO_SKIP_NEW_VERSION_CHECK: '1',
    TWILIO_ACCOUNT_SID: credentials.accountSid,
    TWILIO_AUTH_TOKEN: credentials.authToken,
    HTTP_PROXY: proxy.url,
    NODE_EXTRA_CA_CERTS: proxy.caFile,
    CURL_CA_BUNDLE: proxy.caFile,
    https_proxy: proxy.url,
    npm_config_registry: proxy.registryUrl,
    // The CLI's columns and colours, as in a plain pipe; no usage reports from a test (the flex plugin's).
    FORCE_COLOR: '0',
    CI: 'true',
    NODE_OPTIONS: '',
  };

  const driver = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'twilioCliDriver.ts')], {
    cwd: root,
    env,
    stdio: ['pipe', 'inherit', 'inherit', 'pipe'],
  });
  const results = createInterface({ input: driver.stdio[3] as Readable })[Symbol.asyncIterator]();
  let queue = Promise.resolve<unknown>(undefined);

  return {
    proxy,
    env,
    run(argv, cwd) {
      const next = queue.then(async () => {
        (driver.stdin as Writable).write(`${JSON.stringify({ argv, cwd })}\n`);
        const line = await results.next();
        if (line.done) return { stdout: '', stderr: 'the twilio CLI ended', exitCode: driver.exitCode ?? 1 };
        return JSON.parse(line.value) as CliResult;
      });
      queue = next.catch(() => undefined);
      return next;
    },
    runAlone(argv, cwd) {
      return new Promise((resolve) => {
        const child = spawn(process.execPath, [cliRun, ...argv], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
        const output = { stdout: '', stderr: '' };
        child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk));
        child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk));
        child.on('close', (code) => resolve({ ...output, exitCode: code ?? 1 }));
      });
    },
    async close() {
      (driver.stdin as Writable).end();
      if (driver.exitCode === null) await new Promise((resolve) => driver.once('close', resolve));
      await proxy.close();
    },
  };
}
