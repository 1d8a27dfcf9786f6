/**
 * The real twilio CLI (node_modules/twilio-cli, its plugins linked from the data dir in
 * `TWILIO_DATA_DIR`), run as its `bin/run` runs it, for several commands in one process: the CLI's
 * start (its `init` hook builds every `api:…` command from 11 MB of API descriptions, ~3 s a
 * process) is paid once. A command that ends the process (`process.exit`, as the serverless plugin
 * does on an error) ends only itself here. Reads one JSON command a line on stdin (`{argv, cwd}`); after each, writes
 * `{stdout, stderr, exitCode}` as one JSON line on fd 3.
 */
import { createWriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';

const cliRoot = dirname(require.resolve('twilio-cli/package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromCli = (name: string) => require(require.resolve(name, { paths: [cliRoot] })) as Record<string, any>;

/** Thrown in place of `process.exit` while a command runs. */
class ProcessExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

async function main(): Promise<void> {
  const { Config } = requireFromCli('@oclif/core');
  requireFromCli('@twilio/cli-core').configureEnv();
  const config = await Config.load(cliRoot);
  const results = createWriteStream('', { fd: 3 });
  const write = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
  const exit = process.exit.bind(process);
  let initialized = false;
  for await (const line of createInterface({ input: process.stdin })) {
    const { argv, cwd } = JSON.parse(line) as { argv: string[]; cwd: string };
    const [id, ...rest] = argv;
    const captured = { stdout: '', stderr: '' };
    for (const stream of ['stdout', 'stderr'] as const) {
      process[stream].write = ((chunk: string | Uint8Array) => {
        captured[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
        return true;
      }) as typeof process.stdout.write;
    }
    process.exit = ((code?: number) => {
      throw new ProcessExit(code ?? 0);
    }) as typeof process.exit;
    let exitCode = 0;
    try {
      process.chdir(cwd);
      if (!initialized) await config.runHook('init', { id, argv: rest });
      initialized = true;
      await config.runCommand(id, rest);
    } catch (error) {
      const failure = error as { message?: string; oclif?: { exit?: number } };
      exitCode = error instanceof ProcessExit ? error.code : (failure.oclif?.exit ?? 1);
      if (exitCode !== 0 && !(error instanceof ProcessExit)) captured.stderr += `${failure.message ?? String(error)}\n`;
    } finally {
      process.exit = exit;
      process.stdout.write = write.stdout;
      process.stderr.write = write.stderr;
    }
    results.write(`${JSON.stringify({ ...captured, exitCode })}\n`);
  }
  results.end();
}

void main();
