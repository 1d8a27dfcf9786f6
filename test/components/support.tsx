/**
 * Test support for the Flex plugin: a fake Flex manager (Manager.getInstance() does not exist
 * under jest), voice tasks, the Recording Controls API served over HTTP by msw, and (fakeSync.ts)
 * Flex's Sync client.
 */
import * as React from 'react';
import { render } from '@testing-library/react';
import * as Flex from '@twilio/flex-ui';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { Hold, PauseInterval } from '../../src/core/holds';
import type { CallStatus, ManagerLike, TaskLike } from '../../src/flex/types';
import { setRuntime } from '../../src/flex/runtime';
import { createPluginRuntime } from '../../src/flex/pluginRuntime';
import RecordingControlsPlugin from '../../src/RecordingControlsPlugin';

export const BASE_URL = 'https://rc.example.test';
export const TOKEN = 'flex-token-alice';
export const CALL_SID = 'CA' + '1'.repeat(32);
export const TASK_SID = 'WT' + '1'.repeat(32);

export interface FakeManagerOptions {
  identity?: string;
  roles?: string[];
  config?: unknown;
  tasks?: TaskLike[];
  selectedTaskSid?: string;
  supervisorWorkers?: Array<{ worker: { fullName: string; name: string }; tasks: TaskLike[] }>;
  insightsClient?: ManagerLike['insightsClient'];
}

export type FakeManager = ManagerLike & { setFlexState(patch: Record<string, unknown>): void };

export function fakeManager({
  identity = 'alice',
  roles = ['agent'],
  config = { serverlessBaseUrl: BASE_URL },
  tasks = [],
  selectedTaskSid,
  supervisorWorkers = [],
  insightsClient,
}: FakeManagerOptions = {}): FakeManager {
  let flex: Record<string, any> = {
    session: { ssoTokenPayload: { token: TOKEN, identity, roles } },
    worker: {
      attributes: { contact_uri: `client:${identity}`, roles },
      worker: { fullName: identity, name: identity },
      tasks: new Map(tasks.map((task) => [task.sid ?? task.taskSid, task])),
    },
    view: { selectedTaskSid },
    supervisor: { workers: supervisorWorkers },
  };
  const listeners = new Set<() => void>();
  return {
    strings: { TaskHeaderLine: 'Flex string kept' },
    serviceConfiguration: { ui_attributes: { recordingControls: config } },
    user: { identity, token: TOKEN, roles },
    localization: { localeTag: 'en-US' },
    insightsClient,
    store: {
      getState: () => ({ flex }),
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    setFlexState(patch) {
      flex = { ...flex, ...patch };
      listeners.forEach((listener) => listener());
    },
  };
}

export function voiceTask(overrides: Partial<TaskLike> = {}): TaskLike {
  return {
    sid: 'WR' + '1'.repeat(32),
    taskSid: TASK_SID,
    status: 'accepted',
    taskStatus: 'assigned',
    taskChannelUniqueName: 'voice',
    attributes: { call_sid: CALL_SID, from: '+15550100' },
    dateCreated: new Date(Date.now() - 60_000),
    ...overrides,
  };
}

export const desktopHold = (overrides: Partial<Hold> = {}): Hold => ({
  id: 'card-number',
  source: 'desktop',
  trigger: 'card-number.focus',
  openedAt: new Date().toISOString(),
  resumeAt: null,
  ...overrides,
});

export const manualHold = (by: string, overrides: Partial<Hold> = {}): Hold => ({
  id: `manual:${by}`,
  source: 'manual',
  openedAt: new Date().toISOString(),
  resumeAt: null,
  by,
  ...overrides,
});

export function callStatus(holds: Hold[] = [], overrides: Partial<CallStatus> = {}): CallStatus {
  const intervals: PauseInterval[] =
    holds.length > 0 ? [{ from: holds[0].openedAt, to: null, holdIds: holds.map((hold) => hold.id), sources: holds.map((hold) => hold.source), by: [] }] : [];
  return {
    callSid: CALL_SID,
    recording: holds.length > 0 ? 'paused' : 'in-progress',
    holds,
    recordings: [{ sid: 'RE' + '1'.repeat(32), kind: 'conference', status: holds.length > 0 ? 'paused' : 'in-progress' }],
    intervals,
    ...overrides,
  };
}

export interface ApiRequest {
  verb: string;
  fields: Record<string, string>;
}

type Answer = { status: number; body: unknown } | Promise<{ status: number; body: unknown }>;

/**
 * A fake Recording Controls API. `state` is what `status` answers; `on[verb]` overrides a
 * verb's answer (by default pause/resume answer the current state).
 */
export interface FakeApi {
  state: CallStatus;
  requests: ApiRequest[];
  /** Every Sync token `/sync-token` gave out, in order (`on['sync-token']` overrides the answer). */
  syncTokens: string[];
  /** Every `/automation-health` report, in order. */
  automationReports: Array<Record<string, string>>;
  on: Record<string, (fields: Record<string, string>) => Answer>;
  count(verb: string): number;
  last(verb: string): ApiRequest | undefined;
  server: ReturnType<typeof setupServer>;
}

export function fakeApi(): FakeApi {
  const api: FakeApi = {
    state: callStatus(),
    requests: [],
    syncTokens: [],
    automationReports: [],
    on: {},
    count: (verb) => api.requests.filter((request) => request.verb === verb).length,
    last: (verb) => [...api.requests].reverse().find((request) => request.verb === verb),
    server: setupServer(
      http.post(`${BASE_URL}/sync-token`, async ({ request }) => {
        const fields = Object.fromEntries(new URLSearchParams(await request.text()));
        if (fields.Token !== TOKEN) return HttpResponse.json({ error: { code: 'unauthenticated', message: 'bad token' } }, { status: 401 });
        const handler = api.on['sync-token'];
        if (handler) {
          const answer = await handler(fields);
          return HttpResponse.json(answer.body as any, { status: answer.status });
        }
        const token = `sync-token-${api.syncTokens.length + 1}`;
        api.syncTokens.push(token);
        return HttpResponse.json({ token, identity: 'alice', serviceSid: 'IS' + '5'.repeat(32), ttl: 3600 });
      }),
      http.post(`${BASE_URL}/automation-health`, async ({ request }) => {
        const fields = Object.fromEntries(new URLSearchParams(await request.text()));
        api.automationReports.push(fields);
        return HttpResponse.json({ problems: fields.problems ? fields.problems.split(',') : [] });
      }),
      http.post(`${BASE_URL}/recording-controls/:verb`, async ({ request, params }) => {
        const fields = Object.fromEntries(new URLSearchParams(await request.text()));
        const verb = String(params.verb);
        api.requests.push({ verb, fields });
        if (fields.Token !== TOKEN) return HttpResponse.json({ error: { code: 'unauthenticated', message: 'bad token' } }, { status: 401 });
        const handler = api.on[verb];
        if (handler) {
          const answer = await handler(fields);
          return HttpResponse.json(answer.body as any, { status: answer.status });
        }
        return HttpResponse.json(api.state as any);
      }),
    ),
  };
  return api;
}

/** A promise with its resolve function, to hold a request in flight. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Renders like Flex does: inside Flex's theme, in the task's context, with Flex's notification bar. */
export function renderInFlex(ui: React.ReactElement, task?: TaskLike) {
  const Theme = Flex.StorelessThemeProvider;
  const inFlex = (shown?: TaskLike) => (
    <Theme themeConf={{}}>
      <Flex.TaskContext.Provider value={{ task: shown as any }}>
        <Flex.NotificationBar />
        {ui}
      </Flex.TaskContext.Provider>
    </Theme>
  );
  const rendered = render(inFlex(task));
  /** The same components with the task as Flex now has it (wrapping up, say). */
  return { ...rendered, showTask: (shown?: TaskLike) => rendered.rerender(inFlex(shown)) };
}

/**
 * Starts the fake API and the plugin once for a test file, and gives each test a fresh live
 * state (as after a browser refresh) and a clean slate: no requests, handlers or notifications.
 */
export function usePluginInFlex(api: FakeApi, manager: FakeManager): void {
  beforeAll(() => {
    api.server.listen({ onUnhandledRequest: 'error' });
    RecordingControlsPlugin.setup(Flex, manager);
  });
  beforeEach(() => setRuntime(createPluginRuntime(manager)));
  afterEach(() => {
    api.server.resetHandlers();
    api.requests.length = 0;
    api.syncTokens.length = 0;
    api.automationReports.length = 0;
    api.on = {};
    api.state = callStatus();
    Flex.Notifications.dismissAll();
    jest.useRealTimers();
  });
  afterAll(() => api.server.close());
}
