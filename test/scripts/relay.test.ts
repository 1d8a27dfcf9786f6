/**
 * `npm run relay`: the admin's one-shot signal. It says how it is used, names the URL it could not
 * reach, and sends a signal the functions accept (signed with the secret in the file it was given).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifySignature } from '../../src/core/signature';

const root = join(__dirname, '../..');

function relay(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/relay.ts', ...args], { cwd: root }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('npm run relay', () => {
  it('--help says how it is used, and exits 0', async () => {
    const { code, stdout } = await relay(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('usage: npm run relay -- --agent <identity> --trigger <trigger> [options]');
    expect(stdout).toContain('--port <port>');
  });

  it('an unknown option or a missing one is refused with the usage', async () => {
    const unknown = await relay(['--agent', 'alice', '--trigger', 'cvv.focus', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--bogus'");
    expect(unknown.stderr).toContain('usage: npm run relay');
    const missing = await relay(['--agent', 'alice']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--agent and --trigger are required.');
  });

  it('names the URL it could not reach', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const { code, stderr } = await relay(['--agent', 'alice', '--trigger', 'cvv.focus', '--port', String(port)]);
    expect(code).toBe(1);
    expect(stderr).toContain(`Could not reach http://127.0.0.1:${port}/desktop-event`);
    expect(stderr).not.toContain('fetch failed');
  });

  it('sends the trigger signed with the secret, and prints the answer with where it came from', async () => {
    const received: Array<{ headers: IncomingHttpHeaders; body: Record<string, unknown> }> = [];
    const server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => (text += chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: JSON.parse(text) });
        response.setHeader('Content-Type', 'application/json');
        response.end(JSON.stringify({ outcome: 'paused' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const secretFile = join(mkdtempSync(join(tmpdir(), 'relay-secret-')), 'secret');
    writeFileSync(secretFile, 'test-secret\n', { mode: 0o600 });
    try {
      const { code, stdout } = await relay([
        '--agent',
        'alice',
        '--trigger',
        'cvv.focus',
        '--port',
        String(port),
        '--secret-file',
        secretFile,
        '--event-id',
        'evt-1',
      ]);
      expect(code).toBe(0);
      expect(stdout).toContain(`200 from http://127.0.0.1:${port}/desktop-event`);
      expect(stdout).toContain('"outcome": "paused"');
    } finally {
      server.close();
    }
    expect(received).toHaveLength(1);
    const [{ headers, body }] = received;
    // An event id given on the command line: nothing of the moment is added, so the same command again is the same signal.
    expect(body).toEqual({ eventId: 'evt-1', agent: 'alice', trigger: 'cvv.focus' });
    const check = verifySignature({
      secrets: ['test-secret'],
      timestampHeader: headers['x-desktop-timestamp'] as string,
      signatureHeader: headers['x-desktop-signature'] as string,
      body,
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    expect(check).toBe('valid');
  });
});
