/**
 * The desktop relay as an integrator runs it on the agent's PC: its local endpoint and its command
 * line send signals the real functions accept (and pause the call at the stand-in); a signal without
 * a clear answer goes again with the same event id, within its budget, and a refusal does not; a PC
 * clock 400 s off is corrected from the answers' Date header; web pages and other hosts are refused;
 * a body too large or too slow is answered at once without being read further, and the endpoint goes
 * on answering; the secret appears nowhere it writes. The real functions are the run's shared local stack
 * (test/support/sharedStack.ts).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/localStack';
import { sign, verifySignature } from '../../src/core/signature';
import { main } from '../../src/desktopRelay/cli';
import { RelayClient } from '../../src/desktopRelay/client';
import { startLocalServer } from '../../src/desktopRelay/localServer';
import { testEnv } from '../support/harness';
import { sharedStack, uniqueAgent } from '../support/sharedStack';

jest.setTimeout(120_000);

const SECRET = 'relay-test-secret';
const root = join(__dirname, '../..');

/** Runs a command line of ours (`src/desktopRelay/cli.ts`, `scripts/relay.ts`) as a user would, through tsx. */
function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [join(root, 'node_modules/tsx/dist/cli.mjs'), script, ...args],
      { cwd: root, env: { PATH: process.env.PATH, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

/**
 * The relay's command line (`main` of src/desktopRelay/cli.ts) in this process, its printing caught:
 * a run of its own each time, remembering nothing of the one before, as a new process would not.
 */
async function relayCommand(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const printed = { stdout: [] as unknown[], stderr: [] as unknown[] };
  const log = jest.spyOn(console, 'log').mockImplementation((text) => void printed.stdout.push(text));
  const error = jest.spyOn(console, 'error').mockImplementation((text) => void printed.stderr.push(text));
  try {
    const code = await main(args, env);
    return { code, stdout: printed.stdout.join('\n'), stderr: printed.stderr.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/** A file holding the secret, as an agent's PC keeps it. */
function secretFileOf(secret: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'relay-secret-')), 'secret');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return file;
}

/** Functions of our own making: they check each signature on their clock and answer as scripted. */
interface Received {
  body: Record<string, unknown>;
  check: string;
}
function fakeFunctions(answers: Array<(received: Received) => { status: number; body: unknown }>, clockOffsetMs = 0) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => (text += chunk));
    request.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      const now = Date.now() + clockOffsetMs;
      const check = verifySignature({
        secrets: [SECRET],
        timestampHeader: request.headers['x-desktop-timestamp'] as string,
        signatureHeader: request.headers['x-desktop-signature'] as string,
        body,
        nowSeconds: Math.floor(now / 1000),
      });
      const entry = { body, check };
      received.push(entry);
      const scripted =
        check === 'valid'
          ? answers[Math.min(received.length - 1, answers.length - 1)](entry)
          : { status: 401, body: { error: { code: check, message: check } } };
      response.writeHead(scripted.status, { 'Content-Type': 'application/json', Date: new Date(now).toUTCString() });
      response.end(JSON.stringify(scripted.body));
    });
  });
  return {
    received,
    server,
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/desktop-event`,
    listen: () => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const paused = (received: Received) => ({
  status: 200,
  body: { eventId: received.body.eventId, duplicate: false, outcome: 'paused', recording: 'paused', holds: [] },
});
const failing = (status: number, code: string) => () => ({ status, body: { error: { code, message: code } } });

test('the worked example in docs/desktop-relay.md is what the functions check', () => {
  const docs = readFileSync(join(root, 'docs/desktop-relay.md'), 'utf8');
  const stated = /the signature\s+`(v1=[0-9a-f]{64})`/.exec(docs)?.[1];
  expect(stated).toBe(sign('local-demo-secret', '1795000000', { trigger: 'card-number.focus', eventId: 'evt-1', agent: 'alice' }));
});

describe('the relay client', () => {
  it('sends again with the same event id when nothing clear came back, and answers what the functions finally said', async () => {
    const functions = fakeFunctions([failing(503, 'unavailable'), failing(502, 'recording_update_failed'), paused]);
    await functions.listen();
    const outcome = await new RelayClient({ url: functions.url(), secret: SECRET, agent: 'alice' }).send({ trigger: 'cvv.focus' });
    await functions.close();
    expect(outcome).toMatchObject({ status: 200, attempts: 3, body: { outcome: 'paused' } });
    expect(new Set(functions.received.map(({ body }) => body.eventId)).size).toBe(1);
    expect(functions.received.every(({ check }) => check === 'valid')).toBe(true);
    expect(functions.received[0].body).toEqual({
      eventId: expect.stringMatching(/^relay-/),
      agent: 'alice',
      trigger: 'cvv.focus',
      occurredAt: expect.any(String),
    });
  });

  it('gives up within its budget, and says the pause did not happen', async () => {
    const functions = fakeFunctions([failing(502, 'recording_update_failed')]);
    await functions.listen();
    const outcome = await new RelayClient({ url: functions.url(), secret: SECRET, agent: 'alice', budgetMs: 1500 }).send({ trigger: 'cvv.focus' });
    await functions.close();
    expect(outcome).toMatchObject({ status: 502, code: 'recording_update_failed' });
    expect(outcome.attempts).toBeGreaterThan(1);
    expect(outcome.ms).toBeLessThan(1500 + 2000); // the last attempt may start just before the budget ends
  });

  it('does not send a refused signal again', async () => {
    for (const [status, code] of [
      [422, 'unknown_trigger'],
      [404, 'no_active_call'],
      [400, 'invalid_event'],
      [500, 'not_configured'],
    ] as const) {
      const functions = fakeFunctions([failing(status, code), paused]);
      await functions.listen();
      const outcome = await new RelayClient({ url: functions.url(), secret: SECRET, agent: 'alice' }).send({ trigger: 'cvv.focus' });
      await functions.close();
      expect(outcome).toMatchObject({ status, code, attempts: 1 });
    }
  });

  it('corrects a PC clock 400 s off from the Date header, signs again at once, and keeps the correction', async () => {
    const functions = fakeFunctions([paused], 400_000);
    await functions.listen();
    const client = new RelayClient({ url: functions.url(), secret: SECRET, agent: 'alice' });
    const first = await client.send({ trigger: 'cvv.focus' });
    expect(first).toMatchObject({ status: 200, attempts: 2 });
    expect(functions.received.map(({ check }) => check)).toEqual(['stale_timestamp', 'valid']);
    expect(Math.abs(client.clockOffsetMs - 400_000)).toBeLessThan(2000);
    const second = await client.send({ trigger: 'cvv.blur' });
    await functions.close();
    expect(second).toMatchObject({ status: 200, attempts: 1 });
  });

  it('says which URL it could not reach', async () => {
    const port = await freePort();
    const outcome = await new RelayClient({ url: `http://127.0.0.1:${port}/desktop-event`, secret: SECRET, agent: 'alice', budgetMs: 500 }).send({
      trigger: 'cvv.focus',
    });
    expect(outcome).toMatchObject({ status: 0, code: 'unreachable' });
    expect(JSON.stringify(outcome.body)).toContain(`could not reach http://127.0.0.1:${port}/desktop-event`);
  });
});

/** A raw local request, with the headers a tool (or a browser) would send. */
function local(
  url: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const target = new URL(path, url);
    const request = httpRequest(target, { method: options.method ?? 'GET', headers: options.headers as IncomingHttpHeaders }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

/**
 * A POST whose body keeps coming: `chunks` of 1 MiB written as fast as the connection takes them
 * (`Content-Length` declared when asked, chunked otherwise), or `stall` bytes and then nothing.
 * Resolves with the answer and how much had been written when it came.
 */
function sendingBody(
  url: string,
  body: { chunks: number; declared?: boolean } | { stall: number },
): Promise<{ status: number; body: any; writtenBytes: number }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(1 << 20, 0x61);
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if ('chunks' in body && body.declared) headers['Content-Length'] = String(body.chunks * chunk.length);
    let written = 0;
    let answered = false;
    const request = httpRequest(new URL('/trigger', url), { method: 'POST', headers }, (response) => {
      answered = true;
      const writtenBytes = written;
      let text = '';
      response.on('data', (part) => (text += part));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text), writtenBytes });
      });
    });
    // Once answered, the relay drops the connection while we may still be writing: that is expected.
    request.on('error', (error) => (answered ? undefined : reject(error)));
    if ('stall' in body) {
      request.write('x'.repeat(body.stall));
      written = body.stall;
      return;
    }
    let left = body.chunks;
    const write = (): void => {
      while (left > 0 && !answered) {
        left -= 1;
        written += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', write);
      }
      if (!answered) request.end();
    };
    write();
  });
}

describe('the local endpoint', () => {
  let functions: ReturnType<typeof fakeFunctions>;
  let relay: Awaited<ReturnType<typeof startLocalServer>>;
  const logFile = join(mkdtempSync(join(tmpdir(), 'relay-log-')), 'relay.log');

  beforeAll(async () => {
    functions = fakeFunctions([(received) => (received.body.trigger === 'fail.focus' ? failing(502, 'recording_update_failed')() : paused(received))]);
    await functions.listen();
    relay = await startLocalServer({ client: new RelayClient({ url: functions.url(), secret: SECRET, agent: 'alice', budgetMs: 800 }), port: 0, logFile });
  });
  afterAll(async () => {
    relay.server.close();
    await functions.close();
  });

  it('takes a trigger from a URL (GET) or a body (JSON or form), and answers what the functions answered', async () => {
    expect(await local(relay.url, '/trigger?name=cvv.focus')).toMatchObject({ status: 200, body: { outcome: 'paused' } });
    const json = await local(relay.url, '/trigger', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ trigger: 'cvv.blur', agent: 'bob' }),
    });
    expect(json.status).toBe(200);
    const form = await local(relay.url, '/trigger', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'trigger=card-number.focus',
    });
    expect(form.status).toBe(200);
    expect(functions.received.slice(-3).map(({ body }) => [body.trigger, body.agent])).toEqual([
      ['cvv.focus', 'alice'],
      ['cvv.blur', 'bob'],
      ['card-number.focus', 'alice'],
    ]);
  });

  it('a pause that did not happen is not a 2xx, and shows in the status and the log', async () => {
    const failed = await local(relay.url, '/trigger?name=fail.focus');
    expect(failed).toMatchObject({ status: 502, body: { error: { code: 'recording_update_failed' } } });
    const status = await local(relay.url, '/status');
    expect(status.body).toMatchObject({ failed: 1, lastFailure: { trigger: 'fail.focus', status: 502, code: 'recording_update_failed' } });
    const lines = readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.at(-1)).toMatchObject({ trigger: 'fail.focus', status: 502, code: 'recording_update_failed', attempts: expect.any(Number) });
    expect(readFileSync(logFile, 'utf8')).not.toContain(SECRET);
    expect(JSON.stringify(status.body)).not.toContain(SECRET);
  });

  it('refuses what a web page could send, another host, and a malformed trigger', async () => {
    const before = functions.received.length;
    expect((await local(relay.url, '/trigger?name=cvv.focus', { headers: { Origin: 'https://evil.example.com' } })).body.error.code).toBe('cross_origin');
    expect((await local(relay.url, '/trigger?name=cvv.focus', { headers: { 'Sec-Fetch-Site': 'cross-site' } })).body.error.code).toBe('cross_origin');
    expect((await local(relay.url, '/trigger?name=cvv.focus', { headers: { Host: 'attacker.example.com' } })).body.error.code).toBe('forbidden_host');
    expect((await local(relay.url, '/trigger?name=<script>')).body.error.code).toBe('invalid_trigger');
    expect((await local(relay.url, '/trigger', { method: 'POST', body: 'x'.repeat(5000) })).status).toBe(413);
    expect(functions.received.length).toBe(before);
  });

  it('stops reading a body at 4 KB and answers at once, whatever is still being sent, and goes on answering', async () => {
    // 512 MiB offered, which read whole took the relay's memory past what Node's strings hold: the answer
    // comes while the first few MiB are in the system's buffers.
    const streamed = await sendingBody(relay.url, { chunks: 512 });
    expect(streamed).toMatchObject({ status: 413, body: { error: { code: 'too_large', message: expect.any(String) } } });
    expect(streamed.writtenBytes).toBeLessThan(64 << 20);
    // A body declared too large is refused before any of it is read.
    const declared = await sendingBody(relay.url, { chunks: 512, declared: true });
    expect(declared).toMatchObject({ status: 413, body: { error: { code: 'too_large' } } });
    expect(declared.writtenBytes).toBeLessThan(64 << 20);
    expect(await local(relay.url, '/trigger?name=cvv.focus')).toMatchObject({ status: 200, body: { outcome: 'paused' } });
  });

  it('answers 408 to a body that does not finish in time, and goes on answering', async () => {
    const slow = await startLocalServer({
      client: new RelayClient({ url: functions.url(), secret: SECRET, agent: 'alice', budgetMs: 800 }),
      port: 0,
      bodyTimeoutMs: 200,
    });
    try {
      expect(await sendingBody(slow.url, { stall: 10 })).toMatchObject({ status: 408, body: { error: { code: 'body_timeout', message: expect.any(String) } } });
      expect(
        await local(slow.url, '/trigger', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"trigger":"cvv.blur"}' }),
      ).toMatchObject({
        status: 200,
        body: { outcome: 'paused' },
      });
    } finally {
      slow.server.close();
    }
  });
});

describe('against the real functions', () => {
  const stack = sharedStack();

  it('the local endpoint pauses the agent’s call at Twilio, and the command line resumes it', async () => {
    const rosa = uniqueAgent('rosa');
    const call = await stack.standin.createLiveCall({ agent: rosa, recording: 'both' });
    const client = new RelayClient({ url: `${stack.functionsUrl}/desktop-event`, secret: testEnv.DESKTOP_EVENT_SECRET, agent: rosa });
    const relay = await startLocalServer({ client, port: 0 });
    try {
      const answer = await local(relay.url, '/trigger?name=card-number.focus');
      expect(answer).toMatchObject({ status: 200, body: { outcome: 'paused', recording: 'paused', callSid: call.callSid } });
      for (const sid of call.recordingSids) expect((await stack.standin.recording(sid)).status).toBe('paused');
    } finally {
      relay.server.close();
    }

    const cli = await run('src/desktopRelay/cli.ts', [
      'send',
      '--trigger',
      'card-number.blur',
      '--agent',
      rosa,
      '--url',
      `${stack.functionsUrl}/desktop-event`,
      '--secret-file',
      secretFileOf(testEnv.DESKTOP_EVENT_SECRET),
    ]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/^200 from http:\/\/127\.0\.0\.1:\d+\/desktop-event after 1 attempt/);
    expect(cli.stdout + cli.stderr).not.toContain(testEnv.DESKTOP_EVENT_SECRET);
    for (const sid of call.recordingSids) expect((await stack.standin.recording(sid)).status).toBe('in-progress');
  });

  it('the command line exits non-zero when the functions refuse, and with the usage when a setting is missing', async () => {
    const cli = (args: string[]) => run('src/desktopRelay/cli.ts', args, { DESKTOP_EVENT_SECRET: testEnv.DESKTOP_EVENT_SECRET });
    const refused = await cli(['send', '--trigger', 'cvv.focus', '--agent', uniqueAgent('nobody'), '--url', `${stack.functionsUrl}/desktop-event`]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('no_active_call');
    const missing = await cli(['send', '--trigger', 'cvv.focus']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--url must be the functions' /desktop-event URL");
  });

  it('a trigger sent again with the same event id is the same signal, answered as a repeat (local endpoint, desktop-relay send, npm run relay)', async () => {
    const url = `${stack.functionsUrl}/desktop-event`;
    const secretFile = secretFileOf(testEnv.DESKTOP_EVENT_SECRET);
    const [viaEndpoint, viaSend, viaNpm] = ['ines', 'jon', 'kai'].map(uniqueAgent);
    const calls = await Promise.all([viaEndpoint, viaSend, viaNpm].map((agent) => stack.standin.createLiveCall({ agent, recording: 'call' })));
    const pausesOf = async (call: (typeof calls)[number]) =>
      (await stack.standin.recording(call.recordingSids[0])).history.filter((entry) => entry.status === 'paused').length;

    // The local endpoint, asked twice as a tool would that retries on its own (and a third time with another trigger).
    const endpoint = async () => {
      const relay = await startLocalServer({ client: new RelayClient({ url, secret: testEnv.DESKTOP_EVENT_SECRET, agent: viaEndpoint }), port: 0 });
      try {
        const first = await local(relay.url, '/trigger?name=cvv.focus&eventId=tool-evt-1');
        const again = await local(relay.url, '/trigger?name=cvv.focus&eventId=tool-evt-1');
        const reused = await local(relay.url, '/trigger?name=cvv.blur&eventId=tool-evt-1');
        return { first, again, reused };
      } finally {
        relay.server.close();
      }
    };
    // Each command line twice: two runs, nothing remembered between them.
    const twice = async (command: () => ReturnType<typeof run>) => [await command(), await command()];
    const [fromEndpoint, fromSend, fromNpm] = await Promise.all([
      endpoint(),
      twice(() => relayCommand(['send', '--trigger', 'cvv.focus', '--agent', viaSend, '--url', url, '--secret-file', secretFile, '--event-id', 'cli-evt-1'])),
      twice(() => run('scripts/relay.ts', ['--trigger', 'cvv.focus', '--agent', viaNpm, '--url', url, '--secret-file', secretFile, '--event-id', 'npm-evt-1'])),
    ]);

    expect(fromEndpoint.first).toMatchObject({ status: 200, body: { eventId: 'tool-evt-1', duplicate: false, outcome: 'paused' } });
    expect(fromEndpoint.again).toMatchObject({ status: 200, body: { eventId: 'tool-evt-1', duplicate: true, outcome: 'paused' } });
    // Another trigger under a used id is still the functions' conflict: the relay repeats, it does not paper over.
    expect(fromEndpoint.reused).toMatchObject({ status: 409, body: { error: { code: 'event_id_conflict' } } });
    for (const [first, again] of [fromSend, fromNpm]) {
      expect([first.code, again.code]).toEqual([0, 0]);
      expect(first.stdout).toMatch(/^200 from /);
      expect(first.stdout).toContain('"duplicate": false');
      expect(again.stdout).toMatch(/^200 from /);
      expect(again.stdout).toContain('"duplicate": true');
    }
    // Paused once each, whatever was sent twice.
    expect(await Promise.all(calls.map(pausesOf))).toEqual([1, 1, 1]);
  });

  it('the command lines refuse the secret as a flag and say to use a file, without repeating it', async () => {
    const answers = [
      await relayCommand(['send', '--trigger', 'cvv.focus', '--secret', 'top-secret-value']),
      await relayCommand(['serve', '--secret=top-secret-value']),
      await run('scripts/relay.ts', ['--agent', 'alice', '--trigger', 'cvv.focus', '--secret', 'top-secret-value']),
    ];
    for (const answer of answers) {
      expect(answer.code).toBe(2);
      expect(answer.stderr).toContain('The secret is not taken on the command line');
      expect(answer.stderr).toContain('--secret-file <path>');
      expect(answer.stderr).not.toContain("place it at the end of the command after '--'");
      expect(answer.stdout + answer.stderr).not.toContain('top-secret-value');
    }
  });

  it("--help's options line up: every flag's text, variable and settings key start in the same columns", async () => {
    const { code, stdout } = await relayCommand(['--help']);
    expect(code).toBe(0);
    const options = stdout.split('\n').filter((line) => /^ {2}--/.test(line));
    expect(options.map((line) => line.match(/^ {2}--\S+(?: <\w+>)?/)?.[0])).toContain('  --port <port>');
    const columnsOf = (line: string) => [...line.matchAll(/ {2,}(?=\S)/g)].map((gap) => (gap.index ?? 0) + gap[0].length);
    const withVariables = options.filter((line) => /RELAY_\w+/.test(line));
    expect(withVariables).toHaveLength(6);
    expect(new Set(withVariables.map((line) => columnsOf(line).join())).size).toBe(1);
    expect(new Set(options.map((line) => columnsOf(line)[1])).size).toBe(1);
  });

  it('ships as one file that plain node runs, with nothing installed beside it', async () => {
    const bundle = join(root, 'build/desktop-relay/desktop-relay.js');
    if (!existsSync(bundle)) throw new Error('build the relay first: npm run build:relay (npm test does)');
    const tove = uniqueAgent('tove');
    const call = await stack.standin.createLiveCall({ agent: tove, recording: 'call' });
    const alone = mkdtempSync(join(tmpdir(), 'relay-pc-'));
    writeFileSync(join(alone, 'desktop-relay.js'), readFileSync(bundle));
    const sent = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(
        process.execPath,
        ['desktop-relay.js', 'send', '--trigger', 'cvv.focus', '--agent', tove, '--url', `${stack.functionsUrl}/desktop-event`],
        { cwd: alone, env: { PATH: process.env.PATH, DESKTOP_EVENT_SECRET: testEnv.DESKTOP_EVENT_SECRET } },
        (error, stdout) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout }),
      ),
    );
    expect(sent.code).toBe(0);
    expect((await stack.standin.recording(call.recordingSids[0])).status).toBe('paused');
  });
});
