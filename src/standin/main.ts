/**
 * Runs the Twilio stand-in on its own: `npx tsx src/standin/main.ts`.
 * Port: TWILIO_STANDIN_PORT (default 3002). ACCOUNT_SID / TWILIO_WORKSPACE_SID, when set to
 * well-formed sids, become the sids it answers with; TWILIO_API_KEY / TWILIO_API_SECRET, the API
 * key whose access tokens it accepts.
 */
import { createStandin } from './standin';
import { startStandinServer } from './server';

const HOST = '127.0.0.1';

function sidFromEnv(name: string, prefix: string): string | undefined {
  const value = process.env[name];
  return value && new RegExp(`^${prefix}[0-9a-fA-F]{32}$`).test(value) ? value : undefined;
}

async function main(): Promise<void> {
  const port = Number(process.env.TWILIO_STANDIN_PORT || 3002);
  const keySid = sidFromEnv('TWILIO_API_KEY', 'SK');
  const standin = createStandin({
    accountSid: sidFromEnv('ACCOUNT_SID', 'AC'),
    workspaceSid: sidFromEnv('TWILIO_WORKSPACE_SID', 'WS'),
    apiKeys: keySid && process.env.TWILIO_API_SECRET ? [{ sid: keySid, secret: process.env.TWILIO_API_SECRET }] : [],
  });
  const server = await startStandinServer(standin, port, HOST);
  console.log(`Twilio stand-in: http://${HOST}:${port}`);
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('Twilio stand-in failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
