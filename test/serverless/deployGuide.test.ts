/**
 * docs/deploy.md, followed with the real twilio CLI (npm's twilio-cli with its serverless and flex
 * plugins) against the stand-in, reached as Twilio through a local HTTPS proxy
 * (test/support/realTwilioCli.ts): its commands run in order, the functions start with what they
 * made (the Sync service, the API key) in the real local runtime, and TaskRouter's events reach
 * them only through the Event Streams sink and subscription the guide creates — the workspace's
 * Event Callback URL stays unset.
 *
 * What the stand-in cannot take, shown where the guide asks for it:
 * - `twilio serverless:deploy` uploads the functions to the Serverless API (serverless.twilio.com
 *   and serverless-upload.twilio.com: services, environments, function and asset versions, builds,
 *   deployments), which the stand-in does not model: the CLI gets there and is answered 404.
 * - `twilio flex:plugins:deploy` builds the plugin with webpack (15–40 s of both cores, more than this
 *   whole file may take) before it uploads it to that same Serverless API and to Twilio's plugin
 *   check: the test runs it to show that the CLI takes the guide's flags and stops at the Serverless
 *   API, before any build, and that without `--changelog` the CLI refuses it.
 * The local functions answer plain http on loopback, so the sink's `https://$FUNCTIONS_DOMAIN` is
 * given as `http://127.0.0.1:<port>` (the stand-in delivers there).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, startLocalStack, type LocalStack } from '../../scripts/localStack';
import { signedHeaders } from '../../src/core/signature';
import { testEnv } from '../support/harness';
import { startRealTwilioCli, type CliResult, type RealTwilioCli } from '../support/realTwilioCli';
import { guideCommands } from '../support/twilioCli';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '../..');
const GUIDE = join(ROOT, 'docs/deploy.md');
/** What a Flex account's configuration holds before the guide: the merge must keep it. */
const EXISTING_UI_ATTRIBUTES = { colorTheme: { baseName: 'HighContrastTheme' }, some_other_plugin: { enabled: true } };

let stack: LocalStack;
let cli: RealTwilioCli;
let project: string;
const ran: Array<{ text: string } & CliResult> = [];
const kept: Record<string, string> = {};
const skipped: string[] = [];

const ran$ = (prefix: string) => ran.find((command) => command.text.startsWith(prefix));

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'build/serverless/functions/task-event.protected.js')))
    throw new Error('build the functions first: npm run build:functions (npm test does)');
  const functionsPort = await freePort();
  // The functions' settings of the guide's step 2 come from its step 1; their own Sync service and key replace the test's.
  const { SYNC_SERVICE_SID: _service, TWILIO_API_KEY: _key, TWILIO_API_SECRET: _secret, ...env } = testEnv as Record<string, string>;
  // The project as a user has it (sources, installed packages, built functions, the CLI's settings), where the guide's files go.
  project = mkdtempSync(join(tmpdir(), 'deploy-guide-'));
  for (const dir of ['build', 'src', 'node_modules']) symlinkSync(join(ROOT, dir), join(project, dir));
  for (const file of ['.twilioserverlessrc', 'package.json']) copyFileSync(join(ROOT, file), join(project, file));

  stack = await startLocalStack({
    env,
    functionsPort,
    standinPort: await freePort(),
    output: 'ignore',
    eventCallbackUrl: null,
    prepare: async (standinUrl) => {
      cli = await startRealTwilioCli(standinUrl, { accountSid: env.ACCOUNT_SID, authToken: env.AUTH_TOKEN });
      await twilioRest(standinUrl, env, 'POST', '/v1/Configuration', { account_sid: env.ACCOUNT_SID, ui_attributes: EXISTING_UI_ATTRIBUTES });
      const vars: Record<string, string> = {
        TWILIO_ACCOUNT_SID: env.ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: env.AUTH_TOKEN,
        TWILIO_WORKSPACE_SID: env.TWILIO_WORKSPACE_SID,
        FUNCTIONS_DOMAIN: `127.0.0.1:${functionsPort}`,
      };
      for (const command of guideCommands(GUIDE)) {
        const [program, subcommand] = command.text.split(' ');
        if (program === 'export' || program === 'npm' || program === 'while') {
          // The variables are the test's; npm test built the functions (the plugin build is no test's);
          // the sweep loop runs until stopped.
          skipped.push(command.text);
        } else if (program === 'cp') {
          writeFileSync(join(project, '.env.deploy'), deploySettings(vars, env));
        } else if (subcommand === 'flex:plugins:deploy') {
          skipped.push(command.text); // run by its own test below
        } else if (program === 'twilio') {
          if (subcommand === 'flex:plugins:release') await registerPluginVersion(standinUrl, env, '1.0.0');
          const { words, keeps } = command.words(vars);
          const redirect = words.indexOf('>');
          const argv = words
            .slice(1, redirect === -1 ? undefined : redirect)
            .map((word) => word.replace(`https://${vars.FUNCTIONS_DOMAIN}`, `http://${vars.FUNCTIONS_DOMAIN}`));
          const result = await cli.run(argv, project);
          ran.push({ text: command.text, ...result });
          if (redirect !== -1) writeFileSync(join(project, words[redirect + 1]), result.stdout);
          if (keeps.length && result.exitCode === 0) {
            // What a user reads: the sid in the CLI's table, or the sid and secret of its JSON (`-o json`).
            const [answer] = result.stdout.startsWith('[')
              ? (JSON.parse(result.stdout) as Array<Record<string, string>>)
              : [{ sid: /\b[A-Z]{2}[0-9a-f]{32}\b/.exec(result.stdout)?.[0] ?? '' }];
            const [sidName, secretName] = keeps;
            vars[sidName] = kept[sidName] = answer.sid;
            if (secretName) vars[secretName] = kept[secretName] = answer.secret;
          }
        } else {
          // node and curl, as a user's shell runs them.
          ran.push({ text: command.text, ...(await shell(command.text, { ...cli.env, ...vars }, project)) });
        }
      }
      return { SYNC_SERVICE_SID: kept.SYNC_SERVICE_SID, TWILIO_API_KEY: kept.TWILIO_API_KEY, TWILIO_API_SECRET: kept.TWILIO_API_SECRET };
    },
  });
});
afterAll(async () => {
  await cli?.close();
  await stack?.stop();
});

/** `.env.deploy` from the example, filled in as step 2 says. */
function deploySettings(vars: Record<string, string>, env: Record<string, string>): string {
  const values: Record<string, string> = {
    TWILIO_WORKSPACE_SID: vars.TWILIO_WORKSPACE_SID,
    SYNC_SERVICE_SID: vars.SYNC_SERVICE_SID,
    TWILIO_API_KEY: vars.TWILIO_API_KEY,
    TWILIO_API_SECRET: vars.TWILIO_API_SECRET,
    DESKTOP_EVENT_SECRET: env.DESKTOP_EVENT_SECRET,
  };
  return readFileSync(join(ROOT, '.env.deploy.example'), 'utf8').replace(/^([A-Z_]+)=.*$/gm, (line, name: string) =>
    name in values ? `${name}=${values[name]}` : line,
  );
}

async function twilioRest(standinUrl: string, env: Record<string, string>, method: string, path: string, body: Record<string, unknown> | URLSearchParams) {
  const response = await fetch(`${standinUrl}${path}`, {
    method,
    headers: {
      Authorization: `Basic ${Buffer.from(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`).toString('base64')}`,
      'Content-Type': body instanceof URLSearchParams ? 'application/x-www-form-urlencoded' : 'application/json',
    },
    body: body instanceof URLSearchParams ? body : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** What `flex:plugins:deploy` registers with the Plugins API once its upload is done (the part the stand-in cannot take). */
async function registerPluginVersion(standinUrl: string, env: Record<string, string>, version: string) {
  const name = 'plugin-recording-controls';
  await twilioRest(standinUrl, env, 'POST', '/v1/PluginService/Plugins', new URLSearchParams({ UniqueName: name, FriendlyName: name }));
  await twilioRest(
    standinUrl,
    env,
    'POST',
    `/v1/PluginService/Plugins/${name}/Versions`,
    new URLSearchParams({
      Version: version,
      PluginUrl: `https://default-1234-plugins.twil.io/plugins/${name}/${version}/bundle.js`,
      Private: 'true',
      Changelog: 'Recording controls',
    }),
  );
}

async function shell(text: string, env: NodeJS.ProcessEnv, cwd: string): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)('bash', ['-c', text], { env, cwd });
    return { stdout, stderr, exitCode: 0 };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', exitCode: failed.code ?? 1 };
  }
}

async function signal(body: Record<string, unknown>) {
  const response = await fetch(`${stack.functionsUrl}/desktop-event`, {
    method: 'POST',
    headers: signedHeaders(testEnv.DESKTOP_EVENT_SECRET, body),
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

test('the guide runs in order with the real twilio CLI: each step takes what the last one printed', () => {
  expect(ran.map(({ text }) => text.split(' ').slice(0, 2).join(' '))).toEqual([
    'twilio api:sync:v1:services:create',
    'twilio api:sync:v1:services:fetch',
    'twilio api:core:keys:create',
    'twilio serverless:deploy',
    'twilio api:events:v1:sinks:create',
    'twilio api:events:v1:subscriptions:create',
    'twilio api:flex:v1:configuration:fetch',
    'node -e',
    'curl -sS',
    'twilio flex:plugins:release',
  ]);
  expect(skipped).toEqual([
    expect.stringMatching(/^export TWILIO_ACCOUNT_SID=/),
    expect.stringMatching(/^export TWILIO_WORKSPACE_SID=/),
    expect.stringMatching(/^export FUNCTIONS_DOMAIN=recording-controls-\d+-dev\.twil\.io /),
    'npm run build:functions                 # bundles the functions, validates desktop-events.json',
    expect.stringMatching(/^while true;/),
    'npm run build',
    expect.stringMatching(/^twilio flex:plugins:deploy /),
  ]);
  for (const command of ran.filter(({ text }) => !text.startsWith('twilio serverless:deploy')))
    expect({ text: command.text, exitCode: command.exitCode, stderr: command.stderr }).toEqual({ text: command.text, exitCode: 0, stderr: expect.any(String) });
  expect(kept).toEqual({
    SYNC_SERVICE_SID: expect.stringMatching(/^IS[0-9a-f]{32}$/),
    TWILIO_API_KEY: expect.stringMatching(/^SK[0-9a-f]{32}$/),
    TWILIO_API_SECRET: expect.stringMatching(/^\w{32}$/),
    SINK_SID: expect.stringMatching(/^DG[0-9a-f]{32}$/),
  });
  expect(stack.syncServiceSid).toBe(kept.SYNC_SERVICE_SID);
  expect(JSON.parse(ran$('twilio api:sync:v1:services:fetch')!.stdout)).toEqual([expect.objectContaining({ sid: kept.SYNC_SERVICE_SID, aclEnabled: true })]);
  // Every Twilio host the CLI reached went through the proxy to the stand-in.
  expect(cli.proxy.hosts).toEqual(
    expect.arrayContaining(['sync.twilio.com', 'api.twilio.com', 'events.twilio.com', 'flex-api.twilio.com', 'serverless.twilio.com']),
  );
});

test('serverless:deploy reaches the Serverless API, which the stand-in does not model', () => {
  const deploy = ran$('twilio serverless:deploy')!;
  expect(deploy.exitCode).not.toBe(0);
  expect(`${deploy.stdout}${deploy.stderr}`).toMatch(/no Serverless API|20404|404/);
  expect(stack.standin.requests().some((request) => request.path === '/v1/Services' && request.status === 404)).toBe(true);
});

test('the Flex Configuration gets recordingControls merged into the ui_attributes it had, which stay', async () => {
  const response = await fetch(`${stack.standinUrl}/v1/Configuration`, {
    headers: { Authorization: `Basic ${Buffer.from(`${testEnv.ACCOUNT_SID}:${testEnv.AUTH_TOKEN}`).toString('base64')}` },
  });
  const configuration = (await response.json()) as { ui_attributes: Record<string, unknown> };
  expect(configuration.ui_attributes).toEqual({
    ...EXISTING_UI_ATTRIBUTES,
    recordingControls: { serverlessBaseUrl: `https://${new URL(stack.functionsUrl).host}` },
  });
});

test('flex:plugins:release turns the deployed version on: the active release holds it', async () => {
  const auth = { Authorization: `Basic ${Buffer.from(`${testEnv.ACCOUNT_SID}:${testEnv.AUTH_TOKEN}`).toString('base64')}` };
  const releases = (await (await fetch(`${stack.standinUrl}/v1/PluginService/Releases`, { headers: auth })).json()) as {
    releases: Array<{ configuration_sid: string }>;
  };
  expect(releases.releases).toHaveLength(1);
  const configured = (await (
    await fetch(`${stack.standinUrl}/v1/PluginService/Configurations/${releases.releases[0].configuration_sid}/Plugins`, { headers: auth })
  ).json()) as {
    plugins: Array<{ unique_name: string; version: string }>;
  };
  expect(configured.plugins).toEqual([expect.objectContaining({ unique_name: 'plugin-recording-controls', version: '1.0.0' })]);
});

test('flex:plugins:deploy takes the guide flags and stops at the Serverless API before building; without --changelog the CLI refuses it', async () => {
  const command = [...guideCommands(GUIDE)].find(({ text }) => text.startsWith('twilio flex:plugins:deploy'))!;
  const argv = command.words({}).words.slice(1);
  const withoutChangelog = argv.filter((word, i) => word !== '--changelog' && argv[i - 1] !== '--changelog');
  const refused = await cli.run(withoutChangelog, project);
  expect(refused.exitCode).not.toBe(0);
  expect(refused.stderr).toMatch(/Missing required flag[\s\S]*changelog/);

  const before = stack.standin.requests().length;
  const deploy = await cli.runAlone(argv, project);
  expect(deploy.exitCode).not.toBe(0);
  expect(`${deploy.stdout}${deploy.stderr}`).not.toMatch(/Missing required flag|Unexpected argument|Nonexistent flag/);
  // It read the Flex Configuration and went to the Serverless API for the plugin's service, before any build.
  const requests = stack.standin.requests().slice(before);
  expect(requests.map(({ method, path }) => `${method} ${path}`)).toEqual(expect.arrayContaining(['GET /v1/Configuration', 'GET /v1/Services']));
});

test('through the sink alone, the functions follow a call: accepted, conference named, paused, transferred, ended and recorded on the task', async () => {
  const call = stack.standin.createLiveCall({ agent: 'esme', recording: 'both' });
  await stack.standin.callbacksDelivered();
  const paused = await signal({ eventId: 'guide-1', agent: 'esme', trigger: 'card-number.focus' });
  expect(paused).toMatchObject({ status: 200, body: { outcome: 'paused', recording: 'paused', callSid: call.callSid } });
  // The key of step 1 signs the agent's Sync token, and the grant made on acceptance lets it read the call.
  const issued = await fetch(`${stack.functionsUrl}/sync-token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ Token: call.token }),
  });
  const { token } = (await issued.json()) as { token: string };
  const document = await fetch(`${stack.standinUrl}/v1/Services/${kept.SYNC_SERVICE_SID}/Documents/rc-call-${call.callSid}`, {
    headers: { 'X-Twilio-Token': token },
  });
  expect(document.status).toBe(200);

  const transfer = stack.standin.transferCall(call.callSid, 'fern');
  await stack.standin.callbacksDelivered();
  // Esme's pause left with her; Fern's signal finds the call from the index the events keep.
  for (const sid of call.recordingSids) expect(stack.standin.recording(sid)?.status).toBe('in-progress');
  expect((await signal({ eventId: 'guide-2', agent: 'fern', trigger: 'cvv.focus' })).body).toMatchObject({ outcome: 'paused', callSid: call.callSid });
  expect((await signal({ eventId: 'guide-3', agent: 'fern', trigger: 'cvv.blur' })).body).toMatchObject({ outcome: 'resumed' });

  stack.standin.endCall(call.callSid);
  await stack.standin.callbacksDelivered();
  const deliveries = stack.standin.eventCallbacks();
  expect(new Set(deliveries.map((delivery) => delivery.eventType))).toEqual(new Set(['reservation.accepted', 'task.updated', 'task.wrapup']));
  expect(deliveries.every((delivery) => delivery.status === 204)).toBe(true);
  // The pause record reaches the task only from its end event.
  const record = (stack.standin.task(transfer.taskSid)?.attributes as { recording_controls?: { intervals?: unknown[] } }).recording_controls;
  expect(record?.intervals).toEqual([
    expect.objectContaining({ by: ['esme'], holdIds: ['card-number'] }),
    expect.objectContaining({ by: ['fern'], holdIds: ['cvv'] }),
  ]);
});

test('a delivery not signed by Twilio is refused before the function runs', async () => {
  const batch = [{ specversion: '1.0', type: 'com.twilio.taskrouter.task.completed', id: 'EV1', data: { payload: { task_sid: `WT${'1'.repeat(32)}` } } }];
  const response = await fetch(`${stack.functionsUrl}/task-event?bodySHA256=${'0'.repeat(64)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Twilio-Signature': 'forged' },
    body: JSON.stringify(batch),
  });
  expect(response.status).toBe(401);
});
