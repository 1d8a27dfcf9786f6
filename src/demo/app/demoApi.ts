/** The page's client for the demo server (src/demo/server.ts). */
import type { DemoCall, RecordingReport } from '../calls';
import type { DemoPageConfig } from '../server';
import type { DemoTrigger } from '../relay';
import type { SupervisedCalls } from '../supervisorCalls';

export type { DemoCall, RecordingReport, DemoTrigger };

export function readPageConfig(): DemoPageConfig {
  return JSON.parse(document.getElementById('demo-config')?.textContent ?? '{}') as DemoPageConfig;
}

/** What `/desktop-event` answers (docs/api.md, *Desktop events*), as far as the page shows it. */
export interface SignalAnswer {
  outcome?: string;
  recording?: string;
  error?: { code: string; message: string };
}

/** A demo user's Flex token. */
export interface DemoUserToken {
  identity: string;
  token: string;
  roles: string[];
}

export interface Answer<T> {
  status: number;
  body: T;
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer<T>> {
  try {
    const response = await fetch(path, {
      method,
      headers: method === 'POST' ? { 'Content-Type': 'application/json' } : undefined,
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
    });
    return { status: response.status, body: (await response.json()) as T };
  } catch {
    return { status: 0, body: { error: { code: 'demo_server_unreachable', message: 'the demo server does not answer' } } as T };
  }
}

async function ok<T>(answer: Promise<Answer<T>>): Promise<T> {
  const { status, body } = await answer;
  if (status !== 200) throw new Error((body as { error?: { message?: string } })?.error?.message ?? `HTTP ${status}`);
  return body;
}

export const demoApi = {
  call: () => ok(request<{ call: DemoCall | null }>('GET', '/api/call')).then((body) => body.call),
  newCall: () => ok(request<{ call: DemoCall }>('POST', '/api/call')).then((body) => body.call),
  endCall: () => ok(request<{ call: DemoCall | null }>('POST', '/api/call/end')).then((body) => body.call),
  recordings: () => ok(request<{ recordings: RecordingReport[] }>('GET', '/api/recordings')).then((body) => body.recordings),
  outage: () => ok(request('POST', '/api/outage')),
  /** A demo Flex user without a call, for the other tabs: the admin or the supervisor. */
  user: (role: 'admin' | 'supervisor') => ok(request<DemoUserToken>('GET', `/api/${role}`)),
  /** Other agents' calls for the Supervisor tab, and ended ones for the Compliance tab. */
  supervisedCalls: () => ok(request<SupervisedCalls>('POST', '/api/supervisor/calls')),
  reportedCalls: () => ok(request('POST', '/api/compliance/calls')),
  /** Only the trigger goes to the server: never what was typed. */
  signal: (trigger: DemoTrigger) => request<SignalAnswer>('POST', '/api/desktop-event', { trigger }),
};

/** Sends signals one after another, in the order the agent moved, as a desktop relay must. */
export function createRelayQueue(send: (trigger: DemoTrigger) => Promise<void>): (trigger: DemoTrigger) => Promise<void> {
  let tail: Promise<void> = Promise.resolve();
  return (trigger) => {
    const next = tail.then(() => send(trigger));
    tail = next.catch(() => undefined);
    return next;
  };
}
