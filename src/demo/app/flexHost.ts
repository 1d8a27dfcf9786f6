/**
 * Hosts the plugin on the demo page without a Flex account. The components, actions,
 * notifications and Flex UI (@twilio/flex-ui 2.17, bundled) are the real ones; what Flex would
 * normally provide around them is replaced by the smallest stand-in that fits:
 *
 * - the Manager: Flex's `Manager.create` logs in to Twilio, so a plain object with the slice
 *   the plugin reads (`ManagerLike`): the worker's identity and Flex token, the selected voice
 *   task, `ui_attributes.recordingControls`, strings, and `insightsClient`, Flex's Sync client —
 *   here one over the stand-in's push channel (`standinSync.ts`). As in Flex, the plugin makes
 *   its own client of the same class with a token from `/sync-token`, on the product's Sync
 *   service, and follows the call's document through it instead of polling.
 * - two start-up steps of the Manager: compiling Flex's string templates (Flex's own UI uses
 *   them) and turning on Flex's keyboard shortcuts — without Flex's default ones, which act on
 *   parts of Flex not on this page — so the plugin's Ctrl+Shift+P works as in Flex.
 *
 * The plugin is then set up exactly as its `init` does (`RecordingControlsPlugin.setup`).
 */
import * as Flex from '@twilio/flex-ui';
import type { ManagerLike, TaskLike } from '../../flex/types';
import RecordingControlsPlugin from '../../RecordingControlsPlugin';
import type { DemoCall } from '../calls';
import { standinSyncClientFor } from './standinSync';

export const HOLD_LABELS = { 'card-number': 'Card number', cvv: 'CVV' };

export type DemoManager = ManagerLike & { showCall(call: DemoCall | null): void };

/** The call as the Flex task the agent has accepted (and selected), or in wrap-up once it ended. */
export function taskOf(call: DemoCall): TaskLike {
  const ended = !!call.endedAt;
  return {
    sid: call.taskSid,
    taskSid: call.taskSid,
    status: ended ? 'wrapping' : 'accepted',
    taskStatus: ended ? 'wrapping' : 'assigned',
    taskChannelUniqueName: 'voice',
    channelType: 'voice',
    attributes: call.attributes,
    dateCreated: new Date(call.startedAt),
    defaultFrom: typeof call.attributes.from === 'string' ? call.attributes.from : undefined,
  };
}

function compileFlexTemplates(): void {
  const defaults = (Flex as unknown as { languages: { default: Record<string, string> } }).languages.default;
  const templates = Flex.templates as unknown as Record<string, (context?: Record<string, unknown>) => string>;
  for (const [key, source] of Object.entries(defaults)) {
    templates[key] ??= (context = {}) => String(source).replace(/{{\s*(\w+)\s*}}/g, (_, name: string) => String(context[name] ?? ''));
  }
}

export interface DemoHostOptions {
  agent: string;
  functionsUrl: string;
  /** The stand-in's origin, for the Sync push channel; without it the plugin has no Sync client (and polls). */
  syncUrl?: string;
  /** A user without a call of their own (the supervisor): their roles and Flex token. Default: the agent, with the call's token. */
  user?: { roles: string[]; token: string };
}

export function createDemoManager(options: DemoHostOptions): DemoManager {
  const listeners = new Set<() => void>();
  let call: DemoCall | null = null;
  const roles = options.user?.roles ?? ['agent'];
  const token = () => options.user?.token ?? call?.token;
  const flexState = () => {
    const task = call ? taskOf(call) : undefined;
    return {
      session: { ssoTokenPayload: { token: token(), identity: options.agent, roles } },
      worker: {
        attributes: { contact_uri: `client:${options.agent}`, roles },
        worker: { fullName: 'Demo Agent', name: options.agent },
        tasks: new Map(task ? [[task.sid, task]] : []),
      },
      view: { selectedTaskSid: task?.sid },
    };
  };
  let state = { flex: flexState() };

  return {
    strings: {},
    serviceConfiguration: {
      ui_attributes: {
        recordingControls: { serverlessBaseUrl: options.functionsUrl, indicator: { showTimeline: true, labels: HOLD_LABELS } },
      },
    },
    get user() {
      return { identity: options.agent, token: token(), roles };
    },
    localization: { localeTag: 'en-US' },
    insightsClient: options.syncUrl ? new (standinSyncClientFor(options.syncUrl))() : undefined,
    store: {
      getState: () => state,
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    showCall(next) {
      call = next;
      state = { flex: flexState() };
      listeners.forEach((listener) => listener());
    },
  };
}

/** The Manager's start-up steps, the manager, then the plugin's own setup, as Flex would run it. */
export function startPlugin(options: DemoHostOptions): DemoManager {
  compileFlexTemplates();
  Flex.KeyboardShortcutManager.init({});
  const manager = createDemoManager(options);
  RecordingControlsPlugin.setup(Flex, manager);
  return manager;
}
