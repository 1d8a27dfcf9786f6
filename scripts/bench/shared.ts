/** What the benchmark's sections share: the local stack's environment and how figures are read. */
import { localEnv } from '../localEnv';

// The product's own Sync service (ACLs on): made at each stand-in the benchmark starts.
export const env: Record<string, string> = { ...localEnv(), DESKTOP_EVENT_SECRET: 'bench-secret', SYNC_SERVICE_SID: `IS${'5'.repeat(32)}` };

/** Twilio's answer time the latency figures are taken against, and divided by. */
export const LATENCY_MS = 150;

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
