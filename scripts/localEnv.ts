/**
 * The environment of the local demo: `.env`, overridden by whatever `npm start` was given, as
 * docs/api.md (running it locally) requires (twilio-run itself would let .env win).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

export const root = join(__dirname, '..');

export function localEnv(): Record<string, string> {
  const path = join(root, '.env');
  const fromFile = existsSync(path) ? (parseEnv(readFileSync(path, 'utf8')) as Record<string, string>) : {};
  const merged: Record<string, string> = { ...fromFile };
  for (const key of Object.keys(fromFile)) {
    const given = process.env[key];
    if (given !== undefined) merged[key] = given;
  }
  for (const key of ['DESKTOP_EVENTS_FILE', 'DESKTOP_EVENT_SECRET_PREVIOUS', 'SYNC_SERVICE_SID']) {
    if (process.env[key] !== undefined) merged[key] = process.env[key] as string;
  }
  return merged;
}

export const portOf = (env: Record<string, string>, name: string, fallback: number): number => Number(env[name] ?? fallback);
