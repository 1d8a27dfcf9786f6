/**
 * Sends one signed desktop signal, as a relay would: for admins testing a deployment or the
 * local demo.  npm run relay -- --agent alice --trigger card-number.focus [--call CA…]
 *   [--url http://127.0.0.1:3001/desktop-event] [--secret …] [--event-id …]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { signedHeaders } from '../src/core/signature';
import { localEnv } from './localEnv';

async function main(): Promise<void> {
  const env = localEnv();
  const { values } = parseArgs({
    options: {
      agent: { type: 'string' },
      trigger: { type: 'string' },
      call: { type: 'string' },
      url: { type: 'string', default: `http://127.0.0.1:${env.FUNCTIONS_PORT ?? 3001}/desktop-event` },
      secret: { type: 'string', default: env.DESKTOP_EVENT_SECRET },
      'event-id': { type: 'string' },
    },
  });
  if (!values.agent || !values.trigger || !values.secret) {
    console.error('usage: npm run relay -- --agent <identity> --trigger <trigger> [--call CA…] [--url …] [--secret …]');
    process.exit(2);
  }
  const body = {
    eventId: values['event-id'] ?? `relay-${randomUUID()}`,
    agent: values.agent,
    trigger: values.trigger,
    occurredAt: new Date().toISOString(),
    ...(values.call && { callSid: values.call }),
  };
  const response = await fetch(values.url as string, {
    method: 'POST',
    headers: signedHeaders(values.secret, body),
    body: JSON.stringify(body),
  });
  console.log(response.status, JSON.stringify(await response.json(), null, 2));
  process.exit(response.ok ? 0 : 1);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
