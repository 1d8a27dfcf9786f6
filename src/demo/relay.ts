/**
 * The demo's desktop relay, server half: the page reports which watched field the agent entered
 * or left (a trigger, nothing else), and this signs the signal with the desktop secret and POSTs
 * it to `/desktop-event` exactly as Smart Desktop's relay would (docs/api.md, *Desktop events*). The secret stays
 * in this process; the browser never sees it.
 */
import { randomUUID } from 'node:crypto';
import { signedHeaders } from '../core/signature';

/** The only signals the demo page may ask for: the payment form's two watched fields. */
export const DEMO_TRIGGERS = ['card-number.focus', 'card-number.blur', 'cvv.focus', 'cvv.blur'] as const;
export type DemoTrigger = (typeof DEMO_TRIGGERS)[number];

export type RelayRequest = { ok: true; trigger: DemoTrigger } | { ok: false; message: string };

/**
 * `{"trigger": "<one of DEMO_TRIGGERS>"}` and nothing more: anything else (a field value above
 * all) is refused rather than ignored, so a page bug cannot quietly ship card data here.
 */
export function parseRelayRequest(body: unknown): RelayRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, message: 'the body must be a JSON object' };
  const extra = Object.keys(body).filter((key) => key !== 'trigger');
  if (extra.length > 0) return { ok: false, message: `only "trigger" is accepted (got ${extra.map((key) => JSON.stringify(key.slice(0, 40))).join(', ')})` };
  const { trigger } = body as { trigger?: unknown };
  if (typeof trigger !== 'string' || !(DEMO_TRIGGERS as readonly string[]).includes(trigger)) {
    return { ok: false, message: `trigger must be one of ${DEMO_TRIGGERS.join(', ')}` };
  }
  return { ok: true, trigger: trigger as DemoTrigger };
}

export interface RelayAnswer {
  /** HTTP status of `/desktop-event` (0 when it could not be reached). */
  status: number;
  body: unknown;
}

/** Signs and sends one signal. The agent's live call is left for the functions to find (TaskRouter). */
export async function relaySignal(options: { functionsUrl: string; secret: string; agent: string; trigger: DemoTrigger }): Promise<RelayAnswer> {
  const body = { eventId: `demo-${randomUUID()}`, agent: options.agent, trigger: options.trigger, occurredAt: new Date().toISOString() };
  try {
    const response = await fetch(`${options.functionsUrl}/desktop-event`, {
      method: 'POST',
      headers: signedHeaders(options.secret, body),
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    return {
      status: response.status,
      body: await response.json().catch(() => ({ error: { code: 'bad_response', message: `HTTP ${response.status} without JSON` } })),
    };
  } catch {
    return { status: 0, body: { error: { code: 'functions_unreachable', message: `no answer from ${options.functionsUrl}/desktop-event` } } };
  }
}
