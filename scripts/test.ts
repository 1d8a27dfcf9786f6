/**
 * `npm test`: what jest needs built (the functions, the desktop relay and the browser tests' demo
 * page, seconds), then jest;
 * lint, the type check and the plugin's build (`npm run build`'s webpack part, which no test
 * reads) run alongside (jest spends much of its time waiting on browsers and round trips, which
 * leaves a core free). Prints each phase's wall time and the ten slowest test files, so a slow
 * change shows where it went, and fails if any phase failed. Arguments go to jest
 * (`npm test -- test/core`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { root } from './localEnv';
import { DEMO_BUNDLE_VARIABLE, saveDemoBundle } from '../src/demo/bundle';

interface Phase {
  name: string;
  command: string;
  args: string[];
}

interface Finished {
  name: string;
  seconds: number;
  code: number;
  output: string;
}

const bin = (name: string) => join(root, 'node_modules/.bin', name);

/**
 * Runs a phase. Its output is kept, to be printed whole once it ends (side by side, lines would
 * mix), unless it is the one phase in the foreground (`inherit`).
 */
function run({ name, command, args }: Phase, { env = process.env, inherit = false }: { env?: NodeJS.ProcessEnv; inherit?: boolean } = {}): Promise<Finished> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: inherit ? 'inherit' : 'pipe' });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk));
    child.on('close', (code) => resolve({ name, seconds: (performance.now() - started) / 1000, code: code ?? 1, output }));
  });
}

interface JestReport {
  testResults: Array<{ name: string; startTime: number; endTime: number }>;
}

function slowestFiles(reportPath: string): string[] {
  try {
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as JestReport;
    return report.testResults
      .map((file) => ({ file: relative(root, file.name), seconds: (file.endTime - file.startTime) / 1000 }))
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, 10)
      .map(({ file, seconds }) => `${seconds.toFixed(1).padStart(7)} s  ${file}`);
  } catch {
    return ['(jest wrote no report)'];
  }
}

/** A phase run alongside others: its output printed whole once it ends (side by side, lines would mix). */
async function alongside(phase: Phase): Promise<Finished> {
  const finished = await run(phase);
  console.log(`\n── ${finished.name}: ${finished.code === 0 ? 'ok' : `failed (exit ${finished.code})`} in ${finished.seconds.toFixed(1)} s`);
  if (finished.code !== 0 || process.env.VERBOSE) console.log(finished.output);
  return finished;
}

async function main(): Promise<void> {
  const jestArgs = process.argv.slice(2);
  const started = performance.now();
  const checks = Promise.all([
    alongside({ name: 'lint', command: 'npm', args: ['run', '--silent', 'lint'] }),
    alongside({ name: 'types', command: bin('tsc'), args: ['--noEmit'] }),
    alongside({ name: 'plugin build', command: bin('flex-plugin'), args: ['build'] }),
  ]);
  // The browser tests' demo page is bundled meanwhile, so that jest need not before its first file.
  const demoBundle = saveDemoBundle().catch(() => undefined);
  const phases: Finished[] = [
    await alongside({ name: 'build', command: 'sh', args: ['-c', 'npm run --silent build:functions && npm run --silent build:relay'] }),
  ];
  const demoBundleDir = await demoBundle;
  const report = join(mkdtempSync(join(tmpdir(), 'recording-controls-jest-')), 'report.json');
  if (phases[0].code === 0) {
    const jest = await run(
      { name: 'jest', command: bin('jest'), args: ['--json', `--outputFile=${report}`, ...jestArgs] },
      {
        inherit: true,
        env: {
          ...process.env,
          ...(demoBundleDir && { [DEMO_BUNDLE_VARIABLE]: demoBundleDir }),
          NODE_OPTIONS: [process.env.NODE_OPTIONS, '--max-old-space-size=6144'].filter(Boolean).join(' '),
        },
      },
    );
    phases.push(jest);
    console.log('\nSlowest test files:');
    for (const line of slowestFiles(report)) console.log(line);
  }
  phases.unshift(...(await checks));
  console.log('\nWall time by phase (lint, types and the plugin build run alongside the build and jest):');
  for (const phase of phases) console.log(`${phase.seconds.toFixed(1).padStart(7)} s  ${phase.name}${phase.code === 0 ? '' : '  FAILED'}`);
  console.log(`${((performance.now() - started) / 1000).toFixed(1).padStart(7)} s  in all`);
  process.exit(phases.every((phase) => phase.code === 0) && phases.length === 5 ? 0 : 1);
}

void main();
