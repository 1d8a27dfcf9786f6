/**
 * jest's globalSetup for the server project: one local stack (the Twilio stand-in over HTTP and the
 * built functions in twilio-run, with the tests' settings) for every test file that imports
 * sharedStack.ts, started once for the run rather than once a file. Started only when a selected
 * file needs it; the workers find it through process.env. It builds nothing: `npm test` builds first.
 */
import type { Config } from '@jest/types';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalStack } from '../../scripts/localStack';
import { SHARED_STACK_VARIABLE, type SharedStackAddress } from './sharedStack';

/** globalTeardown runs in this process and finds the stack here. */
export const running = globalThis as { sharedLocalStack?: LocalStack };

const testFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? testFiles(join(dir, entry.name)) : /\.test\.tsx?$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );

/**
 * Whether a file jest will run may use the shared stack, read as jest selects files (when jest
 * picks them later, from git or a watch, it may).
 */
function wanted(globalConfig: Config.GlobalConfig, projectConfig: Config.ProjectConfig): boolean {
  const { findRelatedTests, onlyChanged, changedSince, lastCommit, watch, watchAll } = globalConfig;
  if (findRelatedTests || onlyChanged || changedSince || lastCommit || watch || watchAll) return true;
  const selected = new RegExp(globalConfig.testPathPattern, 'i');
  const ignored = projectConfig.testPathIgnorePatterns.length > 0 ? new RegExp(projectConfig.testPathIgnorePatterns.join('|')) : undefined;
  return testFiles(join(projectConfig.rootDir, 'test')).some(
    (file) => selected.test(file) && !ignored?.test(file) && readFileSync(file, 'utf8').includes("support/sharedStack'"),
  );
}

export default async function startSharedStack(globalConfig: Config.GlobalConfig, projectConfig: Config.ProjectConfig): Promise<void> {
  if (!wanted(globalConfig, projectConfig)) return;
  if (!existsSync(join(projectConfig.rootDir, 'build/serverless/functions/desktop-event.js'))) {
    throw new Error('the shared local stack runs the built functions: build them first (npm run build:functions; npm test does)');
  }
  // Loaded only now: a run without the stack does not pay for the SDKs.
  const { freePort, startLocalStack } = await import('../../scripts/localStack');
  const { testEnv } = await import('../../src/rig/harness');
  const stack = await startLocalStack({ env: testEnv, functionsPort: await freePort(), standinPort: await freePort(), output: 'ignore' });
  running.sharedLocalStack = stack;
  const address: SharedStackAddress = { functionsUrl: stack.functionsUrl, standinUrl: stack.standinUrl, syncServiceSid: stack.syncServiceSid };
  process.env[SHARED_STACK_VARIABLE] = JSON.stringify(address);
}
