/**
 * What the compliance report costs at 10,000 agents (docs/compliance.md): each agent's day written
 * as an ended task writes it, then the report asked through the real verb, with Twilio answering
 * after 150 ms and Sync's per-object limits on. Prints the Twilio requests and the time.
 */
import { performance } from 'node:perf_hooks';
import twilio from 'twilio';
import { addExposure, emptyFigures, emptySketch, Figures } from '../../src/core/evidence';
import { dayOf } from '../../src/core/report';
import { handleRecordingControl } from '../../src/serverless/lib/api/recordingControls';
import { buildServices } from '../../src/serverless/lib/runtime';
import { readSettings } from '../../src/serverless/lib/settings';
import { createStandin } from '../../src/standin/standin';
import { InProcessRequestClient } from './inProcess';
import { LATENCY_MS } from './shared';
import { expireSyncLazily } from './standinAtScale';

const ACCOUNT_SID = `AC${'0'.repeat(32)}`;
const WORKSPACE_SID = `WS${'0'.repeat(32)}`;
const SYNC_SERVICE_SID = `IS${'5'.repeat(32)}`;
const AGENTS = 10_000;
const QUEUES = ['Payments', 'Sales', 'Support', 'Retention'];
const env = {
  ACCOUNT_SID,
  AUTH_TOKEN: 'c'.repeat(32),
  TWILIO_WORKSPACE_SID: WORKSPACE_SID,
  SYNC_SERVICE_SID,
  RECORDING_CONTROLS_API_KEYS: 'bench-report-key',
};

/** An agent's day of 96 calls (12 an hour for 8 hours), a card entry on each, in two queues. */
function agentDayFigures(seed: number): Figures {
  let exposure = emptySketch();
  for (let pause = 0; pause < 192; pause += 1) exposure = addExposure(exposure, 150 + ((seed * 31 + pause * 17) % 900));
  return { ...emptyFigures(), calls: 48, cardEntryCalls: 48, pausedCalls: 48, pauses: 96, failedPauses: seed % 50 === 0 ? 1 : 0, exposure };
}

export async function reportCost(): Promise<string[]> {
  // 40,000 items: the stand-in's expiry scan, not the functions, would bound the run (see standinAtScale.ts).
  const lazily = expireSyncLazily();
  const standin = createStandin({ accountSid: ACCOUNT_SID, workspaceSid: WORKSPACE_SID });
  standin.createSyncService({ sid: SYNC_SERVICE_SID, friendlyName: 'recording-controls', aclEnabled: true });
  const client = twilio(ACCOUNT_SID, env.AUTH_TOKEN, { httpClient: new InProcessRequestClient(standin) });
  const services = buildServices(readSettings(env), { client });
  const day = dayOf(new Date());
  // The day's items, as the agents' task ends left them (seeded fast: Sync's limits on while the report reads).
  standin.setSyncLimits(false);
  for (let start = 0; start < AGENTS; start += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, AGENTS - start) }, async (_, offset) => {
        const agent = `agent-${start + offset}`;
        for (const [index, queue] of QUEUES.slice((start + offset) % 3, ((start + offset) % 3) + 2).entries()) {
          await services.reports.record({ taskSid: `WT${String(start + offset).padStart(30, '0')}${index}0`, agent, queue, day }, agentDayFigures(start + offset + index));
        }
      }),
    );
  }
  standin.setSyncLimits(true);
  standin.setLatency(LATENCY_MS);
  const lines: string[] = [`a day of ${AGENTS.toLocaleString('en-US')} agents (96 calls each), Twilio answering after ${LATENCY_MS} ms, Sync's limits on:`];
  for (const groupBy of ['day', 'queue', 'agent'] as const) {
    const startedAt = new Date().toISOString();
    const started = performance.now();
    const answer = await handleRecordingControl('report', { ...services, now: () => new Date() }, {
      headers: { authorization: `Bearer ${env.RECORDING_CONTROLS_API_KEYS}` },
      body: { from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z`, groupBy },
    });
    const ms = performance.now() - started;
    // The stand-in keeps the newest requests only: counted by time, not by position.
    const requests = standin.requests().filter((request) => request.at >= startedAt).length;
    const groups = (answer.body as { groups?: unknown[] }).groups?.length ?? 0;
    lines.push(`  report by ${groupBy}: ${answer.status}, ${groups} group(s), ${requests} Sync requests, ${(ms / 1000).toFixed(2)} s`);
    if (groupBy === 'day') {
      const weekSeconds = (ms * 7) / 1000;
      lines.push(`  a week by day (7 × the day's reads, ${requests * 7} requests): ${weekSeconds.toFixed(1)} s; a 31-day month: ${((ms * 31) / 1000).toFixed(1)} s${(ms * 31) / 1000 > 10 ? " — over the Functions' 10 s at this size: ask a week at a time" : ''}`);
    }
  }
  const size = Buffer.byteLength(JSON.stringify((await services.reports.read([day]))[0]));
  lines.push(`  one agent's day item: ${size} bytes (Sync takes 16 KiB)`);
  lazily.undo();
  return lines;
}
