/**
 * The local stack shared by `npm start`, the runtime tests and the benchmark: the Twilio
 * stand-in over HTTP and the functions in the real local runtime (twilio-run) pointed at it.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStandin, Standin } from '../src/standin/standin';
import { TASK_EVENTS } from '../src/serverless/lib/control/callbacks';
import { startStandinServer } from '../src/standin/server';
import { root } from './localEnv';

export interface LocalStack {
  standin: Standin;
  standinUrl: string;
  /** The product's own Sync service (ACLs on) the functions keep their state in. */
  syncServiceSid: string;
  functionsUrl: string;
  functions: ChildProcess;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  env: Record<string, string>;
  functionsPort: number;
  standinPort: number;
  host?: string;
  /** Where twilio-run's output goes; 'ignore' for tests, 'pipe' for tests that read its log. */
  output?: 'inherit' | 'ignore' | 'pipe';
  /** Where TaskRouter's event callbacks go; default the functions' /task-event; null for none (Event Streams instead). */
  eventCallbackUrl?: string | null;
  /**
   * Runs once the stand-in serves and before the functions start, as a deployment's first steps
   * do at Twilio; what it returns joins the functions' settings.
   */
  prepare?: (standinUrl: string) => Promise<Record<string, string>>;
}

async function waitUntilServing(url: string, timeoutMs: number, functions: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (functions.exitCode !== null) throw new Error(`twilio-run exited with code ${functions.exitCode}`);
    try {
      await fetch(url, { method: 'POST' });
      return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const host = options.host ?? '127.0.0.1';
  const functionsUrl = `http://${host}:${options.functionsPort}`;
  // TaskRouter's event callback reaches the task-event function, as a configured workspace's would.
  const { TWILIO_API_KEY: keySid, TWILIO_API_SECRET: keySecret } = options.env;
  const standin = createStandin({
    accountSid: options.env.ACCOUNT_SID,
    workspaceSid: options.env.TWILIO_WORKSPACE_SID,
    eventCallbackUrl: options.eventCallbackUrl === null ? undefined : (options.eventCallbackUrl ?? `${functionsUrl}/task-event`),
    authToken: options.env.AUTH_TOKEN,
    // The events filter docs/deploy.md sets: only what the functions need is an invocation.
    eventsFilter: TASK_EVENTS,
    // The key that signs the plugin's Sync tokens: the stand-in accepts what it signs.
    apiKeys: keySid && keySecret ? [{ sid: keySid, secret: keySecret }] : [],
  });
  const server: Server = await startStandinServer(standin, options.standinPort, host);
  const standinUrl = `http://${host}:${options.standinPort}`;
  const settings = { ...options.env, ...(await options.prepare?.(standinUrl)) };
  const syncServiceSid = await productSyncService(standin, standinUrl, settings);

  // twilio-run replaces process.env with its --env file, so the merged settings go there.
  const envFile = join(mkdtempSync(join(tmpdir(), 'recording-controls-')), '.env');
  const env = { ...settings, SYNC_SERVICE_SID: syncServiceSid, TWILIO_API_BASE_URL: standinUrl };
  writeFileSync(
    envFile,
    Object.entries(env)
      .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
      .join('\n'),
    { mode: 0o600 },
  );

  const functions = spawn(join(root, 'node_modules/.bin/tsx'), [join(root, 'scripts/functionsRuntime.ts'), String(options.functionsPort), envFile, host], {
    cwd: root,
    stdio: ['ignore', options.output ?? 'inherit', options.output ?? 'inherit'],
  });
  const stop = async () => {
    functions.kill('SIGTERM');
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  };
  try {
    await waitUntilServing(`${functionsUrl}/sweep`, 90_000, functions);
  } catch (error) {
    await stop();
    throw error;
  }
  return { standin, standinUrl, syncServiceSid, functions, functionsUrl, stop };
}

/**
 * A scheduler's sweep, as `npm start` runs it: `POST /sweep` with the first API key every `everyMs`
 * (answers unread), until the returned function stops it.
 */
export function startSweeping(functionsUrl: string, env: Record<string, string>, everyMs = 1000): () => void {
  // The sweep takes an API key, as a deployed scheduler would send it.
  const key = (env.RECORDING_CONTROLS_API_KEYS ?? '').split(',')[0]?.trim();
  const timer = setInterval(() => {
    fetch(`${functionsUrl}/sweep`, { method: 'POST', headers: { Authorization: `Bearer ${key}` } }).catch(() => undefined);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The product's own Sync service at the stand-in, with ACLs on, as the deploy steps create it
 * (`twilio api:sync:v1:services:create --friendly-name recording-controls --acl-enabled`). A
 * `SYNC_SERVICE_SID` given as an IS sid is used if the stand-in has it, else made with that sid (a deployment's existing service);
 * one given as anything else (`default`) is left as it is, and the functions refuse it.
 */
async function productSyncService(standin: Standin, standinUrl: string, env: Record<string, string>): Promise<string> {
  const given = env.SYNC_SERVICE_SID;
  if (given && /^IS[0-9a-f]{32}$/.test(given) && standin.hasSyncService(given)) return given;
  if (given && /^IS[0-9a-f]{32}$/.test(given)) return standin.createSyncService({ sid: given, friendlyName: 'recording-controls', aclEnabled: true });
  if (given) return given;
  const response = await fetch(`${standinUrl}/v1/Services`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ FriendlyName: 'recording-controls', AclEnabled: 'true' }).toString(),
  });
  if (!response.ok) throw new Error(`the stand-in did not create the Sync service (HTTP ${response.status})`);
  return ((await response.json()) as { sid: string }).sid;
}

/** A port free on loopback right now (for tests and the benchmark, which must not collide). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
