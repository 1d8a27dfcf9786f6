/**
 * Builds what `twilio serverless:deploy` and twilio-run serve: each function bundled with the
 * core it uses (Twilio deploys only the functions and assets folders), and the private assets,
 * after validating the desktop item events configuration — a bad file never ships.
 */
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseDesktopEventsConfig } from '../src/core/desktopEvents';
import { buildBrowserAssets } from './buildBrowserAssets';

const root = join(__dirname, '..');
const source = join(root, 'src/serverless');
const out = join(root, 'build/serverless');

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });

async function main(): Promise<void> {
  const configPath = join(source, 'assets/desktop-events.private.json');
  const check = parseDesktopEventsConfig(readFileSync(configPath, 'utf8'));
  if (!check.ok) {
    console.error(`${relative(root, configPath)} is invalid:\n${check.problems.map((problem) => `  - ${problem}`).join('\n')}`);
    process.exit(1);
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  cpSync(join(source, 'assets'), join(out, 'assets'), { recursive: true });
  await buildBrowserAssets(join(out, 'assets'));
  await build({
    entryPoints: filesUnder(join(source, 'functions')).filter((file) => file.endsWith('.ts')),
    outbase: join(source, 'functions'),
    outdir: join(out, 'functions'),
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    // Installed by the Functions service from package.json `dependencies`.
    external: ['twilio', 'twilio-flex-token-validator'],
    logLevel: 'warning',
  });
  console.log(`functions built in ${relative(root, out)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
